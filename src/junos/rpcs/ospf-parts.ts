/**
 * OSPF and OSPFv3 as the operational model implies them, shared by the four OSPF RPC
 * modules: the configured area interfaces (`all` expanded to the instance's units of the
 * family), and on each non-passive one with a neighbour of the model (IPv4 for OSPF, a
 * unit with family inet6 for OSPFv3) a Full adjacency since the last commit. The DR is
 * the router with the higher router id.
 */
import type { OperModel } from '../oper/model.js';
import { hasFlag, linkLocal, modelOf, neighbourOn, param, peerRouterId } from './protocol-parts.js';
import type { DeviceView } from './types.js';
import type { XmlElement } from '../../netconf/xml.js';

export type OspfProto = 'ospf' | 'ospf3';

export interface OspfIf {
  name: string;
  area: string;
  passive: boolean;
  instance?: string;
  /** Our address on it (IPv4 for OSPF), if any. */
  address?: string;
  neighbour?: { id: string; address: string; priority: number };
  state: 'DR' | 'BDR' | 'DRother' | 'Down';
  dr: string;
  bdr: string;
  drAddress: string;
  bdrAddress: string;
}

const MGMT = /^(fxp|em|me|vme)\d/;
const num = (ip: string) => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);

export function ospfInterfaces(device: DeviceView, proto: OspfProto): { m: OperModel; routerId: string; list: OspfIf[] } {
  const { m, seed } = modelOf(device);
  const family = proto === 'ospf' ? 'inet' : 'inet6';
  const routerId = m.routerId() ?? '0.0.0.0';
  const list: OspfIf[] = [];
  const seen = new Set<string>();
  for (const oi of m.ospfInterfaces(proto)) {
    const names =
      oi.interface === 'all'
        ? m.logicalUnits().filter((u) => (u.instance ?? undefined) === oi.instance && u.families.some((f) => f.name === family) && !MGMT.test(u.ifd)).map((u) => u.name)
        : [oi.interface];
    for (const name of names) {
      const key = `${oi.instance ?? ''}/${name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const unit = m.logicalUnit(name);
      const up = unit !== undefined && unit.oper === 'up' && unit.families.some((f) => f.name === family);
      const address = unit?.families.find((f) => f.name === 'inet')?.addresses[0]?.split('/')[0];
      const n = up && !oi.passive && unit.ifd !== 'lo0' && !m.ospfDown(name) ? neighbourOn(m, name, proto === 'ospf' ? 'inet' : undefined) : undefined;
      const nbr = n ? { id: peerRouterId(seed, n.address), address: proto === 'ospf' ? n.address : linkLocal(n.mac), priority: 128 } : undefined;
      let state: OspfIf['state'] = up ? 'DR' : 'Down';
      let dr = up ? routerId : '0.0.0.0';
      let bdr = '0.0.0.0';
      let drAddress = address ?? '0.0.0.0';
      let bdrAddress = '0.0.0.0';
      if (nbr) {
        const weAreDr = num(routerId) > num(nbr.id);
        state = weAreDr ? 'DR' : 'BDR';
        dr = weAreDr ? routerId : nbr.id;
        bdr = weAreDr ? nbr.id : routerId;
        drAddress = weAreDr ? (address ?? '') : nbr.address;
        bdrAddress = weAreDr ? nbr.address : (address ?? '');
      }
      list.push({ name, area: oi.area, passive: oi.passive, ...(oi.instance ? { instance: oi.instance } : {}), ...(address ? { address } : {}), ...(nbr ? { neighbour: nbr } : {}), state, dr, bdr, drAddress, bdrAddress });
    }
  }
  return { m, routerId, list };
}

/** The OSPF RPCs' common selectors: instance, area, interface, and the level. */
export function ospfQuery(op: XmlElement, ifParam: 'interface' | 'interface-name') {
  const level = hasFlag(op, 'extensive') ? 'extensive' : hasFlag(op, 'detail') ? 'detail' : 'brief';
  const instance = param(op, 'instance');
  const area = param(op, 'area');
  const iface = param(op, ifParam);
  return {
    level,
    keep: (i: OspfIf) => (!instance || (i.instance ?? 'master') === instance) && (!area || i.area === area) && (!iface || i.name === iface || i.name === `${iface}.0`),
  } as const;
}
