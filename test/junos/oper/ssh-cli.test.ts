/**
 * Over the SSH face, in the emulated Junos cli on a real PTY: a committed host name
 * changes the prompt and `show version`; a committed description, address and static
 * route show in `show interfaces` and `show route`.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { cliBinDir } from '../../../src/shell/cli-bin.js';
import { serveDeviceSocket, type DeviceSocket } from '../../../src/shell/device-socket.js';
import { resolveSessionUser } from '../../../src/shell/user.js';
import { openPtyShell } from '../../../src/shell/pty-session.js';
import { startSshFace, type SshFace } from '../../../src/ssh/server.js';
import { openChannel } from '../../support/ssh-harness.js';
import { testLogger } from '../../support/agent-harness.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-oper-cli-'));
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

test('the cli prompt, show version, show interfaces and show route follow a commit', async () => {
  device = await EmulatedDevice.create({ profile: 'mx', hostname: 'mx960-4', logger: testLogger });
  const dev = device;
  const socketPath = path.join(dir, 'cli', 'device.sock');
  socket = await serveDeviceSocket(() => dev.openNetconf({ user: 'netops', client: 'cli' }), socketPath, { owner: resolveSessionUser('nobody', false), logger: testLogger });
  const cli = path.join(cliBinDir(), 'cli');
  face = await startSshFace({
    host: '127.0.0.1',
    port: 0,
    users: [{ name: 'netops', password: 'pw' }],
    hostKeyPath: path.join(dir, 'host_key'),
    openNetconf: (user, client) => dev.openNetconf({ user, client }),
    openShell: (user, pty) => openPtyShell({ command: [cli], interactive: true, deviceSocket: socketPath, cols: pty?.cols, rows: pty?.rows, env: { USER: user }, logger: testLogger }),
    logger: testLogger,
  });
  const ch = await openChannel({ host: '127.0.0.1', port: face.port, username: 'netops', password: 'pw' }, { shell: true });
  try {
    await ch.waitFor((o) => o.includes('netops@mx960-4> '), 15000);
    ch.channel.write('configure\r');
    await ch.waitFor((o) => o.includes('netops@mx960-4# '), 15000);
    for (const line of [
      'set system host-name core-9',
      'set interfaces ge-0/0/3 description "to lab"',
      'set interfaces ge-0/0/3 unit 0 family inet address 198.18.0.1/24',
      'set routing-options static route 10.77.0.0/16 next-hop 198.18.0.254',
      'commit and-quit',
    ]) ch.channel.write(`${line}\r`);
    await ch.waitFor((o) => o.includes('netops@core-9> '), 15000);
    ch.channel.write('show version\r');
    await ch.waitFor((o) => /Hostname: core-9[\s\S]*netops@core-9> $/.test(o), 15000);
    ch.channel.write('show interfaces descriptions\r');
    await ch.waitFor((o) => /ge-0\/0\/3\s+up\s+down\s+to lab[\s\S]*netops@core-9> $/.test(o), 15000);
    ch.channel.write('show interfaces terse ge-0/0/3\r');
    await ch.waitFor((o) => /ge-0\/0\/3\.0\s+up\s+down\s+inet\s+198\.18\.0\.1\/24[\s\S]*netops@core-9> $/.test(o), 15000);
    ch.channel.write('show route summary\r');
    await ch.waitFor((o) => /Static:\s+1 routes,\s+0 active[\s\S]*netops@core-9> $/.test(o), 15000);
    ch.channel.write('exit\r');
    assert.equal((await ch.closed).code, 0);
  } finally {
    ch.conn.end();
  }
});
