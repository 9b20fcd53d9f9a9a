/**
 * Interactive logins over the SSH face: a PTY running the emulated Junos `cli` against an
 * emulated MX (through the device socket), as `ssh user@router` gives; and `ssh router
 * "show version"` running one command.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmulatedDevice } from '../../src/junos/device.js';
import { cliBinDir } from '../../src/shell/cli-bin.js';
import { serveDeviceSocket, type DeviceSocket } from '../../src/shell/device-socket.js';
import { resolveSessionUser } from '../../src/shell/user.js';
import { openPtyShell } from '../../src/shell/pty-session.js';
import { startSshFace, type SshFace } from '../../src/ssh/server.js';
import { openChannel } from '../support/ssh-harness.js';
import { testLogger } from '../support/agent-harness.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-ssh-shell-'));
// The shell runs as an unprivileged account, which must reach the device socket.
chmodSync(dir, 0o755);
let device: EmulatedDevice | undefined;
let socket: DeviceSocket | undefined;
let face: SshFace | undefined;

after(async () => {
  await face?.close();
  await socket?.close();
  await device?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function setup(): Promise<SshFace> {
  if (face) return face;
  device = await EmulatedDevice.create({ profile: 'mx', hostname: 'lab-mx', logger: testLogger });
  const socketPath = path.join(dir, 'cli', 'device.sock');
  const dev = device;
  socket = await serveDeviceSocket(() => dev.openNetconf({ user: 'netops', client: 'cli' }), socketPath, { owner: resolveSessionUser('nobody', false), logger: testLogger });
  const cli = path.join(cliBinDir(), 'cli');
  face = await startSshFace({
    host: '127.0.0.1',
    port: 0,
    users: [{ name: 'netops', password: 'pw' }],
    hostKeyPath: path.join(dir, 'host_key'),
    openNetconf: (user, client) => dev.openNetconf({ user, client }),
    openShell: (user, pty) =>
      openPtyShell({ command: [cli], interactive: true, deviceSocket: socketPath, cols: pty?.cols, rows: pty?.rows, env: { USER: user }, logger: testLogger }),
    openCommand: (user, command) => openPtyShell({ command: [cli, '-c', command], deviceSocket: socketPath, env: { USER: user }, logger: testLogger }),
    logger: testLogger,
  });
  return face;
}

test('an interactive login gets the Junos cli prompt, runs commands, and exit closes the channel', async () => {
  const f = await setup();
  const ch = await openChannel({ host: '127.0.0.1', port: f.port, username: 'netops', password: 'pw' }, { shell: true });
  try {
    await ch.waitFor((o) => o.includes('netops@lab-mx> '), 15000);
    ch.channel.write('show version\r');
    await ch.waitFor((o) => /Hostname: lab-mx[\s\S]*Model: mx960[\s\S]*netops@lab-mx> $/.test(o), 15000);
    ch.channel.write('exit\r');
    const exit = await ch.closed;
    assert.equal(exit.code, 0);
  } finally {
    ch.conn.end();
  }
});

test('`ssh router "show version"` runs the command in the cli and exits', async () => {
  const f = await setup();
  const ch = await openChannel({ host: '127.0.0.1', port: f.port, username: 'netops', password: 'pw' }, { exec: 'show version' });
  try {
    const exit = await ch.closed;
    assert.match(ch.output(), /Hostname: lab-mx[\s\S]*Model: mx960/);
    assert.equal(exit.code, 0);
  } finally {
    ch.conn.end();
  }
});
