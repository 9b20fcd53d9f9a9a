/**
 * The reconnect rule as plain functions (src/outbound/reconnect.ts) and the protocol
 * registry: milliseconds, no sockets. The end-to-end walk is in server-walk.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLAP_PAUSE_MS, MAX_REARM_DELAY_MS, flapPauseMs, rearmDelayMs, walkOrder, walkWaitMs } from '../../src/outbound/reconnect.js';
import { allProtocols, protocolFor } from '../../src/outbound/protocols/index.js';
import { BASIC_DEFAULT_SECRET, DEFAULT_PROTOCOL, PROTOCOL_NAMES } from '../../src/wire/contract.js';

test('in-order walks always start from the first server', () => {
  assert.deepEqual(walkOrder(3, 'in-order', undefined), [0, 1, 2]);
  assert.deepEqual(walkOrder(3, 'in-order', 2), [0, 1, 2]);
});

test('sticky walks start from the server last used and wrap round, each server once', () => {
  assert.deepEqual(walkOrder(3, 'sticky', undefined), [0, 1, 2]);
  assert.deepEqual(walkOrder(3, 'sticky', 1), [1, 2, 0]);
  assert.deepEqual(walkOrder(3, 'sticky', 2), [2, 0, 1]);
  // A server list that shrank on reload: an index past its end starts from the first.
  assert.deepEqual(walkOrder(2, 'sticky', 5), [0, 1]);
  assert.deepEqual(walkOrder(0, 'sticky', 0), []);
});

test('waittime is the pause after a walk that found nothing', () => {
  assert.equal(walkWaitMs({ waittime: 30 }), 30_000);
  assert.equal(walkWaitMs({ waittime: 0 }), 0);
});

test('a link that died young is followed by the flap pause; a long one is not', () => {
  assert.equal(flapPauseMs(0), FLAP_PAUSE_MS);
  assert.equal(flapPauseMs(FLAP_PAUSE_MS - 1), FLAP_PAUSE_MS);
  assert.equal(flapPauseMs(FLAP_PAUSE_MS), 0);
  assert.equal(flapPauseMs(60_000), 0);
});

test('a failed Initialize re-arms at once, then backs off doubling, capped', () => {
  const delays = Array.from({ length: 10 }, (_, i) => rearmDelayMs(i + 1));
  assert.deepEqual(delays.slice(0, 6), [0, 100, 200, 400, 800, 1600]);
  for (let i = 1; i < delays.length; i++) assert.ok(delays[i] >= delays[i - 1]);
  assert.equal(rearmDelayMs(50), MAX_REARM_DELAY_MS);
});

test('the protocol registry has one entry per wire protocol name; the default is enhanced', () => {
  assert.deepEqual(allProtocols().map((p) => p.name), [...PROTOCOL_NAMES]);
  assert.equal(protocolFor(undefined).name, DEFAULT_PROTOCOL);
  assert.equal(protocolFor('basic').defaultSecret, BASIC_DEFAULT_SECRET);
  assert.equal(protocolFor('enhanced').needsDeviceId, true);
  assert.equal(protocolFor('basic').needsDeviceId, false);
});
