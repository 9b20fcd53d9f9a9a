/**
 * The device command's rough edges, by real child processes: log levels with --log-file,
 * one log line per reload, secrets kept out of configuration errors, the configuration
 * directory replaced under a running device, metrics bound before any client dials, a failed
 * start leaving nothing behind, a port clash of `nms` in one line, why a session ended, and
 * `check --config` on the shipped examples.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Harness, MAIN_JS, loopbackPki, until } from '../support/agent-harness.js';
import { parseJetArguments } from '../../src/outbound/jet-args.js';

const h = new Harness();
after(() => h.cleanup());

const FIXTURES = fileURLToPath(new URL('../../../fixtures/configs/', import.meta.url));

interface Proc {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function device(args: string[], env: Record<string, string> = {}): Proc {
  return h.cli(args, { NCGD_LOG_FORMAT: 'json', ...env });
}

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A port held by a listener of this process until the test ends. */
async function takenPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  h.defer(() => new Promise<void>((r) => s.close(() => r())));
  return (s.address() as net.AddressInfo).port;
}

function lines(text: string, msg: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.includes(msg))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function body(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** A curly-brace configuration with one client (its secret on line 6). */
function conf(port: number, cert: string, waittime: number, secret = 'reload-secret-1'): string {
  return [
    'system {',
    '    services {',
    '        outbound-https {',
    '            client a {',
    '                device-id rough-a;',
    `                secret "${secret}";`,
    `                waittime ${waittime};`,
    '                servers 127.0.0.1 {',
    `                    port ${port};`,
    `                    trusted-cert "${body(cert)}";`,
    '                }',
    '            }',
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');
}

test('--log-level debug --log-file F: debug lines reach both F and stderr', async () => {
  const pem = await loopbackPki();
  const dir = h.tempDir();
  const certFile = path.join(dir, 'nms.crt');
  writeFileSync(certFile, pem.cert);
  const logFile = path.join(dir, 'device.log');
  const port = await freePort();
  const dev = device(['--host', '127.0.0.1', '--port', String(port), '--cert-file', certFile, '--device-id', 'log-dev', '--secret', 'x', '--waittime', '1', '--state-dir', dir, '--log-level', 'debug', '--log-file', logFile]);
  await until(() => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('"level":20'), 15_000, 'a debug line in the log file');
  await until(() => dev.stderr().includes('"level":20'), 15_000, 'a debug line on stderr');
  // A debug line of the walk itself (it comes once the first walk is over).
  await until(() => lines(readFileSync(logFile, 'utf8'), 'no server reachable; waiting').length > 0, 15_000, 'the walk\'s debug line in the log file');
});

test('reload: logged once per reload (a fleet too), a file event without a change is no reload, a secret never in the rejection', async () => {
  const pem = await loopbackPki();
  const dir = h.tempDir();
  const file = path.join(dir, 'device.conf');
  const logFile = path.join(dir, 'device.log');
  const port = await freePort();
  writeFileSync(file, conf(port, pem.cert, 5));
  const dev = device(['--config', file, '--devices', '2', '--state-dir', dir, '--log-file', logFile]);
  // Logged just before the file is watched.
  await until(() => /status: nc-grpc-device status/.test(dev.stderr()), 15_000, 'the device to start');
  const reloads = () => lines(dev.stderr(), 'configuration reloaded');

  writeFileSync(file, conf(port, pem.cert, 6));
  await until(() => reloads().length >= 1, 10_000, `the reload; stderr: ${dev.stderr()}`);
  // Let any further events of the same write arrive: still one reload line.
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(reloads().length, 1, JSON.stringify(reloads()));
  assert.deepEqual(reloads()[0].updated, ['a']);
  assert.equal(lines(dev.stderr(), 'configuration applied').filter((l) => Number(l.level) >= 30).length, 0, 'no second line for the same reload');

  // The same content written again: a file event, no reload.
  writeFileSync(file, conf(port, pem.cert, 6));
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(reloads().length, 1);

  dev.child.kill('SIGHUP');
  await until(() => reloads().length === 2, 10_000, 'the SIGHUP reload');

  // An unterminated secret (the last quote of the file): the error names line and statement only.
  const secret = 'Unterminated-Secret-Value-987';
  writeFileSync(file, conf(port, pem.cert, 6).replace(/secret "reload-secret-1";/, `secret "${secret};`).replace(/trusted-cert "([^"]*)";/, 'trusted-cert $1;'));
  await until(() => /configuration rejected/.test(dev.stderr()), 10_000, 'the rejection');
  const rejected = lines(dev.stderr(), 'configuration rejected')[0];
  assert.match(String(rejected.reason), /device\.conf:6: syntax error: unterminated quoted string \(statement "secret"\)/);
  assert.ok(!dev.stderr().includes(secret.slice(0, 12)), dev.stderr());
  assert.ok(!readFileSync(logFile, 'utf8').includes(secret.slice(0, 12)));
});

test('the configuration directory replaced under a running device: the watch follows it', async () => {
  const pem = await loopbackPki();
  const top = h.tempDir();
  const dir = path.join(top, 'conf');
  mkdirSync(dir);
  const file = path.join(dir, 'device.conf');
  const port = await freePort();
  writeFileSync(file, conf(port, pem.cert, 5));
  const dev = device(['--config', file, '--state-dir', path.join(top, 'state')]);
  await until(() => /status: nc-grpc-device status/.test(dev.stderr()), 15_000, 'the device to start');
  renameSync(dir, path.join(top, 'conf-old'));
  mkdirSync(dir);
  writeFileSync(file, conf(port, pem.cert, 9));
  await until(() => /configuration reloaded/.test(dev.stderr()), 10_000, `a reload from the new directory; stderr: ${dev.stderr()}`);
  // The file's change in the new directory can be seen first; the directory check (every second) says what happened.
  await until(() => /the configuration directory was replaced; watching the new one/.test(dev.stderr()), 5_000, `the replaced directory to be said; stderr: ${dev.stderr()}`);
  assert.equal(lines(dev.stderr(), 'configuration reloaded').length, 1, 'the new file is applied once');
  // And later edits in the new directory are seen too.
  writeFileSync(file, conf(port, pem.cert, 11));
  await until(() => lines(dev.stderr(), 'configuration reloaded').length === 2, 10_000, 'a reload of an edit in the new directory');
});

test('a metrics-port clash stops the start before any client dials, in one line, and leaves no run directory', async () => {
  const { nms, port } = await h.nms();
  const pem = await loopbackPki();
  const dir = h.tempDir();
  const tmp = h.tempDir();
  const certFile = path.join(dir, 'nms.crt');
  writeFileSync(certFile, pem.cert);
  const metricsPort = await takenPort();
  const dev = device(['--host', '127.0.0.1', '--port', String(port), '--cert-file', certFile, '--device-id', 'metrics-clash', '--secret', 'x', '--state-dir', dir, '--metrics-port', String(metricsPort)], { TMPDIR: tmp });
  assert.equal(await dev.exited, 1);
  assert.equal(dev.stderr().trim().split('\n').filter((l) => !l.startsWith('{')).join('\n'), `nc-grpc-device: cannot serve metrics on 127.0.0.1:${metricsPort}: EADDRINUSE`);
  assert.doesNotMatch(dev.stderr(), /client started/);
  assert.equal(nms.events.filter((e) => e.deviceId === 'metrics-clash').length, 0);
  assert.deepEqual(readdirSync(tmp), [], 'the run directory is removed');
});

test('nms on a port in use: one clean line, exit 1', async () => {
  const port = await takenPort();
  const dir = h.tempDir();
  const certs = spawnSync(process.execPath, [MAIN_JS, 'certs', '--host', '127.0.0.1', '--out', dir], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(certs.status, 0, certs.stderr);
  const r = spawnSync(process.execPath, [MAIN_JS, 'nms', '--port', String(port), '--host', '127.0.0.1', '--cert', path.join(dir, 'server.crt'), '--key', path.join(dir, 'server.key')], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, NCGD_LOG_FORMAT: 'json' },
  });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `nc-grpc-device: nms: cannot listen on 127.0.0.1:${port}: the port is in use (EADDRINUSE)\n`);
});

