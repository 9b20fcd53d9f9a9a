/**
 * The SSH face on 127.0.0.1 with stand-in sessions behind it: logins (password,
 * keyboard-interactive, public keys of three kinds), the netconf subsystem, exec and shell
 * requests, the persistent host key, and the user flag parser. Clients: ssh2 and OpenSSH.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { pino } from 'pino';
import ssh2 from 'ssh2';
import { startSshFace, parseUserFlag, type SshFace } from '../../src/ssh/server.js';
import { loadAuthorizedKeys } from '../../src/ssh/users.js';
import { EchoSession, connect, openChannel, until } from '../support/ssh-harness.js';
import { generateKeyPair } from '../../src/ssh/host-key.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-ssh-face-'));
const faces: SshFace[] = [];
after(async () => {
  for (const f of faces) await f.close();
  rmSync(dir, { recursive: true, force: true });
});

const ed = generateKeyPair('ed25519', { comment: 'ed@test' });
const rsa = generateKeyPair('rsa', { bits: 2048, comment: 'rsa@test' });
const ecdsa = generateKeyPair('ecdsa', { bits: 256, comment: 'ecdsa@test' });
const stranger = generateKeyPair('ed25519');
const keysFile = path.join(dir, 'authorized_keys');
writeFileSync(keysFile, `# lab keys\n\n${ed.public}\nno-pty,from="127.0.0.1" ${rsa.public}\n${ecdsa.public}\n`);

const sessions: { user: string; client: string; kind: string; session: EchoSession }[] = [];

async function face(extra: Partial<Parameters<typeof startSshFace>[0]> = {}): Promise<SshFace> {
  const f = await startSshFace({
    host: '127.0.0.1',
    port: 0,
    users: [{ name: 'lab', password: 'lab123:with:colons' }],
    authorizedKeysFile: keysFile,
    hostKeyPath: path.join(dir, 'state', 'ssh_host_ed25519_key'),
    openNetconf: (user, client) => {
      const session = new EchoSession('<hello/>]]>]]>');
      sessions.push({ user, client, kind: 'netconf', session });
      return session;
    },
    ...extra,
  });
  faces.push(f);
  return f;
}

test('parseUserFlag splits at the first colon and refuses bad values clearly', () => {
  assert.deepEqual(parseUserFlag('alice:pa:ss'), { name: 'alice', password: 'pa:ss' });
  assert.throws(() => parseUserFlag('alice'), /NAME:PASSWORD/);
  assert.throws(() => parseUserFlag(':secret'), /NAME:PASSWORD/);
  assert.throws(() => parseUserFlag('alice:'), /NAME:PASSWORD/);
  assert.throws(() => parseUserFlag('bad name:x'), /not a valid login name/);
  // The password never appears in the error.
  assert.throws(() => parseUserFlag('bad name:topsecret'), (e: Error) => !e.message.includes('topsecret'));
});

test('authorized_keys: options and comments are skipped, a broken line is named', () => {
  assert.equal(loadAuthorizedKeys(keysFile).length, 3);
  const broken = path.join(dir, 'broken_keys');
  writeFileSync(broken, `${ed.public}\nssh-ed25519 notbase64!!\n`);
  assert.throws(() => loadAuthorizedKeys(broken), /broken_keys:2: unreadable public key/);
  assert.throws(() => loadAuthorizedKeys(path.join(dir, 'missing')), /cannot read authorized keys file .*ENOENT/);
});

test('password login opens a netconf subsystem bridged to a new session; closing the channel kills it', async () => {
  const f = await face();
  const before = sessions.length;
  const ch = await openChannel({ host: '127.0.0.1', port: f.port, username: 'lab', password: 'lab123:with:colons' }, { subsystem: 'netconf' });
  await ch.waitFor((o) => o.includes('<hello/>]]>]]>'));
  ch.channel.write('<rpc/>');
  await ch.waitFor((o) => o.includes('echo:<rpc/>'));
  const s = sessions[before]!;
  assert.equal(s.user, 'lab');
  assert.equal(s.client, '127.0.0.1');
  ch.channel.close();
  await until(() => s.session.ended, 5000, 'session killed');
  assert.deepEqual(s.session.kills, [15]);
  ch.conn.end();
});

test('a session that ends closes the channel with its exit status', async () => {
  const f = await face();
  const ch = await openChannel({ host: '127.0.0.1', port: f.port, username: 'lab', password: 'lab123:with:colons' }, { subsystem: 'netconf' });
  await ch.waitFor((o) => o.includes('<hello/>'));
  ch.channel.write('bye');
  const exit = await ch.closed;
  assert.match(ch.output(), /goodbye/);
  assert.equal(exit.code, 3);
  ch.conn.end();
});

test('wrong password and unknown keys are refused; each key type in authorized_keys logs in', async () => {
  const f = await face();
  await assert.rejects(connect({ host: '127.0.0.1', port: f.port, username: 'lab', password: 'nope' }), /authentication methods failed/);
  await assert.rejects(connect({ host: '127.0.0.1', port: f.port, username: 'lab', privateKey: stranger.private }), /authentication methods failed/);
  for (const k of [ed, rsa, ecdsa]) {
    const ch = await openChannel({ host: '127.0.0.1', port: f.port, username: 'keyuser', privateKey: k.private }, { subsystem: 'netconf' });
    await ch.waitFor((o) => o.includes('<hello/>'));
    assert.equal(sessions.at(-1)!.user, 'keyuser');
    ch.conn.end();
  }
});

test('keyboard-interactive answers the password prompt', async () => {
  const f = await face();
  const conn = await new Promise<import('ssh2').Client>((resolve, reject) => {
    const c = new ssh2.Client();
    c.on('keyboard-interactive', (_n, _i, _l, prompts, finish) => finish(prompts.map(() => 'lab123:with:colons')));
    c.once('ready', () => resolve(c));
    c.once('error', reject);
    c.connect({ host: '127.0.0.1', port: f.port, username: 'lab', tryKeyboard: true, authHandler: ['keyboard-interactive'] });
  });
  conn.end();
});

test('other subsystems and shells (without a shell configured) are refused; exec is refused with a message', async () => {
  const f = await face();
  const cfg = { host: '127.0.0.1', port: f.port, username: 'lab', password: 'lab123:with:colons' };
  await assert.rejects(openChannel(cfg, { subsystem: 'sftp' }));
  await assert.rejects(openChannel(cfg, { shell: true }));
  const ex = await openChannel(cfg, { exec: 'show version' });
  const exit = await ex.closed;
  assert.equal(exit.code, 1);
  assert.match(ex.stderr(), /no commands over ssh exec/);
  ex.conn.end();
});

test('exec "xml-mode netconf need-trailer" gets a NETCONF session, as on Junos', async () => {
  const f = await face();
  const ch = await openChannel({ host: '127.0.0.1', port: f.port, username: 'lab', password: 'lab123:with:colons' }, { exec: 'xml-mode netconf need-trailer' });
  await ch.waitFor((o) => o.includes('<hello/>'));
  assert.equal(sessions.at(-1)!.kind, 'netconf');
  ch.conn.end();
});

test('shell requests get openShell with the pty the client asked for; window changes and signals reach it', async () => {
  let seen: { user: string; pty: unknown } | undefined;
  let shell: (EchoSession & { sizes?: number[][] }) | undefined;
  const f = await face({
    openShell: (user, pty) => {
      seen = { user, pty };
      const s = new EchoSession('% ') as EchoSession & { sizes: number[][]; resize(c: number, r: number): void };
      s.sizes = [];
      s.resize = (c, r) => s.sizes.push([c, r]);
      shell = s;
      return s;
    },
  });
  const ch = await openChannel({ host: '127.0.0.1', port: f.port, username: 'lab', password: 'lab123:with:colons' }, { shell: true });
  await ch.waitFor((o) => o.includes('% '));
  assert.deepEqual(seen, { user: 'lab', pty: { cols: 100, rows: 30, term: 'xterm' } });
  ch.channel.setWindow(40, 132, 0, 0);
  await until(() => (shell!.sizes ?? []).length > 0, 5000, 'resize');
  assert.deepEqual(shell!.sizes, [[132, 40]]);
  ch.channel.signal('INT');
  const exit = await ch.closed;
  assert.deepEqual(shell!.kills, [2]);
  assert.equal(exit.signal, 'SIGINT');
  ch.conn.end();
});

test('the host key is made once with mode 0600 and reused across restarts', async () => {
  const keyPath = path.join(dir, 'persist', 'host_key');
  const a = await face({ hostKeyPath: keyPath });
  assert.equal(statSync(keyPath).mode & 0o777, 0o600);
  await a.close();
  faces.splice(faces.indexOf(a), 1);
  chmodSync(keyPath, 0o644);
  const b = await face({ hostKeyPath: keyPath });
  assert.equal(b.fingerprint, a.fingerprint);
  assert.equal(statSync(keyPath).mode & 0o777, 0o600);
  // What a client sees is the same key.
  let seenKey: Buffer | undefined;
  const c = await connect({ host: '127.0.0.1', port: b.port, username: 'lab', password: 'lab123:with:colons', hostVerifier: (k: Buffer) => ((seenKey = k), true) });
  c.end();
  const { fingerprintOf } = await import('../../src/ssh/users.js');
  assert.equal(fingerprintOf(seenKey!), a.fingerprint);
});

test('a face with nobody to let in refuses to start; a garbage host key file is named', async () => {
  await assert.rejects(startSshFace({ host: '127.0.0.1', port: 0, users: [], hostKeyPath: path.join(dir, 'k1'), openNetconf: () => new EchoSession('') }), /nobody to let in/);
  const garbage = path.join(dir, 'garbage_key');
  writeFileSync(garbage, 'not a key', { mode: 0o600 });
  await assert.rejects(face({ hostKeyPath: garbage }), /garbage_key does not hold a readable private key/);
});

test('OpenSSH client: `ssh -s ... netconf` with a key reaches the netconf subsystem', { skip: spawnSync('ssh', ['-V']).error ? 'no OpenSSH client installed' : false }, async () => {
  const f = await face();
  const idFile = path.join(dir, 'id_ed25519');
  writeFileSync(idFile, ed.private, { mode: 0o600 });
  const { spawn } = await import('node:child_process');
  const child = spawn('ssh', ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${path.join(dir, 'kh')}`, '-i', idFile, '-p', String(f.port), '-s', 'admin@127.0.0.1', 'netconf'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  try {
    await until(() => out.includes('<hello/>'), 10000, 'hello over OpenSSH');
    child.stdin.write('bye\n');
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    assert.equal(code, 3);
    assert.equal(sessions.at(-1)!.user, 'admin');
  } finally {
    if (child.exitCode === null) child.kill();
  }
});

test('a client that keeps guessing passwords is disconnected after ten refusals (Junos tries-before-disconnect)', async () => {
  // Backoff shortened so the test does not wait the Junos 5 s steps (ssh-login.test covers them).
  const f = await face({ loginRetry: { backoffFactorMs: 20 } });
  let attempts = 0;
  const outcome = await new Promise<string>((resolve) => {
    const c = new ssh2.Client();
    c.once('ready', () => {
      c.end();
      resolve('logged in');
    });
    c.once('error', (e: Error) => resolve(`error: ${e.message}`));
    c.once('close', () => resolve('closed'));
    c.connect({
      host: '127.0.0.1',
      port: f.port,
      username: 'lab',
      readyTimeout: 10000,
      // Bounded: stops offering after 20 tries whatever happens.
      authHandler: (_left, _partial, next) => {
        if (attempts >= 20) return next(false as never);
        attempts++;
        next({ type: 'password', username: 'lab', password: `guess-${attempts}` });
      },
    });
  });
  assert.notEqual(outcome, 'logged in');
  assert.equal(attempts, 10);
});

test('OpenSSH: `ssh -s host netconf < rpcs.xml` against an emulated MX gets the replies and exits 0 at EOF', { skip: spawnSync('ssh', ['-V']).error ? 'no OpenSSH client installed' : false }, async () => {
  const { EmulatedDevice } = await import('../../src/junos/device.js');
  const device = await EmulatedDevice.create({ profile: 'mx', hostname: 'eof-mx' });
  try {
    const f = await face({ openNetconf: (user, client) => device.openNetconf({ user, client }) });
    const idFile = path.join(dir, 'id_ed25519_eof');
    writeFileSync(idFile, ed.private, { mode: 0o600 });
    const { spawn } = await import('node:child_process');
    const child = spawn('ssh', ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${path.join(dir, 'kh')}`, '-i', idFile, '-p', String(f.port), '-s', 'netops@127.0.0.1', 'netconf'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    child.stdin.end('<rpc message-id="1"><get-software-information/></rpc>]]>]]>\n');
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    clearTimeout(timer);
    assert.equal(code, 0);
    assert.match(out, /<!-- user netops, class super-user -->/);
    assert.match(out, /<rpc-reply[^>]*message-id="1"[\s\S]*<host-name>eof-mx<\/host-name>[\s\S]*<\/rpc-reply>\n]]>]]>/);
  } finally {
    await device.close();
  }
});

/** A logger that keeps its records (JSON lines) for the test to read. */
function recordingLogger(): { logger: import('../../src/log.js').Logger; lines: () => string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
  return { logger, lines: () => lines };
}

