/**
 * The account a session runs as. On a device, shell and NETCONF sessions run as the JET
 * app's configured user (default `nobody`); the emulator does the same when it runs as
 * root, and otherwise runs sessions as whoever started it.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Logger } from '../log.js';
import { makeTempDir } from '../temp-root.js';

export interface SessionUser {
  name: string;
  uid: number;
  gid: number;
  /** A directory the user can write: the account's home, or a private temp dir. */
  home: string;
  /** The account's login shell, as recorded in the password database. */
  shell: string;
  /** Set when spawned processes must switch to this account (we run as root, it is not us). */
  switchTo?: { uid: number; gid: number };
  /** A uid of its own without a password-database entry (one device's, see deviceAccount): no groups to initialise. */
  bare?: boolean;
}

/**
 * One device's own account, for per-device isolation: the sessions' user's name and
 * login shell, but a uid (and gid) of its own from the range given, and a private home.
 * Shells of two devices then cannot signal each other or reach each other's cli socket.
 * Only when running as root (otherwise no switching is possible).
 */
export function deviceAccount(base: SessionUser, uid: number): SessionUser {
  if (process.getuid?.() !== 0) throw new Error('a uid per device needs the emulator to run as root');
  return { name: base.name, uid, gid: uid, home: tempHome(uid, uid), shell: base.shell, switchTo: { uid, gid: uid }, bare: true };
}

/** Parses `FIRST-LAST` (uids); throws with a plain message on anything else. */
export function parseUidRange(text: string): { first: number; last: number } {
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  const first = m ? Number(m[1]) : NaN;
  const last = m ? Number(m[2]) : NaN;
  if (!m || first < 1000 || last < first || last > 0x7fffffff - 1) throw new Error(`expected a uid range FIRST-LAST with 1000 <= FIRST <= LAST, got ${JSON.stringify(text)}`);
  return { first, last };
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

function parsePasswdLine(line: string): PasswdEntry | undefined {
  const f = line.split(':');
  if (f.length < 7) return undefined;
  const uid = Number(f[2]);
  const gid = Number(f[3]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) return undefined;
  return { name: f[0], uid, gid, home: f[5], shell: f[6] };
}

/** Looks an account up by name (or numeric uid): getent first, so NSS sources count, then /etc/passwd. */
export function lookupUser(name: string): PasswdEntry | undefined {
  try {
    const out = execFileSync('getent', ['passwd', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const entry = parsePasswdLine(out.split('\n')[0] ?? '');
    if (entry) return entry;
  } catch {
    /* not found, or no getent: fall back to the file */
  }
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const entry = parsePasswdLine(line);
      if (entry && (entry.name === name || String(entry.uid) === name)) return entry;
    }
  } catch {
    /* no passwd file */
  }
  return undefined;
}

function isWritableDir(path: string, uid: number, gid: number): boolean {
  try {
    const st = statSync(path);
    if (!st.isDirectory()) return false;
    if (uid === 0) return true;
    if (st.uid === uid) return (st.mode & 0o200) !== 0;
    if (st.gid === gid) return (st.mode & 0o020) !== 0;
    return (st.mode & 0o002) !== 0;
  } catch {
    return false;
  }
}

const noSwitchLogged = new Set<string>();

// One private home per uid per process, under the process's temp root (removed with it).
const tempHomes = new Map<number, string>();

function tempHome(uid: number, gid: number): string {
  const known = tempHomes.get(uid);
  if (known && isWritableDir(known, uid, gid)) return known;
  const dir = makeTempDir(`home-${uid}-`);
  if (process.getuid?.() === 0) chownSync(dir, uid, gid);
  tempHomes.set(uid, dir);
  return dir;
}

/**
 * Resolves the account sessions run as.
 *
 * Running as root: `name` must exist; sessions switch to it. It may resolve to root only
 * with `allowRoot`. Not running as root: sessions run as the current user (switching is
 * impossible); when `name` is someone else, that is logged once per name.
 */
export function resolveSessionUser(name: string, allowRoot: boolean, logger?: Logger): SessionUser {
  const myUid = process.getuid?.() ?? -1;
  if (myUid === 0) {
    const entry = lookupUser(name);
    if (!entry) throw new Error(`session user "${name}" does not exist on this host`);
    if (entry.uid === 0 && !allowRoot) {
      throw new Error(`refusing to run sessions as root (user "${name}"): allow root explicitly to do that`);
    }
    const home = isWritableDir(entry.home, entry.uid, entry.gid) ? entry.home : tempHome(entry.uid, entry.gid);
    return {
      name: entry.name,
      uid: entry.uid,
      gid: entry.gid,
      home,
      shell: entry.shell,
      switchTo: entry.uid === 0 ? undefined : { uid: entry.uid, gid: entry.gid },
    };
  }
  const me = userInfo();
  const entry = lookupUser(String(me.uid));
  const myName = entry?.name ?? me.username;
  if (name !== myName && name !== String(me.uid) && logger && !noSwitchLogged.has(name)) {
    noSwitchLogged.add(name);
    logger.info({ requested: name, actual: myName }, 'not running as root: sessions run as the current user');
  }
  const uid = me.uid;
  const gid = me.gid;
  const home = isWritableDir(me.homedir, uid, gid) ? me.homedir : tempHome(uid, gid);
  return { name: myName, uid, gid, home, shell: entry?.shell ?? me.shell ?? '/bin/sh' };
}

/** The login variables of a session as this user. */
export function loginEnv(user: SessionUser, shell: string): Record<string, string> {
  return { HOME: user.home, USER: user.name, LOGNAME: user.name, SHELL: shell };
}
