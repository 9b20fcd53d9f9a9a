/**
 * Fleets at scale (CI sizes): a fleet of 300 reaches the NMS (each an Initialize pending);
 * an NMS that dies and comes back on its port gets every device back, spread (default)
 * or in step (--storm); status --device shows one device, a summary counts them; fleet
 * metrics carry no per-device label; a lazily built datastore works on its first session
 * and its commit persists. Waits only bound the tests; nothing is timed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { startDevice, type DeviceFlags } from '../../src/device/assemble.js';
import { ReferenceNms } from '../../src/nms/server.js';
import { fetchStatus } from '../../src/status/control.js';
import { createMetricsRegistry } from '../../src/status/metrics.js';
import { walkWaitMs } from '../../src/outbound/reconnect.js';
import { EmulatedDevice } from '../../src/junos/device.js';
import { Harness, loopbackPki, testLogger, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

const SECRET = 'fleet-s3cret';
const EOM = ']]>]]>';

function flags(port: number, certFile: string, dir: string, extra: Partial<DeviceFlags> = {}): DeviceFlags {
  return {
    host: '127.0.0.1',
    port,
    certFile,
    deviceId: 'scale-{n}',
    secret: SECRET,
    waittime: 1,
    profile: 'mx',
    control: path.join(dir, 'control.sock'),
    allowRootShell: true,
    shellPrompt: false,
    sshHost: '127.0.0.1',
    logLevel: 'warn',
    ...extra,
  };
}

test('walk pacing: a random start phase shortens only the first wait; --storm waits to the next multiple of waittime', () => {
  assert.equal(walkWaitMs({ waittime: 30 }, { phase: 0.5 }), 15_000);
  assert.equal(walkWaitMs({ waittime: 30 }, { phase: 0 }), 0);
  assert.equal(walkWaitMs({ waittime: 30 }, { storm: { now: 61_000 } }), 29_000);
  assert.equal(walkWaitMs({ waittime: 30 }, { storm: { now: 90_000 } }), 30_000);
  assert.equal(walkWaitMs({ waittime: 0 }, { storm: { now: 5 } }), 0);
});

for (const storm of [false, true]) {
  test(`a fleet of 300 reaches the NMS; the NMS killed and restarted gets every device back (${storm ? '--storm' : 'spread'}); status and metrics scale`, async () => {
    const pem = await loopbackPki();
    const { nms, port, certFile, dir } = await (async () => {
      const first = await h.nms(pem);
      const d = h.tempDir('ncgd-fleet-');
      const file = path.join(d, 'nms.crt');
      (await import('node:fs')).writeFileSync(file, pem.cert);
      return { nms: first.nms, port: first.port, certFile: file, dir: d };
    })();
    const count = 300;
    const running = await startDevice(flags(port, certFile, dir, { devices: count, storm }), testLogger);
    h.defer(() => running.stop());
    await until(() => nms.pendingInitializes() === count, 120_000, `${count} devices waiting at the NMS`);
    for (const n of [1, 150, 300]) assert.equal(nms.pendingInitializes(`scale-${n}`), 1, `scale-${n} waits`);
    // Idle members built nothing: no datastore yet.
    assert.equal(running.devices.filter((d) => d.materialised).length, 0, 'no datastore built for an idle device');

    // status --device: one device; the summary counts every client by state and profile.
    const one = await fetchStatus(path.join(dir, 'control.sock'), undefined, { device: 'scale-42' });
    assert.equal(one.clients.length, 1);
    assert.equal(one.clients[0].deviceId, 'scale-42');
    assert.equal(one.clients[0].profile, 'mx');
    const summary = await fetchStatus(path.join(dir, 'control.sock'), undefined, { summary: true });
    assert.equal(summary.summary?.clients, count);
    assert.equal(summary.summary?.byState.connected, count);
    assert.equal(summary.summary?.byProfile.mx, count);
    assert.equal(summary.clients.length, 0, 'a big fleet is summed up, not listed');
    assert.equal(summary.omitted, count);

    // Metrics of the fleet: aggregates, no label per device or client.
    const full = await fetchStatus(path.join(dir, 'control.sock'));
    const text = await createMetricsRegistry(() => full).metrics();
    assert.match(text, /ncgd_devices\{state="connected",profile="mx"\} 300/);
    assert.match(text, /ncgd_fleet_devices 300/);
    assert.doesNotMatch(text, /device_id=|client=/, 'no per-device labels');
    assert.ok(text.split('\n').filter((l) => l && !l.startsWith('#')).length < 40, 'the metrics do not grow with the fleet');

    // The NMS dies and comes back on its port: every device comes back.
    await nms.stop();
    await until(() => running.agents.every((a) => a.status().clients[0].state !== 'connected'), 60_000, 'every device sees the NMS gone');
    const again = new ReferenceNms({ host: '127.0.0.1', port, cert: pem.cert, key: pem.key, logger: testLogger });
    await again.start();
    h.defer(() => again.stop());
    await until(() => again.pendingInitializes() === count, 120_000, `${count} devices back at the restarted NMS`);
    const ids = new Set(again.events.filter((e) => e.type === 'initialize').map((e) => e.deviceId));
    assert.equal(ids.size, count, 'every device id came back');
  });
}

test('a lazily built datastore works on its first session, and its commit persists', async () => {
  const pem = await loopbackPki();
  const first = await h.nms(pem);
  const dir = h.tempDir('ncgd-fleet-lazy-');
  const certFile = path.join(dir, 'nms.crt');
  (await import('node:fs')).writeFileSync(certFile, pem.cert);
  const stateDir = path.join(dir, 'state');
  const f = flags(first.port, certFile, dir, { devices: 3, stateDir });
  const running = await startDevice(f, testLogger);
  let stopped = false;
  h.defer(() => (stopped ? undefined : running.stop()));
  await until(() => first.nms.pendingInitializes() === 3, 60_000, 'three devices waiting');
  // An idle member holds its directory's lock and has written nothing else.
  assert.deepEqual(readdirSync(path.join(stateDir, 'device-2')), ['lock'], 'device 2 holds its lock and wrote nothing while idle');
  const s = await first.nms.requestSession('scale-2', SECRET, 'netconf');
  await s.waitFor((out) => out.includes(EOM), 20_000);
  s.send(`<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>${EOM}`);
  s.send(`<rpc message-id="1"><load-configuration action="merge" format="text"><configuration-text>system { location { building lazy-b2; } }</configuration-text></load-configuration></rpc>${EOM}`);
  s.send(`<rpc message-id="2"><commit-configuration/></rpc>${EOM}`);
  await s.waitFor((out) => /message-id="2"[\s\S]*<\/rpc-reply>/.test(out), 20_000);
  assert.doesNotMatch(s.output(), /<rpc-error>/);
  assert.ok(running.devices[1].materialised, 'device 2 built its datastore');
  assert.ok(!running.devices[0].materialised, 'device 1 did not');
  await s.close();
  await running.stop();
  stopped = true;
  // The commit is on disk: the same member, built again from its directory, has it.
  const again = await EmulatedDevice.create({ profile: 'mx', stateDir: path.join(stateDir, 'device-2'), hostname: 'again', lazy: true, logger: testLogger });
  h.defer(() => again.close());
  await again.materialise();
  const session = again.datastore.openSession(1, 'test');
  assert.match(session.getConfiguration({ database: 'committed', format: 'text' }), /building lazy-b2/);
  session.close();
});
