/**
 * The operational model of one emulated device: what its operational RPCs, `<command>`
 * and the emulated cli report, derived from the profile (physical ports, software
 * interfaces, routing engines) and the COMMITTED configuration (groups applied). The
 * device rebuilds it after every commit (EmulatedDevice.oper(), via the datastore's
 * onCommit), so every RPC reads the same facts and XML, text and JSON agree.
 *
 * API (all read-only; build with `operModel(device)` inside an RPC handler):
 *
 *   hostName()              `system host-name` committed; the device's creation name without one
 *   interfaces()            physical interfaces (OperInterface): profile ports and software
 *                           interfaces, plus configured ae/irb/vlan/reth/st0; admin (config
 *                           `disable` -> down), oper (down when admin down or the profile says so),
 *                           description, MTU (config `mtu` or the media default), speed, MAC,
 *                           indices, link-level type, its units
 *   interface(name)         one physical interface, or undefined
 *   logicalUnit(name)       one logical unit, or undefined
 *   logicalUnits()          every logical unit (OperUnit): `ifd.unit` name, families with
 *                           addresses (`a.b.c.d/len`), description, vlan-id, admin/oper,
 *                           routing instance (undefined = master)
 *   counters(name, nowMs)   Counters of a physical or logical interface: grow with time since
 *                           boot at a rate stable per device and interface (0 while down)
 *   routes()                OperRoute list: Direct and Local from interface addresses, Static
 *                           from routing-options (and each routing instance), OSPF routes
 *                           behind configured OSPF interfaces, BGP routes from configured peers;
 *                           tables inet.0 / inet6.0 / <instance>.inet.0
 *   neighbours()            one host on each configured IPv4/IPv6 subnet of a port (address,
 *                           MAC, interface): for ARP/ND and as protocol peers' next hops
 *   bgpPeers()              configured BGP neighbours: address, group, type, peer AS, local
 *                           address, instance (state Established unless the peer is off-subnet)
 *   ospfInterfaces(proto)   configured OSPF/OSPF3 area interfaces (`ospf`|`ospf3`)
 *   isisInterfaces()        configured IS-IS interfaces
 *   lldpInterfaces()        interfaces with LLDP configured (`all` expands to the ports)
 *   routingInstances()      configured routing instances: name, type, interfaces
 *   vlans()                 configured VLANs: name, vlan-id
 *   routerId(), autonomousSystem()
 *   bootTime, commitTime    epoch ms
 *
 * Names follow Junos: `ge-0/0/0` (physical), `ge-0/0/0.0` (logical).
 */
import { hash32 } from '../../digest.js';
import type { DeviceProfile, ProfileInterface } from '../identity/profile.js';
import { ConfigTree, childrenNamed, entryName, leafValue, type ConfigNode } from '../config/tree.js';
import { expandGroups } from '../config/groups.js';
import { factoryTree } from '../config/factory.js';
import { parseText } from '../config/text.js';
import { parseSet } from '../config/set.js';
import { parseXmlConfig } from '../config/xml-config.js';
import { parseXml } from '../../netconf/xml.js';
import type { OperConditions } from './conditions.js';

export type Status = 'up' | 'down';

export interface OperFamily {
  name: string;
  mtu?: number;
  /** `address/len` as configured (`/32` implied for a bare IPv4 address). */
  addresses: string[];
}

export interface OperUnit {
  /** `ge-0/0/0.0`. */
  name: string;
  ifd: string;
  unit: string;
  admin: Status;
  oper: Status;
  description?: string;
  vlanId?: number;
  /** Routing instance, undefined for the master instance. */
  instance?: string;
  families: OperFamily[];
  localIndex: number;
  snmpIndex: number;
  /** True when it comes from the configuration (false: built into the platform). */
  configured: boolean;
}

export interface OperInterface {
  name: string;
  /** A physical port with a MAC address and a line speed (ge/xe/et/fxp/em/me...). */
  port: boolean;
  admin: Status;
  oper: Status;
  description?: string;
  /** Media MTU, or 'Unlimited' for software interfaces. */
  mtu: number | 'Unlimited';
  speed: string;
  linkLevelType: string;
  /** `Ethernet`-like interface type for if-type filtering. */
  ifType: string;
  mac?: string;
  localIndex: number;
  snmpIndex: number;
  vlanTagging: boolean;
  units: OperUnit[];
  /** Epoch ms of the last state change. */
  flappedAt: number;
  /** Link changes events made since boot (carrier transitions). */
  transitions?: number;
}

export interface Counters {
  inputBytes: number;
  outputBytes: number;
  inputPackets: number;
  outputPackets: number;
  inputBps: number;
  outputBps: number;
  inputPps: number;
  outputPps: number;
}

export interface NextHop {
  to?: string;
  via?: string;
}

