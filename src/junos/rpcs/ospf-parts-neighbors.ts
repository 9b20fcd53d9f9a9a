/** The reply and text of get-ospf-neighbor-information and get-ospf3-neighbor-information (./ospf-parts.ts). */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { ospfInterfaces, ospfQuery, type OspfProto } from './ospf-parts.js';
import { countdown, el, junosNs, param, since, upTime } from './protocol-parts.js';
import type { CliArg, RpcHandler, RpcModule } from './types.js';

function handlerFor(proto: OspfProto): RpcHandler {
  return ({ device, op }) => {
    const { m, list } = ospfInterfaces(device, proto);
    const q = ospfQuery(op, 'interface');
    const nbrFilter = param(op, 'neighbor');
    const tag = proto === 'ospf' ? 'ospf' : 'ospf3';
    const out = [`<${tag}-neighbor-information xmlns="${junosNs(device, 'junos-routing')}">`];
    const up = since(device, m.commitTime);
    for (const i of list.filter((x) => x.neighbour && q.keep(x))) {
      const n = i.neighbour!;
      if (nbrFilter && nbrFilter !== n.address && nbrFilter !== n.id) continue;
      out.push(`<${tag}-neighbor>`);
      if (proto === 'ospf') out.push(el('neighbor-address', n.address), el('interface-name', i.name), el('ospf-neighbor-state', 'Full'), el('neighbor-id', n.id));
      else out.push(el('neighbor-id', n.id), el('interface-name', i.name), el('ospf-neighbor-state', 'Full'));
      out.push(el('neighbor-priority', n.priority), el('activity-timer', countdown(device, 40, 30, `${i.name}/${n.id}`)));
      if (proto === 'ospf3') out.push(el('neighbor-address', n.address));
      if (q.level !== 'brief') {
        out.push(el('ospf-area', i.area), el('options', proto === 'ospf' ? '0x52' : '0x13'));
        if (proto === 'ospf') out.push(el('dr-address', i.drAddress), el('bdr-address', i.bdrAddress));
        else out.push(el('dr-id', i.dr), el('bdr-id', i.bdr));
        out.push(`<neighbor-up-time junos:seconds="${up}">${upTime(up)}</neighbor-up-time>`, `<neighbor-adjacency-time junos:seconds="${up}">${upTime(up)}</neighbor-adjacency-time>`);
      }
      out.push(`</${tag}-neighbor>`);
    }
    out.push(`</${tag}-neighbor-information>`);
    return out.join('\n');
  };
}

function textFor(proto: OspfProto) {
  return (reply: XmlElement): string => {
    const info = elements(reply)[0];
    const lines = [proto === 'ospf' ? 'Address          Interface              State           ID               Pri  Dead' : 'ID               Interface              State     Pri   Dead'];
    for (const n of elements(info)) {
      if (proto === 'ospf') lines.push(`${pad(t(n, 'neighbor-address'), 17)}${pad(t(n, 'interface-name'), 23)}${pad(t(n, 'ospf-neighbor-state'), 16)}${pad(t(n, 'neighbor-id'), 17)}${t(n, 'neighbor-priority').padStart(3)}${t(n, 'activity-timer').padStart(6)}`);
      else lines.push(`${pad(t(n, 'neighbor-id'), 17)}${pad(t(n, 'interface-name'), 23)}${pad(t(n, 'ospf-neighbor-state'), 10)}${t(n, 'neighbor-priority').padStart(3)}${t(n, 'activity-timer').padStart(7)}`, `  Neighbor-address ${t(n, 'neighbor-address')}`);
      if (t(n, 'ospf-area')) {
        const dr = proto === 'ospf' ? `DR ${t(n, 'dr-address')}, BDR ${t(n, 'bdr-address')}` : `DR-ID ${t(n, 'dr-id')}, BDR-ID ${t(n, 'bdr-id')}`;
        lines.push(`  Area ${t(n, 'ospf-area')}, opt ${t(n, 'options')}, ${dr}`, `  Up ${t(n, 'neighbor-up-time')}, adjacent ${t(n, 'neighbor-adjacency-time')}`);
      }
    }
    return lines.join('\n');
  };
}

const levels: CliArg[] = [{ flag: 'brief' }, { flag: 'detail' }, { flag: 'extensive' }, { keyword: 'instance' }, { keyword: 'area' }, { keyword: 'interface' }];

/** The module of `show ospf neighbor` (ospf) or `show ospf3 neighbor` (ospf3). */
export function ospfNeighborModule(proto: OspfProto): RpcModule {
  return {
    name: `get-${proto}-neighbor-information`,
    handler: handlerFor(proto),
    cli: [{ words: `show ${proto} neighbor`, args: [...levels, { positional: 'neighbor', match: /^[0-9.]+$/ }] }],
    text: textFor(proto),
  };
}
