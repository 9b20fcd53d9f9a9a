/**
 * get-ldp-neighbor-information (`show ldp neighbor`): one neighbour on each interface of
 * `protocols ldp interface` (or `all`) that has a neighbour on its subnet (the operational
 * model's), its label space from its router id, a hold time that counts down.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { committedConfig, nameOf, walk } from './reply-parts.js';
import { countdown, el, junosNs, modelOf, peerRouterId, unitName } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, config }) => {
  const { m, seed } = modelOf(device);
  const cfg = committedConfig(config);
  const ldp = walk(cfg, 'protocols', 'ldp');
  const names = walk(ldp[0], 'interface').map(nameOf);
  const all = names.includes('all');
  const out = [`<ldp-neighbor-information xmlns="${junosNs(device, 'junos-routing')}">`];
  if (ldp.length) {
    for (const n of m.neighbours()) {
      if (!n.address.includes('.') || n.instance) continue;
      if (!all && !names.some((x) => unitName(x) === n.interface)) continue;
      out.push('<ldp-neighbor>', el('ldp-neighbor-address', n.address), el('interface-name', n.interface), el('ldp-label-space-id', `${peerRouterId(seed, n.address)}:0`), el('ldp-remaining-time', countdown(device, 15, 10, `ldp ${n.address}`)), '</ldp-neighbor>');
    }
  }
  out.push('</ldp-neighbor-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines = ['Address                             Interface       Label space ID     Hold time'];
  for (const n of elements(info).filter((e) => e.name === 'ldp-neighbor')) {
    lines.push(`${pad(t(n, 'ldp-neighbor-address'), 36)}${pad(t(n, 'interface-name'), 16)}${pad(t(n, 'ldp-label-space-id'), 19)}${t(n, 'ldp-remaining-time').padStart(9)}`);
  }
  return lines.join('\n');
}

export const getLdpNeighborInformation: RpcModule = {
  name: 'get-ldp-neighbor-information',
  handler,
  cli: [{ words: 'show ldp neighbor', args: [{ flag: 'brief' }, { flag: 'detail' }, { flag: 'extensive' }, { keyword: 'instance' }] }],
  text,
};
