/**
 * A fleet over worker threads (`--threads`): the blocks and the layout (the main thread runs
 * the first device, the workers the rest) as plain functions, then a real
 * process (`--devices 7 --threads 3`) against the reference NMS: every device dials in with
 * its own id, the one control socket lists and counts all of them, a session to a device of
 * a worker thread commits into that device's own state directory, a device event reaches a
 * worker thread's device, a drop of connections reaches every thread, and SIGTERM ends all of them.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { AUTO_THREADS_FROM, fleetThreads, threadBlocks } from '../../src/device/fleet.js';
import { layoutOf } from '../../src/device/layout.js';
import type { DeviceSettings } from '../../src/device/settings.js';
import type { AgentConfig } from '../../src/outbound/config.js';
import { Harness, MAIN_JS, until } from '../support/agent-harness.js';
import type { Inventory } from '../../src/status/types.js';

const h = new Harness();
after(() => h.cleanup());
const EOM = ']]>]]>';
const run = promisify(execFile);

test('--threads: auto is one thread below 1,000 devices and one per 2,500 above, never more than CPUs; blocks are contiguous and cover the range', () => {
  assert.equal(fleetThreads('auto', AUTO_THREADS_FROM - 1, 8), 1);
  assert.equal(fleetThreads(undefined, 10_000, 2), 2);
  assert.equal(fleetThreads('auto', 10_000, 16), 4);
  assert.equal(fleetThreads('auto', 1000, 1), 1);
  assert.equal(fleetThreads('3', 2, 8), 2, 'never more threads than devices');
  assert.equal(fleetThreads(4, 100, 1), 4, 'a number is taken as given');
  for (const bad of ['0', '-1', 'two', '65']) assert.throws(() => fleetThreads(bad, 100, 4), /--threads takes auto or a whole number from 1 to 64/);
  assert.deepEqual(threadBlocks(1, 7, 3), [
    { first: 1, last: 3 },
    { first: 4, last: 5 },
    { first: 6, last: 7 },
  ]);
  assert.deepEqual(threadBlocks(101, 102, 4), [
    { first: 101, last: 101 },
    { first: 102, last: 102 },
  ]);
});

test('a threaded fleet: the main thread runs the first device, the worker threads the rest in --threads blocks', () => {
  const nms = {} as AgentConfig;
  const threaded = layoutOf({ devices: '7', threads: '3' } as unknown as DeviceSettings, nms);
  assert.equal(threaded.threads, 3);
  assert.deepEqual(threaded.mine, { first: 1, last: 1 });
  assert.deepEqual(threaded.workerBlocks, [
    { first: 2, last: 3 },
    { first: 4, last: 5 },
    { first: 6, last: 7 },
  ]);
  const single = layoutOf({ devices: '7', threads: '1' } as unknown as DeviceSettings, nms);
  assert.deepEqual(single.mine, { first: 1, last: 7 });
  assert.deepEqual(single.workerBlocks, []);
  // A worker thread runs the block it is given.
  assert.deepEqual(layoutOf({ devices: '7', threads: '3' } as unknown as DeviceSettings, nms, { first: 4, last: 5 }).mine, { first: 4, last: 5 });
});

test('a fleet on three threads: seven devices dial in, one control socket lists them, a worker thread\'s device commits to its own directory, drops reach every thread, SIGTERM ends all', async () => {
  const { nms, certFile, port, dir } = await h.nmsWithCertFile();
  const stateDir = path.join(dir, 'state');
  const args = ['--host', '127.0.0.1', '--port', String(port), '--cert-file', certFile, '--device-id', 'thr-{n}', '--secret', 'thr-secret', '--devices', '7', '--threads', '3', '--state-dir', stateDir, '--waittime', '1', '--log-format', 'json', '--log-level', 'debug', '--metrics-port', '0'];
  const { child, stderr, exited } = h.cli(args);
  await until(() => nms.waitingDevices().size === 7, 30_000, `seven devices waiting (${stderr().slice(-400)})`);
  assert.deepEqual([...nms.waitingDevices().keys()].sort(), ['thr-1', 'thr-2', 'thr-3', 'thr-4', 'thr-5', 'thr-6', 'thr-7']);
  assert.match(stderr(), /"threads":3/, 'the start says how many threads run the fleet');
  // Each thread (the main one and the three workers) warmed up before its devices dialled (warm-up.ts).
  const warmed = stderr().split('\n').filter((l) => l.includes('fleet thread warmed up'));
  assert.equal(warmed.length, 4, `one warm-up a thread: ${warmed.join(' | ')}`);
  for (const l of warmed) assert.equal((JSON.parse(l) as { profile: string }).profile, 'mx');

  // The first question to the fleet is a scrape: it asks the worker threads, every device counted.
  const metricsLine = stderr().split('\n').find((l) => l.includes('metrics at /metrics'));
  assert.ok(metricsLine, 'the metrics port is logged');
  const metricsPort = (JSON.parse(metricsLine) as { port: number }).port;
  const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  assert.match(scrape, /ncgd_devices\{state="connected",profile="mx"\} 7/, scrape.slice(0, 600));

  // The one control socket answers for every thread (it asks the worker threads as it answers).
  let inv: Inventory | undefined;
  await until(
    async () => {
      const { stdout } = await run(process.execPath, [MAIN_JS, 'inventory', '--state-dir', stateDir, '--format', 'json'], { timeout: 20_000 });
      inv = JSON.parse(stdout) as Inventory;
      return inv.devices.length === 7 && inv.devices.every((d) => d.states[0] === 'connected');
    },
    20_000,
    'all seven in the inventory',
  );
  assert.deepEqual(inv!.devices.map((d) => d.n), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(inv!.pid, child.pid, 'one process');
  const { stdout: statusJson } = await run(process.execPath, [MAIN_JS, 'status', '--state-dir', stateDir, '--json'], { timeout: 20_000 });
  const status = JSON.parse(statusJson) as { clients: { deviceId: string }[] };
  assert.equal(status.clients.length, 7);

  // Device 7 runs in the last worker thread: a NETCONF session commits into device-7's directory.
  const s = await nms.requestSession('thr-7', 'thr-secret', 'netconf', { timeoutMs: 15_000 });
  await s.waitFor((o) => o.includes(EOM), 15_000);
  s.send(`<rpc><load-configuration action="set" format="text"><configuration-set>set system location building thread-3</configuration-set></load-configuration></rpc>${EOM}<rpc><commit-configuration/></rpc>${EOM}`);
  await s.waitFor((o) => o.includes('<commit-success/>'), 15_000);
  s.send(`<rpc><get-configuration database="committed" format="set"/></rpc>${EOM}`);
  const out = await s.waitFor((o) => /building thread-3[\s\S]*<\/configuration-set>/.test(o), 15_000);
  assert.match(out, /set system host-name mx960-7/);
  await s.close();
  assert.ok(readdirSync(path.join(stateDir, 'device-7', 'rollbacks')).length >= 2, 'the commit is in device-7\'s own directory');
  assert.ok(!existsSync(path.join(stateDir, 'device-1', 'rollbacks')), 'device 1 (main thread, idle) wrote nothing');

  // A device event reaches a worker thread's device (6 and 7 run in the last thread), and a
  // range across threads reaches each of its devices once.
  const { stdout: evOut } = await run(process.execPath, [MAIN_JS, 'event', '--state-dir', stateDir, '--device', '7', 'alarm', 'set', 'chassis', 'major', 'Fan Tray Failure'], { timeout: 20_000 });
  assert.match(evOut, /mx960-7/, evOut);
  const s2 = await nms.requestSession('thr-7', 'thr-secret', 'netconf', { timeoutMs: 15_000 });
  await s2.waitFor((o) => o.includes(EOM), 15_000);
  s2.send(`<rpc><get-alarm-information/></rpc>${EOM}`);
  await s2.waitFor((o) => /Fan Tray Failure/.test(o), 15_000);
  // A worker thread sends its clients when asked: a status taken now shows the session open,
  // and the one before it counted, with no wait for a report.
  const during = JSON.parse((await run(process.execPath, [MAIN_JS, 'status', '--state-dir', stateDir, '--device', 'thr-7', '--json'], { timeout: 20_000 })).stdout) as { clients: { sessions: { netconf: number }; sessionsTotal: number }[] };
  assert.equal(during.clients[0]!.sessions.netconf, 1, 'the live session, at once');
  assert.equal(during.clients[0]!.sessionsTotal, 2, 'both sessions counted');
  await s2.close();
  const { stdout: rangeOut } = await run(process.execPath, [MAIN_JS, 'event', '--state-dir', stateDir, '--device', '2-6', 'link-down', 'ge-0/0/1'], { timeout: 20_000 });
  for (const n of [2, 3, 4, 5, 6]) assert.match(rangeOut, new RegExp(`mx960-${n}\\b`), rangeOut);
  assert.doesNotMatch(rangeOut, /mx960-(1|7)\b/, rangeOut);
  await assert.rejects(run(process.execPath, [MAIN_JS, 'event', '--state-dir', stateDir, '--device', '99', 'link-down', 'ge-0/0/1'], { timeout: 20_000 }), /no device 99/);

  // A drop of connections reaches every thread: every device dials in again.
  const before = nms.events.filter((e) => e.type === 'initialize').length;
  await run(process.execPath, [MAIN_JS, 'fault', '--state-dir', stateDir, 'drop-connections'], { timeout: 20_000 });
  await until(() => new Set(nms.events.slice(before).filter((e) => e.type === 'initialize').map((e) => e.deviceId)).size === 7, 30_000, 'all seven back after the drop');

  child.kill('SIGTERM');
  assert.equal(await exited, 0, stderr().slice(-400));
  await until(() => nms.waitingDevices().size === 0, 10_000, 'no device left waiting');
  assert.ok(!existsSync(path.join(stateDir, 'lock')), 'the fleet released its directory');
});

