/**
 * What the protocol RPC modules (ARP/ND, LLDP, BGP, OSPF, IS-IS, LACP, VLANs, optics)
 * share: the operational model's neighbours seen as protocol peers (a stable MAC, system
 * name and router id per neighbour), Junos's elapsed-time writings, argument readers, and
 * the committed configuration's layer-2 parts (VLAN members, LAG members) that the model
 * does not carry.
 */
import { child, textOf, type XmlElement } from '../../netconf/xml.js';
import { operModel, type Neighbour, type OperModel } from '../oper/model.js';
import { committedConfig, nameOf, walk } from './reply-parts.js';
import type { DeviceView, RpcContext } from './types.js';

export { el, junosNs } from './reply-parts.js';

import { hash32 } from '../../digest.js';

export { hash32 };

/** The trimmed text of a parameter of the operation, or undefined. */
export function param(op: XmlElement, name: string): string | undefined {
  const c = child(op, name);
  return c ? textOf(c).trim() : undefined;
}

export const hasFlag = (op: XmlElement, name: string): boolean => child(op, name) !== undefined;

/** The model, and a seed stable per device for synthesised peer facts. */
export function modelOf(device: DeviceView): { m: OperModel; seed: string } {
  return { m: operModel(device), seed: device.identity ?? device.hostname };
}

/** The neighbour on a logical interface (first IPv4, else any), if any. */
export function neighbourOn(m: OperModel, ifl: string, family?: 'inet' | 'inet6'): Neighbour | undefined {
  const all = m.neighbours().filter((n) => n.interface === ifl);
  const v4 = all.filter((n) => !n.address.includes(':'));
  const v6 = all.filter((n) => n.address.includes(':'));
  if (family === 'inet') return v4[0];
  if (family === 'inet6') return v6[0];
  return v4[0] ?? v6[0];
}

/** A neighbour's router id: an address in 10.255/16 stable per device and neighbour. */
export function peerRouterId(seed: string, address: string): string {
  const h = hash32(seed, 'router-id', address);
  return `10.255.${(h >>> 8) % 256}.${(h % 254) + 1}`;
}

/** A neighbour's system name, as LLDP and IS-IS show it. */
export function peerSystemName(seed: string, ifd: string): string {
  return `peer-${(hash32(seed, 'sysname', ifd) % 9000) + 1000}`;
}

/** A neighbour's chassis MAC (LLDP chassis id). */
export function peerChassisMac(seed: string, ifd: string): string {
  const h = hash32(seed, 'chassis', ifd);
  return ['00', '05', '86', (h >>> 16) & 255, (h >>> 8) & 255, h & 255].map((x) => (typeof x === 'number' ? x.toString(16).padStart(2, '0') : x)).join(':');
}

/** The neighbour's port facing `ifd`: same kind of port, numbered per device. */
export function peerPort(seed: string, ifd: string): string {
  const kind = /^[a-z]+/.exec(ifd)?.[0] ?? 'ge';
  return `${kind}-0/0/${hash32(seed, 'port', ifd) % 48}`;
}

/** A link-local IPv6 address from a MAC (EUI-64). */
export function linkLocal(mac: string): string {
  const b = mac.split(':').map((x) => parseInt(x, 16));
  b[0] ^= 2;
  const g = [(b[0] << 8) | b[1], (b[2] << 8) | 0xff, (0xfe << 8) | b[3], (b[4] << 8) | b[5]];
  return `fe80::${g.map((x) => x.toString(16)).join(':')}`;
}

/** `4:12`, `1:02:03`, `3d 4:05:06`, `2w1d3h` as `show bgp summary` writes elapsed time. */
export function bgpElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const w = Math.floor(s / 604800);
  const d = Math.floor((s % 604800) / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  if (w) return `${w}w${d}d${h}h`;
  if (d) return `${d}d ${h}:${mm}:${ss}`;
  if (h) return `${h}:${mm}:${ss}`;
  return `${Math.floor((s % 3600) / 60)}:${ss}`;
}

/** `1d 02:03:04` / `02:03:04` as OSPF and IS-IS write up times. */
export function upTime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return d ? `${d}d ${hms}` : hms;
}

/** Seconds since an epoch-ms instant, never negative. */
export const since = (device: DeviceView, ms: number): number => Math.max(0, Math.floor((device.now() - ms) / 1000));

