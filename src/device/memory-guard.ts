/**
 * A process near its memory limit degrades instead of dying: the guard looks at the memory
 * in use every few seconds, against the lower of two limits, V8's heap limit of this thread
 * (`--max-old-space-size`) and the container's (cgroup v2 `memory.max`, v1
 * `memory.limit_in_bytes`, against the process's resident memory):
 *
 *   from LOW of a limit     every device drops what it can rebuild (its operational model),
 *                           once per crossing;
 *   from CRITICAL           new NETCONF sessions are refused, each with one clear line
 *                           ("not enough memory: ..."), until use is back under LOW.
 *
 * Sessions already open go on. Every change of state is logged once.
 */
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import type { Logger } from '../log.js';

export const GUARD_LOW = 0.8;
export const GUARD_CRITICAL = 0.9;
const GUARD_EVERY_MS = 2_000;

/** What the guard acts on: a fleet's devices. */
export interface Guarded {
  dropRebuildable(): boolean;
  refuseSessions(reason: string | undefined): void;
}

/** Memory in use and its limit, in bytes, and what the limit is. */
export interface MemoryUse {
  used: number;
  limit: number;
  what: string;
}

/** The container's memory limit (bytes), or undefined when there is none. */
export function cgroupLimit(): number | undefined {
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    try {
      const text = readFileSync(file, 'utf8').trim();
      if (!/^\d+$/.test(text)) continue;
      const n = Number(text);
      // v1 says "no limit" with a huge number.
      if (n > 0 && n < 2 ** 60) return n;
    } catch {
      // not this cgroup version
    }
  }
  return undefined;
}

/** The fuller of the two: this thread's heap against its limit, the process against the container's. */
export function memoryUse(container = cgroupLimit()): MemoryUse {
  const h = v8.getHeapStatistics();
  const heap: MemoryUse = { used: h.used_heap_size, limit: h.heap_size_limit, what: 'JavaScript heap' };
  if (container === undefined) return heap;
  const rss: MemoryUse = { used: process.memoryUsage.rss(), limit: container, what: 'container memory' };
  return rss.used / rss.limit > heap.used / heap.limit ? rss : heap;
}

const MiB = 1024 * 1024;

export interface MemoryGuard {
  /** 'ok', 'low' or 'critical', as last seen. */
  readonly state: 'ok' | 'low' | 'critical';
  /** Looks now (the timer does it every few seconds). */
  check(): void;
  stop(): void;
}

export function startMemoryGuard(devices: () => readonly Guarded[], logger: Logger, measure: () => MemoryUse = memoryUse, everyMs = GUARD_EVERY_MS): MemoryGuard {
  let state: MemoryGuard['state'] = 'ok';
  const check = (): void => {
    const m = measure();
    const share = m.used / m.limit;
    const figures = { used: `${(m.used / MiB).toFixed(0)} MiB`, limit: `${(m.limit / MiB).toFixed(0)} MiB`, of: m.what };
    // Once critical, sessions are refused until use is back under LOW (no flapping at the mark).
    const next: MemoryGuard['state'] = share >= GUARD_CRITICAL ? 'critical' : share >= GUARD_LOW ? (state === 'critical' ? 'critical' : 'low') : 'ok';
    if (next === state) return;
    if (next !== 'ok' && state === 'ok') {
      let dropped = 0;
      for (const d of devices()) if (d.dropRebuildable()) dropped++;
      logger.warn({ ...figures, dropped }, 'memory low: devices dropped what they can rebuild');
    }
    if (next === 'critical') {
      const reason = `not enough memory: ${m.what} ${figures.used} of ${figures.limit}; new sessions are refused until it is back under ${Math.round(GUARD_LOW * 100)} %`;
      for (const d of devices()) d.refuseSessions(reason);
      logger.error(figures, 'memory critical: refusing new sessions');
    } else if (state === 'critical') {
      for (const d of devices()) d.refuseSessions(undefined);
      logger.warn(figures, 'memory back under the critical mark: sessions accepted again');
    }
    if (next === 'ok') logger.info(figures, 'memory use back to normal');
    state = next;
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  return {
    get state() {
      return state;
    },
    check,
    stop: () => clearInterval(timer),
  };
}
