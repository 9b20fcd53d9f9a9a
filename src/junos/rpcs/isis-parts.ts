/**
 * IS-IS as the operational model implies it (level 2), shared by the IS-IS RPC modules:
 * the configured interfaces (`all` expanded to the units with family iso), and on each
 * non-loopback unit with family iso and a neighbour of the model an Up adjacency to that
 * neighbour since the last commit.
 */
import type { OperModel } from '../oper/model.js';
import { modelOf, neighbourOn, peerRouterId, peerSystemName } from './protocol-parts.js';
import type { DeviceView } from './types.js';

export interface IsisIf {
  name: string;
  passive: boolean;
  up: boolean;
  adjacency?: { system: string; address: string; snpa: string; routerId: string };
}

const MGMT = /^(fxp|em|me|vme)\d/;

/** `00:05:86:0a:1b:2c` as IS-IS writes a SNPA: `0:5:86:a:1b:2c`. */
const snpa = (mac: string) => mac.split(':').map((x) => x.replace(/^0(?=.)/, '')).join(':');

export function isisInterfaces(device: DeviceView): { m: OperModel; list: IsisIf[] } {
  const { m, seed } = modelOf(device);
  const names = new Set<string>();
  for (const n of m.isisInterfaces()) {
    if (n !== 'all') {
      names.add(n.includes('.') ? n : `${n}.0`);
      continue;
    }
    for (const u of m.logicalUnits()) if (u.families.some((f) => f.name === 'iso') && !MGMT.test(u.ifd) && !u.instance) names.add(u.name);
  }
  const list = [...names].map((name): IsisIf => {
    const unit = m.logicalUnit(name);
    const up = unit !== undefined && unit.oper === 'up' && unit.families.some((f) => f.name === 'iso');
    const passive = name.startsWith('lo0');
    const n = up && !passive ? neighbourOn(m, name) : undefined;
    return { name, passive, up, ...(n ? { adjacency: { system: peerSystemName(seed, name.split('.')[0]), address: n.address, snpa: snpa(n.mac), routerId: peerRouterId(seed, n.address) } } : {}) };
  });
  return { m, list };
}
