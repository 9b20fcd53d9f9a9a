/**
 * Shell sessions over outbound HTTPS through the reference NMS: a real PTY shell per session,
 * the emulated cli answering from the same device as NETCONF, and sessions bridged over SSH
 * to the project's own SSH face on loopback.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { SessionBackend, SessionKind } from '../../src/session/byte-session.js';
import { DeviceNetconfBackend } from '../../src/backends/junos-netconf.js';
import { MSG_CSH_STARTED, MSG_SUBPROCESS_ENDED } from '../../src/outbound/session-bridge.js';
import { EmulatedDevice } from '../../src/junos/device.js';
import type { NmsSession } from '../../src/nms/server.js';
import { ShellBackend } from '../../src/backends/pty-shell.js';
import { serveDeviceSocket } from '../../src/shell/device-socket.js';
import { resolveSessionUser } from '../../src/shell/user.js';
import { cliBinDir } from '../../src/shell/cli-bin.js';
import { openPtyShell } from '../../src/shell/pty-session.js';
import { SshBridgeBackend, parseSshTarget } from '../../src/backends/ssh-bridge.js';
import { startSshFace } from '../../src/ssh/server.js';
import { Harness, client, pidAlive, testLogger, until } from '../support/agent-harness.js';

const h = new Harness();
const EOM = ']]>]]>';
let device: EmulatedDevice;
let socketPath: string;
let backends: Record<SessionKind, SessionBackend>;

before(async () => {
  device = await EmulatedDevice.create({ profile: 'mx', hostname: 'shell-mx', logger: testLogger });
  h.defer(() => device.close());
  const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-shell-'));
  h.defer(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o711);
  socketPath = path.join(dir, 'cli', 'device.sock');
  const sock = await serveDeviceSocket(() => device.openNetconf({ user: 'nobody', client: 'cli' }), socketPath, { owner: resolveSessionUser('nobody', false), logger: testLogger });
  h.defer(() => sock.close());
  backends = { netconf: new DeviceNetconfBackend(device, 'nobody'), csh: new ShellBackend({ user: 'nobody', deviceSocket: socketPath, logger: testLogger }) };
});
after(() => h.cleanup());

async function setup(name: string) {
  const { nms, server } = await h.nms();
  const c = client(name, [server]);
  h.agent([c], backends);
  const open = async (type: 'csh' | 'netconf') => {
    const s = await nms.requestSession(c.deviceId, c.secret, type);
    if (type === 'csh') await s.waitFor((o) => o.startsWith(MSG_CSH_STARTED), 5000);
    else await s.waitFor((o) => o.includes(EOM), 5000);
    return s;
  };
  return { nms, open };
}

/** Sends a command and waits for a marker echoed after it, so output is complete. */
async function run(s: NmsSession, command: string, timeoutMs = 10_000): Promise<string> {
  const mark = `__done_${Math.random().toString(36).slice(2)}__`;
  const from = s.output().length;
  s.send(`${command}; echo ${mark}`);
  const out = await s.waitFor((o) => o.slice(from).includes(mark + '\n') || o.slice(from).endsWith(mark), timeoutMs);
  return out.slice(from, out.indexOf(mark, from));
}

async function rpc(s: NmsSession, body: string): Promise<string> {
  const from = s.output().length;
  s.send(`<rpc>${body}</rpc>${EOM}`);
  const out = await s.waitFor((o) => o.slice(from).includes(EOM), 10_000);
  return out.slice(from);
}

test('shell: stdout and stderr merged, no echo, a terminal, exit status ends the session', async () => {
  const { open } = await setup('sh1');
  const s = await open('csh');
  const out = await run(s, 'echo out; echo err 1>&2; tty');
  assert.match(out, /out\nerr\n\/dev\/pts\/\d+\n/);
  assert.ok(!s.output().includes('echo out'), 'no echoed input');
  if (process.getuid?.() === 0) {
    const uid = (await run(s, 'id -u')).trim();
    assert.equal(uid, execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim(), 'runs as nobody, not root');
  }
  s.send('exit 3');
  await s.ended;
  assert.ok(s.output().endsWith(MSG_SUBPROCESS_ENDED));
});

for (const cmd of ['sleep 1000', 'tail -f /dev/null']) {
  test(`shell: kill_signal stops \`${cmd}\` and ends the session`, async () => {
    const { open } = await setup(`kill-${cmd.split(' ')[0]}`);
    const s = await open('csh');
    s.send(`sh -c 'echo pid=$$; exec ${cmd}'`);
    const out = await s.waitFor((o) => /pid=\d+/.test(o), 5000);
    const pid = Number(/pid=(\d+)/.exec(out)![1]);
    assert.ok(pidAlive(pid));
    s.kill(2);
    await s.ended;
    await until(() => !pidAlive(pid), 5000, `${cmd} (pid ${pid}) to be gone`);
  });
}

