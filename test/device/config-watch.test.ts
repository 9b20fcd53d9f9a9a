/**
 * The configuration watch on its own: it compares with the file as the device read it, so a
 * change made between that read and the watch being armed (an edit, the directory replaced)
 * is still seen, and a directory replaced later is followed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configSnapshot, watchConfig } from '../../src/device/config-watch.js';
import { createLogger } from '../../src/log.js';
import { Harness, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

function watched(file: string, seen = configSnapshot(file)) {
  const logged: string[] = [];
  const reloads: string[] = [];
  const logger = createLogger({ format: 'json', level: 'debug', destination: { write: (line: string) => void logged.push(line) } });
  const stop = watchConfig(file, async () => ((reloads.push('x'), {})), logger, seen);
  h.defer(stop);
  return { logged, reloads };
}

test('the directory replaced after the device read the file but before the watch was armed', async () => {
  const top = h.tempDir();
  const dir = path.join(top, 'conf');
  mkdirSync(dir);
  const file = path.join(dir, 'device.conf');
  writeFileSync(file, 'one');
  const seen = configSnapshot(file);
  // What a fast operator (or the CLI test) does while the device is still starting.
  renameSync(dir, path.join(top, 'conf-old'));
  mkdirSync(dir);
  writeFileSync(file, 'two');
  const w = watched(file, seen);
  await until(() => w.reloads.length === 1, 5000, 'a reload from the new directory');
  assert.ok(w.logged.some((l) => l.includes('the configuration directory was replaced; watching the new one')), w.logged.join(''));
  // The watch is on the new directory: an edit there is seen.
  writeFileSync(file, 'three');
  await until(() => w.reloads.length === 2, 5000, 'a reload of an edit in the new directory');
});

test('an edit made before the watch was armed is reloaded', async () => {
  const dir = h.tempDir();
  const file = path.join(dir, 'device.conf');
  writeFileSync(file, 'one');
  const seen = configSnapshot(file);
  writeFileSync(file, 'two');
  const w = watched(file, seen);
  await until(() => w.reloads.length === 1, 5000, 'a reload of the early edit');
  assert.ok(!w.logged.some((l) => l.includes('replaced')), w.logged.join(''));
});

test('the directory replaced while watched is followed', async () => {
  const top = h.tempDir();
  const dir = path.join(top, 'conf');
  mkdirSync(dir);
  const file = path.join(dir, 'device.conf');
  writeFileSync(file, 'one');
  const w = watched(file);
  renameSync(dir, path.join(top, 'conf-old'));
  mkdirSync(dir);
  writeFileSync(file, 'two');
  await until(() => w.reloads.length === 1, 5000, 'a reload from the new directory');
  assert.ok(w.logged.some((l) => l.includes('the configuration directory was replaced; watching the new one')), w.logged.join(''));
  writeFileSync(file, 'three');
  await until(() => w.reloads.length === 2, 5000, 'a reload of an edit in the new directory');
});