test('a connection that never sends its banner is dropped after the banner timeout, with a log line', async () => {
  const rec = recordingLogger();
  const f = await face({ startup: { bannerMs: 300 }, logger: rec.logger });
  const sock = net.connect(f.port, '127.0.0.1');
  const closedAt = await new Promise<number>((resolve, reject) => {
    const t0 = Date.now();
    sock.on('error', () => {});
    sock.resume(); // reads the server's banner, so the end is seen
    sock.on('close', () => resolve(Date.now() - t0));
    setTimeout(() => reject(new Error(`still open after 10 s: ${rec.lines().join('')}`)), 10_000).unref();
  });
  assert.ok(closedAt >= 250, `closed after ${closedAt} ms`);
  assert.ok(rec.lines().some((l) => l.includes('ssh client sent no banner in time')), rec.lines().join(''));
});

test('MaxStartups: connections past the cap of those not logged in are refused with a log line; logged-in ones do not count', async () => {
  const rec = recordingLogger();
  const f = await face({ startup: { maxStartups: 3, bannerMs: 60_000 }, logger: rec.logger });
  // one logged in first: it must not count against the cap
  const ok = await connect({ host: '127.0.0.1', port: f.port, username: 'lab', password: 'lab123:with:colons' });
  const silent: net.Socket[] = [];
  const closed: boolean[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const s = net.connect(f.port, '127.0.0.1');
      s.on('error', () => {});
      const idx = closed.push(false) - 1;
      s.on('close', () => (closed[idx] = true));
      silent.push(s);
      await new Promise<void>((r) => s.once('connect', () => r()));
    }
    await until(() => closed.filter(Boolean).length >= 3, 5000, 'the refused connections to close');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(closed, [false, false, false, true, true, true]);
    assert.ok(rec.lines().some((l) => l.includes('too many connections not logged in (MaxStartups)')), rec.lines().join(''));
    // a slot frees when a silent one goes; then a new client can log in
    silent[0].destroy();
    await new Promise((r) => setTimeout(r, 200));
    const again = await connect({ host: '127.0.0.1', port: f.port, username: 'lab', password: 'lab123:with:colons' });
    again.end();
  } finally {
    for (const s of silent) s.destroy();
    ok.end();
  }
});
