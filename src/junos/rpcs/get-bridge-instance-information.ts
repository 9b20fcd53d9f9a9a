/**
 * get-bridge-instance-information (`show bridge domain [NAME]`, MX): the configured bridge
 * domains of the default switch and of virtual-switch instances, with their VLAN and
 * interfaces. NAPALM's get_vlans reads it on MX.
 */
import { elements, textOf, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { committedConfig, el, junosNs, nameOf, walk } from './reply-parts.js';
import { param } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, op, config }) => {
  const cfg = committedConfig(config);
  const wanted = param(op, 'bridge-domain-name');
  const out = [`<l2ald-bridge-instance-information xmlns="${junosNs(device, 'junos-l2al')}" junos:style="brief">`];
  const domains: { instance: string; bd: XmlElement }[] = [
    ...walk(cfg, 'bridge-domains', 'domain').map((bd) => ({ instance: 'default-switch', bd })),
    ...walk(cfg, 'routing-instances', 'instance').flatMap((ri) => walk(ri, 'bridge-domains', 'domain').map((bd) => ({ instance: nameOf(ri), bd }))),
  ];
  for (const { instance, bd } of domains) {
    const name = nameOf(bd);
    if (wanted && wanted !== name) continue;
    out.push('<l2ald-bridge-instance-group>', el('l2rtb-brief-summary', ''), el('l2rtb-name', instance), el('l2rtb-bridging-domain', name), el('l2rtb-bridge-vlan', t(bd, 'vlan-id') || 'NA'));
    for (const i of walk(bd, 'interface')) out.push(el('l2rtb-interface-name', nameOf(i)));
    out.push('</l2ald-bridge-instance-group>');
  }
  out.push('</l2ald-bridge-instance-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines = ['', 'Routing instance        Bridge domain            VLAN ID     Interfaces'];
  for (const g of elements(info).filter((e) => e.name === 'l2ald-bridge-instance-group')) {
    const ifs = elements(g).filter((e) => e.name === 'l2rtb-interface-name').map((e) => textOf(e).trim());
    lines.push(`${pad(t(g, 'l2rtb-name'), 24)}${pad(t(g, 'l2rtb-bridging-domain'), 25)}${pad(t(g, 'l2rtb-bridge-vlan'), 12)}${ifs[0] ?? ''}`.trimEnd());
    for (const x of ifs.slice(1)) lines.push(`${' '.repeat(61)}${x}`);
  }
  return lines.join('\n');
}

export const getBridgeInstanceInformation: RpcModule = {
  name: 'get-bridge-instance-information',
  handler,
  cli: [{ words: 'show bridge domain', args: [{ flag: 'brief' }, { flag: 'detail' }, { flag: 'extensive' }, { positional: 'bridge-domain-name', match: /^[\w.-]+$/ }] }],
  text,
};
