/**
 * This process's own directory under the system temp dir, and the sweep of those left by
 * processes that died without cleaning up (SIGKILL, an OOM kill, a crash of the machine).
 *
 * Each process makes one directory `ncgd-<pid>-XXXXXX`, mode 0711, holding a unix socket
 * `live` whose listener accepts and drops connections. Everything the device keeps in the
 * temp dir (its run directory, the cli script, session homes, the file store of a device
 * without a state dir) lives under it, and the tree is removed when the process exits.
 * Worker threads started after the root exists use the same root (it is passed to them as
 * environment data): a thread that ends takes nothing with it, and its files go with the
 * process's.
 *
 * Making a root first sweeps the temp dir: a root of the same owner whose `live` socket
 * refuses a connection (nobody listens on it: its process is gone) is removed. Liveness is
 * asked of the socket, not of the pid, so a reused pid, another pid namespace sharing the
 * temp dir or a stopped process cannot make a live root look dead. A root without its
 * socket (its process died between making the directory and listening, or the path was
 * too long to bind) is left alone; so are symbolic links, anything not a directory, and
 * directories of other owners.
 */
import fs from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getEnvironmentData, isMainThread, setEnvironmentData } from 'node:worker_threads';
import { RuntimeError } from './errors.js';

const ROOT_NAME = /^ncgd-\d+-[A-Za-z0-9]{6}$/;
const LIVE = 'live';
const SHARED = 'nc-grpc-device temp root';

let root: string | undefined;
let liveServer: net.Server | undefined;

/** This process's root, made (and the temp dir swept) on first use; removed at exit. */
export function tempRoot(): string {
  if (root && fs.existsSync(root)) return root;
  const shared = isMainThread ? undefined : getEnvironmentData(SHARED);
  if (typeof shared === 'string' && fs.existsSync(shared)) return (root = shared);
  let dir: string;
  try {
    dir = fs.mkdtempSync(path.join(tmpdir(), `ncgd-${process.pid}-`));
    fs.chmodSync(dir, 0o711);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new RuntimeError(`cannot make a private directory in the temp dir ${tmpdir()} (${code}): set TMPDIR to a writable directory`);
  }
  liveServer?.close();
  liveServer = listenLive(path.join(dir, LIVE));
  if (root === undefined) {
    process.once('exit', () => {
      liveServer?.close();
      if (root) fs.rmSync(root, { recursive: true, force: true });
    });
  }
  root = dir;
  setEnvironmentData(SHARED, dir);
  void sweepStaleRoots(tmpdir(), dir).catch(() => undefined);
  return dir;
}

/** A new directory under this process's root, with the mode given. */
export function makeTempDir(prefix: string, mode = 0o700): string {
  const dir = fs.mkdtempSync(path.join(tempRoot(), prefix));
  fs.chmodSync(dir, mode);
  return dir;
}

function listenLive(socketPath: string): net.Server | undefined {
  try {
    const server = net.createServer((c) => c.destroy());
    server.on('error', () => undefined);
    // A path listener binds within this call: the socket exists before anyone can sweep.
    server.listen(socketPath);
    server.unref();
    return server;
  } catch {
    return undefined;
  }
}

/** Whether someone listens on the socket: 'dead' only for a socket that refuses. */
function probe(socketPath: string, timeoutMs: number): Promise<'live' | 'dead' | 'unknown'> {
  return new Promise((resolve) => {
    const c = net.connect(socketPath);
    const timer = setTimeout(() => {
      c.destroy();
      resolve('unknown');
    }, timeoutMs);
    timer.unref();
    c.once('connect', () => {
      clearTimeout(timer);
      c.destroy();
      resolve('live');
    });
    c.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(e.code === 'ECONNREFUSED' ? 'dead' : 'unknown');
    });
  });
}

/**
 * Removes the roots in `dir` left by processes that are gone; returns their paths. `keep` is
 * never touched. Exported for tests and for whoever wants to sweep by hand.
 */
export async function sweepStaleRoots(dir: string = tmpdir(), keep?: string, timeoutMs = 2000): Promise<string[]> {
  const uid = process.getuid?.();
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names.filter((n) => ROOT_NAME.test(n)).slice(0, 10_000)) {
    const candidate = path.join(dir, name);
    if (candidate === keep) continue;
    try {
      const st = await fs.promises.lstat(candidate);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      const live = path.join(candidate, LIVE);
      const sock = await fs.promises.lstat(live);
      if (!sock.isSocket() || (uid !== undefined && sock.uid !== uid)) continue;
      if ((await probe(live, timeoutMs)) !== 'dead') continue;
      // rm works on the names it finds (lstat): a link inside is removed, never followed.
      await fs.promises.rm(candidate, { recursive: true, force: true });
      removed.push(candidate);
    } catch {
      // Gone meanwhile, not ours, or unreadable: leave it.
    }
  }
  return removed;
}
