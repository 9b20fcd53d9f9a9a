/**
 * get-lldp-interface-neighbors (`show lldp neighbors interface X`): the detail of the
 * LLDP neighbour on one port (./lldp-parts.ts); none when LLDP does not run there.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import { lldpNeighbours } from './lldp-parts.js';
import { countdown, el, param } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, op }) => {
  const wanted = param(op, 'interface-device');
  const out = ['<lldp-neighbors-information junos:style="detail">'];
  for (const n of lldpNeighbours(device).filter((x) => !wanted || x.local === wanted)) {
    const age = countdown(device, 30, 0, n.local);
    out.push(
      '<lldp-neighbor-information>',
      el('lldp-index', n.index),
      el('lldp-ttl', 120),
      el('lldp-timemark', new Date(device.now() - age * 1000).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1 $3 $2 $5 $4')),
      el('lldp-age', age),
      el('lldp-local-interface', n.local),
      el('lldp-local-parent-interface-name', '-'),
      el('lldp-local-port-id', 500 + n.index),
      el('lldp-local-port-ageout-count', 0),
      el('lldp-remote-chassis-id-subtype', 'Mac address'),
      el('lldp-remote-chassis-id', n.chassis),
      el('lldp-remote-port-id-subtype', 'Interface name'),
      el('lldp-remote-port-id', n.port),
      el('lldp-remote-port-description', n.port),
      el('lldp-remote-system-name', n.system),
      '<lldp-system-description>',
      el('lldp-remote-system-description', `Juniper Networks, Inc. ${device.profile.hardwareModel} internet router, kernel JUNOS ${device.profile.release}`),
      '</lldp-system-description>',
      el('lldp-remote-system-capabilities-supported', 'Bridge Router'),
      el('lldp-remote-system-capabilities-enabled', 'Bridge Router'),
      el('lldp-remote-management-address-type', 'IPv4'),
      el('lldp-remote-management-address', n.mgmt),
      el('lldp-remote-management-address-port-id', 1),
      el('lldp-remote-management-address-sub-type', 1),
      el('lldp-remote-management-address-interface-subtype', 'ifIndex(2)'),
      '</lldp-neighbor-information>',
    );
  }
  out.push('</lldp-neighbors-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines: string[] = [];
  for (const e of elements(info).filter((c) => c.name === 'lldp-neighbor-information')) {
    const sys = elements(e).find((c) => c.name === 'lldp-system-description');
    lines.push(
      'LLDP Neighbor Information:',
      'Local Information:',
      `Index: ${t(e, 'lldp-index')} Time to live: ${t(e, 'lldp-ttl')} Time mark: ${t(e, 'lldp-timemark')} Age: ${t(e, 'lldp-age')} secs`,
      `Local Interface    : ${t(e, 'lldp-local-interface')}`,
      `Parent Interface   : ${t(e, 'lldp-local-parent-interface-name')}`,
      `Local Port ID      : ${t(e, 'lldp-local-port-id')}`,
      `Ageout Count       : ${t(e, 'lldp-local-port-ageout-count')}`,
      '',
      'Neighbour Information:',
      `Chassis type       : ${t(e, 'lldp-remote-chassis-id-subtype')}`,
      `Chassis ID         : ${t(e, 'lldp-remote-chassis-id')}`,
      `Port type          : ${t(e, 'lldp-remote-port-id-subtype')}`,
      `Port ID            : ${t(e, 'lldp-remote-port-id')}`,
      `Port description   : ${t(e, 'lldp-remote-port-description')}`,
      `System name        : ${t(e, 'lldp-remote-system-name')}`,
      '',
      `System Description : ${t(sys, 'lldp-remote-system-description')}`,
      '',
      'System capabilities',
      `        Supported: ${t(e, 'lldp-remote-system-capabilities-supported')}`,
      `        Enabled  : ${t(e, 'lldp-remote-system-capabilities-enabled')}`,
      '',
      'Management Info',
      `        Type              : ${t(e, 'lldp-remote-management-address-type')}`,
      `        Address           : ${t(e, 'lldp-remote-management-address')}`,
      `        Port ID           : ${t(e, 'lldp-remote-management-address-port-id')}`,
      `        Subtype           : ${t(e, 'lldp-remote-management-address-sub-type')}`,
      `        Interface Subtype : ${t(e, 'lldp-remote-management-address-interface-subtype')}`,
      '',
    );
  }
  return lines.join('\n');
}

export const getLldpInterfaceNeighbors: RpcModule = {
  name: 'get-lldp-interface-neighbors',
  handler,
  cli: [{ words: 'show lldp neighbors interface', args: [{ positional: 'interface-device', required: true }] }],
  text,
};
