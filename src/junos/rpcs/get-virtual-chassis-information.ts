/**
 * get-virtual-chassis-information (`show virtual-chassis`): from the profile's template
 * only (a device without one lacks the command); its text as an EX/QFX prints it.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import type { RpcModule } from './types.js';

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const id = elements(info).find((e) => e.name === 'virtual-chassis-id-information');
  const lines = [
    '',
    `Virtual Chassis ID: ${t(id, 'virtual-chassis-id')}`,
    `Virtual Chassis Mode: ${t(id, 'virtual-chassis-mode')}`,
    '                                                Mstr           Mixed Route Neighbor List',
    'Member ID  Status   Serial No    Model          prio  Role      Mode  Mode ID  Interface',
  ];
  const list = elements(info).find((e) => e.name === 'member-list');
  for (const m of list ? elements(list).filter((e) => e.name === 'member') : []) {
    const nbrs = elements(m).find((e) => e.name === 'neighbor-list');
    const first = nbrs ? elements(nbrs)[0] : undefined;
    lines.push(`${pad(`${t(m, 'member-id')} ${t(m, 'fpc-slot')}`, 11)}${pad(t(m, 'member-status'), 9)}${pad(t(m, 'member-serial-number'), 13)}${pad(t(m, 'member-model'), 15)}${pad(t(m, 'member-priority'), 6)}${pad(t(m, 'member-role'), 12)}${pad(t(m, 'member-mixed-mode'), 4)}${pad(t(m, 'member-route-mode'), 4)}${first ? `${pad(t(first, 'neighbor-id'), 4)}${t(first, 'neighbor-interface')}` : ''}`.trimEnd());
  }
  return lines.join('\n');
}

export const getVirtualChassisInformation: RpcModule = {
  name: 'get-virtual-chassis-information',
  cli: [{ words: 'show virtual-chassis' }],
  text,
};
