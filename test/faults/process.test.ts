/**
 * Fault injection on a device process: `--fault`, the `fault` command against its control
 * socket (add, list, clear, drop-connections), status listing the faults, bad specs.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Harness, MAIN_JS, loopbackPki, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

const EOM = ']]>]]>';
const STOPPING = 'Client is stopping';

async function startDevice(port: number, extra: string[] = []) {
  const pem = await loopbackPki();
  const dir = h.tempDir('ncgd-fault-');
  const certFile = path.join(dir, 'nms.crt');
  writeFileSync(certFile, pem.cert);
  const deviceId = `fault-${port}`;
  const secret = 'fault-secret';
  const child = spawn(process.execPath, [MAIN_JS, '--host', '127.0.0.1', '--port', String(port), '--cert-file', certFile, '--device-id', deviceId, '--secret', secret, '--state-dir', dir, '--log-format', 'json', ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (b) => (log += b));
  child.stderr!.on('data', (b) => (log += b));
  h.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await until(() => existsSync(path.join(dir, 'control.sock')), 15_000, 'the control socket');
  return { child, dir, deviceId, secret, log: () => log };
}

/**
 * Runs the CLI without blocking this process: the reference NMS lives here and must keep
 * answering the device (a blocked event loop fails its probes under load).
 */
function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN_JS, ...args], { encoding: 'utf8', timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, out: stdout, err: stderr });
    });
  });
}

function fault(dir: string, ...args: string[]) {
  return cli(['fault', ...args, '--state-dir', dir]);
}

test('a bad --fault spec exits 2 with one line', () => {
  const r = spawnSync(process.execPath, [MAIN_JS, '--host', '127.0.0.1', '--cert', 'x', '--device-id', 'd', '--secret', 's', '--fault', 'rpc-delay=soon'], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /rpc-delay=soon.*whole number/);
  const c = spawnSync(process.execPath, [MAIN_JS, 'fault', 'add', 'explode'], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(c.status, 2);
  assert.equal(c.stderr.trim().split('\n').length, 1, c.stderr);
  assert.match(c.stderr, /unknown fault "explode"/);
});

test('faults from --fault and the fault command reach NETCONF sessions; status lists them', async () => {
  const { nms, port } = await h.nms();
  const dev = await startDevice(port, ['--fault', 'no-stop-message']);
  assert.equal((await fault(dev.dir, 'list')).out, 'no-stop-message\n');
  const added = await fault(dev.dir, 'add', 'rpc-error=get-software-information', 'rpc-delay=300');
  assert.equal(added.code, 0, added.err);
  assert.deepEqual(added.out.trim().split('\n').sort(), ['no-stop-message', 'rpc-delay=300', 'rpc-error=get-software-information']);
  const status = await cli(['status', '--json', '--state-dir', dev.dir]);
  assert.ok(JSON.parse(status.out).faults.includes('rpc-delay=300'), status.out);

  const s = await nms.requestSession(dev.deviceId, dev.secret, 'netconf', { timeoutMs: 15_000 });
  await s.waitFor((o) => o.includes(EOM), 10_000);
  const sent = Date.now();
  s.send(`<rpc message-id="7"><get-software-information/></rpc>${EOM}`);
  const out = await s.waitFor((o) => /message-id="7"[\s\S]*<\/rpc-reply>/.test(o), 10_000);
  assert.ok(Date.now() - sent >= 300, `reply after ${Date.now() - sent} ms`);
  assert.match(out, /<error-message>\s*fault injected: get-software-information/);
  s.send(`<rpc message-id="8"><close-session/></rpc>${EOM}`);
  await s.ended;
  assert.ok(!s.output().includes(STOPPING), 'no stop message');
  await until(() => dev.log().includes('"fault injected"'), 5000, 'the fault log line');

  const cleared = await fault(dev.dir, 'clear');
  assert.equal(cleared.out, 'no faults injected\n');
  const s2 = await nms.requestSession(dev.deviceId, dev.secret, 'netconf', { timeoutMs: 15_000 });
  s2.send(`<rpc message-id="9"><get-software-information/></rpc>${EOM}`);
  await s2.waitFor((o) => /message-id="9"[\s\S]*<software-information>/.test(o), 10_000);
  s2.send(`<rpc message-id="10"><close-session/></rpc>${EOM}`);
  await s2.ended;
  assert.match(s2.output(), /Client is stopping, subprocess not running$/);
  dev.child.kill('SIGTERM');
});

test('fault drop-connections cuts a live session; the device reconnects and serves a new one', async () => {
  const { nms, port } = await h.nms();
  const dev = await startDevice(port);
  const s = await nms.requestSession(dev.deviceId, dev.secret, 'netconf', { timeoutMs: 15_000 });
  await s.waitFor((o) => o.includes(EOM), 10_000);
  const initsBefore = nms.events.filter((e) => e.type === 'initialize').length;
  const r = await fault(dev.dir, 'drop-connections');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /1 session cut/);
  await s.ended;
  assert.ok(!s.output().includes(STOPPING), 'no stop message');
  await until(() => nms.events.filter((e) => e.type === 'initialize').length > initsBefore, 15_000, 'a new Initialize');
  const s2 = await nms.requestSession(dev.deviceId, dev.secret, 'netconf', { timeoutMs: 15_000 });
  await s2.waitFor((o) => o.includes(EOM), 10_000);
  await s2.close();
  dev.child.kill('SIGTERM');
});
