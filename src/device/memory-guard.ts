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
 *
 * It also gives back what devices dropped. V8 collects its old generation only when that
 * grows, so the state a polled device drops (its datastore, its operational model, a
 * session's leftovers) stays in the heap as garbage until more is allocated: an idle fleet
 * after a round of polls would keep its polled size for good. Once devices have dropped
 * state and the process is quiet (no session open in any of its threads, none opened since
 * the last look), the guard runs one full, compacting collection (at most every
 * TIDY_EVERY_MS; at once, not marking alongside the program: nothing waits on a quiet
 * process, and a busy machine would starve concurrent marking), which returns the freed
 * pages to the system. Under a steady load of sessions V8's own collections take the
 * garbage, and none is forced: a thread quiet while another serves sessions does not
 * collect, as its collection of a large heap takes a core for a second or more from
 * the threads at work (a fleet polled in device order has one thread busy while the
 * other is quiet, half of each minute). The threads see each other's sessions through a
 * shared array (ProcessActivity), each writing its own counts. The collection is
 * the program's own: V8's gc function, reached through its flag from inside the process,
 * so no user sets a flag or an environment variable.
 */
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Logger } from '../log.js';
import { deviceActivity } from '../junos/device.js';

export const GUARD_LOW = 0.8;
export const GUARD_CRITICAL = 0.9;
const GUARD_EVERY_MS = 2_000;
/** Forced collections after drops are at least this far apart. */
export const TIDY_EVERY_MS = 10_000;

/** What the devices of the thread did (src/junos/device.ts deviceActivity). */
export interface Activity {
  drops: number;
  opened: number;
  live: number;
}

type Collector = (execution: 'sync' | 'async') => Promise<void>;
let gcFunction: ((opts?: { type: 'major'; execution: 'async' | 'sync' }) => Promise<void> | void) | null | undefined;

/**
 * One full collection of this thread's heap, now (sync) or marking concurrently (async);
 * resolves when done. Reached
 * through V8's --expose-gc flag set from inside (a new context then has `gc`); a V8 without
 * it makes this a no-op.
 */
export function fullCollection(execution: 'sync' | 'async' = 'async'): Promise<void> {
  if (gcFunction === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gcFunction = vm.runInNewContext('gc') as typeof gcFunction;
    } catch {
      gcFunction = null; // not offered by this V8: the guard's drops still go to V8's own collections
    }
  }
  if (!gcFunction) return Promise.resolve();
  // gc() alone is the full collection done now; with options V8 20's sync one leaves garbage
  // (it treats the stack as holding pointers), so options only for the concurrent one.
  // The one done at once also compacts (V8's flag, for that collection only), so the pages
  // it frees go back now rather than when V8's memory reducer comes round.
  if (execution === 'sync') {
    v8.setFlagsFromString('--compact-on-every-full-gc');
    try {
      gcFunction();
    } finally {
      v8.setFlagsFromString('--no-compact-on-every-full-gc');
    }
    return Promise.resolve();
  }
  return Promise.resolve(gcFunction({ type: 'major', execution }));
}

/**
 * Sessions of every thread of the process: each thread's guard writes its thread's counts
 * (sessions opened, sessions live) in its slot of a shared array, and reads the others'.
 */
export interface ProcessActivity {
  /** Two Int32 per thread: sessions opened (wrapping), sessions live. */
  shared: SharedArrayBuffer;
  slot: number;
}

/** A shared array for `threads` threads' activity. */
export function processActivityBuffer(threads: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * 2 * threads);
}

/**
 * This thread's activity as the process sees it: the thread's own written to its slot, and
 * the sessions opened and live in every thread summed (opened as a wrapping count).
 */
export function processWide(own: () => Readonly<Activity>, p: ProcessActivity): () => Readonly<Activity> {
  const cells = new Int32Array(p.shared);
  return () => {
    const a = own();
    Atomics.store(cells, 2 * p.slot, a.opened | 0);
    Atomics.store(cells, 2 * p.slot + 1, a.live);
    let opened = 0;
    let live = 0;
    for (let i = 0; i < cells.length; i += 2) {
      opened = (opened + Atomics.load(cells, i)) | 0;
      live += Atomics.load(cells, i + 1);
    }
    return { drops: a.drops, opened, live };
  };
}

/** What the guard looks at and acts with; the real ones by default (tests give their own). */
export interface GuardDeps {
  measure: () => MemoryUse;
  everyMs: number;
  activity: () => Readonly<Activity>;
  collect: Collector;
  now: () => number;
}

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
  /** Full collections it ran (after drops, or at the low mark). */
  readonly collections: number;
  /** Looks now (the timer does it every few seconds). */
  check(): void;
  stop(): void;
}

export function startMemoryGuard(devices: () => readonly Guarded[], logger: Logger, measure: () => MemoryUse = memoryUse, everyMs = GUARD_EVERY_MS, deps: Partial<Omit<GuardDeps, 'measure' | 'everyMs'>> & { process?: ProcessActivity } = {}): MemoryGuard {
  const own = deps.activity ?? deviceActivity;
  const activity = deps.process ? processWide(own, deps.process) : own;
  const collect = deps.collect ?? fullCollection;
  const now = deps.now ?? Date.now;
  let state: MemoryGuard['state'] = 'ok';
  let collections = 0;
  let collecting = false;
  let lastTidy = -Infinity;
  let seen = { ...activity() };
  let dropsPending = false;
  const tidy = (why: string, execution: 'sync' | 'async'): void => {
    if (collecting) return;
    collecting = true;
    collections++;
    lastTidy = now();
    dropsPending = false;
    const before = process.memoryUsage.rss();
    collect(execution).then(
      () => {
        collecting = false;
        logger.debug({ why, rssBefore: `${(before / MiB).toFixed(0)} MiB`, rssAfter: `${(process.memoryUsage.rss() / MiB).toFixed(0)} MiB` }, 'memory: full collection');
      },
      () => {
        collecting = false;
      },
    );
  };
  const tidyIfQuiet = (): void => {
    const a = activity();
    if (a.drops !== seen.drops) dropsPending = true;
    const quiet = a.live === 0 && a.opened === seen.opened;
    seen = { ...a };
    if (dropsPending && quiet && now() - lastTidy >= TIDY_EVERY_MS) tidy('devices dropped state and the thread is quiet', 'sync');
  };
  const check = (): void => {
    tidyIfQuiet();
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
      // What they dropped is garbage until collected: collected now, sessions or not.
      seen = { ...activity() };
      tidy('memory low', 'async');
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
    get collections() {
      return collections;
    },
    check,
    stop: () => clearInterval(timer),
  };
}