test('session ends are logged with their real reason: closed by the NMS, or ended by the session itself', async () => {
  const { nms, port } = await h.nms();
  const pem = await loopbackPki();
  const dir = h.tempDir();
  const certFile = path.join(dir, 'nms.crt');
  writeFileSync(certFile, pem.cert);
  const dev = device(['--host', '127.0.0.1', '--port', String(port), '--cert-file', certFile, '--device-id', 'why-dev', '--secret', 'w', '--state-dir', dir]);
  const closed = await nms.requestSession('why-dev', 'w', 'csh', { timeoutMs: 15_000 });
  await closed.waitFor((o) => o.includes('csh session is started'), 10_000);
  await closed.close();
  await until(() => lines(dev.stderr(), 'session ended').length === 1, 10_000, 'the first end to be logged');
  const exited = await nms.requestSession('why-dev', 'w', 'csh', { timeoutMs: 15_000 });
  exited.send('exit');
  await exited.ended;
  await until(() => lines(dev.stderr(), 'session ended').length === 2, 10_000, 'the second end to be logged');
  assert.deepEqual(
    lines(dev.stderr(), 'session ended').map((l) => l.why),
    ['nms-closed', 'ended'],
  );
});

test('check --config: every shipped example passes on this machine; a bad file is one line, exit 2, without its secret', () => {
  for (const f of readdirSync(FIXTURES).filter((n) => /\.(conf|set|json|xml)$/.test(n))) {
    const r = spawnSync(process.execPath, [MAIN_JS, 'check', '--config', path.join(FIXTURES, f)], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`: valid\\n`));
    assert.match(r.stdout, /\n {2}dials \S+:\d+: .*subject CN=/);
    assert.equal(r.stderr, '');
  }
  const dir = h.tempDir();
  const bad = path.join(dir, 'bad.conf');
  writeFileSync(bad, 'system {\n  services {\n    outbound-https {\n      client a {\n        secret "Check-Secret-Leak-123;\n      }\n    }\n  }\n}\n');
  const r = spawnSync(process.execPath, [MAIN_JS, 'check', '--config', bad], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `nc-grpc-device: ${bad}:5: syntax error: unterminated quoted string (statement "secret")\n`);
  // An unknown session user is a warning, not an error.
  const json = path.join(dir, 'user.json');
  writeFileSync(json, JSON.stringify({ username: 'no-such-user-xyz', clients: [{ name: 'c', 'device-id': 'd', secret: 's', servers: [{ address: '127.0.0.1', port: 1, 'trusted-cert-file': path.join(FIXTURES, 'nms2.pem') }] }] }));
  const u = spawnSync(process.execPath, [MAIN_JS, 'check', '--config', json], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(u.status, 0, u.stderr);
  if (process.getuid?.() === 0) assert.match(u.stdout, /warning: session user "no-such-user-xyz" does not exist on this host/);
  assert.match(u.stdout, /warning: the trusted certificate of 127\.0\.0\.1 does not name it|dials 127\.0\.0\.1:1: CA /);
});

