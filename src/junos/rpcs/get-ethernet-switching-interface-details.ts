/**
 * get-ethernet-switching-interface-details (`show ethernet-switching interface [X]`,
 * EX/QFX with ELS): each logical interface of `family ethernet-switching` with its VLANs
 * (tagged on trunks, untagged on access ports), in the L2NG shape
 * (`l2ng-l2ald-iff-interface-information`). Only on profiles with ethernet switching.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { syntaxError } from './cli-words.js';
import { knownRpcs } from './known-rpcs.js';
import { pad, t } from './formats.js';
import { el, junosNs, modelOf, param, switchVlans } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, op, config }) => {
  // A switch answers; so does a router whose family has the RPC (MX: no VLANs there), others have no such command.
  if (!device.profile.ethernetSwitching && !knownRpcs(device.profile.family).has('get-ethernet-switching-interface-details')) throw syntaxError('get-ethernet-switching-interface-details');
  const { m } = modelOf(device);
  const name = param(op, 'interface-name');
  const vlans = switchVlans({ config });
  const ifls = [...new Set(vlans.flatMap((v) => v.members.map((x) => x.ifl)))].sort();
  const out = [`<l2ng-l2ald-iff-interface-information xmlns="${junosNs(device, 'junos-l2al')}">`];
  for (const ifl of ifls) {
    if (name && ifl !== name && ifl !== `${name}.0`) continue;
    const up = m.logicalUnit(ifl)?.oper === 'up';
    const mine = vlans.filter((v) => v.members.some((x) => x.ifl === ifl));
    const tagged = mine.some((v) => v.members.find((x) => x.ifl === ifl)?.tagged);
    out.push(
      '<l2ng-l2ald-iff-interface-entry junos:style="brief">',
      '<l2iff-interface-lr-name/>',
      el('l2iff-interface-rtt-name', 'default-switch'),
      '<l2ng-l2ald-iff-interface-entry junos:style="brief">',
      el('l2iff-interface-name', ifl),
      '<l2iff-interface-vlan-name/>',
      el('l2iff-interface-mac-limit', 65536),
      el('l2iff-interface-mac-ip-limit', 0),
      '<l2iff-interface-vlan-member-stp-state/>',
      el('l2iff-interface-flags', up ? '' : 'DN'),
      el('l2iff-interface-vlan-member-tagness', tagged ? 'tagged' : 'untagged'),
      '</l2ng-l2ald-iff-interface-entry>',
    );
    for (const v of mine) {
      const x = v.members.find((y) => y.ifl === ifl)!;
      out.push(
        '<l2ng-l2ald-iff-interface-entry junos:style="brief">',
        '<l2iff-interface-name/>',
        el('l2iff-interface-vlan-name', v.name),
        el('l2iff-interface-vlan-id', v.tag ?? 0),
        el('l2iff-interface-vlan-member-tagness', x.tagged ? 'tagged' : 'untagged'),
        el('l2iff-interface-mac-limit', 65536),
        el('l2iff-interface-mac-ip-limit', 0),
        el('l2iff-interface-vlan-member-stp-state', up ? 'Forwarding' : 'Discarding'),
        el('l2iff-interface-flags', ''),
        '</l2ng-l2ald-iff-interface-entry>',
      );
    }
    out.push('</l2ng-l2ald-iff-interface-entry>');
  }
  out.push('</l2ng-l2ald-iff-interface-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines = [
    'Routing Instance Name : default-switch',
    'Logical Interface flags (DL - disable learning, AD - packet action drop,',
    '                         LH - MAC limit hit, DN - interface down,',
    '                         MMAS - Mac-move action shutdown, AS - Autostate-exclude enabled,',
    '                         SCTL - shutdown by Storm-control, MI - MAC+IP limit hit)',
    '',
    'Logical         Vlan          TAG     MAC         MAC+IP  STP         Logical           Tagging',
    'interface       members               limit       limit   state       interface flags',
  ];
  for (const outer of elements(info)) {
    for (const e of elements(outer).filter((c) => c.name === 'l2ng-l2ald-iff-interface-entry')) {
      lines.push(`${pad(t(e, 'l2iff-interface-name'), 16)}${pad(t(e, 'l2iff-interface-vlan-name'), 14)}${pad(t(e, 'l2iff-interface-vlan-id'), 8)}${pad(t(e, 'l2iff-interface-mac-limit'), 12)}${pad(t(e, 'l2iff-interface-mac-ip-limit'), 8)}${pad(t(e, 'l2iff-interface-vlan-member-stp-state'), 12)}${pad(t(e, 'l2iff-interface-flags'), 18)}${t(e, 'l2iff-interface-vlan-member-tagness')}`.trimEnd());
    }
  }
  return lines.join('\n');
}

export const getEthernetSwitchingInterfaceDetails: RpcModule = {
  name: 'get-ethernet-switching-interface-details',
  handler,
  cli: [{ words: 'show ethernet-switching interface', args: [{ flag: 'brief' }, { flag: 'detail' }, { flag: 'extensive' }, { positional: 'interface-name', match: /^[a-z]/ }] }],
  text,
};
