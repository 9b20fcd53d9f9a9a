/**
 * Hardware as data: a profile's `hardware` (profile.json) lists its line cards' PICs, each
 * with the port ranges it carries (prefix, first port, count, media, speed). The device's
 * physical ports are those ranges: get-interface-information, `show interfaces`, optics,
 * counters and LLDP follow them, so `ge-0/0/47` exists on an EX4300-48T and `ge-0/0/48`
 * does not, as on the real box.
 *
 *   "hardware": [
 *     { "fpc": 0, "pic": 0, "description": "48x 10/100/1000 Base-T",
 *       "ports": [{ "prefix": "ge", "count": 48, "media": "copper", "speed": "1000mbps" }] }
 *   ]
 */
/** What this module reads and writes of a profile interface (profile.ts ProfileInterface). */
export interface PortEntry {
  name: string;
  speed?: string;
  media?: 'copper' | 'fiber';
}

export interface PortRange {
  /** Interface type: ge, xe, et, mge. */
  prefix: string;
  /** First port number (default 0). */
  from?: number;
  count: number;
  /** copper or fiber (optics exist on fiber ports). */
  media?: 'copper' | 'fiber';
  /** Line speed as Junos prints it: 1000mbps, 10Gbps, 40Gbps, 100Gbps. */
  speed?: string;
}

export interface PicHardware {
  fpc: number;
  pic: number;
  /** As `show chassis hardware` prints the PIC. */
  description?: string;
  ports: PortRange[];
}

const MAX_PORTS = 4096;

/** Reads profile.json `hardware`: undefined when absent; throws a one-line message when malformed. */
export function readHardware(v: unknown): PicHardware[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new Error('"hardware" must be a list of PICs');
  let total = 0;
  return v.map((p, i) => {
    const o = p as Record<string, unknown>;
    const int = (x: unknown, what: string) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 1000) throw new Error(`"hardware"[${i}]: ${what} must be a whole number 0-1000`);
      return x;
    };
    if (!Array.isArray(o.ports)) throw new Error(`"hardware"[${i}]: "ports" must be a list of port ranges`);
    const ports = (o.ports as Record<string, unknown>[]).map((r) => {
      if (typeof r.prefix !== 'string' || !/^[a-z]+$/.test(r.prefix)) throw new Error(`"hardware"[${i}]: a port range needs a "prefix" such as ge, xe, et`);
      const count = int(r.count, 'count');
      total += count;
      if (total > MAX_PORTS) throw new Error(`"hardware": more than ${MAX_PORTS} ports`);
      return {
        prefix: r.prefix,
        from: r.from === undefined ? 0 : int(r.from, 'from'),
        count,
        ...(r.media === 'copper' || r.media === 'fiber' ? { media: r.media } : {}),
        ...(typeof r.speed === 'string' ? { speed: r.speed } : {}),
      } satisfies PortRange;
    });
    return { fpc: int(o.fpc, 'fpc'), pic: int(o.pic, 'pic'), ...(typeof o.description === 'string' ? { description: o.description } : {}), ports };
  });
}

/** Every port name the hardware carries, in slot order (`ge-0/0/0` ... `ge-0/0/47`, `et-0/1/0` ...). */
export function portNames(hw: PicHardware[]): string[] {
  const out: string[] = [];
  for (const p of hw) for (const r of p.ports) for (let n = 0; n < r.count; n++) out.push(`${r.prefix}-${p.fpc}/${p.pic}/${(r.from ?? 0) + n}`);
  return out;
}

/** The port range a port name falls in, if any. */
export function portRangeOf(hw: PicHardware[] | undefined, name: string): PortRange | undefined {
  const m = /^([a-z]+)-(\d+)\/(\d+)\/(\d+)$/.exec(name);
  if (!hw || !m) return undefined;
  const [, prefix, fpc, pic, port] = m;
  for (const p of hw) {
    if (p.fpc !== Number(fpc) || p.pic !== Number(pic)) continue;
    for (const r of p.ports) if (r.prefix === prefix && Number(port) >= (r.from ?? 0) && Number(port) < (r.from ?? 0) + r.count) return r;
  }
  return undefined;
}

/**
 * The profile's interfaces with every hardware port: those the profile lists keep their
 * entry (units, addresses), the others are added after the last listed port, in slot order.
 */
export function withHardwarePorts<T extends PortEntry>(listed: T[], hw: PicHardware[] | undefined): T[] {
  if (!hw) return listed;
  const names = new Set(listed.map((i) => i.name));
  const isPort = (n: string) => /^[a-z]+-\d+\/\d+\/\d+$/.test(n);
  const extra = portNames(hw).filter((n) => !names.has(n)).map((name) => ({ name }) as T);
  const withMedia = (i: T): T => {
    const r = portRangeOf(hw, i.name);
    return r ? { ...i, ...(r.speed && !i.speed ? { speed: r.speed } : {}), ...(r.media && !i.media ? { media: r.media } : {}) } : i;
  };
  let at = -1;
  listed.forEach((i, k) => {
    if (isPort(i.name)) at = k;
  });
  const ports = [...listed.slice(0, at + 1).filter((i) => isPort(i.name)), ...extra];
  const order = new Map(portNames(hw).map((n, k) => [n, k]));
  ports.sort((a, b) => (order.get(a.name) ?? -1) - (order.get(b.name) ?? -1));
  return [...ports.map(withMedia), ...listed.slice(0, at + 1).filter((i) => !isPort(i.name)), ...listed.slice(at + 1)];
}
