/**
 * The local door of the emulated device for the shell's `cli`: a UNIX socket where each
 * connection is one NETCONF session of the device, bytes passed through both ways.
 */
import { chmodSync, chownSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ByteSession } from '../agent/byte-session.js';
import { silentLogger, type Logger } from '../log.js';

export interface DeviceSocketOptions {
  /** Gives the socket to this account (mode 0600); without it the socket is 0666. */
  owner?: { uid: number; gid: number };
  logger?: Logger;
}

export interface DeviceSocket {
  close(): Promise<void>;
}

function removeStale(socketPath: string): void {
  try {
    if (statSync(socketPath).isSocket()) rmSync(socketPath, { force: true });
  } catch {
    /* nothing there */
  }
}

export async function serveDeviceSocket(openNetconf: () => ByteSession, socketPath: string, opts: DeviceSocketOptions = {}): Promise<DeviceSocket> {
  const logger = opts.logger ?? silentLogger;
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
  if (opts.owner && process.getuid?.() === 0) {
    chownSync(socketPath, opts.owner.uid, opts.owner.gid);
    chmodSync(socketPath, 0o600);
  } else {
    chmodSync(socketPath, 0o666);
  }
  try {
    if ((statSync(path.dirname(socketPath)).mode & 0o001) === 0 && process.getuid?.() === 0) {
      logger.warn({ dir: path.dirname(socketPath) }, 'the device socket directory is not searchable by others: a dropped-privilege shell cannot reach cli');
    }
  } catch {
    /* dir checked by listen already */
  }

  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const [socket, session] of live) {
          socket.destroy();
          if (session && !session.ended) session.kill(15);
        }
        live.clear();
        server.close(() => {
          rmSync(socketPath, { force: true });
          resolve();
        });
      })),
  };
}