export interface OperRoute {
  table: string;
  /** `10.0.0.0/24` (prefix length always given). */
  destination: string;
  protocol: 'Direct' | 'Local' | 'Static' | 'OSPF' | 'BGP';
  preference: number;
  metric?: number;
  nextHops: NextHop[];
  /** discard | reject | receive for static routes without a next hop. */
  nextHopType?: 'Discard' | 'Reject' | 'Receive';
  /** Epoch ms since when the route exists. */
  since: number;
  active: boolean;
  /** Not usable (a static next hop that does not resolve, e.g. on a down link): only `show route hidden` lists it. */
  hidden?: boolean;
  asPath?: string;
  localPreference?: number;
}

export interface Neighbour {
  address: string;
  mac: string;
  /** Logical interface, e.g. ge-0/0/0.0. */
  interface: string;
  instance?: string;
}

export interface BgpPeer {
  address: string;
  group: string;
  type: 'internal' | 'external';
  peerAs: number;
  localAs: number;
  localAddress?: string;
  instance?: string;
  /** Established when a configured subnet holds the peer, Active otherwise. */
  state: 'Established' | 'Active';
  /** When an event last changed its state (epoch ms), and its flaps since boot. */
  since?: number;
  flaps?: number;
}

export interface OperModelInput {
  profile: DeviceProfile;
  /** The committed configuration (groups not yet applied). */
  config: ConfigTree;
  /** Name the device was created with: the seed of MACs and rates, the host name without one configured. */
  identity: string;
  bootTime: number;
  commitTime: number;
  /** From the model before this commit (OperModel.carry()): what the commit left alone keeps its times. */
  carry?: OperCarry;
  /** What events did to the device (./conditions.ts): links down, neighbours dropped, rates. */
  conditions?: OperConditions;
}

/** Route start times and interface flaps of a model, for the next one to keep where nothing changed. */
export interface OperCarry {
  routes: Map<string, number>;
  flaps: Map<string, { admin: string; oper: string; flappedAt: number }>;
}

const routeKey = (r: OperRoute) => JSON.stringify([r.table, r.destination, r.protocol, r.preference, r.nextHops, r.nextHopType ?? '', r.active]);

/** Interface names whose units come only from the configuration. */
const CONFIGURABLE = /^(ge|xe|et|mge|fe|ae|reth|fxp|me|vme|em|lo|irb|vlan|st|gr|ip|lt|fab|swfab)(-|\d|$)/;
/** Configured interfaces that exist without a profile entry (aggregates, virtual). */
const VIRTUAL = /^(ae|reth|irb|vlan|st|lo)\d*$/;
/** Ports with a MAC address and a line speed; the rest are software interfaces. */
const PORT = /^(ge|xe|et|mge|fe|em|fxp|me|vme|bme|ae|reth)-?\d/;

const LINK_TYPES: Record<string, string> = {
  irb: 'Ethernet',
  vlan: 'Ethernet',
  gre: 'GRE',
  ipip: 'IP-over-IP',
  mtun: 'Multicast-GRE',
  pimd: 'PIM-Decapsulator',
  pime: 'PIM-Encapsulator',
  vtep: 'VxLAN-Tunnel-Endpoint',
  lo0: 'Unspecified',
};


function portSpeed(name: string): string {
  if (name.startsWith('xe-')) return '10Gbps';
  if (name.startsWith('et-')) return '100Gbps';
  if (name.startsWith('mge-')) return '10Gbps';
  if (name.startsWith('ae') || name.startsWith('reth')) return 'Unspecified';
  return '1000mbps';
}

function speedBps(speed: string): number {
  const m = /^(\d+)(mbps|Gbps)$/i.exec(speed);
  if (!m) return 1e9;
  return Number(m[1]) * (m[2].toLowerCase() === 'gbps' ? 1e9 : 1e6);
}

const live = (n: ConfigNode) => !n.inactive;
const kids = (n: ConfigNode | undefined, name: string) => (n ? childrenNamed(n, name).filter(live) : []);
const one = (n: ConfigNode | undefined, name: string) => kids(n, name)[0];
const flag = (n: ConfigNode | undefined, name: string) => kids(n, name).length > 0;
const leaf = (n: ConfigNode | undefined, name: string) => (n ? leafValue(n, name) : undefined);

// ---------------------------------------------------------------- addresses

/** IPv4 text to a number, or undefined. */
export function ipv4(text: string): number | undefined {
  const o = text.split('.');
  if (o.length !== 4) return undefined;
  let v = 0;
  for (const p of o) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = v * 256 + Number(p);
  }
  return v;
}

export function ipv4Text(v: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join('.');
}

/** IPv6 text to a bigint, or undefined. */
export function ipv6(text: string): bigint | undefined {
  if (!text.includes(':')) return undefined;
  const [head, tail] = text.split('::');
  if (text.split('::').length > 2) return undefined;
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const fill = tail !== undefined ? 8 - h.length - t.length : 0;
  const groups = [...h, ...Array(Math.max(0, fill)).fill('0'), ...t];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function ipv6Text(v: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(16 * (7 - i))) & 0xffffn).toString(16));
  // Longest run of zeros becomes '::'.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export interface Prefix {
  family: 'inet' | 'inet6';
  /** Address as written (without length). */
  address: string;
  len: number;
  /** Network prefix text `a.b.c.d/len`. */
  network: string;
  /** A host of the subnet other than `address`, when the subnet has room. */
  peer?: string;
}

