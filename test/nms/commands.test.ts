/**
 * The NMS commands as real child processes: `certs` writes a working PKI, `nms` serves a
 * raw test device, and `session` bridges stdin/stdout to it through the operator port.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { oneLineCert } from '../../src/nms/pki.js';
import { STOPPING, deviceSession, until, type RawClient } from '../support/nms-raw-device.js';

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/nms-cli.js');

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const procs: Proc[] = [];
const clients: RawClient[] = [];
let dir: string;

function run(args: string[]): Proc {
  const child = spawn(process.execPath, [RUNNER, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NCGD_LOG_FORMAT: 'json' } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const p = { child, stdout: () => out, stderr: () => err, exited };
  procs.push(p);
  return p;
}

/** Waits (bounded) for a child to exit and returns its code. */
async function exitOf(p: Proc, timeoutMs = 15_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), timeoutMs)));
  const res = await Promise.race([p.exited, late]);
  clearTimeout(timer);
  if (res === 'late') throw new Error(`child did not exit; stderr: ${p.stderr()}`);
  return res;
}

let nmsPort = 0;
let opsPort = 0;
let cert = '';
/** What the raw devices trust: the CA that signed the NMS certificate. */
let caCert = '';

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ncgd-nms-cmd-'));
  const certs = run(['certs', '--host', '127.0.0.1', '--host', 'nms.lab', '--ca', '--out', dir]);
  assert.equal(await exitOf(certs), 0, certs.stderr());
  cert = readFileSync(path.join(dir, 'server.crt'), 'utf8');
  caCert = readFileSync(path.join(dir, 'ca.crt'), 'utf8');
  const nms = run(['nms', '--port', '0', '--host', '127.0.0.1', '--cert', path.join(dir, 'server.crt'), '--key', path.join(dir, 'server.key')]);
  await until(() => /operator port/.test(nms.stdout()) || nms.child.exitCode !== null, 10_000, 'the nms to listen');
  const m = /listening on 127\.0\.0\.1:(\d+); operator port 127\.0\.0\.1:(\d+)/.exec(nms.stdout());
  assert.ok(m, `nms did not start: ${nms.stderr()}`);
  nmsPort = Number(m[1]);
  opsPort = Number(m[2]);
});

after(async () => {
  for (const c of clients) c.close();
  for (const p of procs) if (p.child.exitCode === null && p.child.pid) process.kill(p.child.pid, 'SIGTERM');
  await Promise.all(procs.map((p) => exitOf(p, 5000).catch(() => undefined)));
  rmSync(dir, { recursive: true, force: true });
});

test('certs --ca: a CA, a server certificate it signed with both names, private keys unreadable by others, the CA as trusted-cert line', () => {
  const ca = new X509Certificate(readFileSync(path.join(dir, 'ca.crt')));
  const server = new X509Certificate(cert);
  assert.ok(ca.ca);
  assert.ok(server.verify(ca.publicKey));
  assert.equal(server.subjectAltName, 'DNS:nms.lab, IP Address:127.0.0.1');
  assert.equal(statSync(path.join(dir, 'server.key')).mode & 0o077, 0);
  const printed = procs[0].stdout();
  assert.ok(printed.split('\n').includes(oneLineCert(readFileSync(path.join(dir, 'ca.crt'), 'utf8'))));
});

test('certs with a bad host name: exit 2 and one line', async () => {
  const p = run(['certs', '--host', 'not a host', '--out', dir]);
  assert.equal(await exitOf(p), 2);
  assert.equal(p.stderr().trim().split('\n').length, 1);
  assert.match(p.stderr(), /not a hostname or IP address/);
});

