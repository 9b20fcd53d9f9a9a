/**
 * get-vlan-information (`show vlans [NAME] [brief|detail|extensive]`, EX/QFX with ELS):
 * the configured VLANs and their member interfaces (`family ethernet-switching vlan
 * members`) in the L2NG shape (`l2ng-l2ald-vlan-instance-information`); a member whose
 * link is up is marked `*`. Only on profiles with ethernet switching.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { syntaxError } from './cli-words.js';
import { knownRpcs } from './known-rpcs.js';
import { pad, t } from './formats.js';
import { el, junosNs, modelOf, param, switchVlans } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, op, config }) => {
  // A switch answers; so does a router whose family has the RPC (MX: no VLANs there), others have no such command.
  if (!device.profile.ethernetSwitching && !knownRpcs(device.profile.family).has('get-vlan-information')) throw syntaxError('get-vlan-information');
  const { m } = modelOf(device);
  const name = param(op, 'vlan-name');
  const iface = param(op, 'interface');
  const out = [`<l2ng-l2ald-vlan-instance-information xmlns="${junosNs(device, 'junos-l2al')}" junos:style="brief">`];
  for (const v of switchVlans({ config })) {
    if (name && v.name !== name) continue;
    if (iface && !v.members.some((x) => x.ifl === iface || x.ifl === `${iface}.0`)) continue;
    out.push('<l2ng-l2ald-vlan-instance-group>', '<l2ng-l2rtb-brief-summary/>', el('l2ng-l2rtb-name', 'default-switch'), el('l2ng-l2rtb-vlan-name', v.name), el('l2ng-l2rtb-vlan-tag', v.tag ?? 'NA'));
    for (const x of v.members) {
      const up = m.logicalUnit(x.ifl)?.oper === 'up';
      out.push('<l2ng-l2rtb-vlan-member>', el('l2ng-l2rtb-vlan-member-interface', `${x.ifl}${up ? '*' : ''}`), '</l2ng-l2rtb-vlan-member>');
    }
    out.push('</l2ng-l2ald-vlan-instance-group>');
  }
  out.push('</l2ng-l2ald-vlan-instance-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines = ['', 'Routing instance        VLAN name             Tag          Interfaces'];
  for (const g of elements(info).filter((e) => e.name === 'l2ng-l2ald-vlan-instance-group')) {
    lines.push(`${pad(t(g, 'l2ng-l2rtb-name'), 24)}${pad(t(g, 'l2ng-l2rtb-vlan-name'), 22)}${t(g, 'l2ng-l2rtb-vlan-tag')}`);
    for (const mb of elements(g).filter((e) => e.name === 'l2ng-l2rtb-vlan-member')) if (t(mb, 'l2ng-l2rtb-vlan-member-interface')) lines.push(`${' '.repeat(59)}${t(mb, 'l2ng-l2rtb-vlan-member-interface')}`);
  }
  return lines.join('\n');
}

export const getVlanInformation: RpcModule = {
  name: 'get-vlan-information',
  handler,
  cli: [{ words: 'show vlans', args: [{ flag: 'brief' }, { flag: 'detail' }, { flag: 'extensive' }, { keyword: 'interface' }, { positional: 'vlan-name', match: /^[\w.-]+$/ }] }],
  text,
};
