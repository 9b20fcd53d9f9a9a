/** The reply and text of get-ospf-interface-information and get-ospf3-interface-information (./ospf-parts.ts). */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { ospfInterfaces, ospfQuery, type OspfProto } from './ospf-parts.js';
import { el, junosNs } from './protocol-parts.js';
import type { CliArg, RpcHandler, RpcModule } from './types.js';

function handlerFor(proto: OspfProto): RpcHandler {
  return ({ device, op }) => {
    const { m, list } = ospfInterfaces(device, proto);
    const q = ospfQuery(op, 'interface-name');
    const tag = proto === 'ospf' ? 'ospf' : 'ospf3';
    const out = [`<${tag}-interface-information xmlns="${junosNs(device, 'junos-routing')}">`];
    for (const i of list.filter(q.keep)) {
      out.push(`<${tag}-interface>`, el('interface-name', i.name), el('ospf-interface-state', i.state), el('ospf-area', i.area), el('dr-id', i.dr), el('bdr-id', i.bdr), el('neighbor-count', i.neighbour ? 1 : 0));
      if (q.level !== 'brief') {
        const unit = m.logicalUnit(i.name);
        const ifl = unit?.families.find((f) => f.name === (proto === 'ospf' ? 'inet' : 'inet6'));
        const [addr, len] = (ifl?.addresses[0] ?? '/').split('/');
        if (i.passive) out.push(el('passive', 'Passive'));
        out.push(el('interface-type', i.name.startsWith('lo0') ? 'LAN' : 'LAN'));
        if (proto === 'ospf' && addr) out.push(el('interface-address', addr), el('address-mask', maskOf(Number(len))));
        out.push(el('mtu', ifl?.mtu ?? 1500), el('interface-cost', i.name.startsWith('lo0') ? 0 : 1));
        if (proto === 'ospf') out.push(el('dr-address', i.drAddress), el('bdr-address', i.bdrAddress));
        out.push(el('router-priority', 128), el('hello-interval', 10), el('dead-interval', 40), el('retransmit-interval', 5));
      }
      out.push(`</${tag}-interface>`);
    }
    out.push(`</${tag}-interface-information>`);
    return out.join('\n');
  };
}

function maskOf(len: number): string {
  const v = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return [24, 16, 8, 0].map((s) => (v >>> s) & 255).join('.');
}

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines = ['Interface           State   Area            DR ID           BDR ID          Nbrs'];
  for (const i of elements(info)) {
    lines.push(`${pad(t(i, 'interface-name'), 20)}${pad(t(i, 'ospf-interface-state'), 8)}${pad(t(i, 'ospf-area'), 16)}${pad(t(i, 'dr-id'), 16)}${pad(t(i, 'bdr-id'), 16)}${t(i, 'neighbor-count').padStart(4)}`);
    if (t(i, 'interface-type')) {
      lines.push(`  Type: ${t(i, 'interface-type')}, ${t(i, 'interface-address') ? `Address: ${t(i, 'interface-address')}, Mask: ${t(i, 'address-mask')}, ` : ''}MTU: ${t(i, 'mtu')}, Cost: ${t(i, 'interface-cost')}`);
      if (t(i, 'dr-address')) lines.push(`  DR addr: ${t(i, 'dr-address')}, BDR addr: ${t(i, 'bdr-address')}, Priority: ${t(i, 'router-priority')}`);
      lines.push(`  Hello: ${t(i, 'hello-interval')}, Dead: ${t(i, 'dead-interval')}, ReXmit: ${t(i, 'retransmit-interval')}, ${t(i, 'passive') ? 'Passive' : 'Not Stub'}`);
    }
  }
  return lines.join('\n');
}

const args: CliArg[] = [{ flag: 'brief' }, { flag: 'detail' }, { flag: 'extensive' }, { keyword: 'instance' }, { keyword: 'area' }, { positional: 'interface-name', match: /^[a-z]/ }];

/** The module of `show ospf interface` (ospf) or `show ospf3 interface` (ospf3). */
export function ospfInterfaceModule(proto: OspfProto): RpcModule {
  return { name: `get-${proto}-interface-information`, handler: handlerFor(proto), cli: [{ words: `show ${proto} interface`, args }], text };
}