test('session bridges stdin lines to the device and device output to stdout; EOF sends exit and the device ends the session', async () => {
  const dev = deviceSession(nmsPort, caCert, 'dev-cli', 'cli-secret');
  const s = run(['session', '--device', 'dev-cli', '--secret', 'cli-secret', '--type', 'csh', '--nms-ops', `127.0.0.1:${opsPort}`]);
  const d = await dev;
  clients.push(d.client);
  await until(() => s.stdout().includes('csh session is started'), 10_000, 'the session start message');
  s.child.stdin!.write('show version\n');
  await until(() => s.stdout().includes('echo:show version'), 10_000, 'the echoed command');
  s.child.stdin!.end();
  assert.equal(await exitOf(s), 0, s.stderr());
  assert.ok(s.stdout().includes(STOPPING));
  // As `ssh host < script`: the end of input is an `exit` line; the device ended the session on it.
  const last = d.stream.received[d.stream.received.length - 1];
  assert.equal(last.csh_command, 'exit');
  assert.ok(last.kill_signal === undefined || last.kill_signal === '0' || last.kill_signal === 0, `no kill signal was needed: ${JSON.stringify(last)}`);
  assert.equal(d.stream.received[0].csh_command, 'show version');
});

test('session exits 0 when the device ends the session on its own', async () => {
  const dev = deviceSession(nmsPort, caCert, 'dev-ends', 'e');
  const s = run(['session', '--device', 'dev-ends', '--secret', 'e', '--type', 'netconf', '--nms-ops', `127.0.0.1:${opsPort}`]);
  const d = await dev;
  clients.push(d.client);
  await until(() => s.stdout().includes('<hello/>'), 10_000, 'the hello');
  d.stream.call.write({ message: STOPPING });
  d.stream.call.end();
  assert.equal(await exitOf(s), 0, s.stderr());
  assert.ok(s.stdout().includes(STOPPING));
});

test('session errors: wrong secret and no device are one line, exit 1; missing flags exit 2', async () => {
  const dev = deviceSession(nmsPort, caCert, 'dev-wrong', 'right');
  dev.catch(() => {});
  const list = async (): Promise<string> => {
    const l = run(['session', '--list', '--json', '--nms-ops', `127.0.0.1:${opsPort}`]);
    await exitOf(l);
    return l.stdout();
  };
  let listed = '';
  for (let i = 0; i < 50 && !listed.includes('"dev-wrong":1'); i++) listed = await list();
  assert.match(listed, /"dev-wrong":1/);
  const wrong = run(['session', '--device', 'dev-wrong', '--secret', 'nope', '--nms-ops', `127.0.0.1:${opsPort}`]);
  assert.equal(await exitOf(wrong), 1);
  assert.equal(wrong.stderr().trim(), 'nc-grpc-device: secret mismatch for device dev-wrong');

  const none = run(['session', '--device', 'dev-none', '--secret', 'x', '--timeout', '1', '--nms-ops', `127.0.0.1:${opsPort}`]);
  assert.equal(await exitOf(none), 1);
  // The one line names the devices that are waiting.
  assert.match(none.stderr().trim(), /^nc-grpc-device: no device dev-none is waiting at the NMS after 1 s; waiting: (\S+, )*dev-wrong(, \S+)*$/);

  const usage = run(['session', '--secret', 'x', '--nms-ops', `127.0.0.1:${opsPort}`]);
  assert.equal(await exitOf(usage), 2);
  assert.equal(usage.stderr().trim().split('\n').length, 1);

  // Clean up the armed device: take its session and close it.
  const s = run(['session', '--device', 'dev-wrong', '--secret', 'right', '--nms-ops', `127.0.0.1:${opsPort}`]);
  const d = await dev;
  clients.push(d.client);
  await until(() => s.stdout().includes('csh session is started'), 10_000, 'the session');
  s.child.stdin!.end();
  assert.equal(await exitOf(s), 0);
});

test('session takes request_session.py spellings: -d DEVICE -sk SECRET -s TYPE', async () => {
  const { normalizeArgv } = await import('../../src/cli/argv.js');
  assert.deepEqual(normalizeArgv(['session', '-d', 'dev1', '-sk', 's3', '-s', 'netconf']), ['session', '-d', 'dev1', '--secret', 's3', '--type', 'netconf']);
  assert.deepEqual(normalizeArgv(['-host', 'nms', '-port', '4433']), ['--host', 'nms', '--port', '4433']);
});
