/**
 * The device as users run it: `node dist/src/cli/main.js ...` as a child process against the
 * reference NMS. NETCONF and shell sessions end to end, SIGTERM, and bad input.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { MSG_TERMINATION } from '../../src/outbound/session-bridge.js';
import { Harness, MAIN_JS, loopbackPki, until, pidAlive } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

const EOM = ']]>]]>';

async function startDeviceProcess(port: number, extra: string[] = []): Promise<{ child: ChildProcess; deviceId: string; secret: string; stderr: () => string }> {
  const pem = await loopbackPki();
  const dir = h.tempDir();
  const certFile = path.join(dir, 'nms.crt');
  writeFileSync(certFile, pem.cert);
  const deviceId = `proc-${port}`;
  const secret = 'proc-secret';
  const child = spawn(process.execPath, [MAIN_JS, '--host', '127.0.0.1', '--port', String(port), '--cert-file', certFile, '--device-id', deviceId, '--secret', secret, '--state-dir', dir, '--log-format', 'json', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (b) => (err += b));
  child.stdout!.resume();
  h.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, deviceId, secret, stderr: () => err };
}

test('NETCONF through the device process: hello, RPCs split and merged across commands, close-session', async () => {
  const { nms, port } = await h.nms();
  const dev = await startDeviceProcess(port);
  const s = await nms.requestSession(dev.deviceId, dev.secret, 'netconf', { timeoutMs: 15_000 });
  const hello = await s.waitFor((o) => o.includes(EOM), 10_000);
  assert.match(hello, /<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1\.0">/);
  assert.match(hello, /<session-id>\d+<\/session-id>/);
  // One RPC in three commands, as an NMS reading its operator 1024 bytes at a time sends it
  // (the device adds a newline after each command, harmless between elements).
  s.send('<rpc message-id="1">');
  s.send('<get-software-information/>');
  s.send('</rpc>]]>]]>');
  await s.waitFor((o) => /<rpc-reply[^>]*message-id="1"[\s\S]*<\/rpc-reply>\s*\]\]>\]\]>/.test(o), 10_000);
  // Two RPCs merged into one command.
  s.send(`<rpc message-id="2"><get-software-information/></rpc>${EOM}<rpc message-id="3"><get-software-information/></rpc>${EOM}`);
  const out = await s.waitFor((o) => o.includes('message-id="3"') && o.lastIndexOf(EOM) > o.indexOf('message-id="3"'), 10_000);
  assert.match(out, /<software-information>[\s\S]*<host-name>/);
  s.send(`<rpc message-id="4"><close-session/></rpc>${EOM}`);
  await s.ended;
  assert.match(s.output(), /<!-- session end at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  assert.match(s.output(), /Client is stopping, subprocess not running$/);
  dev.child.kill('SIGTERM');
});

test('shell through the device process: output, stderr merged, exit', async () => {
  const { nms, port } = await h.nms();
  const dev = await startDeviceProcess(port, ['--allow-root-shell']);
  const s = await nms.requestSession(dev.deviceId, dev.secret, 'csh', { timeoutMs: 15_000 });
  await s.waitFor((o) => o.startsWith('csh session is started'), 10_000);
  s.send('echo to-stdout; echo to-stderr 1>&2');
  await s.waitFor((o) => o.includes('to-stdout') && o.includes('to-stderr'), 10_000);
  assert.ok(!s.output().includes('echo to-stdout'), 'input must not be echoed');
  s.send('exit');
  await s.ended;
  assert.match(s.output(), /Client is stopping, subprocess not running$/);
  dev.child.kill('SIGTERM');
});

test('SIGTERM: every live session gets the termination message, the process exits 0', async () => {
  const { nms, port } = await h.nms();
  const dev = await startDeviceProcess(port, ['--allow-root-shell']);
  const sessions = [
    await nms.requestSession(dev.deviceId, dev.secret, 'netconf', { timeoutMs: 15_000 }),
    await nms.requestSession(dev.deviceId, dev.secret, 'csh', { timeoutMs: 15_000 }),
    await nms.requestSession(dev.deviceId, dev.secret, 'csh', { timeoutMs: 15_000 }),
  ];
  sessions[1].send('echo "shellpid=$$"');
  const out = await sessions[1].waitFor((o) => /shellpid=\d+/.test(o), 10_000);
  const shellPid = Number(/shellpid=(\d+)/.exec(out)![1]);
  await sessions[0].waitFor((o) => o.includes(EOM), 10_000);
  const exited = new Promise<number | null>((r) => dev.child.on('exit', (code) => r(code)));
  dev.child.kill('SIGTERM');
  assert.equal(await exited, 0, dev.stderr());
  for (const s of sessions) {
    await s.ended;
    assert.ok(s.output().endsWith(MSG_TERMINATION), `session output ends with: ${s.output().slice(-60)}`);
  }
  await until(() => !pidAlive(shellPid), 5000, 'the shell to be gone');
});

function runCli(args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [MAIN_JS, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

test('bad input: one clear line, exit 2, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['--no-such-flag'], /Unknown argument/i],
    [['--profile', 'no-such-profile', '--ssh-port', '0', '--ssh-user', 'a:b'], /unknown profile/],
    [['--host', '127.0.0.1', '--device-id', 'x', '--secret', 'y'], /--cert/],
    [['--host', '127.0.0.1', '--cert-file', '/nonexistent/nms.crt', '--device-id', 'x', '--secret', 'y'], /cannot read --cert-file/],
    [['--host', '127.0.0.1', '--cert', 'not a certificate!', '--device-id', 'x', '--secret', 'y'], /not a PEM certificate/],
    [['--host', '127.0.0.1', '--cert', 'AAAA', '--device-id', 'x', '--secret', 'y'], /not a valid X.509 certificate/],
    [['--host', '127.0.0.1', '--cert', 'AAAA', '--device-id', 'x', '--secret', 'y', '--reconnect-strategy', 'random'], /reconnect-strategy/],
  ];
  for (const [args, want] of cases) {
    const r = runCli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('a fleet: --devices 3 dials out as three devices, each with its own NETCONF server', async () => {
  const { nms, port } = await h.nms();
  const dev = await startDeviceProcess(port, ['--devices', '3']);
  const hostnames = new Set<string>();
  for (let n = 1; n <= 3; n++) {
    const s = await nms.requestSession(`${dev.deviceId}-${n}`, dev.secret, 'netconf', { timeoutMs: 15_000 });
    s.send(`<rpc><get-software-information/></rpc>${EOM}`);
    const out = await s.waitFor((o) => o.includes('</software-information>'), 10_000);
    hostnames.add(/<host-name>([^<]+)<\/host-name>/.exec(out)![1]);
    await s.close();
  }
  assert.equal(hostnames.size, 3, [...hostnames].join(', '));
  dev.child.kill('SIGTERM');
});

test('SIGTERM while a probe hangs on a silent server: the device still exits at once', async () => {
  // A listener that accepts TCP and never answers TLS: the probe would wait for its deadline.
  const net = await import('node:net');
  const held: import('node:net').Socket[] = [];
  const silent = net.createServer((sock) => held.push(sock));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  h.defer(() => {
    for (const s of held) s.destroy();
    return new Promise<void>((r) => silent.close(() => r()));
  });
  const port = (silent.address() as import('node:net').AddressInfo).port;
  const dev = await startDeviceProcess(port);
  await until(() => held.length > 0, 10_000, 'the probe to connect');
  const t0 = Date.now();
  const exited = new Promise<number | null>((r) => dev.child.on('exit', (code) => r(code)));
  dev.child.kill('SIGTERM');
  assert.equal(await exited, 0, dev.stderr());
  assert.ok(Date.now() - t0 < 10_000, 'the device did not wait for the probe deadline');
});
