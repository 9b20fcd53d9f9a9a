/**
 * A fleet: `--devices N` (or `--devices mx:100,ex:50,srx:20`, profiles mixed) members of one
 * configuration, each with its own device-id, host name, serial number and state directory,
 * numbered 1..total across the whole fleet; `--shard I/N` runs one block of those numbers
 * (src/device/shard.ts). With SSH faces, member n listens on its own port or address.
 */
import type { AgentConfig } from '../outbound/config.js';
import { UsageError } from '../errors.js';
import { isListenPort } from '../wire/port.js';
import { DEFAULT_PROFILE } from '../junos/identity/profile.js';
import { resolveShard, shardRange, type Shard } from './shard.js';

/*
 * A fleet runs with Node's defaults: no process flags or environment. Measured with the
 * command run as a user runs it (bench/fleet.ts), a larger young generation
 * (--max-semi-space-size=64) and one malloc arena (MALLOC_ARENA_MAX=1) gave no CPU back at
 * 2,000, 5,000 or 10,000 devices and cost memory: 10,000 devices on two threads held
 * 1,700 MiB with them (the command started again with them) against 1,433 MiB without;
 * 5,000: 1,048 against 807 MiB; 2,000 on one thread: 525 against 337 MiB.
 */

/**
 * The device-id of member `n` of a fleet: `{n}` in the configured id is replaced by n,
 * otherwise `-n` is appended. A single device keeps its id.
 */
export function fleetDeviceId(deviceId: string, n: number, count: number): string {
  if (count <= 1) return deviceId;
  return deviceId.includes('{n}') ? deviceId.replaceAll('{n}', String(n)) : `${deviceId}-${n}`;
}

/** Member `n`'s configuration: every client's device-id made its own. */
export function fleetConfig(config: AgentConfig, n: number, count: number): AgentConfig {
  return { ...config, clients: config.clients.map((c) => ({ ...c, deviceId: fleetDeviceId(c.deviceId, n, count) })) };
}

/** One group of a (mixed) fleet: `count` devices of `profile`. */
export interface FleetGroup {
  profile: string;
  count: number;
}

/** Which devices this process runs: numbers first..last of 1..total, and their profiles. */
export interface FleetPlan {
  /** Devices of the whole fleet (all shards); "a fleet" means total > 1. */
  total: number;
  first: number;
  last: number;
  shard?: Shard;
  groups: FleetGroup[];
  /** The profile of device n (1..total): the groups in order. */
  profileOf(n: number): string;
}

const MAX_DEVICES = 1_000_000;

/**
 * `--devices`: `N` (all of --profile), or `PROFILE:COUNT,...` (`mx:100,ex:50,srx:20`), groups
 * numbered in the order given (mx 1-100, ex 101-150, srx 151-170).
 */
export function parseDevices(spec: string | number | undefined, profile: string): FleetGroup[] {
  const text = String(spec ?? 1).trim();
  const whole = (t: string): number | undefined => (/^\d+$/.test(t.trim()) ? Number(t.trim()) : undefined);
  if (!text.includes(':')) {
    const n = whole(text);
    if (n === undefined || n < 1) throw new UsageError(`--devices must be a whole number of at least 1, or PROFILE:COUNT,... such as mx:100,ex:50 (got ${JSON.stringify(text.slice(0, 40))})`);
    return [{ profile, count: n }];
  }
  const groups = text.split(',').map((part) => {
    const i = part.lastIndexOf(':');
    const name = part.slice(0, i).trim();
    const n = whole(part.slice(i + 1));
    if (!name || n === undefined || n < 1) throw new UsageError(`--devices: each group is PROFILE:COUNT with a count of at least 1, e.g. mx:100,ex:50 (got ${JSON.stringify(part.trim().slice(0, 40))})`);
    return { profile: name, count: n };
  });
  return groups;
}

/**
 * The fleet the flags ask for, and the block of it this process runs; UsageError for a
 * count the other flags rule out.
 */