/** Parses `a.b.c.d/len` or `x::y/len`; a bare address is a host route. */
export function parsePrefix(text: string): Prefix | undefined {
  const [addr, lenText] = text.split('/');
  const v4 = ipv4(addr);
  if (v4 !== undefined) {
    const len = lenText === undefined ? 32 : Number(lenText);
    if (!(Number.isInteger(len) && len >= 0 && len <= 32)) return undefined;
    const size = 2 ** (32 - len);
    const net = v4 - (v4 % size);
    let peer: string | undefined;
    if (len <= 30) peer = ipv4Text(v4 === net + 1 ? net + 2 : net + 1);
    else if (len === 31) peer = ipv4Text(v4 === net ? net + 1 : net);
    return { family: 'inet', address: addr, len, network: `${ipv4Text(net)}/${len}`, peer };
  }
  const v6 = ipv6(addr);
  if (v6 === undefined) return undefined;
  const len = lenText === undefined ? 128 : Number(lenText);
  if (!(Number.isInteger(len) && len >= 0 && len <= 128)) return undefined;
  const mask = len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << BigInt(128 - len);
  const net = v6 & mask;
  const peer = len <= 126 ? ipv6Text(v6 === net + 1n ? net + 2n : net + 1n) : undefined;
  return { family: 'inet6', address: addr, len, network: `${ipv6Text(net)}/${len}`, peer };
}

/** Whether `address` lies in the prefix `network` (both one family). */
export function inPrefix(address: string, network: string): boolean {
  const p = parsePrefix(network);
  if (!p) return false;
  const a = parsePrefix(address.split('/')[0]);
  if (!a || a.family !== p.family) return false;
  return parsePrefix(`${a.address}/${p.len}`)?.network === p.network;
}

// ---------------------------------------------------------------- the model

/** Unit numbering across the device: units are numbered in the order they are built. */
interface UnitNumbering {
  /** Unit name -> its routing instance. */
  instances: Map<string, string>;
  next: number;
  totalIfds: number;
}

type UnitDraft = Omit<OperUnit, 'localIndex' | 'snmpIndex'>;

/** Built-in units: internal ones (a routing instance) and those of interfaces no one configures. */
function builtInUnits(name: string, p: ProfileInterface | undefined, oper: Status): UnitDraft[] {
  const out: UnitDraft[] = [];
  for (const u of p?.units ?? []) {
    if (u.instance === undefined && CONFIGURABLE.test(name)) continue;
    out.push({
      name: u.name,
      ifd: name,
      unit: u.name.slice(u.name.lastIndexOf('.') + 1),
      admin: u.admin ?? 'up',
      oper: oper === 'down' ? 'down' : (u.oper ?? 'up'),
      instance: u.instance,
      families: u.families.map((f) => ({ name: f.name, addresses: f.addresses ?? [] })),
      configured: false,
    });
  }
  return out;
}

/** The units the configuration gives an interface. */
function configuredUnits(name: string, c: ConfigNode | undefined, oper: Status, instances: Map<string, string>): UnitDraft[] {
  const out: UnitDraft[] = [];
  for (const cu of kids(c, 'unit')) {
    const unit = entryName(cu);
    if (unit === undefined) continue;
    const uname = `${name}.${unit}`;
    const udisabled = flag(cu, 'disable');
    const vlan = leaf(cu, 'vlan-id');
    const desc = leaf(cu, 'description');
    out.push({
      name: uname,
      ifd: name,
      unit,
      admin: udisabled ? 'down' : 'up',
      oper: udisabled || oper === 'down' ? 'down' : 'up',
      ...(desc !== undefined ? { description: desc } : {}),
      ...(vlan !== undefined && /^\d+$/.test(vlan) ? { vlanId: Number(vlan) } : {}),
      instance: instances.get(uname),
      families: unitFamilies(cu),
      configured: true,
    });
  }
  return out;
}

/** A configured unit's families with their addresses (`/32`, `/128` implied for a bare address) and MTU. */
function unitFamilies(cu: ConfigNode): OperFamily[] {
  const families: OperFamily[] = [];
  for (const famBox of kids(cu, 'family')) {
    for (const fam of famBox.children.filter(live)) {
      const addresses = kids(fam, 'address')
        .map((a) => entryName(a) ?? '')
        .filter(Boolean)
        .map((a) => (a.includes('/') || fam.name === 'iso' ? a : fam.name === 'inet6' ? `${a}/128` : `${a}/32`));
      const fmtu = leaf(fam, 'mtu');
      families.push({ name: fam.name, addresses, ...(fmtu && /^\d+$/.test(fmtu) ? { mtu: Number(fmtu) } : {}) });
    }
  }
  return families;
}

