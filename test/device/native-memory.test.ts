import test from 'node:test';
import assert from 'node:assert/strict';
import { returnFreeMemory } from '../../src/native-memory.js';
import { fullCollection } from '../../src/device/memory-guard.js';

const MiB = 1024 * 1024;
const glibcLinux = process.platform === 'linux' && Boolean((process.report?.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);

test('malloc_trim is reached on Linux with glibc (koffi, no compiler)', { skip: !glibcLinux && 'not Linux with glibc' }, () => {
  const r = returnFreeMemory();
  assert.equal(r.available, true);
  assert.ok(r.ms >= 0 && r.ms < 5_000, `a trim took ${r.ms} ms`);
});

test('free pages between live allocations go back to the system', { skip: !glibcLinux && 'not Linux with glibc' }, async () => {
  returnFreeMemory();
  // 160 MiB in 4 KiB buffers, each its own malloc (allocUnsafeSlow: no pool); one in ten kept,
  // so the freed space lies between live ones, where free() alone never returns it.
  const all: (Buffer | undefined)[] = [];
  for (let i = 0; i < 40_960; i++) all.push(Buffer.allocUnsafeSlow(4096).fill(i & 0xff));
  const kept = all.filter((_, i) => i % 10 === 0);
  all.length = 0;
  await fullCollection('async');
  await fullCollection('async');
  const r = returnFreeMemory();
  assert.equal(r.available, true);
  assert.ok(r.releasedBytes >= 64 * MiB, `released ${(r.releasedBytes / MiB).toFixed(1)} MiB of ~144 freed`);
  assert.equal(kept.length, 4096);
  assert.equal(kept[7]?.[0], 70 & 0xff, 'what was kept is intact');
});
