/**
 * Shards of a fleet: `--shard I/N` and the environment (NCGD_SHARDS with NCGD_SHARD_INDEX,
 * JOB_COMPLETION_INDEX or a StatefulSet HOSTNAME) pick one block of the device numbers
 * 1..total; the blocks of all shards cover 1..total exactly once, stay put across restarts,
 * and bad input is one clear line with exit code 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { ShardError, describeShard, parseShard, resolveShard, shardFromEnv, shardOfDevice, shardRange } from '../../src/device/shard.js';

function throwsShard(fn: () => unknown, message: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ShardError, `a ShardError, got ${String(e)}`);
    assert.ok(e instanceof UsageError);
    assert.equal(e.exitCode, 2);
    assert.doesNotMatch(e.message, /\n/, 'one line');
    assert.match(e.message, message);
    return true;
  });
}

test('the shards of a fleet cover every device number exactly once, in contiguous blocks of near-equal size', () => {
  const pairs: Array<[number, number]> = [];
  for (let total = 1; total <= 60; total++) for (let count = 1; count <= total; count++) pairs.push([total, count]);
  pairs.push([100_000, 20], [100_000, 7], [99_999, 20], [10_007, 13], [5, 5], [1_000_003, 97]);
  for (const [total, count] of pairs) {
    let next = 1;
    const sizes: number[] = [];
    for (let index = 0; index < count; index++) {
      const r = shardRange(total, { index, count });
      assert.equal(r.first, next, `shard ${index}/${count} of ${total} starts where the previous one ended`);
      assert.ok(r.size >= 1, 'every shard runs a device');
      assert.equal(r.last - r.first + 1, r.size);
      sizes.push(r.size);
      next = r.last + 1;
    }
    assert.equal(next, total + 1, `the shards of ${total}/${count} end at device ${total}`);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes of ${total}/${count} differ by at most one: ${sizes.slice(0, 5)}`);
  }
});

test('100,000 devices on 20 shards: 5,000 each, shard 3 runs 15001-20000, and more shards of 5,000 move no device', () => {
  assert.deepEqual(shardRange(100_000, { index: 0, count: 20 }), { first: 1, last: 5000, size: 5000 });
  assert.deepEqual(shardRange(100_000, { index: 3, count: 20 }), { first: 15001, last: 20000, size: 5000 });
  assert.deepEqual(shardRange(100_000, { index: 19, count: 20 }), { first: 95001, last: 100000, size: 5000 });
  assert.equal(describeShard(100_000, { index: 3, count: 20 }), 'shard 3/20: devices 15001-20000 of 100000');
  for (let index = 0; index < 20; index++) {
    assert.deepEqual(shardRange(125_000, { index, count: 25 }), shardRange(100_000, { index, count: 20 }), `shard ${index} keeps its devices at 25 shards`);
  }
  // the same inputs always give the same block: a restarted pod runs the same devices
  assert.deepEqual(shardRange(99_999, { index: 7, count: 20 }), shardRange(99_999, { index: 7, count: 20 }));
});

test('shardOfDevice finds the shard that runs a device, the inverse of shardRange', () => {
  for (const [total, count] of [[1, 1], [10, 3], [61, 7], [100_000, 20], [99_999, 20], [50, 50]] as const) {
    for (let index = 0; index < count; index++) {
      const r = shardRange(total, { index, count });
      for (const n of new Set([r.first, r.last, Math.floor((r.first + r.last) / 2)])) assert.equal(shardOfDevice(total, count, n), index, `device ${n} of ${total}/${count}`);
    }
  }
  throwsShard(() => shardOfDevice(100, 4, 0), /^device 0 is not in the fleet of 100 \(devices are numbered 1-100\)$/);
  throwsShard(() => shardOfDevice(100, 4, 101), /device 101 is not in the fleet of 100/);
});

test('--shard I/N parses a 0-based index of N shards', () => {
  assert.deepEqual(parseShard('0/20'), { index: 0, count: 20 });
  assert.deepEqual(parseShard('19/20'), { index: 19, count: 20 });
  assert.deepEqual(parseShard(' 0/1 '), { index: 0, count: 1 });
  assert.deepEqual(resolveShard('2/4', { NCGD_SHARDS: '9', NCGD_SHARD_INDEX: '8' }), { index: 2, count: 4 }, 'the flag wins over the environment');
  assert.equal(resolveShard(undefined, {}), undefined, 'no flag, no NCGD_SHARDS: the whole fleet');
});

test('a bad --shard is one line saying what is wrong', () => {
  throwsShard(() => parseShard('20/20'), /^--shard 20\/20: shard index 20 is out of range: indexes count from 0, so 20 shards are numbered 0-19$/);
  throwsShard(() => parseShard('1/1'), /^--shard 1\/1: .*the only shard is 0$/);
  throwsShard(() => parseShard('0/0'), /^--shard 0\/0: the number of shards must be at least 1 \(got 0\)$/);
  for (const bad of ['3', 'a/b', '1/2/3', '-1/4', '1.5/4', '1/4.0', '+1/4', '1e3/2000', '', '/4', '1/', '0x1/4', '99999999999999999999/1']) {
    throwsShard(() => parseShard(bad), /^--shard must be I\/N, shard I of N counted from 0, e\.g\. 0\/20 … 19\/20 \(got ".*"\)$/);
  }
  throwsShard(() => parseShard('x'.repeat(500)), /\(got "x{40}…"\)$/);
});

test('more shards than devices, or no devices, is refused', () => {
  throwsShard(() => shardRange(10, { index: 0, count: 20 }), /^--devices 10 cannot be split into 20 shards: each shard needs at least one device/);
  throwsShard(() => shardRange(0, { index: 0, count: 1 }), /^--devices must be a whole number of at least 1 \(got 0\)$/);
  throwsShard(() => shardRange(2.5, { index: 0, count: 1 }), /--devices must be a whole number/);
  throwsShard(() => shardRange(100, { index: 5, count: 5 }), /shard index 5 is out of range/);
});

test('the environment gives the shard: NCGD_SHARD_INDEX, then JOB_COMPLETION_INDEX, then the StatefulSet ordinal of HOSTNAME', () => {
  assert.equal(shardFromEnv({ HOSTNAME: 'ncgd-3', JOB_COMPLETION_INDEX: '2' }), undefined, 'no NCGD_SHARDS: no sharding, whatever the host name');
  assert.equal(shardFromEnv({ NCGD_SHARDS: '  ' }), undefined);
  assert.deepEqual(shardFromEnv({ NCGD_SHARDS: '20', NCGD_SHARD_INDEX: '4', JOB_COMPLETION_INDEX: '2', HOSTNAME: 'ncgd-3' }), { index: 4, count: 20 });
  assert.deepEqual(shardFromEnv({ NCGD_SHARDS: '20', JOB_COMPLETION_INDEX: '2', HOSTNAME: 'ncgd-3' }), { index: 2, count: 20 });
  assert.deepEqual(shardFromEnv({ NCGD_SHARDS: '20', NCGD_SHARD_INDEX: '', HOSTNAME: 'ncgd-3' }), { index: 3, count: 20 });
  assert.deepEqual(shardFromEnv({ NCGD_SHARDS: '20', HOSTNAME: 'nc-grpc-device-fleet-19' }), { index: 19, count: 20 });
  assert.deepEqual(shardFromEnv({ NCGD_SHARDS: '1', HOSTNAME: 'ncgd-0' }), { index: 0, count: 1 });
  assert.deepEqual(resolveShard(undefined, { NCGD_SHARDS: '4', JOB_COMPLETION_INDEX: '3' }), { index: 3, count: 4 });
});

test('a bad shard environment is one line naming the variable', () => {
  throwsShard(() => shardFromEnv({ NCGD_SHARDS: 'twenty', HOSTNAME: 'ncgd-3' }), /^NCGD_SHARDS must be the number of shards, a whole number of at least 1 \(got "twenty"\)$/);
  throwsShard(() => shardFromEnv({ NCGD_SHARDS: '0', HOSTNAME: 'ncgd-0' }), /^NCGD_SHARDS must be .* \(got "0"\)$/);
  throwsShard(() => shardFromEnv({ NCGD_SHARDS: '20', NCGD_SHARD_INDEX: 'a' }), /^NCGD_SHARD_INDEX must be a shard index, a whole number counted from 0 \(got "a"\)$/);
  throwsShard(() => shardFromEnv({ NCGD_SHARDS: '20', JOB_COMPLETION_INDEX: '-1' }), /^JOB_COMPLETION_INDEX must be a shard index/);
  throwsShard(() => shardFromEnv({ NCGD_SHARDS: '20', JOB_COMPLETION_INDEX: '20' }), /^JOB_COMPLETION_INDEX=20 with NCGD_SHARDS=20: shard index 20 is out of range: indexes count from 0, so 20 shards are numbered 0-19$/);
  throwsShard(() => shardFromEnv({ NCGD_SHARDS: '20', HOSTNAME: 'ncgd-25' }), /^pod ordinal 25 of HOSTNAME "ncgd-25" with NCGD_SHARDS=20: shard index 25 is out of range/);
  for (const env of [{ NCGD_SHARDS: '20' }, { NCGD_SHARDS: '20', HOSTNAME: 'laptop' }, { NCGD_SHARDS: '20', HOSTNAME: 'ncgd-' }]) {
    throwsShard(() => shardFromEnv(env), /^NCGD_SHARDS=20 is set but no shard index was found: set NCGD_SHARD_INDEX or JOB_COMPLETION_INDEX, run as a StatefulSet pod \(HOSTNAME name-<ordinal>\), or give --shard I\/N$/);
  }
});
