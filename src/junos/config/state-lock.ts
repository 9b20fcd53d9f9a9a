/**
 * One process per state directory: a lock file (`<dir>/lock`, mode 0600) created with
 * O_EXCL (by linking a complete temporary file, so it is never seen half written) that
 * names its holder: pid, the process's start time (so a recycled pid is not taken for the
 * holder) and what it is. A lock whose holder is dead is taken over. Released on close
 * and, as a last resort, when the process exits.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { CREATE_NEW, refuseSymlinkSync } from '../../own-files.js';

export const LOCK_FILE = 'lock';
const MAX_ATTEMPTS = 5;

interface LockInfo {
  pid: number;
  /** Start time of the process (clock ticks since boot, /proc/PID/stat field 22), when known. */
  start?: string;
  /** What holds the lock, e.g. `nc-grpc-device (SSH face)`. */
  what: string;
  /** A token unique to this lock, so a holder only ever removes its own. */
  token: string;
}

/** The state directory is held by another live process: a user error (exit 2), one line. */
export class StateLockedError extends UsageError {
  constructor(
    readonly dir: string,
    readonly holder: { pid: number; what: string },
  ) {
    super(`state directory ${dir} is in use by pid ${holder.pid} (${holder.what}); stop it or give another --state-dir`);
    this.name = 'StateLockedError';
  }
}

export interface StateLock {
  readonly file: string;
  release(): void;
  /**
   * Set when the directory's file system has no room for the lock (full, over quota,
   * read-only): no lock is held, and the holder must not write there. Names the path.
   */
  readonly readOnly?: string;
}

/** Errors that mean the file system takes no more writes (not a fault of ours). */
export const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EROFS']);

/** Start time of a process, or undefined where /proc is not there. */
function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function alive(info: LockInfo): boolean {
  if (!Number.isInteger(info.pid) || info.pid <= 0) return false;
  try {
    process.kill(info.pid, 0);
  } catch (e) {
    // EPERM: it exists, under another uid.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (info.start !== undefined) {
    const now = processStart(info.pid);
    if (now !== undefined && now !== info.start) return false;
  }
  return true;
}

function readLock(file: string): { raw: string; info?: LockInfo } | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const info = JSON.parse(raw) as LockInfo;
    if (typeof info?.pid === 'number' && typeof info.what === 'string') return { raw, info };
  } catch {
    // Unreadable: taken for stale below.
  }
  return { raw };
}

/**
 * Locks `dir` for this process, or throws StateLockedError naming the live holder. On a
 * file system with no room for the lock file, returns a lock that holds nothing and says
 * so (`readOnly`): the caller starts read-only rather than not at all.
 */
export function lockStateDir(dir: string, what: string): StateLock {
  // Nothing is written into a directory reached through a link (or through a link named `lock`).
  refuseSymlinkSync(dir);
  refuseSymlinkSync(path.join(dir, LOCK_FILE));
  try {
    return takeLock(dir, what);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (!NO_ROOM.has(code)) throw e;
    const reason = code === 'EROFS' ? 'read-only file system' : code === 'EDQUOT' ? 'disk quota exceeded' : 'no space left on device';
    return { file: path.join(dir, LOCK_FILE), release: () => undefined, readOnly: `${dir}: ${reason}` };
  }
}

function takeLock(dir: string, what: string): StateLock {
  const file = path.join(dir, LOCK_FILE);
  const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const mine: LockInfo = { pid: process.pid, start: processStart(process.pid), what, token };
  const tmp = path.join(dir, `.${LOCK_FILE}.${token}.tmp`);
  try {
    // Exclusive and without following a link: a name planted in the directory is not written through.
    const fd = fs.openSync(tmp, CREATE_NEW, 0o600);
    try {
      fs.writeFileSync(fd, JSON.stringify(mine) + '\n');
    } finally {
      fs.closeSync(fd);
    }
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        fs.linkSync(tmp, file);
        return held(file, token);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const current = readLock(file);
      if (!current) continue;
      if (current.info && (current.info.token === token || alive(current.info))) {
        throw new StateLockedError(dir, current.info);
      }
      // Stale: move it aside, and make sure what was moved is the stale lock read above
      // (another starter may have taken it over in between: then it goes back).
      const aside = path.join(dir, `.${LOCK_FILE}.stale.${token}`);
      try {
        fs.renameSync(file, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      const moved = fs.readFileSync(aside, 'utf8');
      if (moved !== current.raw) {
        try {
          fs.linkSync(aside, file);
        } catch {
          // A third starter got in: it holds the lock now; we retry against it.
        }
      }
      fs.rmSync(aside, { force: true });
    }
    const last = readLock(file)?.info;
    throw new StateLockedError(dir, last ?? { pid: 0, what: 'unknown' });
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Locks still held, released when the process exits (one listener for all of them). */
const heldLocks = new Set<() => void>();
let exitHook = false;

function held(file: string, token: string): StateLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    heldLocks.delete(release);
    try {
      const cur = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
      if (cur.token === token) fs.rmSync(file, { force: true });
    } catch {
      // Gone or replaced: nothing of ours to remove.
    }
  };
  heldLocks.add(release);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const r of [...heldLocks]) r();
    });
  }
  return { file, release };
}
