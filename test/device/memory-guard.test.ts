/**
 * A process near its memory limit degrades: the guard, fed memory figures by the test (the
 * one thing not real here), makes real devices drop their rebuildable state, then refuse
 * new NETCONF sessions with one clear line (over outbound HTTPS too) while open sessions go
 * on, and accept them again once memory is back under the low mark. The real measure
 * reads V8's heap limit and, in a container, the cgroup's.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { EmulatedDevice } from '../../src/junos/device.js';
import { DeviceNetconfBackend } from '../../src/backends/junos-netconf.js';
import { GUARD_CRITICAL, GUARD_LOW, TIDY_EVERY_MS, fullCollection, memoryUse, startMemoryGuard, type MemoryUse, processActivityBuffer, processWide } from '../../src/device/memory-guard.js';
import { forwardSyslog } from '../../src/junos/life/syslog-out.js';
import { TestClient } from '../support/netconf-client.js';
import { Harness, client, testLogger } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());
const EOM = ']]>]]>';

test('the real measure: a used share of a positive limit', () => {
  const m = memoryUse();
  assert.ok(m.limit > 0 && m.used > 0 && m.used < m.limit, JSON.stringify(m));
  assert.match(m.what, /heap|container/);
});

test('near the limit: rebuildable state dropped, then new sessions refused with one line, open ones kept; accepted again under the low mark', async () => {
  const devices = await Promise.all([1, 2, 3].map((n) => EmulatedDevice.create({ profile: 'mx', hostname: `mx-guard-${n}`, lazy: true })));
  h.defer(() => Promise.all(devices.map((d) => d.close())).then(() => undefined));
  let share = 0.5;
  const measure = (): MemoryUse => ({ used: share * 1024 ** 3, limit: 1024 ** 3, what: 'container memory' });
  const guard = startMemoryGuard(() => devices, testLogger, measure, 60_000);
  h.defer(() => guard.stop());

  // Device 1 has an open session with its model built.
  const open = new TestClient(devices[0].openNetconf({ user: 'nms' }));
  await open.open();
  await open.rpc('<get-interface-information><terse/></get-interface-information>');

  share = GUARD_LOW + 0.01;
  guard.check();
  assert.equal(guard.state, 'low');
  assert.equal(devices[0].dropRebuildable(), false, 'the model was dropped by the guard');
  assert.match(await open.rpc('<get-interface-information><terse/></get-interface-information>'), /<interface-information/, 'rebuilt when asked');
  const fresh = devices[1].openNetconf({ user: 'nms' });
  fresh.terminate();

  share = GUARD_CRITICAL + 0.01;
  guard.check();
  assert.equal(guard.state, 'critical');
  assert.throws(() => devices[2].openNetconf({ user: 'nms' }), /^Error: not enough memory: container memory 932 MiB of 1024 MiB; new sessions are refused until it is back under 80 %$/);
  assert.match(await open.rpc('<get-software-information/>'), /<software-information/, 'the open session goes on');

  share = GUARD_LOW + 0.05;
  guard.check();
  assert.equal(guard.state, 'critical', 'still refused between the marks');
  assert.throws(() => devices[2].openNetconf({ user: 'nms' }), /not enough memory/);

  share = GUARD_LOW - 0.1;
  guard.check();
  assert.equal(guard.state, 'ok');
  devices[2].openNetconf({ user: 'nms' }).terminate();
});

test('over outbound HTTPS, a refused session tells the NMS why in one line', async () => {
  const device = await EmulatedDevice.create({ profile: 'mx', hostname: 'mx-guard-wire' });
  h.defer(() => device.close());
  const { nms, server } = await h.nms();
  const c = client('guard', [server]);
  const backend = new DeviceNetconfBackend(device, 'nms');
  h.agent([c], { netconf: backend, csh: backend });
  device.refuseSessions('not enough memory: JavaScript heap 1400 MiB of 1536 MiB; new sessions are refused until it is back under 80 %');
  const s = await nms.requestSession(c.deviceId, c.secret, 'netconf');
  const out = await s.waitFor((o) => /not enough memory/.test(o), 10_000);
  assert.match(out, /error: netconf session could not start: not enough memory: JavaScript heap 1400 MiB of 1536 MiB/);
  assert.doesNotMatch(out, /\n\s+at /, 'no stack trace');
  await s.ended;
  device.refuseSessions(undefined);
  const again = await nms.requestSession(c.deviceId, c.secret, 'netconf');
  await again.waitFor((o) => o.includes(EOM), 10_000);
  await again.close();
});

test('after drops, one full collection once the thread is quiet; none while sessions run or too soon; at the low mark at once', async () => {
  const activity = { drops: 0, opened: 0, live: 0 };
  let collected = 0;
  let clock = 1_000_000;
  const measure = (): MemoryUse => ({ used: share * 1024 ** 3, limit: 1024 ** 3, what: 'container memory' });
  let share = 0.3;
  const guard = startMemoryGuard(() => [], testLogger, measure, 60_000, { activity: () => activity, collect: async () => void collected++, now: () => clock });
  h.defer(() => guard.stop());
  // A look, and the collection it started (if any) finished, as between two of the timer's looks.
  const look = async (): Promise<void> => {
    guard.check();
    await new Promise((r) => setImmediate(r));
  };

  await look();
  assert.equal(collected, 0, 'nothing dropped: no collection');
  // A poll: a session opened, then the device drops its state while another session runs.
  activity.opened++;
  activity.live = 1;
  activity.drops++;
  await look();
  assert.equal(collected, 0, 'a session is live');
  activity.live = 0;
  activity.opened++;
  await look();
  assert.equal(collected, 0, 'a session was opened since the last look');
  await look();
  assert.equal(collected, 1, 'quiet after drops: one collection');
  await look();
  assert.equal(collected, 1, 'no new drops: no more');
  activity.drops++;
  clock += TIDY_EVERY_MS - 1;
  await look();
  assert.equal(collected, 1, 'too soon after the last one');
  clock += 1;
  await look();
  assert.equal(collected, 2, 'the drop still pending is collected when its time comes');
  assert.equal(guard.collections, 2);

  // Crossing the low mark: collected at once, sessions live or not.
  activity.live = 5;
  share = GUARD_LOW + 0.01;
  await look();
  assert.equal(guard.state, 'low');
  assert.equal(collected, 3);
});

test('the full collection is real: garbage is gone after it, without --expose-gc from the user', async () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', 'the test runs without --expose-gc');
  let garbage: object | undefined = { payload: new Array(100_000).fill(0).map((_, i) => ({ i })) };
  const ref = new WeakRef(garbage);
  garbage = undefined;
  await new Promise((r) => setImmediate(r));
  await fullCollection();
  assert.equal(ref.deref(), undefined, 'concurrent');
  let more: object | undefined = { payload: new Array(100_000).fill(0).map((_, i) => ({ i })) };
  const ref2 = new WeakRef(more);
  more = undefined;
  await new Promise((r) => setImmediate(r));
  await fullCollection('sync');
  assert.equal(ref2.deref(), undefined, 'at once');
});

test('what a polled device drops is garbage: its factory datastore is not kept by its syslog forwarder', async () => {
  const device = await EmulatedDevice.create({ profile: 'mx', hostname: 'mx-guard-drop', lazy: true, modelIdleMs: 60_000 });
  h.defer(() => device.close());
  forwardSyslog(device);
  // A poll, its session and client in a frame of their own (nothing of them left here after).
  const poll = async (): Promise<{ config: string; store: WeakRef<object> }> => {
    const c = new TestClient(device.openNetconf({ user: 'nms' }));
    await c.open();
    const config = await c.rpc('<get-configuration/>');
    const store = new WeakRef(device.datastore);
    await c.rpc('<close-session/>');
    await c.until(() => c.ended !== undefined);
    return { config, store };
  };
  const first = await poll();
  assert.equal(device.dropRebuildable(), true);
  assert.equal(device.materialised, false);
  await new Promise((r) => setImmediate(r));
  await fullCollection();
  assert.equal(first.store.deref(), undefined, 'the dropped datastore was collected');
  assert.equal((await poll()).config, first.config, 'answers the same, built again');
});

test('a thread quiet while another thread of the process serves sessions does not collect; it does once every thread is quiet', async () => {
  const shared = processActivityBuffer(2);
  const here = { drops: 0, opened: 0, live: 0 };
  const there = { drops: 0, opened: 0, live: 0 };
  let collected = 0;
  let clock = 1_000_000;
  const measure = (): MemoryUse => ({ used: 0.1 * 1024 ** 3, limit: 1024 ** 3, what: 'container memory' });
  // Two guards on one shared array, as the main thread and a worker have: the other one only publishes.
  const guard = startMemoryGuard(() => [], testLogger, measure, 60_000, { activity: () => here, collect: async () => void collected++, now: () => clock, process: { shared, slot: 0 } });
  h.defer(() => guard.stop());
  const other = processWide(() => there, { shared, slot: 1 });
  const look = async (): Promise<void> => {
    other();
    guard.check();
    await new Promise((r) => setImmediate(r));
  };
  await look();
  // This thread's devices dropped their state and it has no session; the other thread is polled.
  here.drops++;
  there.opened += 40;
  there.live = 3;
  await look();
  await look();
  assert.equal(collected, 0, 'sessions live in the other thread');
  there.live = 0;
  there.opened += 40;
  await look();
  assert.equal(collected, 0, 'sessions opened in the other thread since the last look');
  clock += TIDY_EVERY_MS;
  await look();
  assert.equal(collected, 1, 'the whole process quiet: one collection');
  // The counts add up across threads, opened wrapping past 2^31 included.
  there.opened = 2 ** 31 + 5;
  here.opened = 7;
  guard.check();
  const seen = other();
  assert.equal(seen.opened, (2 ** 31 + 5 + 7) | 0);
  assert.equal(seen.live, 0);
});
