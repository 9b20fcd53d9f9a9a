/**
 * The local door of the emulated device for the shell's `cli`: a UNIX socket where each
 * connection is one NETCONF session of the device, bytes passed through both ways.
 *
 * Who may connect: only the sessions' user and root. Node cannot read a UNIX peer's
 * credentials (no SO_PEERCRED), so the file system decides: the socket lives in a
 * directory of its own, mode 0700 and owned by the sessions' user, and the socket itself
 * is 0600 and theirs. Any other uid cannot even reach the socket's path.
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ByteSession } from '../session/byte-session.js';
import { silentLogger, type Logger } from '../log.js';

export interface DeviceSocketOptions {
  /**
   * The only account (besides root) that may connect: the sessions' user. Default: the
   * account this process runs as. Giving the socket to another account needs root.
   */
  owner?: { uid: number; gid: number };
  logger?: Logger;
}

export interface DeviceSocket {
  readonly path: string;
  close(): Promise<void>;
}

function removeStale(socketPath: string): void {
  try {
    if (statSync(socketPath).isSocket()) rmSync(socketPath, { force: true });
  } catch {
    /* nothing there */
  }
}

/**
 * Makes `dir` the socket's private directory: created 0700 when missing (then removed at
 * close); an existing one must be a real directory (not a link) of ours or the owner's.
 * Returns whether it was created here.
 */
function privateDir(dir: string, owner: { uid: number; gid: number }): boolean {
  let created = false;
  try {
    mkdirSync(dir, { mode: 0o700 });
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = lstatSync(dir);
  const me = process.getuid?.() ?? -1;
  if (!st.isDirectory()) throw new Error(`device socket directory ${dir} is not a directory`);
  if (st.uid !== me && st.uid !== owner.uid) throw new Error(`device socket directory ${dir} belongs to uid ${st.uid}, not to us or the session user`);
  chmodSync(dir, 0o700);
  if (me === 0 && (st.uid !== owner.uid || st.gid !== owner.gid)) chownSync(dir, owner.uid, owner.gid);
  return created;
}

export async function serveDeviceSocket(openNetconf: () => ByteSession, socketPath: string, opts: DeviceSocketOptions = {}): Promise<DeviceSocket> {
  const logger = opts.logger ?? silentLogger;
  const me = { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 };
  const owner = opts.owner ?? me;
  if (owner.uid !== me.uid && me.uid !== 0) throw new Error(`the device socket can be given to uid ${owner.uid} only when running as root`);
  const dir = path.dirname(socketPath);
  const createdDir = privateDir(dir, owner);
  const live = new Map<net.Socket, ByteSession | undefined>();

  const server = net.createServer((socket) => {
    let session: ByteSession;
    try {
      session = openNetconf();
    } catch (err) {
      logger.warn({ reason: (err as Error).message }, 'cli connection refused: no NETCONF session');
      socket.destroy();
      return;
    }
    live.set(socket, session);
    session.on('data', (b: Buffer) => {
      if (!socket.destroyed) socket.write(b);
    });
    session.once('end', () => {
      live.delete(socket);
      if (!socket.destroyed) socket.end();
    });
    socket.on('data', (b: Buffer) => session.write(b));
    socket.on('error', () => {});
    // The cli went away: its NETCONF session goes with it.
    socket.on('close', () => {
      live.delete(socket);
      if (!session.ended) session.kill(15);
    });
  });

  removeStale(socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o600);
  if (me.uid === 0 && (owner.uid !== 0 || owner.gid !== me.gid)) chownSync(socketPath, owner.uid, owner.gid);
  logger.debug({ socket: socketPath, uid: owner.uid }, 'cli device socket: only this uid and root may connect');

  let closing: Promise<void> | undefined;
  return {
    path: socketPath,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const [socket, session] of live) {
          socket.destroy();
          if (session && !session.ended) session.kill(15);
        }
        live.clear();
        server.close(() => {
          rmSync(socketPath, { force: true });
          if (createdDir) {
            try {
              rmdirSync(dir);
            } catch {
              /* not empty: something else lives there */
            }
          }
          resolve();
        });
      })),
  };
}
