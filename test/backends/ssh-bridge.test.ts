/**
 * The SSH bridge backends against the project's own SSH face on 127.0.0.1: NETCONF and shell
 * sessions carried through, kill, refused and unreachable targets, wrong logins, host key
 * pinning and trust on first use.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { ByteSession } from '../../src/session/byte-session.js';
import { parseSshTarget, SshBridgeBackend, type SshBridgeOptions } from '../../src/backends/ssh-bridge.js';
import { startSshFace, type SshFace } from '../../src/ssh/server.js';
import { EchoSession, until } from '../support/ssh-harness.js';
import { generateKeyPair } from '../../src/ssh/host-key.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-ssh-bridge-'));
const key = generateKeyPair('ed25519');
const keysFile = path.join(dir, 'authorized_keys');
writeFileSync(keysFile, `${key.public}\n`);
const keyFile = path.join(dir, 'id_ed25519');
writeFileSync(keyFile, key.private, { mode: 0o600 });

const opened: { kind: string; user: string; session: EchoSession; pty?: unknown }[] = [];
let face: SshFace;
const ready = startSshFace({
  host: '127.0.0.1',
  port: 0,
  users: [{ name: 'nms', password: 'bridge-pw' }],
  authorizedKeysFile: keysFile,
  hostKeyPath: path.join(dir, 'host_key'),
  openNetconf: (user) => {
    const session = new EchoSession('<hello>target</hello>]]>]]>');
    opened.push({ kind: 'netconf', user, session });
    return session;
  },
  openShell: (user, pty) => {
    const session = new EchoSession('target% ');
    opened.push({ kind: 'shell', user, session, pty });
    return session;
  },
}).then((f) => (face = f));

after(async () => {
  await face?.close();
  rmSync(dir, { recursive: true, force: true });
});

function collect(s: ByteSession): { out: () => string; ended: Promise<unknown> } {
  let out = '';
  s.on('data', (b: Buffer) => (out += b.toString()));
  const ended = new Promise((r) => s.once('end', r));
  return { out: () => out, ended };
}

async function backend(extra: Partial<SshBridgeOptions> = {}): Promise<SshBridgeBackend> {
  await ready;
  return new SshBridgeBackend({ target: parseSshTarget(`ssh://nms:bridge-pw@127.0.0.1:${face.port}`), agentSocket: '', knownHostsFile: path.join(dir, 'known_hosts'), ...extra });
}

test('parseSshTarget reads user, password, host and port, and names what is wrong', () => {
  assert.deepEqual(parseSshTarget('ssh://admin:p%40ss@10.0.0.1:830'), { user: 'admin', password: 'p@ss', host: '10.0.0.1', port: 830 });
  assert.deepEqual(parseSshTarget('ssh://admin@[::1]'), { user: 'admin', host: '::1', port: 22 });
  assert.throws(() => parseSshTarget('http://a@b:1'), /scheme must be ssh:\/\//);
  assert.throws(() => parseSshTarget('ssh://host:22'), /no user name/);
  assert.throws(() => parseSshTarget('not a url'), /not a URL/);
  assert.throws(() => parseSshTarget('ssh://u@h:22/path'), /no path/);
  // The password is not repeated in the message.
  assert.throws(() => parseSshTarget('ftp://u:hunter2@h'), (e: Error) => !e.message.includes('hunter2'));
});

test('a NETCONF session is bridged to the target subsystem; the first use writes known_hosts', async () => {
  const b = await backend();
  const s = await b.open('netconf');
  const c = collect(s);
  await until(() => c.out().includes('<hello>target</hello>'), 5000, 'target hello');
  s.write('<rpc><get-software-information/></rpc>]]>]]>');
  await until(() => c.out().includes('echo:<rpc><get-software-information/>'), 5000, 'echo');
  const target = opened.at(-1)!;
  assert.equal(target.kind, 'netconf');
  assert.equal(target.user, 'nms');
  const kh = readFileSync(path.join(dir, 'known_hosts'), 'utf8');
  assert.match(kh, new RegExp(`^\\[127\\.0\\.0\\.1\\]:${face.port} ssh-ed25519 [A-Za-z0-9+/=]+\\n$`));
  s.write('bye');
  assert.deepEqual(await c.ended, { exitCode: 3, signal: null });
  assert.equal(s.ended, true);
});

test('a shell session gets a PTY on the target; kill delivers the signal there and ends it', async () => {
  const b = await backend({ pty: { cols: 120, rows: 40, term: 'xterm-256color' } });
  const s = await b.open('csh');
  const c = collect(s);
  await until(() => c.out().includes('target% '), 5000, 'prompt');
  const target = opened.at(-1)!;
  assert.equal(target.kind, 'shell');
  assert.deepEqual(target.pty, { cols: 120, rows: 40, term: 'xterm-256color' });
  s.kill(2);
  await c.ended;
  await until(() => target.session.ended, 5000, 'target session ended');
  assert.equal(target.session.kills[0], 2);
});

test('a known host with a changed key is refused with a clear message', async () => {
  const kh = path.join(dir, 'known_hosts_changed');
  const other = generateKeyPair('ed25519');
  const blob = ssh2.utils.parseKey(other.public) as ssh2.ParsedKey;
  writeFileSync(kh, `[127.0.0.1]:${(await ready).port} ssh-ed25519 ${blob.getPublicSSH().toString('base64')}\n`);
  const b = await backend({ knownHostsFile: kh });
  await assert.rejects(b.open('netconf'), /host key of 127\.0\.0\.1:\d+ changed: now SHA256:\S+, .*known_hosts_changed holds SHA256:/);
});

test('a pinned fingerprint is checked: the right one passes, a wrong one is refused', async () => {
  const good = await backend({ hostKeySha256: face.fingerprint, knownHostsFile: undefined });
  const s = await good.open('netconf');
  const c = collect(s);
  await until(() => c.out().includes('<hello>'), 5000, 'hello');
  s.kill(15);
  await c.ended;
  const bad = await backend({ hostKeySha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', knownHostsFile: undefined });
  await assert.rejects(bad.open('netconf'), /cannot open netconf session on ssh:\/\/nms@127\.0\.0\.1:\d+: host key of .* is SHA256:\S+, not the pinned SHA256:AAAA/);
});

test('private key login works; a wrong password is refused clearly', async () => {
  await ready;
  const byKey = new SshBridgeBackend({ target: parseSshTarget(`ssh://keyed@127.0.0.1:${face.port}`), privateKeyFile: keyFile, agentSocket: '', hostKeySha256: face.fingerprint });
  const s = await byKey.open('netconf');
  const c = collect(s);
  await until(() => c.out().includes('<hello>'), 5000, 'hello');
  assert.equal(opened.at(-1)!.user, 'keyed');
  s.kill(15);
  await c.ended;
  const wrong = await backend({ password: 'not-it' });
  await assert.rejects(wrong.open('netconf'), /login as nms refused/);
  const missingKey = new SshBridgeBackend({ target: parseSshTarget(`ssh://keyed@127.0.0.1:${face.port}`), privateKeyFile: path.join(dir, 'nope'), agentSocket: '' });
  await assert.rejects(missingKey.open('netconf'), /cannot read private key file .*nope: ENOENT/);
});

test('a port nobody listens on gives "connection refused"; a target that refuses the subsystem is named', async () => {
  // Take a free port, then close it, so nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  const refused = new SshBridgeBackend({ target: parseSshTarget(`ssh://nms@127.0.0.1:${port}`), password: 'x', agentSocket: '' });
  await assert.rejects(refused.open('netconf'), new RegExp(`^Error: cannot open netconf session on ssh://nms@127\\.0\\.0\\.1:${port}: connection refused$`));

  // A face without shells refuses the shell request.
  const noShell = await startSshFace({ host: '127.0.0.1', port: 0, users: [{ name: 'nms', password: 'pw' }], hostKeyPath: path.join(dir, 'host_key2'), openNetconf: () => new EchoSession('') });
  try {
    const b = new SshBridgeBackend({ target: parseSshTarget(`ssh://nms:pw@127.0.0.1:${noShell.port}`), agentSocket: '', hostKeySha256: noShell.fingerprint });
    await assert.rejects(b.open('csh'), /the target refused the shell/);
  } finally {
    await noShell.close();
  }
});

test('a target that accepts TCP but never speaks SSH times out with a clear message', async () => {
  const silent = net.createServer((sock) => sock.on('error', () => {}));
  const sockets: net.Socket[] = [];
  silent.on('connection', (s) => sockets.push(s));
  const port = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as net.AddressInfo).port)));
  try {
    const b = new SshBridgeBackend({ target: parseSshTarget(`ssh://nms@127.0.0.1:${port}`), password: 'x', agentSocket: '', connectTimeoutMs: 500 });
    await assert.rejects(b.open('netconf'), /no ssh answer within 0\.5 s/);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  }
});

test('bridged to an emulated MX behind the SSH face: NETCONF hello, an RPC, close-session; and the Junos cli', async () => {
  const { EmulatedDevice } = await import('../../src/junos/device.js');
  const { serveDeviceSocket } = await import('../../src/shell/device-socket.js');
  const { resolveSessionUser } = await import('../../src/shell/user.js');
  const { openPtyShell } = await import('../../src/shell/pty-session.js');
  const { cliBinDir } = await import('../../src/shell/cli-bin.js');
  const { chmodSync } = await import('node:fs');
  chmodSync(dir, 0o755); // the shell's unprivileged user reaches the device socket here
  const device = await EmulatedDevice.create({ profile: 'mx', hostname: 'bridged-mx' });
  const socketPath = path.join(dir, 'cli', 'dev.sock');
  const sock = await serveDeviceSocket(() => device.openNetconf({ user: 'nms', client: 'cli' }), socketPath, { owner: resolveSessionUser('nobody', false) });
  const real = await startSshFace({
    host: '127.0.0.1',
    port: 0,
    users: [{ name: 'nms', password: 'pw' }],
    hostKeyPath: path.join(dir, 'host_key_real'),
    openNetconf: (user, client) => device.openNetconf({ user, client }),
    openShell: (user, pty) => openPtyShell({ command: [path.join(cliBinDir(), 'cli')], interactive: true, deviceSocket: socketPath, cols: pty?.cols, rows: pty?.rows, env: { USER: user } }),
  });
  try {
    const b = new SshBridgeBackend({ target: parseSshTarget(`ssh://nms:pw@127.0.0.1:${real.port}`), agentSocket: '', hostKeySha256: real.fingerprint });
    const nc = await b.open('netconf');
    const c = collect(nc);
    await until(() => c.out().includes('</hello>\n]]>]]>') || c.out().includes('</hello>]]>]]>'), 5000, 'junos hello');
    assert.match(c.out(), /<capability>http:\/\/xml\.juniper\.net\/netconf\/junos\/1\.0<\/capability>/);
    nc.write('<rpc message-id="7"><get-software-information/></rpc>]]>]]>');
    await until(() => /<rpc-reply[^>]*message-id="7"[\s\S]*<host-name>bridged-mx<\/host-name>[\s\S]*<\/rpc-reply>\s*]]>]]>/.test(c.out()), 5000, 'software reply');
    nc.write('<rpc message-id="8"><close-session/></rpc>]]>]]>');
    await c.ended;
    assert.match(c.out(), /message-id="8"[\s\S]*<ok\/>/);

    const sh = await b.open('csh');
    const s = collect(sh);
    await until(() => s.out().includes('nms@bridged-mx> '), 15000, 'cli prompt');
    sh.write('show version\r');
    await until(() => /Model: mx960/.test(s.out()), 15000, 'show version');
    sh.write('exit\r');
    await s.ended;
  } finally {
    await real.close();
    await sock.close();
    await device.close();
  }
});

test('ssh-agent login: the key held by a real ssh-agent opens the session', { skip: (await import('node:child_process')).spawnSync('ssh-agent', ['-h']).error ? 'no ssh-agent installed' : false }, async () => {
  const { spawn, spawnSync } = await import('node:child_process');
  await ready;
  const agentSock = path.join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
  try {
    const { existsSync } = await import('node:fs');
    await until(() => existsSync(agentSock), 5000, 'agent socket');
    const add = spawnSync('ssh-add', [keyFile], { env: { ...process.env, SSH_AUTH_SOCK: agentSock }, encoding: 'utf8' });
    assert.equal(add.status, 0, add.stderr);
    const b = new SshBridgeBackend({ target: parseSshTarget(`ssh://agent-user@127.0.0.1:${face.port}`), agentSocket: agentSock, hostKeySha256: face.fingerprint });
    const s = await b.open('netconf');
    const c = collect(s);
    await until(() => c.out().includes('<hello>'), 5000, 'hello');
    assert.equal(opened.at(-1)!.user, 'agent-user');
    s.kill(15);
    await c.ended;
  } finally {
    agent.kill('SIGTERM');
  }
});

test('an encrypted private key opens with its passphrase; without it the error says so', async () => {
  await ready;
  const enc = generateKeyPair('ed25519', { passphrase: 'open sesame', cipher: 'aes256-cbc', rounds: 16 });
  const encFile = path.join(dir, 'id_encrypted');
  writeFileSync(encFile, enc.private, { mode: 0o600 });
  writeFileSync(keysFile, `${key.public}\n${enc.public}\n`);
  // The face read its authorized keys at start; a face of its own sees the new key.
  const f2 = await startSshFace({ host: '127.0.0.1', port: 0, users: [], authorizedKeysFile: keysFile, hostKeyPath: path.join(dir, 'host_key3'), openNetconf: () => new EchoSession('<hello/>') });
  try {
    const target = parseSshTarget(`ssh://enc@127.0.0.1:${f2.port}`);
    const good = new SshBridgeBackend({ target, privateKeyFile: encFile, passphrase: 'open sesame', agentSocket: '', hostKeySha256: f2.fingerprint });
    const s = await good.open('netconf');
    const c = collect(s);
    await until(() => c.out().includes('<hello/>'), 5000, 'hello');
    s.kill(15);
    await c.ended;
    const noPass = new SshBridgeBackend({ target, privateKeyFile: encFile, agentSocket: '', hostKeySha256: f2.fingerprint });
    await assert.rejects(noPass.open('netconf'), /cannot open netconf session on ssh:\/\/enc@127\.0\.0\.1:\d+: .*(passphrase|encrypted)/i);
  } finally {
    await f2.close();
  }
});
