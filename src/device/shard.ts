/**
 * Shards of a fleet: which devices of a fleet of `--devices N` one process runs, when the
 * fleet is spread over several processes, machines or Kubernetes pods.
 *
 * A shard is `I/N`: index I of N shards, counted from 0 like StatefulSet pod ordinals and
 * JOB_COMPLETION_INDEX, so pod `ncgd-0` is shard 0/20 and pod `ncgd-19` shard 19/20.
 * Devices are numbered 1..total across the whole fleet (the numbers that become the `-n` of
 * the device-ids, host names and `device-n` state directories), and shard I runs one
 * contiguous block of them. The blocks are disjoint, cover 1..total exactly once, differ in
 * size by at most one device, and depend only on (total, shards, index): a shard that
 * restarts runs the same devices under the same ids. When total is a multiple of the shard
 * count (total = shards × S), shard I runs devices I×S+1 … (I+1)×S whatever the number of
 * shards, so scaling out by whole shards of S devices adds devices and moves none.
 *
 * Without `--shard`, the shard comes from the environment, but only when NCGD_SHARDS (the
 * number of shards) is set: the index is NCGD_SHARD_INDEX (e.g. from the downward API's
 * `apps.kubernetes.io/pod-index` label), else JOB_COMPLETION_INDEX (an Indexed Job), else
 * the ordinal at the end of HOSTNAME (`<statefulset>-<ordinal>`, a StatefulSet pod's name).
 *
 * Pure functions: bad input throws a ShardError, one line meant for the user.
 */
import { UsageError } from '../errors.js';

/** Bad shard input: a one-line message for the user; a usage error (exit code 2). */
export class ShardError extends UsageError {}

/** Shard `index` of `count`, 0 ≤ index < count. */
export interface Shard {
  index: number;
  count: number;
}

/** A block of device numbers of the global numbering 1..total, first..last inclusive. */
export interface DeviceRange {
  first: number;
  last: number;
  /** last - first + 1 */
  size: number;
}

/** The environment variables a shard is derived from. */
export const SHARD_ENV = {
  count: 'NCGD_SHARDS',
  index: 'NCGD_SHARD_INDEX',
  jobIndex: 'JOB_COMPLETION_INDEX',
  hostname: 'HOSTNAME',
} as const;

/** A whole number ≥ 0 written in decimal digits only (no sign, exponent or fraction). */
function wholeNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function checkShard(index: number, count: number, source: string): Shard {
  if (count < 1) throw new ShardError(`${source}: the number of shards must be at least 1 (got ${count})`);
  if (index >= count) {
    const valid = count === 1 ? 'the only shard is 0' : `${count} shards are numbered 0-${count - 1}`;
    throw new ShardError(`${source}: shard index ${index} is out of range: indexes count from 0, so ${valid}`);
  }
  return { index, count };
}

/** Parses `I/N` as given to `--shard` (0-based index I of N shards). */
export function parseShard(text: string, source = '--shard'): Shard {
  const m = /^\s*([^/]*)\/([^/]*)\s*$/.exec(text);
  const index = m ? wholeNumber(m[1]) : undefined;
  const count = m ? wholeNumber(m[2]) : undefined;
  if (index === undefined || count === undefined) {
    throw new ShardError(`${source} must be I/N, shard I of N counted from 0, e.g. 0/20 … 19/20 (got ${quote(text)})`);
  }
  return checkShard(index, count, `${source} ${index}/${count}`);
}

/**
 * The shard the environment gives, or undefined when NCGD_SHARDS is not set (no sharding).
 * With NCGD_SHARDS set, an index must be found (NCGD_SHARD_INDEX, JOB_COMPLETION_INDEX, or
 * HOSTNAME `name-<ordinal>`, in that order) or a ShardError says what to set.
 */
export function shardFromEnv(env: Record<string, string | undefined> = process.env): Shard | undefined {
  const countText = env[SHARD_ENV.count];
  if (countText === undefined || countText.trim() === '') return undefined;
  const count = wholeNumber(countText);
  if (count === undefined || count < 1) {
    throw new ShardError(`${SHARD_ENV.count} must be the number of shards, a whole number of at least 1 (got ${quote(countText)})`);
  }
  for (const name of [SHARD_ENV.index, SHARD_ENV.jobIndex]) {
    const text = env[name];
    if (text === undefined || text.trim() === '') continue;
    const index = wholeNumber(text);
    if (index === undefined) throw new ShardError(`${name} must be a shard index, a whole number counted from 0 (got ${quote(text)})`);
    return checkShard(index, count, `${name}=${index} with ${SHARD_ENV.count}=${count}`);
  }
  const host = env[SHARD_ENV.hostname];
  const ordinal = host ? /-(\d+)$/.exec(host.trim()) : null;
  if (ordinal) {
    const index = wholeNumber(ordinal[1]);
    if (index !== undefined) return checkShard(index, count, `pod ordinal ${index} of HOSTNAME ${quote(host!.trim())} with ${SHARD_ENV.count}=${count}`);
  }
  throw new ShardError(
    `${SHARD_ENV.count}=${count} is set but no shard index was found: set ${SHARD_ENV.index} or ${SHARD_ENV.jobIndex}, run as a StatefulSet pod (HOSTNAME name-<ordinal>), or give --shard I/N`,
  );
}

/** The shard to run: `--shard` when given, else the environment's, else undefined (the whole fleet). */
export function resolveShard(flag: string | undefined, env: Record<string, string | undefined> = process.env): Shard | undefined {
  return flag !== undefined ? parseShard(flag) : shardFromEnv(env);
}

/** The devices (of 1..total) that `shard` runs; every shard gets at least one. */
export function shardRange(total: number, shard: Shard): DeviceRange {
  if (!Number.isSafeInteger(total) || total < 1) throw new ShardError(`--devices must be a whole number of at least 1 (got ${total})`);
  const { index, count } = checkShard(shard.index, shard.count, `shard ${shard.index}/${shard.count}`);
  if (total < count) {
    throw new ShardError(`--devices ${total} cannot be split into ${count} shards: each shard needs at least one device (give --devices ${count} or more, or fewer shards)`);
  }
  const base = Math.floor(total / count);
  const extra = total % count; // the first `extra` shards run one device more
  const first = index * base + Math.min(index, extra) + 1;
  const size = base + (index < extra ? 1 : 0);
  return { first, last: first + size - 1, size };
}

/** The shard (0-based index) that runs device `n` of 1..total: where to find a device. */
export function shardOfDevice(total: number, count: number, n: number): number {
  if (!Number.isSafeInteger(n) || n < 1 || n > total) throw new ShardError(`device ${n} is not in the fleet of ${total} (devices are numbered 1-${total})`);
  shardRange(total, { index: 0, count }); // validates total and count
  const base = Math.floor(total / count);
  const extra = total % count;
  const big = extra * (base + 1); // devices held by the shards one device larger
  return n <= big ? Math.floor((n - 1) / (base + 1)) : extra + Math.floor((n - 1 - big) / base);
}

/** One line for the log: `shard 3/20: devices 15001-20000 of 100000`. */
export function describeShard(total: number, shard: Shard): string {
  const r = shardRange(total, shard);
  return `shard ${shard.index}/${shard.count}: devices ${r.first}-${r.last} of ${total}`;
}
