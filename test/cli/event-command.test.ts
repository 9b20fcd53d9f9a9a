/**
 * `nc-grpc-device event` against a running fleet process (control socket), seen over the
 * SSH face with NETCONF: the selected device changes, the others do not; `GET /events`
 * counts; a bad event is a usage error (exit 2, one line); no device running is exit 1.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Harness, MAIN_JS, until } from '../support/agent-harness.js';
import { openChannel } from '../support/ssh-harness.js';
import { EOM } from '../support/outbound-device.js';
import { controlRequest } from '../../src/status/control.js';

const h = new Harness();
after(() => h.cleanup());

const event = (...args: string[]) => spawnSync(process.execPath, [MAIN_JS, 'event', ...args], { encoding: 'utf8', timeout: 30_000 });

async function terse(port: number, ifd: string): Promise<string> {
  const ch = await openChannel({ host: '127.0.0.1', port, username: 'lab', password: 'lab123' }, { subsystem: 'netconf' });
  await ch.waitFor((o) => o.includes(EOM), 10_000);
  ch.channel.write(`<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>${EOM}<rpc message-id="1"><command format="text">show interfaces terse ${ifd}</command></rpc>${EOM}`);
  const out = await ch.waitFor((o) => o.split(EOM).length > 2, 10_000);
  ch.conn.end();
  return out.split(EOM)[1];
}

test('event: link-down on one fleet member through the control socket; the other stays; counts; errors', async () => {
  const dir = h.tempDir();
  const { stderr } = h.cli(['--ssh-port', '0', '--ssh-user', 'lab:lab123', '--devices', 'mx:2', '--state-dir', dir, '--log-format', 'json', '--log-level', 'debug']);
  await until(() => /SSH faces listening/.test(stderr()), 20_000, 'the fleet');
  const ports = [...stderr().matchAll(/"port":(\d+),"fingerprint"[^\n]*"msg":"ssh face listening"/g)].map((m) => Number(m[1]));
  const noDevice = event('--state-dir', dir, 'link-down', 'ge-0/0/1');
  assert.equal(noDevice.status, 1);
  assert.match(noDevice.stderr, /runs 2 devices: name one with --device/);
  const r = event('--state-dir', dir, '--device', '2', 'link-down', 'ge-0/0/1');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^mx960-2: ge-0\/0\/1 link down\n$/);
  assert.match(await terse(ports[1], 'ge-0/0/1'), /ge-0\/0\/1\s+up\s+down/);
  assert.match(await terse(ports[0], 'ge-0/0/1'), /ge-0\/0\/1\s+up\s+up/);
  const all = event('--state-dir', dir, '--device', 'all', '--json', 'alarm', 'set', '--class', 'minor', 'chassis', 'PEM 1 Not OK');
  assert.equal(all.status, 0, all.stderr);
  assert.equal((JSON.parse(all.stdout) as unknown[]).length, 2);
  const counts = await controlRequest<{ events: Record<string, number> }>(`${dir}/control.sock`, 'GET', '/events');
  assert.deepEqual(counts.events, { 'link-down': 1, 'alarm-set': 2 });
  const bad = event('--state-dir', dir, '--device', '1', 'link-sideways', 'ge-0/0/1');
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  const unknownIfd = event('--state-dir', dir, '--device', '1', 'link-down', 'xe-9/9/9');
  assert.equal(unknownIfd.status, 1);
  assert.match(unknownIfd.stderr, /no interface xe-9\/9\/9/);
  const gone = event('--state-dir', h.tempDir(), 'cpu', '50');
  assert.equal(gone.status, 1);
  assert.match(gone.stderr, /no agent is listening/);
});

test('scenarios: --scenario at start and `scenario run` on a running fleet; the selected devices change; counts', async () => {
  const dir = h.tempDir();
  const { writeFileSync } = await import('node:fs');
  const first = `${dir}/start.yaml`;
  writeFileSync(first, 'seed: 5\nevents:\n  - at: 1s\n    devices: 2-3\n    event: link-down ge-0/0/1\n');
  const { stderr } = h.cli(['--ssh-port', '0', '--ssh-user', 'lab:lab123', '--devices', '3', '--profile', 'mx', '--state-dir', dir, '--scenario', first, '--log-format', 'json', '--log-level', 'debug']);
  await until(() => /SSH faces listening/.test(stderr()), 20_000, 'the fleet');
  await until(() => /"msg":"scenario started"/.test(stderr()) && /nc-grpc-device status --control/.test(stderr()), 10_000, 'the scenario and the control socket');
  const ports = [...stderr().matchAll(/"port":(\d+),"fingerprint"[^\n]*"msg":"ssh face listening"/g)].map((m) => Number(m[1]));
  const sock = `${dir}/control.sock`;
  await until(async () => ((await controlRequest<{ events: Record<string, number> }>(sock, 'GET', '/events').catch(() => ({ events: {} as Record<string, number> }))).events['link-down'] ?? 0) === 2, 10_000, 'the scenario');
  assert.match(await terse(ports[0], 'ge-0/0/1'), /ge-0\/0\/1\s+up\s+up/);
  assert.match(await terse(ports[2], 'ge-0/0/1'), /ge-0\/0\/1\s+up\s+down/);
  const second = `${dir}/later.yaml`;
  writeFileSync(second, 'events:\n  - at: 0.2s\n    event: alarm set --class minor chassis "PEM 0 Not OK"\n');
  const run = spawnSync(process.execPath, [MAIN_JS, 'scenario', 'run', second, '--state-dir', dir], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /scenario later\.yaml started \(seed 1, 1 events, 3 devices\)/);
  await until(async () => ((await controlRequest<{ events: Record<string, number> }>(sock, 'GET', '/events').catch(() => ({ events: {} as Record<string, number> }))).events['alarm-set'] ?? 0) === 3, 10_000, 'the second scenario');
  const status = await controlRequest<{ scenarios: { name: string; applied: number }[] }>(sock, 'GET', '/events');
  assert.deepEqual(status.scenarios.map((s) => [s.name, s.applied]), [['start.yaml', 2], ['later.yaml', 3]]);
  const bad = spawnSync(process.execPath, [MAIN_JS, 'scenario', 'run', first.replace('start', 'missing'), '--state-dir', dir], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});
