/**
 * What the kernel knows about a terminal session's processes, read from /proc (Linux).
 * A PTY shell is a session leader; its session id is its pid, and every process it
 * starts (unless it calls setsid) carries that session id.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface StatFields {
  pgrp: number;
  session: number;
  /** Foreground process group of the process's controlling terminal (-1 without one). */
  tpgid: number;
}

function readStat(pid: number | string): StatFields | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself contain spaces or parentheses.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest: state ppid pgrp session tty_nr tpgid ...
  const pgrp = Number(rest[2]);
  const session = Number(rest[3]);
  const tpgid = Number(rest[5]);
  if (!Number.isInteger(pgrp) || !Number.isInteger(session)) return undefined;
  return { pgrp, session, tpgid };
}

const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** The foreground process group of the terminal `pid` is attached to, when known. */
export function foregroundGroup(pid: number): number | undefined {
  const st = hasProc ? readStat(pid) : undefined;
  return st && st.tpgid > 0 ? st.tpgid : undefined;
}

/** Pids of the live processes of session `sid` (the leader included, when alive). */
export function sessionMembers(sid: number): number[] {
  if (!hasProc) return [];
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(name);
    if (st?.session === sid) out.push(Number(name));
  }
  return out;
}

/** True when a process with this pid exists (zombies included). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `signal` to every process of session `sid`, and to its process group where /proc is missing. */
export function signalSession(sid: number, signal: NodeJS.Signals | number): void {
  const targets = hasProc ? sessionMembers(sid) : [];
  for (const pid of targets) {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone meanwhile */
    }
  }
  try {
    process.kill(-sid, signal);
  } catch {
    /* no such group */
  }
}

/** True when `pid` is a live process that is not a zombie (a zombie has nothing left to run). */
export function isRunning(pid: number): boolean {
  if (hasProc) {
    const text = (() => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        return undefined;
      }
    })();
    if (text === undefined) return false;
    return text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) !== 'Z';
  }
  return isAlive(pid);
}
