/**
 * The LLDP neighbours of the operational model, shared by get-lldp-neighbors-information
 * (brief) and get-lldp-interface-neighbors (detail): one neighbour on each port with LLDP
 * configured (`protocols lldp interface all|X`) whose link is up, its chassis, port and
 * system name stable per device and port.
 */
import { el, hash32, modelOf, peerChassisMac, peerPort, peerSystemName } from './protocol-parts.js';
import type { DeviceView } from './types.js';

export interface LldpNeighbour {
  local: string;
  index: number;
  chassis: string;
  port: string;
  system: string;
  mgmt: string;
}

export function lldpNeighbours(device: DeviceView): LldpNeighbour[] {
  const { m, seed } = modelOf(device);
  return m
    .lldpInterfaces()
    .map((name) => m.interface(name))
    .filter((i) => i !== undefined && i.oper === 'up')
    .map((i, k) => {
      const h = hash32(seed, 'lldp-mgmt', i!.name);
      return { local: i!.name, index: k + 1, chassis: peerChassisMac(seed, i!.name), port: peerPort(seed, i!.name), system: peerSystemName(seed, i!.name), mgmt: `10.0.${(h >>> 8) % 256}.${(h % 254) + 1}` };
    });
}

/** One `<lldp-neighbor-information>` in the brief form. */
export function briefEntry(n: LldpNeighbour): string[] {
  return [
    '<lldp-neighbor-information>',
    el('lldp-local-port-id', n.local),
    el('lldp-local-parent-interface-name', '-'),
    el('lldp-remote-chassis-id-subtype', 'Mac address'),
    el('lldp-remote-chassis-id', n.chassis),
    el('lldp-remote-port-id-subtype', 'Interface name'),
    el('lldp-remote-port-id', n.port),
    el('lldp-remote-system-name', n.system),
    '</lldp-neighbor-information>',
  ];
}
