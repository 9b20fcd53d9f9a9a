/**
 * A fleet needs about one file descriptor per idle device (its pending Initialize's
 * connection) and more for sessions. Node cannot set rlimits itself: when the soft limit
 * on open files is below what the fleet needs, it is raised to the hard limit with
 * util-linux's `prlimit` on this process, and the log says so (or says why not).
 */
import { execFileSync } from 'node:child_process';
import type { Logger } from '../log.js';

/** Descriptors a fleet of `count` wants: one per device, a spare per device with a session, and some for the process. */
export function fdsWanted(count: number): number {
  return count * 2 + 256;
}

/** The soft and hard limits on open files of this process (Linux /proc), or undefined. */
export function fdLimits(): { soft: number; hard: number } | undefined {
  try {
    const out = execFileSync('prlimit', ['--pid', String(process.pid), '--nofile', '--raw', '--noheadings', '--output', 'SOFT,HARD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    const [soft, hard] = out.trim().split(/\s+/).map((v) => (v === 'unlimited' ? Infinity : Number(v)));
    return Number.isFinite(soft) || soft === Infinity ? { soft, hard } : undefined;
  } catch {
    return undefined;
  }
}

/** Raises the soft open-files limit to the hard one when a fleet of `count` needs more; logs what it did. */
export function raiseFdLimit(count: number, logger: Logger): void {
  const want = fdsWanted(count);
  const limits = fdLimits();
  if (!limits) {
    logger.debug({ devices: count }, 'open-files limit unknown (no prlimit); not raised');
    return;
  }
  if (limits.soft >= want) return;
  if (limits.hard > limits.soft) {
    const hard = limits.hard === Infinity ? 'unlimited' : String(limits.hard);
    try {
      execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${hard}:${hard}`], { stdio: 'ignore', timeout: 5000 });
      logger.info({ devices: count, was: limits.soft, now: hard }, 'open-files soft limit raised to the hard limit for the fleet');
      limits.soft = limits.hard;
    } catch (err) {
      logger.warn({ reason: (err as Error).message.split('\n')[0] }, 'could not raise the open-files limit');
    }
  }
  if (limits.soft < want) {
    logger.warn({ devices: count, limit: limits.soft, wanted: want }, 'open-files limit is low for this fleet: devices beyond it cannot connect (raise `ulimit -n`)');
  }
}