export function fleetPlan(f: { devices?: number | string; profile?: string; shard?: string; sshPort?: number }, config: AgentConfig | undefined, env: Record<string, string | undefined> = process.env): FleetPlan {
  const groups = parseDevices(f.devices, f.profile ?? DEFAULT_PROFILE);
  const total = groups.reduce((s, g) => s + g.count, 0);
  if (total > MAX_DEVICES) throw new UsageError(`--devices: at most ${MAX_DEVICES} devices in a fleet (got ${total})`);
  if (!config && f.sshPort === undefined) {
    throw new UsageError('nothing to do: configure an NMS (--host/--cert/--device-id/--secret or --config) or an SSH face (--ssh-port); run with no arguments for the demo');
  }
  const shard = resolveShard(f.shard, env);
  const range = shard ? shardRange(total, shard) : { first: 1, last: total };
  const profileOf = (n: number): string => {
    let upto = 0;
    for (const g of groups) {
      upto += g.count;
      if (n <= upto) return g.profile;
    }
    throw new RangeError(`device ${n} is not in the fleet of ${total}`);
  };
  return { total, first: range.first, last: range.last, shard, groups, profileOf };
}

/** An IPv4 address as a number, or undefined. */
function ipv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const b = m.slice(1).map(Number);
  if (b.some((x) => x > 255)) return undefined;
  return ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
}

function ipv4Text(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Where device n's SSH face listens. */
export interface SshPlace {
  host: string;
  port: number;
}

/**
 * The SSH face of fleet member n (global number): with `--ssh-address-range FIRST`, address
 * FIRST+n-1 on --ssh-port; otherwise --ssh-host on port --ssh-port+n-1 (0: a free port each).
 * A single device listens on --ssh-host:--ssh-port. Checked for the whole block up front.
 */
export function sshPlaces(f: { sshPort?: number; sshHost?: string; sshAddressRange?: string }, plan: Pick<FleetPlan, 'total' | 'first' | 'last'>): (n: number) => SshPlace {
  const base = f.sshPort ?? 0;
  const host = f.sshHost ?? '127.0.0.1';
  if (!isListenPort(base)) throw new UsageError(`--ssh-port must be 0-65535 (got ${base})`);
  if (f.sshAddressRange !== undefined) {
    const first = ipv4(f.sshAddressRange);
    if (first === undefined) throw new UsageError(`--ssh-address-range must be the IPv4 address of device 1, e.g. 127.0.1.1 (got ${JSON.stringify(f.sshAddressRange.slice(0, 40))})`);
    if (first + plan.total - 1 > 0xffffffff || (first >>> 24) !== ((first + plan.total - 1) >>> 24)) {
      throw new UsageError(`--ssh-address-range ${f.sshAddressRange}: ${plan.total} devices do not fit in ${first >>> 24}.0.0.0/8`);
    }
    return (n) => ({ host: ipv4Text(first + n - 1), port: base });
  }
  if (plan.total <= 1 || base === 0) return () => ({ host, port: base });
  if (base + plan.last - 1 > 65535) {
    throw new UsageError(`--ssh-port ${base}: device ${plan.last} would listen on ${base + plan.last - 1}, past 65535 (use a lower base, or --ssh-address-range)`);
  }
  return (n) => ({ host, port: base + n - 1 });
}

/** Fleets from this size up use several threads with `--threads auto`. */
export const AUTO_THREADS_FROM = 1000;
/** Devices per thread that `auto` aims at (at most one thread per CPU). */
const AUTO_DEVICES_PER_THREAD = 2500;
/** The most threads a fleet may use. */
export const MAX_THREADS = 64;

/**
 * `--threads`: how many threads run this process's `count` devices. `auto` (the default):
 * one for fewer than AUTO_THREADS_FROM devices, else one per AUTO_DEVICES_PER_THREAD devices,
 * at most one per CPU; a number: that many (never more than devices).
 */
export function fleetThreads(spec: string | number | undefined, count: number, cpus: number): number {
  const text = String(spec ?? 'auto').trim();
  if (text === 'auto') {
    if (count < AUTO_THREADS_FROM) return 1;
    return Math.max(1, Math.min(cpus, Math.ceil(count / AUTO_DEVICES_PER_THREAD), MAX_THREADS));
  }
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_THREADS) throw new UsageError(`--threads takes auto or a whole number from 1 to ${MAX_THREADS} (got ${JSON.stringify(text.slice(0, 20))})`);
  return Math.min(Number(text), Math.max(1, count));
}

/** Devices first..last cut into `threads` contiguous blocks, sizes differing by one at most. */
export function threadBlocks(first: number, last: number, threads: number): { first: number; last: number }[] {
  const count = last - first + 1;
  const blocks: { first: number; last: number }[] = [];
  let next = first;
  for (let k = 0; k < threads; k++) {
    const size = Math.floor(count / threads) + (k < count % threads ? 1 : 0);
    if (size === 0) continue;
    blocks.push({ first: next, last: next + size - 1 });
    next += size;
  }
  return blocks;
}
