/** get-lldp-neighbors-information (`show lldp neighbors`): the LLDP neighbours of ./lldp-parts.ts, brief. */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { briefEntry, lldpNeighbours } from './lldp-parts.js';
import type { RpcModule } from './types.js';

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines = ['Local Interface    Parent Interface    Chassis Id          Port info          System Name'];
  for (const e of elements(info).filter((c) => c.name === 'lldp-neighbor-information')) {
    lines.push(`${pad(t(e, 'lldp-local-port-id') || t(e, 'lldp-local-interface'), 19)}${pad(t(e, 'lldp-local-parent-interface-name'), 20)}${pad(t(e, 'lldp-remote-chassis-id'), 20)}${pad(t(e, 'lldp-remote-port-id') || t(e, 'lldp-remote-port-description'), 19)}${t(e, 'lldp-remote-system-name')}`);
  }
  return lines.join('\n');
}

export const getLldpNeighborsInformation: RpcModule = {
  name: 'get-lldp-neighbors-information',
  handler: ({ device }) => ['<lldp-neighbors-information junos:style="brief">', ...lldpNeighbours(device).flatMap(briefEntry), '</lldp-neighbors-information>'].join('\n'),
  cli: [{ words: 'show lldp neighbors' }],
  text,
};
