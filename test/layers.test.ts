/**
 * The layer rule (docs/development.md): no module imports from a room above its own.
 * Runs scripts/check-layers.mjs over src/, and once over a tiny tree with one wrong import
 * to show the check can fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/layers.test.js -> the repository root
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const checker = path.join(root, 'scripts', 'check-layers.mjs');

function check(repo: string) {
  return spawnSync(process.execPath, [checker, '--repo', repo], { encoding: 'utf8', timeout: 30_000 });
}

test('no import in src/ runs from a lower layer to a higher one', () => {
  const r = check(root);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /no import runs from a lower layer to a higher one/);
});

test('the check fails on an import from a lower layer to a higher one', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-layers-'));
  try {
    mkdirSync(path.join(dir, 'src', 'netconf'), { recursive: true });
    mkdirSync(path.join(dir, 'src', 'cli'), { recursive: true });
    writeFileSync(path.join(dir, 'src', 'cli', 'x.ts'), 'export const x = 1;\n');
    writeFileSync(path.join(dir, 'src', 'netconf', 'y.ts'), "import { x } from '../cli/x.js';\nexport const y = x;\n");
    const r = check(dir);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /src\/netconf\/y\.ts:1: netconf -> cli \(a higher layer\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