test('JET arguments: a stray word after -secret (the rest of an unquoted secret) is not echoed', () => {
  assert.throws(
    () => parseJetArguments('-host nms.lab -secret first-half second-half-of-secret'),
    (err: Error) => /unexpected word/.test(err.message) && !err.message.includes('second-half'),
  );
  assert.throws(() => parseJetArguments('-host nms.lab stray'), /unexpected word "stray"/);
});

test('a start that fails on a missing session user leaves no empty state directory behind', { skip: process.getuid?.() !== 0 ? 'session users are looked up only when running as root' : false }, async () => {
  const parent = h.tempDir();
  const stateDir = path.join(parent, 'new-state');
  const dev = device(['--ssh-port', '0', '--ssh-user', 'lab:lab123', '--username', 'no-such-user-ncgd', '--state-dir', stateDir]);
  assert.notEqual(await dev.exited, 0);
  assert.match(dev.stderr(), /session user "no-such-user-ncgd" does not exist on this host/);
  assert.equal(existsSync(stateDir), false, 'the state directory it made is removed');
  // one that was there before stays
  mkdirSync(stateDir, { mode: 0o700 });
  const again = device(['--ssh-port', '0', '--ssh-user', 'lab:lab123', '--username', 'no-such-user-ncgd', '--state-dir', stateDir]);
  assert.notEqual(await again.exited, 0);
  assert.equal(existsSync(stateDir), true);
});
