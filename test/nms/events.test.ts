import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MAX_EVENTS, NmsEventLog } from '../../src/nms/events.js';

test('the NMS event log keeps the newest events only, in order, and counts the rest', () => {
  const log = new NmsEventLog(100);
  let emitted = 0;
  log.on('event', () => emitted++);
  for (let i = 0; i < 1000; i++) log.record({ type: 'status', peer: `127.0.0.1:${i}` });
  const kept = log.events;
  assert.equal(kept.length, 100);
  assert.equal(kept[0].peer, '127.0.0.1:900');
  assert.equal(kept[99].peer, '127.0.0.1:999');
  assert.equal(log.dropped, 900);
  assert.equal(emitted, 1000, 'every event is still emitted');
});

test('the NMS event log is bounded by default and refuses a bound below one', () => {
  const log = new NmsEventLog();
  assert.equal(log.maxEvents, DEFAULT_MAX_EVENTS);
  for (let i = 0; i < 3 * DEFAULT_MAX_EVENTS; i++) log.record({ type: 'initialize', peer: 'p', deviceId: 'd' });
  assert.equal(log.events.length, DEFAULT_MAX_EVENTS);
  assert.throws(() => new NmsEventLog(0), /at least 1/);
});
