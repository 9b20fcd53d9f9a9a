/**
 * What the kernel knows about a terminal session's processes, read from /proc (Linux).
 *
 * A PTY shell is a session leader; its session id is its pid, and every process it starts
 * carries that session id unless it calls setsid. To find the ones that did (a `setsid`
 * child, a double-forked daemon), each session's environment carries a marker
 * (NCGD_SESSION=<token>, a random token per session): a process keeps its initial
 * environment in /proc/PID/environ across fork, setsid and exec unless it replaces it, so a
 * scan of /proc finds every process the session started, wherever it was reparented.
 *
 * Signals from here only ever go to processes that are proven to be the session's: never
 * to this process, its process group or its session (a just-forked child is still in them
 * until it calls setsid), never to pid 1.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The environment variable that marks every process of a session. */
export const SESSION_MARKER_VAR = 'NCGD_SESSION';

interface StatFields {
  state: string;
  ppid: number;
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
  const [state, ppid, pgrp, session, tpgid] = [rest[0], Number(rest[1]), Number(rest[2]), Number(rest[3]), Number(rest[5])];
  if (!Number.isInteger(pgrp) || !Number.isInteger(session) || !Number.isInteger(ppid)) return undefined;
  return { state, ppid, pgrp, session, tpgid };
}

const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** This process's own group and session: never signalled from here. */
function self(): { pgrp: number; session: number } {
  const st = readStat('self');
  return st ? { pgrp: st.pgrp, session: st.session } : { pgrp: process.pid, session: process.pid };
}

function procPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return [];
  }
}

/** True when /proc/PID/environ holds exactly `entry` ("NAME=value"); false when unreadable. */
function environHas(pid: number, entry: Buffer): boolean {
  let env: Buffer;
  try {
    env = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return false;
  }
  for (let at = env.indexOf(entry); at >= 0; at = env.indexOf(entry, at + 1)) {
    const startsEntry = at === 0 || env[at - 1] === 0;
    const endsEntry = at + entry.length === env.length || env[at + entry.length] === 0;
    if (startsEntry && endsEntry) return true;
  }
  return false;
}

/**
 * The foreground process group of session `sid`'s terminal, only when it is provably one of
 * that session's groups: `sid` is already a session leader (a just-forked child is not yet,
 * and its stat still shows the terminal of the process that forked it), and the group is
 * in session `sid`, not ours.
 */
export function sessionForegroundGroup(sid: number): number | undefined {
  if (!hasProc) return undefined;
  const leader = readStat(sid);
  if (!leader || leader.session !== sid) return undefined;
  const fg = leader.tpgid;
  const me = self();
  if (!(fg > 1) || fg === process.pid || fg === me.pgrp || fg === me.session) return undefined;
  // A process group never spans sessions: one member in session `sid` proves the group.
  const member = readStat(fg);
  if (member) return member.pgrp === fg && member.session === sid ? fg : undefined;
  for (const pid of procPids()) {
    const st = readStat(pid);
    if (st?.pgrp === fg) return st.session === sid ? fg : undefined;
  }
  return undefined;
}

/** True when `pid` is a session leader (it has called setsid), so its pid names its session. */
export function isSessionLeader(pid: number): boolean {
  return readStat(pid)?.session === pid;
}

/** Pids of the live processes of session `sid` (the leader included, when alive). */
export function sessionMembers(sid: number): number[] {
  if (!hasProc) return [];
  const out: number[] = [];
  for (const pid of procPids()) {
    const st = readStat(pid);
    if (st?.session === sid) out.push(pid);
  }
  return out;
}

/**
 * Every live (not zombie) process a session started: the members of session `sid`, the
 * processes whose environment holds `marker` ("NAME=value"), and the descendants of both.
 * Never this process, its group or its session, never pid 1.
 */
export function sessionProcesses(sid: number, marker?: string): number[] {
  if (!hasProc) return [];
  const me = self();
  const entry = marker ? Buffer.from(marker) : undefined;
  const stats = new Map<number, StatFields>();
  for (const pid of procPids()) {
    const st = readStat(pid);
    if (st) stats.set(pid, st);
  }
  const found = new Set<number>();
  for (const [pid, st] of stats) {
    if (st.session === sid || (entry && environHas(pid, entry))) found.add(pid);
  }
  // Descendants that dropped the marker (a new environment) but are still children.
  const children = new Map<number, number[]>();
  for (const [pid, st] of stats) children.set(st.ppid, [...(children.get(st.ppid) ?? []), pid]);
  const queue = [...found];
  for (let i = 0; i < queue.length; i++) {
    for (const kid of children.get(queue[i]) ?? []) {
      if (!found.has(kid)) {
        found.add(kid);
        queue.push(kid);
      }
    }
  }
  return [...found].filter((pid) => {
    const st = stats.get(pid)!;
    return pid > 1 && pid !== process.pid && st.pgrp !== me.pgrp && st.session !== me.session && st.state !== 'Z';
  });
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

/**
 * Sends `signal` to every process of the session (see sessionProcesses), one pid at a
 * time. Without /proc (not Linux), to the session leader's group once it leads a session.
 * Returns the pids signalled.
 */
export function signalSession(sid: number, signal: NodeJS.Signals | number, marker?: string): number[] {
  if (!hasProc) {
    try {
      process.kill(-sid, signal);
    } catch {
      /* no such group */
    }
    return [];
  }
  const targets = sessionProcesses(sid, marker);
  for (const pid of targets) {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone meanwhile */
    }
  }
  return targets;
}

/** True when `pid` is a live process that is not a zombie (a zombie has nothing left to run). */
export function isRunning(pid: number): boolean {
  if (hasProc) {
    const st = readStat(pid);
    return st !== undefined && st.state !== 'Z';
  }
  return isAlive(pid);
}
