/**
 * The scenario scheduler with a fake clock: parsing and its errors, one timer for any fleet
 * size, the same seed picking the same devices at the same offsets, fractions, ranges,
 * profiles, repetition bounds, and a flap's link-up on the same schedule.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScenario, ScenarioError, ScenarioRunner, selectFor, splitWords, type SchedulerClock } from '../../../src/junos/life/scenario.js';
import type { DeviceEvent } from '../../../src/junos/life/events.js';

/** A clock whose timers run when the test advances it; counts live timers. */
function fakeClock() {
  let now = 1_000_000;
  let timers: { at: number; fn: () => void; live: boolean }[] = [];
  const clock: SchedulerClock = {
    now: () => now,
    setTimer(fn, ms) {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return { cancel: () => void (t.live = false) };
    },
  };
  return {
    clock,
    live: () => timers.filter((t) => t.live).length,
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const next = timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        now = next.at;
        next.live = false;
        timers = timers.filter((t) => t.live);
        next.fn();
        await new Promise((r) => setImmediate(r));
      }
      now = end;
    },
  };
}

const fleet = (n: number, profile = 'mx') => Array.from({ length: n }, (_, i) => ({ n: i + 1, profile }));

test('parse: durations, selections, events; errors say where', () => {
  const s = parseScenario(
    ['seed: 7', 'events:', '  - every: 5m', '    fraction: 0.02', '    event: link-flap ge-0/0/1 --for 20', '  - at: 10m', '    devices: 1-50', '    event: upgrade 22.4R3.25', '  - at: 0', '    profiles: [mx]', '    event: "commit \'set system location building b2\' --user ops"'].join('\n'),
  );
  assert.equal(s.seed, 7);
  assert.deepEqual([s.entries[0].every, s.entries[0].start, s.entries[0].count], [300, 300, Infinity]);
  assert.deepEqual(s.entries[0].event, { kind: 'link-flap', ifd: 'ge-0/0/1', forSeconds: 20 });
  assert.equal(s.entries[1].start, 600);
  assert.equal((s.entries[1].devices as Set<number>).size, 50);
  assert.deepEqual(s.entries[2].event, { kind: 'commit', lines: ['set system location building b2'], user: 'ops' });
  assert.deepEqual(splitWords(`commit "set a b" --user 'x y'`), ['commit', 'set a b', '--user', 'x y']);
  for (const [bad, re] of [
    ['events: []', /at least one event/],
    ['events:\n  - at: soon\n    event: reboot', /events\[0\]\.at: not a duration/],
    ['events:\n  - at: 1\n    event: explode', /events\[0\]: unknown event explode/],
    ['events:\n  - at: 1\n    every: 2\n    event: reboot', /"at" or "every"/],
    ['events:\n  - every: 1\n    fraction: 2\n    event: reboot', /fraction/],
    ['events:\n  - at: 1\n    devices: 5-1\n    event: reboot', /bad device range/],
    ['seeds: 1', /unknown key seeds/],
    ['{{{', /not YAML/],
  ] as const) {
    assert.throws(() => parseScenario(bad, 'f.yaml'), (e: Error) => e instanceof ScenarioError && re.test(e.message) && !e.message.includes('\n'), bad);
  }
});

test('the same seed picks the same devices; another seed others; a fraction is that share', () => {
  const [entry] = parseScenario('seed: 3\nevents:\n  - every: 60\n    fraction: 0.02\n    event: link-down ge-0/0/1').entries;
  const big = fleet(5000);
  const a = selectFor(entry, 0, 0, 3, big);
  assert.equal(a.length, 100);
  assert.deepEqual(selectFor(entry, 0, 0, 3, big), a);
  assert.notDeepEqual(selectFor(entry, 0, 0, 4, big), a);
  assert.notDeepEqual(selectFor(entry, 0, 1, 3, big), a, 'drawn again at each occurrence');
  const mixed = [...fleet(10, 'mx'), ...fleet(10, 'ex').map((d) => ({ ...d, n: d.n + 10 }))];
  const [byProfile] = parseScenario('events:\n  - at: 0\n    profiles: [ex]\n    devices: 1-15\n    event: cpu 50').entries;
  assert.deepEqual(selectFor(byProfile, 0, 0, 1, mixed), [11, 12, 13, 14, 15]);
});

test('one timer for a fleet of 20,000; offsets, counts and the flap link-up on the one schedule', async () => {
  const c = fakeClock();
  const applied: { t: number; n: number; ev: DeviceEvent }[] = [];
  const s = parseScenario(['seed: 11', 'events:', '  - every: 300s', '    count: 3', '    fraction: 0.001', '    event: link-flap ge-0/0/1 --for 20', '  - at: 10m', '    devices: 1-50', '    event: upgrade 22.4R3.25'].join('\n'));
  const start = c.clock.now();
  const runner = new ScenarioRunner(s, () => fleet(20_000), async (n, ev) => void applied.push({ t: (c.clock.now() - start) / 1000, n, ev }), c.clock);
  assert.equal(c.live(), 1);
  await c.advance(299_000);
  assert.equal(applied.length, 0);
  await c.advance(1_000);
  assert.equal(applied.length, 20);
  assert.ok(applied.every((a) => a.t === 300 && a.ev.kind === 'link-down'));
  assert.equal(c.live(), 1, 'still one timer');
  await c.advance(20_000);
  assert.equal(applied.filter((a) => a.ev.kind === 'link-up' && a.t === 320).length, 20);
  assert.deepEqual(applied.filter((a) => a.t === 320).map((a) => a.n), applied.filter((a) => a.t === 300).map((a) => a.n), 'the same devices come back up');
  await c.advance(3600_000);
  assert.equal(applied.filter((a) => a.ev.kind === 'link-down').length, 60, 'count: 3');
  assert.equal(applied.filter((a) => a.ev.kind === 'upgrade').length, 50);
  assert.ok(applied.filter((a) => a.ev.kind === 'upgrade').every((a) => a.t === 600 && a.n <= 50));
  assert.equal(runner.next(), undefined);
  assert.equal(runner.applied, 60 * 2 + 50);
  assert.equal(c.live(), 0);

  // Replayed with the same seed: the same devices at the same offsets.
  const c2 = fakeClock();
  const again: { t: number; n: number }[] = [];
  const start2 = c2.clock.now();
  new ScenarioRunner(s, () => fleet(20_000), async (n) => void again.push({ t: (c2.clock.now() - start2) / 1000, n }), c2.clock);
  await c2.advance(3600_000 + 600_000);
  assert.deepEqual(again, applied.map(({ t, n }) => ({ t, n })));
});

test('a failing event counts as failed and the schedule goes on; stop ends it', async () => {
  const c = fakeClock();
  const s = parseScenario('events:\n  - every: 10\n    event: cpu 50');
  const r = new ScenarioRunner(s, () => fleet(2), async (n) => {
    if (n === 2) throw new Error('down');
  }, c.clock);
  await c.advance(30_000);
  assert.equal(r.applied, 3);
  assert.equal(r.failed, 3);
  r.stop();
  assert.equal(c.live(), 0);
});