/** A family's MTU when not configured: the media MTU less the Ethernet header (and tag, MPLS, ISO overhead). */
function familyMtus(units: OperUnit[], mtu: number, vlanTagging: boolean): void {
  for (const u of units) {
    for (const f of u.families) {
      if (f.mtu === undefined && (f.name === 'inet' || f.name === 'inet6' || f.name === 'mpls' || f.name === 'iso')) {
        f.mtu = mtu - 14 - (vlanTagging ? 4 : 0) - (f.name === 'mpls' ? 12 : 0) - (f.name === 'iso' ? 3 : 0);
      }
    }
  }
}

export class OperModel {
  readonly bootTime: number;
  readonly commitTime: number;
  private readonly ifds: OperInterface[] = [];
  private readonly byName = new Map<string, OperInterface>();
  private readonly cfg: ConfigNode;
  private host: string;
  private routeList?: OperRoute[];

  constructor(private readonly input: OperModelInput) {
    this.bootTime = input.bootTime;
    this.commitTime = input.commitTime;
    this.cfg = expandGroups(input.config).root;
    this.host = leaf(one(this.cfg, 'system'), 'host-name') ?? input.identity;
    this.build();
  }

  hostName(): string {
    return this.host;
  }

  routerId(): string | undefined {
    return leaf(one(this.cfg, 'routing-options'), 'router-id') ?? this.logicalUnits().find((u) => u.ifd === 'lo0')?.families.find((f) => f.name === 'inet')?.addresses[0]?.split('/')[0];
  }

  autonomousSystem(): number | undefined {
    const as = one(one(this.cfg, 'routing-options'), 'autonomous-system');
    const v = as?.value ?? (as ? leaf(as, 'as-number') : undefined);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  }

  interfaces(): OperInterface[] {
    return this.ifds;
  }

  interface(name: string): OperInterface | undefined {
    return this.byName.get(name);
  }

  logicalUnits(): OperUnit[] {
    return this.ifds.flatMap((i) => i.units);
  }

  private unitsByName?: Map<string, OperUnit>;
  /** One logical unit by name, or undefined. */
  logicalUnit(name: string): OperUnit | undefined {
    this.unitsByName ??= new Map(this.logicalUnits().map((u) => [u.name, u]));
    return this.unitsByName.get(name);
  }

  /** Rate (bits per second) of an interface in one direction, stable per device and name. */
  private rate(name: string, dir: 'in' | 'out', speed: string): number {
    const set = this.input.conditions?.rates.get(name);
    if (set !== undefined) return set;
    const h = hash32(this.input.identity, name, dir);
    // 0.02% .. 0.5% of line rate: small, plausible, never zero.
    const frac = 0.0002 + (h % 4800) / 1_000_000;
    return Math.max(800, Math.round(speedBps(speed) * frac));
  }

  counters(name: string, nowMs: number): Counters {
    const unit = this.logicalUnit(name);
    const ifd = this.byName.get(unit ? unit.ifd : name);
    const zero: Counters = { inputBytes: 0, outputBytes: 0, inputPackets: 0, outputPackets: 0, inputBps: 0, outputBps: 0, inputPps: 0, outputPps: 0 };
    if (!ifd) return zero;
    const up = ifd.oper === 'up' && (!unit || unit.oper === 'up');
    // Counted from an event on (a link change, a rate set): the totals until then stay, a down link adds nothing.
    const base = this.input.conditions?.rateBase?.get(ifd.name);
    if (base && !up) {
      const share = unit ? 0.9 / Math.max(1, ifd.units.length) : 1;
      const size = 200 + (hash32(this.input.identity, name, 'size') % 1000);
      const inB = Math.floor(base.inBytes * share);
      const outB = Math.floor(base.outBytes * share);
      return { ...zero, inputBytes: inB, outputBytes: outB, inputPackets: Math.floor(inB / size), outputPackets: Math.floor(outB / size) };
    }
    // Software interfaces other than lo0/irb/ae carry nothing.
    if (!up || (!ifd.port && !/^(lo0|irb|vlan|ae|reth)/.test(ifd.name))) return zero;
    // Up since boot: as if it had carried traffic for a while already (hours, stable per
    // interface), so counters are never zero; up since a later change: counted from then.
    const sinceBoot = ifd.flappedAt <= this.bootTime + 60_000;
    const baseline = sinceBoot ? 3600 + (hash32(this.input.identity, name, 'baseline') % 86400) : 0;
    const secs = Math.max(0, (nowMs - (sinceBoot ? this.bootTime : ifd.flappedAt)) / 1000) + baseline;
    const speed = ifd.port ? ifd.speed : '100mbps';
    const share = unit ? 0.9 / Math.max(1, ifd.units.length) : 1;
    const inBps = Math.round(this.rate(name.split('.')[0], 'in', speed) * share);
    const outBps = Math.round(this.rate(name.split('.')[0], 'out', speed) * share);
    const size = 200 + (hash32(this.input.identity, name, 'size') % 1000);
    let inBytes = Math.floor((inBps / 8) * secs);
    let outBytes = Math.floor((outBps / 8) * secs);
    // A rate an event set counts from that moment on top of what was counted until then.
    if (base) {
      const after = Math.max(0, (nowMs - base.since) / 1000);
      inBytes = Math.floor(base.inBytes * share + (inBps / 8) * after);
      outBytes = Math.floor(base.outBytes * share + (outBps / 8) * after);
    }
    return {
      inputBytes: inBytes,
      outputBytes: outBytes,
      inputPackets: Math.floor(inBytes / size),
      outputPackets: Math.floor(outBytes / size),
      inputBps: inBps,
      outputBps: outBps,
      inputPps: Math.max(1, Math.round(inBps / 8 / size)),
      outputPps: Math.max(1, Math.round(outBps / 8 / size)),
    };
  }

