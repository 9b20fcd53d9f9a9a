/**
 * `npm test`'s runner: TAP when its output is not a terminal (what CI reads, closing lines
 * included), and the compact reporter at a terminal: failures in full, skips with reasons,
 * node's closing lines kept.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-run-tests-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(path.join(dir, 'sub'));
writeFileSync(
  path.join(dir, 'sub', 'sample.test.js'),
  `import { test } from 'node:test';
import assert from 'node:assert/strict';
test('adds', () => assert.equal(1 + 1, 2));
test('fails', () => assert.equal(1 + 1, 3, 'arithmetic is off'));
test('skips', { skip: 'no chromium here' }, () => {});
`,
);
writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');

function runner(env: Record<string, string>) {
  return spawnSync(process.execPath, [path.join(root, 'scripts/run-tests.mjs'), path.join(dir, 'sub')], {
    encoding: 'utf8',
    timeout: 60_000,
    // Not NODE_TEST_CONTEXT: the runner must not take itself for a child of this test run.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')), NCGD_TEST_REPORTER: '', ...env },
  });
}

test('not at a terminal: TAP with the closing lines, exit 1 on a failure', () => {
  const r = runner({});
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^TAP version 13$/m);
  assert.match(r.stdout, /^not ok 2 - fails$/m);
  assert.match(r.stdout, /^# pass 1$/m);
  assert.match(r.stdout, /^# fail 1$/m);
});

test('the compact reporter: the failure in full, the skip with its reason, the closing lines, no TAP', () => {
  const r = runner({ NCGD_TEST_REPORTER: 'compact' });
  assert.equal(r.status, 1);
  const text = r.stdout.replace(/\x1b\[[0-9;]*[mK]/g, '');
  assert.doesNotMatch(text, /TAP version/);
  assert.match(text, /✗ .*sample\.test\.js › fails\n\s+AssertionError \[ERR_ASSERTION\]: arithmetic is off/);
  assert.match(text, /files 1\/1 · 1 passed · 1 failed · 1 skipped/);
  assert.match(text, /sample\.test\.js › skips: no chromium here/);
  assert.match(text, /^# pass 1$/m);
  assert.match(text, /^# fail 1$/m);
});