test('shell: 20 sessions opened and closed leave no process behind', async () => {
  const { open } = await setup('twenty');
  const pids: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = await open('csh');
    pids.push(Number((await run(s, 'echo $$')).trim()));
    s.send('exit');
    await s.ended;
  }
  assert.equal(new Set(pids).size, 20);
  await until(() => pids.every((p) => !pidAlive(p)), 5000, 'all shells to be gone');
});

test('cli -c answers as the NETCONF <command> RPC does, in text, xml and json', async () => {
  const { open } = await setup('cli');
  const sh = await open('csh');
  const nc = await open('netconf');
  const text = await run(sh, 'cli -c "show version"');
  const ncText = await rpc(nc, '<command format="text">show version</command>');
  const ncOutput = /<output>\n?([\s\S]*?)<\/output>/.exec(ncText)![1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  assert.equal(text.trim(), ncOutput.trim());
  assert.match(text, /Hostname: shell-mx/);
  const xml = await run(sh, 'cli -c "show version | display xml"');
  assert.match(xml, /<software-information>[\s\S]*<host-name>shell-mx<\/host-name>/);
  const json = await run(sh, 'cli -c "show version | display json"');
  const parsed = JSON.parse(json);
  assert.ok(JSON.stringify(parsed).includes('shell-mx'));
  const bad = await run(sh, 'cli -c "show nonsense-command"');
  assert.match(bad, /syntax error/);
});

test('interactive cli: configure, set, commit, visible to NETCONF get-configuration', async () => {
  const { open } = await setup('cliconf');
  const sh = await open('csh');
  sh.send('cli');
  sh.send('configure');
  sh.send('set system location building b42');
  sh.send('commit');
  await sh.waitFor((o) => o.includes('commit complete'), 10_000);
  sh.send('exit');
  sh.send('exit');
  const nc = await open('netconf');
  const reply = await rpc(nc, '<get-configuration database="committed" format="text"/>');
  assert.match(reply, /building b42;/);
});

test('NETCONF and shell bridged over SSH to our own SSH face', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-bridge-'));
  h.defer(() => rmSync(dir, { recursive: true, force: true }));
  const face = await startSshFace({
    host: '127.0.0.1',
    port: 0,
    users: [{ name: 'lab', password: 'lab123' }],
    hostKeyPath: path.join(dir, 'host_key'),
    openNetconf: (user, c) => device.openNetconf({ user, client: c }),
    openShell: (_user, pty) => openPtyShell({ command: [path.join(cliBinDir(), 'cli')], user: 'nobody', interactive: true, deviceSocket: socketPath, cols: pty?.cols, rows: pty?.rows }),
    logger: testLogger,
  });
  h.defer(() => face.close());
  const target = parseSshTarget(`ssh://lab:lab123@127.0.0.1:${face.port}`);
  const knownHostsFile = path.join(dir, 'known_hosts');
  const bridged = {
    netconf: new SshBridgeBackend({ target, knownHostsFile, logger: testLogger }),
    csh: new SshBridgeBackend({ target, knownHostsFile, pty: { cols: 80, rows: 24, term: 'vt100' }, logger: testLogger }),
  };
  const { nms, server } = await h.nms();
  const c = client('bridge', [server]);
  h.agent([c], bridged);
  const nc = await nms.requestSession(c.deviceId, c.secret, 'netconf');
  await nc.waitFor((o) => o.includes('</hello>') && o.includes(EOM), 10_000);
  const reply = await rpc(nc, '<get-software-information/>');
  assert.match(reply, /<host-name>shell-mx<\/host-name>/);
  await nc.close();
  const sh = await nms.requestSession(c.deviceId, c.secret, 'csh');
  await sh.waitFor((o) => />\s*$/.test(o.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')), 10_000);
  sh.send('show version');
  await sh.waitFor((o) => o.includes('Hostname: shell-mx'), 10_000);
  sh.send('exit');
  await sh.ended;
});

test('shell: a large output arrives whole and in order (flow control pauses the PTY, never drops)', async () => {
  const { open } = await setup('bulk');
  const s = await open('csh');
  const out = await run(s, 'seq 1 200000', 30_000);
  const lines = out.trim().split('\n');
  assert.equal(lines.length, 200000);
  assert.equal(lines[0], '1');
  assert.equal(lines[199999], '200000');
  assert.ok(lines.every((l, i) => l === String(i + 1)), 'every line in order');
  s.send('exit');
  await s.ended;
});
