/**
 * Another process as the kernel sees it (Linux /proc): the resident memory and CPU time of
 * a process and every process below it (a command that starts itself again, with its
 * threads), read from outside, as `ps` would, so that the process measured runs unchanged.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux everywhere). */
const TICKS = 100;

function stat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name, in parentheses, may hold spaces: fields are counted after its closing one.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** `pid` and every live process below it. */
export function processTree(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = stat(Number(name));
    if (f) parentOf.set(Number(name), Number(f[1]));
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  return tree.filter((p) => p === pid || parentOf.has(p));
}

/** Resident memory of `pid` and the processes below it (bytes). */
export function treeRss(pid: number): number {
  let kib = 0;
  for (const p of processTree(pid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) kib += Number(m[1]);
    } catch {
      // ended meanwhile
    }
  }
  return kib * 1024;
}

/** CPU time (user + system, every thread) of `pid` and the live processes below it (ms). */
export function treeCpuMs(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    const f = stat(p);
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return (ticks * 1000) / TICKS;
}

/** Open descriptors of `pid` and the processes below it. */
export function treeFds(pid: number): number {
  let n = 0;
  for (const p of processTree(pid)) {
    try {
      n += readdirSync(`/proc/${p}/fd`).length;
    } catch {
      // ended meanwhile
    }
  }
  return n;
}

/**
 * The kernel's CPU pressure (Linux PSI, /proc/pressure/cpu): the share of the last minute in
 * which some runnable task waited for a CPU, in %. Read before a run starts, it tells a
 * machine shared with work of others (a busy VM host) from a quiet one, which the load
 * average does not; undefined where the kernel has no PSI.
 */
export function cpuPressure(): number | undefined {
  try {
    const m = /^some avg10=[\d.]+ avg60=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
