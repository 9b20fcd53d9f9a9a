/**
 * The system commands in the emulated Junos cli (a real PTY shell running `cli -c`,
 * through the device socket) print what `<command format="text">` answers for them.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { SessionEnd } from '../../../src/session/byte-session.js';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { elements, parseXml, textOf } from '../../../src/netconf/xml.js';
import { serveDeviceSocket, type DeviceSocket } from '../../../src/shell/device-socket.js';
import { resolveSessionUser } from '../../../src/shell/user.js';
import { openPtyShell } from '../../../src/shell/pty-session.js';
import { TestClient } from '../../support/netconf-client.js';

let dir: string;
let socketPath: string;
let device: EmulatedDevice;
let server: DeviceSocket;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ncgd-sys-cli-'));
  chmodSync(dir, 0o711);
  socketPath = path.join(dir, 'cli', 'device.sock');
  device = await EmulatedDevice.create({ profile: 'mx', hostname: 'sys-cli-1' });
  server = await serveDeviceSocket(() => device.openNetconf({ user: 'nobody', client: 'cli' }), socketPath, { owner: resolveSessionUser('nobody', false) });
});

after(async () => {
  await server?.close();
  await device?.close();
  rmSync(dir, { recursive: true, force: true });
});

function shell(input: string): Promise<string> {
  const s = openPtyShell({ deviceSocket: socketPath });
  const chunks: Buffer[] = [];
  s.on('data', (b: Buffer) => chunks.push(b));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      s.kill(9);
      reject(new Error(`shell did not end: ${Buffer.concat(chunks).toString()}`));
    }, 30_000);
    s.once('end', (_e: SessionEnd) => {
      clearTimeout(t);
      resolve(Buffer.concat(chunks).toString());
    });
    s.write(input);
  });
}

// Commands whose text does not change between two reads (users and uptime do).
const COMMANDS = ['show chassis alarms', 'show system alarms', 'show chassis environment', 'show system memory', 'show system storage', 'show snmp statistics', 'show ntp associations', 'file checksum md5 /etc/hosts.junos', 'ping 192.0.2.7 count 2', 'traceroute 203.0.113.9 ttl 2'];

test('cli -c prints each system command as <command format="text"> answers it', async () => {
  const c = new TestClient(device.openNetconf({ user: 'nms' }));
  await c.open();
  const expected: string[] = [];
  for (const cmd of COMMANDS) {
    const out = elements(parseXml(await c.rpc(`<command format="text">${cmd}</command>`)))[0];
    assert.equal(out.name, 'output', cmd);
    expected.push(textOf(out).replace(/^\n/, ''));
  }
  const script = COMMANDS.map((cmd) => `cli -c "${cmd}"; echo "@@end"`).join('\n');
  const raw = (await shell(`${script}\nexit\n`)).replace(/\r\n/g, '\n');
  const outputs = raw.split('@@end\n');
  COMMANDS.forEach((cmd, i) => {
    // Each command's output (after the echoed input) ends with what <command> answered.
    const got = outputs[i] ?? '';
    assert.ok(got.endsWith(expected[i]!), `${cmd}:\n--- cli\n${got}\n--- <command>\n${expected[i]}`);
  });
  // Something the user sees: the rescue alarm and a lost traceroute.
  assert.match(raw, /Rescue configuration is not set/);
  assert.match(raw, / 2  \* \* \*\n/);
});