  /** The device's MAC base (one digest per model, not one per port). */
  private macBase: number | undefined;

  private mac(index: number): string {
    this.macBase ??= hash32(this.input.identity, 'mac');
    const tail = (this.macBase + index * 1) & 0xffffff;
    const hex = tail.toString(16).padStart(6, '0');
    return `2c:6b:f5:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
  }

  /** Interfaces of routing instances: unit name -> instance. */
  private instanceOfUnits(): Map<string, string> {
    const m = new Map<string, string>();
    for (const ri of kids(one(this.cfg, 'routing-instances'), 'instance')) {
      const name = entryName(ri);
      if (!name) continue;
      for (const i of kids(ri, 'interface')) {
        const n = entryName(i);
        if (n) m.set(n.includes('.') ? n : `${n}.0`, name);
      }
    }
    return m;
  }

  /** The interfaces: the profile's, then virtual ones only the configuration names. */
  private build(): void {
    const configured = new Map<string, ConfigNode>();
    for (const i of kids(one(this.cfg, 'interfaces'), 'interface')) {
      const n = entryName(i);
      if (n) configured.set(n, i);
    }
    const names = this.input.profile.interfaces.map((i) => i.name);
    for (const n of configured.keys()) if (!names.includes(n) && VIRTUAL.test(n)) names.push(n);
    const units: UnitNumbering = { instances: this.instanceOfUnits(), next: 0, totalIfds: names.length };
    names.forEach((name, index) => {
      const ifd = this.buildInterface(name, index, configured.get(name), units);
      // A link an event changed flapped then.
      const changedAt = this.input.conditions?.linkChanged.get(name);
      const transitions = this.input.conditions?.flaps.get(name);
      if (transitions) ifd.transitions = transitions;
      if (changedAt !== undefined && changedAt >= this.bootTime && changedAt > ifd.flappedAt) ifd.flappedAt = changedAt;
      this.ifds.push(ifd);
      this.byName.set(name, ifd);
    });
  }

  /** One physical interface (`index` in the device's order) with its units. */
  private buildInterface(name: string, index: number, c: ConfigNode | undefined, numbering: UnitNumbering): OperInterface {
    const p = this.input.profile.interfaces.find((i) => i.name === name);
    const port = PORT.test(name);
    const admin: Status = flag(c, 'disable') ? 'down' : (p?.admin ?? 'up');
    const physOper: Status = this.input.conditions?.linksDown.has(name) ? 'down' : (p?.oper ?? (/^(ae|reth)/.test(name) ? 'down' : 'up'));
    const oper: Status = admin === 'down' ? 'down' : physOper;
    const mtuText = leaf(c, 'mtu');
    const mediaMtu = /^(ge|xe|et|mge|fe|ae|reth)/.test(name) ? 1514 : port ? 1514 : 'Unlimited';
    const mtu = mtuText !== undefined && /^\d+$/.test(mtuText) ? Number(mtuText) : mediaMtu;
    const linkLevelType = port ? 'Ethernet' : (LINK_TYPES[name] ?? 'Unspecified');
    const units = [...builtInUnits(name, p, oper), ...configuredUnits(name, c, oper, numbering.instances)].map((u) => {
      const i = numbering.next++;
      return { ...u, localIndex: 64 + i, snmpIndex: 500 + numbering.totalIfds + i };
    });
    if (typeof mtu === 'number') familyMtus(units, mtu, flag(c, 'vlan-tagging'));
    const desc = leaf(c, 'description');
    const ifd: OperInterface = {
      name,
      port,
      admin,
      oper,
      ...(desc !== undefined ? { description: desc } : {}),
      mtu,
      speed: port ? (p?.speed ?? portSpeed(name)) : 'Unlimited',
      linkLevelType,
      ifType: port || name === 'irb' || name.startsWith('vlan') ? 'Ethernet' : name === 'lo0' ? 'Loopback' : linkLevelType,
      ...(port ? { mac: this.mac(index) } : {}),
      localIndex: 128 + index,
      snmpIndex: 500 + index,
      vlanTagging: flag(c, 'vlan-tagging') || flag(c, 'flexible-vlan-tagging'),
      units,
      flappedAt: 0,
    };
    ifd.flappedAt = this.flappedAt(ifd, p?.oper ?? 'up');
    return ifd;
  }

  /**
   * When an interface last changed state: at the boot when it is as the profile has it (the
   * boot's link-up lines in the syslog say so too), else at the commit; one whose state the
   * commit did not change keeps its time, one it changed flapped at the commit. Never later
   * than the first moment it can be seen, so what a session reads does not move.
   */
  private flappedAt(ifd: OperInterface, profileOper: Status): number {
    const atCommit = Math.max(this.bootTime, ifd.oper === profileOper ? this.bootTime : this.commitTime);
    const was = this.input.carry?.flaps.get(ifd.name);
    if (!was) return atCommit;
    return was.admin === ifd.admin && was.oper === ifd.oper ? was.flappedAt : Math.max(this.commitTime, this.bootTime);
  }

  neighbours(): Neighbour[] {
    const out: Neighbour[] = [];
    for (const ifd of this.ifds) {
      if (!ifd.port || ifd.oper !== 'up') continue;
      for (const u of ifd.units) {
        if (u.oper !== 'up' || !u.configured) continue;
        for (const f of u.families) {
          if (f.name !== 'inet' && f.name !== 'inet6') continue;
          for (const a of f.addresses) {
            const p = parsePrefix(a);
            if (!p?.peer) continue;
            const h = hash32(this.input.identity, 'nbr', p.peer);
            const mac = ['00', '05', '86', (h >>> 16) & 255, (h >>> 8) & 255, h & 255].map((x) => (typeof x === 'number' ? x.toString(16).padStart(2, '0') : x)).join(':');
            out.push({ address: p.peer, mac, interface: u.name, ...(u.instance ? { instance: u.instance } : {}) });
          }
        }
      }
    }
    return out;
  }

  routingInstances(): { name: string; type: string; interfaces: string[] }[] {
    return kids(one(this.cfg, 'routing-instances'), 'instance').map((ri) => ({
      name: entryName(ri) ?? '',
      type: leaf(ri, 'instance-type') ?? 'virtual-router',
      interfaces: kids(ri, 'interface').map((i) => entryName(i) ?? ''),
    }));
  }

  vlans(): { name: string; vlanId?: number }[] {
    return kids(one(this.cfg, 'vlans'), 'vlan').map((v) => {
      const id = leaf(v, 'vlan-id');
      return { name: entryName(v) ?? '', ...(id && /^\d+$/.test(id) ? { vlanId: Number(id) } : {}) };
    });
  }

  private protocolsOf(instance?: string): ConfigNode | undefined {
    if (!instance) return one(this.cfg, 'protocols');
    const ri = kids(one(this.cfg, 'routing-instances'), 'instance').find((r) => entryName(r) === instance);
    return one(ri, 'protocols');
  }

  bgpPeers(): BgpPeer[] {
    const out: BgpPeer[] = [];
    const localAs = this.autonomousSystem() ?? 65000;
    const nbrs = this.neighbours();
    for (const instance of [undefined, ...this.routingInstances().map((r) => r.name)]) {
      for (const g of kids(one(this.protocolsOf(instance), 'bgp'), 'group')) {
        const type = leaf(g, 'type') === 'internal' ? 'internal' : 'external';
        for (const n of kids(g, 'neighbor')) {
          const address = entryName(n);
          if (!address) continue;
          const asText = leaf(n, 'peer-as') ?? leaf(g, 'peer-as');
          const peerAs = asText && /^\d+$/.test(asText) ? Number(asText) : type === 'internal' ? localAs : 0;
          const localAddress = leaf(n, 'local-address') ?? leaf(g, 'local-address');
          const reachable = nbrs.some((x) => x.address === address) || this.logicalUnits().some((u) => u.oper === 'up' && u.families.some((f) => f.addresses.some((a) => inPrefix(address, parsePrefix(a)?.network ?? ''))));
          const ev = this.input.conditions;
          const changed = ev?.bgpChanged.get(address);
          const state = ev?.bgpDown.has(address) ? 'Active' : reachable || type === 'internal' ? 'Established' : 'Active';
          out.push({ address, group: entryName(g) ?? '', type, peerAs, localAs, ...(localAddress ? { localAddress } : {}), ...(instance ? { instance } : {}), state, ...(changed && changed.since >= this.bootTime ? { since: changed.since, flaps: changed.flaps } : {}) });
        }
      }
    }
    return out;
  }

  ospfInterfaces(proto: 'ospf' | 'ospf3' = 'ospf'): { area: string; interface: string; passive: boolean; instance?: string }[] {
    const out: { area: string; interface: string; passive: boolean; instance?: string }[] = [];
    for (const instance of [undefined, ...this.routingInstances().map((r) => r.name)]) {
      for (const area of kids(one(this.protocolsOf(instance), proto), 'area')) {
        for (const i of kids(area, 'interface')) {
          const n = entryName(i);
          if (n) out.push({ area: entryName(area) ?? '0.0.0.0', interface: n.includes('.') || n === 'all' ? n : `${n}.0`, passive: flag(i, 'passive'), ...(instance ? { instance } : {}) });
        }
      }
    }
    return out;
  }

  /** Whether an event took the OSPF adjacency on this logical interface down. */
  ospfDown(ifl: string): boolean {
    return this.input.conditions?.ospfDown.has(ifl) ?? false;
  }

  isisInterfaces(): string[] {
    return kids(one(this.cfg, 'protocols'), 'isis').flatMap((isis) => kids(isis, 'interface').map((i) => entryName(i) ?? '')).filter(Boolean);
  }

  lldpInterfaces(): string[] {
    const lldp = one(one(this.cfg, 'protocols'), 'lldp');
    if (!lldp || flag(lldp, 'disable')) return [];
    const named = kids(lldp, 'interface').filter((i) => !flag(i, 'disable')).map((i) => entryName(i) ?? '');
    const ports = this.ifds.filter((i) => i.port && /^(ge|xe|et|mge)-/.test(i.name)).map((i) => i.name);
    return named.includes('all') ? ports : named.filter((n) => this.byName.has(n));
  }

  routes(): OperRoute[] {
    this.routeList ??= this.buildRoutes();
    return this.routeList;
  }

  /** What the next model (after a commit) keeps: see OperCarry. */
  carry(): OperCarry {
    return {
      routes: new Map(this.routes().map((r) => [routeKey(r), r.since])),
      flaps: new Map(this.ifds.map((i) => [i.name, { admin: i.admin, oper: i.oper, flappedAt: i.flappedAt }])),
    };
  }

  /** Direct, local, static, OSPF and BGP routes, each table ordered by destination. */
  private buildRoutes(): OperRoute[] {
    const routes = this.directRoutes();
    this.staticRoutes(routes, one(this.cfg, 'routing-options'));
    for (const ri of kids(one(this.cfg, 'routing-instances'), 'instance')) this.staticRoutes(routes, one(ri, 'routing-options'), entryName(ri));
    this.learnedRoutes(routes);
    // A commit that left a route as it was leaves its age too (Junos keeps it across commits).
    for (const r of routes) r.since = this.input.carry?.routes.get(routeKey(r)) ?? r.since;
    // Junos orders a table by destination.
    return routes.sort((a, b) => (a.table === b.table ? compareDest(a.destination, b.destination) || a.preference - b.preference : a.table.localeCompare(b.table)));
  }

  /** The subnet (Direct) and address (Local) of every address of a unit that is up. */
  private directRoutes(): OperRoute[] {
    const routes: OperRoute[] = [];
    const since = (ifdName: string) => Math.max(this.byName.get(ifdName)?.flappedAt ?? this.bootTime, this.bootTime);
    for (const u of this.logicalUnits()) {
      if (u.oper !== 'up' || u.instance === '__juniper_private1__' || u.instance === '__juniper_private2__') continue;
      for (const f of u.families) {
        if (f.name !== 'inet' && f.name !== 'inet6') continue;
        for (const a of f.addresses) {
          const p = parsePrefix(a);
          if (!p) continue;
          const table = tableOf(p.family, u.instance);
          const t = Math.max(since(u.ifd), u.configured ? this.commitTime : this.bootTime);
          if (p.len < (p.family === 'inet' ? 32 : 128)) routes.push({ table, destination: p.network, protocol: 'Direct', preference: 0, nextHops: [{ via: u.name }], since: t, active: true });
          routes.push({ table, destination: `${p.address}/${p.family === 'inet' ? 32 : 128}`, protocol: p.len === (p.family === 'inet' ? 32 : 128) ? 'Direct' : 'Local', preference: 0, nextHops: [{ via: u.name }], since: t, active: true });
        }
      }
    }
    return routes;
  }

  /** Static routes of one routing-options; a next hop resolves through a Direct route already in `routes`. */
  private staticRoutes(routes: OperRoute[], ro: ConfigNode | undefined, instance?: string): void {
    for (const r of kids(one(ro, 'static'), 'route')) {
      const dest = entryName(r);
      const p = dest ? parsePrefix(dest) : undefined;
      if (!p) continue;
      const table = tableOf(p.family, instance);
      const hops = kids(r, 'next-hop').map((h) => h.value ?? entryName(h) ?? '').filter(Boolean);
      const pref = Number(leaf(r, 'preference') ?? 5) || 5;
      const nextHops: NextHop[] = hops.map((to) => {
        const via = routes.find((x) => x.table === table && x.protocol === 'Direct' && inPrefix(to, x.destination))?.nextHops[0]?.via;
        return via ? { to, via } : { to };
      });
      const resolved = hops.length === 0 || nextHops.some((h) => h.via);
      const type = flag(r, 'discard') ? 'Discard' : flag(r, 'reject') ? 'Reject' : flag(r, 'receive') ? 'Receive' : undefined;
      routes.push({ table, destination: `${parsePrefix(`${p.network}`)?.network ?? dest}`, protocol: 'Static', preference: pref, nextHops: nextHops.filter((h) => h.via || !resolved), ...(type ? { nextHopType: type } : {}), since: this.commitTime, active: resolved, ...(resolved ? {} : { hidden: true }) });
    }
  }

  /** Learned routes: a loopback and a subnet behind each neighbour of an OSPF interface, a few prefixes per BGP peer. */
  private learnedRoutes(routes: OperRoute[]): void {
    const nbrs = this.neighbours();
    this.ospfInterfaces('ospf').forEach((oi, i) => {
      const n = nbrs.find((x) => x.interface === oi.interface || (oi.interface === 'all' && x.instance === oi.instance));
      if (!n || oi.passive || !n.address.includes('.') || this.input.conditions?.ospfDown.has(oi.interface)) return;
      const table = tableOf('inet', oi.instance);
      const base = (hash32(this.input.identity, 'ospf', n.address) % 200) + 1;
      for (const dest of [`10.255.${base}.${i + 1}/32`, `10.${100 + (base % 100)}.${i}.0/24`]) {
        routes.push({ table, destination: dest, protocol: 'OSPF', preference: 10, metric: 2 + i, nextHops: [{ to: n.address, via: n.interface }], since: this.commitTime, active: true });
      }
    });
    this.bgpPeers().forEach((peer, i) => {
      if (peer.state !== 'Established' || !peer.address.includes('.')) return;
      const table = tableOf('inet', peer.instance);
      const via = routes.find((x) => x.table === table && x.protocol === 'Direct' && inPrefix(peer.address, x.destination))?.nextHops[0]?.via;
      const base = 16 + (hash32(this.input.identity, 'bgp', peer.address) % 200);
      for (let k = 0; k < 3; k++) {
        routes.push({
          table,
          destination: `172.${base % 16 + 16}.${(i * 3 + k) % 256}.0/24`,
          protocol: 'BGP',
          preference: 170,
          metric: 0,
          nextHops: [{ to: peer.address, ...(via ? { via } : {}) }],
          since: this.commitTime,
          active: true,
          asPath: peer.type === 'external' ? `${peer.peerAs} ${64512 + k} I` : 'I',
          localPreference: 100,
        });
      }
    });
  }
}

/** The routing table of a family in an instance (`inet.0`, `blue.inet6.0`). */
function tableOf(fam: 'inet' | 'inet6', instance?: string): string {
  return `${instance ? `${instance}.` : ''}${fam === 'inet' ? 'inet.0' : 'inet6.0'}`;
}

/** Orders prefixes numerically (address, then length). */
export function compareDest(a: string, b: string): number {
  const pa = parsePrefix(a);
  const pb = parsePrefix(b);
  if (!pa || !pb) return a.localeCompare(b);
  if (pa.family !== pb.family) return pa.family === 'inet' ? -1 : 1;
  const va = pa.family === 'inet' ? BigInt(ipv4(pa.address) ?? 0) : (ipv6(pa.address) ?? 0n);
  const vb = pb.family === 'inet' ? BigInt(ipv4(pb.address) ?? 0) : (ipv6(pb.address) ?? 0n);
  return va < vb ? -1 : va > vb ? 1 : pa.len - pb.len;
}

/**
 * The host name a configuration gives (`system host-name`, groups applied), or `identity`.
 * `config` needs only its `system`, `groups` and `apply-groups` statements.
 */
export function hostNameOf(config: ConfigTree, identity: string): string {
  return leaf(one(expandGroups(config).root, 'system'), 'host-name') ?? identity;
}

/** Parses a profile's factory configuration (text, set or XML). */
export function parseInitialConfig(cfg: { format: 'text' | 'xml' | 'set'; content: string }, hostname: string): ConfigTree {
  return factoryTree(`model ${cfg.format}`, cfg.content, (content) => (cfg.format === 'set' ? parseSet(content) : cfg.format === 'xml' ? parseXmlConfig(parseXml(content)) : parseText(content)), hostname);
}

/** What operModel() needs of a device. */
export interface OperModelSource {
  oper(): OperModel;
}

/** The model of a device (rebuilt by the device after each commit). */
export function operModel(device: OperModelSource): OperModel {
  return device.oper();
}

/** The model of a device as it leaves the factory: its profile's factory configuration, committed at boot. */
export function factoryOperModel(profile: DeviceProfile, identity: string, bootTime: number): OperModel {
  return new OperModel({ profile, config: parseInitialConfig(profile.initialConfig, identity), identity, bootTime, commitTime: bootTime });
}
