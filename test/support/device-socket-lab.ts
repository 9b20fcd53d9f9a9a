/**
 * Test support: an emulated MX served on a device socket (owned by `nobody`, in a 0711
 * folder), and a real PTY shell that runs some input against it (as `cli -c ...` lines)
 * and resolves with everything it printed once the shell ends.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SessionEnd } from '../../src/session/byte-session.js';
import { EmulatedDevice } from '../../src/junos/device.js';
import { serveDeviceSocket, type DeviceSocket } from '../../src/shell/device-socket.js';
import { resolveSessionUser } from '../../src/shell/user.js';
import { openPtyShell } from '../../src/shell/pty-session.js';

export interface DeviceSocketLab {
  dir: string;
  socketPath: string;
  device: EmulatedDevice;
  server: DeviceSocket;
  /** Writes input to a new PTY shell; the shell's output when it ends (killed after ms). */
  shell(input: string, ms?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startDeviceSocketLab(opts: { prefix: string; hostname: string }): Promise<DeviceSocketLab> {
  const dir = mkdtempSync(path.join(tmpdir(), opts.prefix));
  chmodSync(dir, 0o711);
  const socketPath = path.join(dir, 'cli', 'device.sock');
  let device: EmulatedDevice | undefined;
  let server: DeviceSocket | undefined;
  try {
    const dev = (device = await EmulatedDevice.create({ profile: 'mx', hostname: opts.hostname }));
    server = await serveDeviceSocket(() => dev.openNetconf({ user: 'nobody', client: 'cli' }), socketPath, { owner: resolveSessionUser('nobody', false) });
  } catch (e) {
    await device?.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const srv = server;
  return {
    dir,
    socketPath,
    device,
    server: srv,
    shell(input, ms = 30_000) {
      const s = openPtyShell({ deviceSocket: socketPath });
      const chunks: Buffer[] = [];
      s.on('data', (b: Buffer) => chunks.push(b));
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => {
          s.kill(9);
          reject(new Error(`shell did not end: ${Buffer.concat(chunks).toString()}`));
        }, ms);
        s.once('end', (_e: SessionEnd) => {
          clearTimeout(t);
          resolve(Buffer.concat(chunks).toString());
        });
        s.write(input);
      });
    },
    async close() {
      await srv.close();
      await device?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