/** A countdown between 0 and `period` that moves with the clock (dead timers, hold times). */
export function countdown(device: DeviceView, period: number, low: number, key: string): number {
  const s = Math.floor(device.now() / 1000) + (hash32(key) % period);
  return low + (s % (period - low + 1));
}

/** An interface name as given (`ge-0/0/0` means its unit 0 for protocols). */
export const unitName = (n: string): string => (n.includes('.') ? n : `${n}.0`);

// ------------------------------------------------------------ layer 2 from the configuration

export interface VlanMember {
  /** Logical interface, `xe-0/0/0.0`. */
  ifl: string;
  mode: 'access' | 'trunk';
  tagged: boolean;
}

export interface SwitchVlan {
  name: string;
  tag?: number;
  l3Interface?: string;
  members: VlanMember[];
}

/** The configured VLANs and the interfaces of `family ethernet-switching` that are their members. */
export function switchVlans(ctx: Pick<RpcContext, 'config'>): SwitchVlan[] {
  const cfg = committedConfig(ctx.config, '<configuration><interfaces/><vlans/></configuration>');
  const vlans: SwitchVlan[] = walk(cfg, 'vlans', 'vlan').map((v) => {
    const id = walk(v, 'vlan-id')[0];
    const l3 = walk(v, 'l3-interface')[0];
    const tag = id && /^\d+$/.test(textOf(id).trim()) ? Number(textOf(id).trim()) : undefined;
    return { name: nameOf(v), ...(tag !== undefined ? { tag } : {}), ...(l3 ? { l3Interface: textOf(l3).trim() } : {}), members: [] };
  });
  for (const ifd of walk(cfg, 'interfaces', 'interface')) {
    for (const unit of walk(ifd, 'unit')) {
      for (const es of walk(unit, 'family', 'ethernet-switching')) {
        const modeEl = walk(es, 'interface-mode')[0] ?? walk(es, 'port-mode')[0];
        const mode = modeEl && textOf(modeEl).trim() === 'trunk' ? 'trunk' : 'access';
        const members = walk(es, 'vlan', 'members').map((x) => textOf(x).trim());
        const ifl = `${nameOf(ifd)}.${nameOf(unit)}`;
        for (const v of vlans) {
          const hit = members.some((mm) => mm === v.name || mm === 'all' || (v.tag !== undefined && rangeHas(mm, v.tag)));
          if (hit) v.members.push({ ifl, mode, tagged: mode === 'trunk' });
        }
      }
    }
  }
  return vlans.sort((a, b) => a.name.localeCompare(b.name));
}

function rangeHas(text: string, tag: number): boolean {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[2] ? Number(m[2]) : lo;
  return tag >= lo && tag <= hi;
}

export interface Lag {
  name: string;
  /** LACP configured: `active` or `passive`; undefined: a static LAG. */
  lacp?: 'active' | 'passive';
  periodic: 'fast' | 'slow';
  members: string[];
}

/** The aggregated Ethernet interfaces of the configuration and their member ports (`802.3ad aeN`). */
export function lags(ctx: Pick<RpcContext, 'config'>): Lag[] {
  const cfg = committedConfig(ctx.config, '<configuration><interfaces/></configuration>');
  const ifds = walk(cfg, 'interfaces', 'interface');
  const out: Lag[] = [];
  for (const ifd of ifds.filter((i) => /^ae\d+$/.test(nameOf(i)))) {
    const lacp = walk(ifd, 'aggregated-ether-options', 'lacp')[0];
    const periodic = lacp ? walk(lacp, 'periodic')[0] : undefined;
    out.push({
      name: nameOf(ifd),
      ...(lacp ? { lacp: walk(lacp, 'passive').length || textOf(lacp).trim() === 'passive' ? 'passive' : 'active' } : {}),
      periodic: periodic && textOf(periodic).trim() === 'slow' ? 'slow' : 'fast',
      members: [],
    });
  }
  for (const ifd of ifds) {
    for (const opts of ['gigether-options', 'ether-options']) {
      for (const ad of [...walk(ifd, opts, '802.3ad'), ...walk(ifd, opts, 'ieee-802.3ad')]) {
        const bundle = (walk(ad, 'bundle')[0] ? textOf(walk(ad, 'bundle')[0]) : textOf(ad)).trim();
        out.find((l) => l.name === bundle)?.members.push(nameOf(ifd));
      }
    }
  }
  return out;
}
