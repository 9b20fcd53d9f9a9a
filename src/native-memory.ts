/**
 * Native memory the process freed, given back to the system.
 *
 * Every session a device serves comes on a new TLS connection, and each connection's native
 * state (OpenSSL's objects and buffers, the HTTP/2 session, the socket) is allocated with
 * malloc by the thread that serves it. glibc keeps what is freed in that thread's arena and
 * returns pages to the system only from the arena's top: the free space between live
 * allocations stays resident. Measured with 10,000 devices polled every minute (bench
 * sustained), the process's memory outside V8's heaps grew 894 → 1,033 MiB in 16 minutes
 * while what it held did not, and one `malloc_trim(0)` gave back 100 MiB at once.
 *
 * So a long-running device process (and the `nms` command) calls glibc's `malloc_trim(0)`
 * every TRIM_EVERY_MS: it returns the whole free pages of every arena (madvise), which the
 * next allocations there fault back in. Reached through koffi (a C FFI with prebuilt
 * binaries, no compiler at install); where it is missing, or the C library is not glibc
 * (musl has no libc.so.6), nothing is done.
 */
import { createRequire } from 'node:module';
import type { Logger } from './log.js';

export const TRIM_EVERY_MS = 30_000;

type Trim = (pad: number) => number;
let trimFn: Trim | null | undefined;

/** glibc's malloc_trim, or null where it cannot be reached. */
function mallocTrim(): Trim | null {
  if (trimFn !== undefined) return trimFn;
  trimFn = null;
  if (process.platform !== 'linux') return trimFn;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as { load(path: string): { func(signature: string): Trim } };
    trimFn = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)');
  } catch {
    trimFn = null; // no koffi for this platform, or a C library without malloc_trim
  }
  return trimFn;
}

/** What one trim did: whether it could run, what the process's resident memory lost, how long it took. */
export interface Trimmed {
  available: boolean;
  releasedBytes: number;
  ms: number;
}

/** Gives the free pages of every malloc arena back to the system, now. */
export function returnFreeMemory(): Trimmed {
  const trim = mallocTrim();
  if (!trim) return { available: false, releasedBytes: 0, ms: 0 };
  const before = process.memoryUsage.rss();
  const t = process.hrtime.bigint();
  trim(0);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { available: true, releasedBytes: Math.max(0, before - process.memoryUsage.rss()), ms };
}

/** Trims every `everyMs` until stopped (the timer keeps no process alive); each trim logged at debug. */
export function startReturningFreeMemory(logger: Logger, everyMs = TRIM_EVERY_MS): { stop(): void } {
  if (!mallocTrim()) {
    logger.debug('native memory: malloc_trim not reachable here; freed native memory stays with the C library');
    return { stop: () => undefined };
  }
  const timer = setInterval(() => {
    const r = returnFreeMemory();
    logger.debug({ released: `${(r.releasedBytes / 1048576).toFixed(1)} MiB`, ms: Number(r.ms.toFixed(2)) }, 'native memory: free pages given back');
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
