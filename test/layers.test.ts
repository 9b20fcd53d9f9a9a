/**
 * The layer rule (docs/development.md): no module imports from a room above its own, inside
 * junos/ no sub-room imports from one above it, and no import cycle (type imports too).
 * Runs scripts/check-layers.mjs over src/, and over tiny trees with one seeded fault each to
 * show every part of the check can fail.
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

/** Runs the check over a temporary src/ of these files (path under src/ -> text). */
function checkTree(tree: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-layers-'));
  try {
    for (const [rel, text] of Object.entries(tree)) {
      mkdirSync(path.dirname(path.join(dir, 'src', rel)), { recursive: true });
      writeFileSync(path.join(dir, 'src', rel), text);
    }
    return check(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('no import in src/ runs from a lower layer to a higher one', () => {
  const r = check(root);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /no import runs from a lower layer to a higher one, and no import cycle/);
  assert.match(r.stdout, /junos\/: identity  <  files  <  config  <  oper  <  life  <  rpcs  <  cli \./);
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

test('inside junos/ the check fails on an import from a lower sub-room to a higher one', () => {
  const r = checkTree({
    'junos/rpcs/types.ts': 'export interface DeviceView { host: string }\n',
    'junos/identity/profile.ts': "import type { DeviceView } from '../rpcs/types.js';\nexport type P = DeviceView;\n",
    'junos/config/tree.ts': "import type { P } from '../identity/profile.js';\nexport type T = P;\n",
  });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /src\/junos\/identity\/profile\.ts:1: junos\/identity -> junos\/rpcs \(a higher layer\)/);
  assert.doesNotMatch(r.stdout, /junos\/config\/tree\.ts/); // config -> identity goes down: allowed
  assert.match(r.stdout, /1 problem/);
});

test('the check fails on a new junos/ folder not placed in its sub-layers', () => {
  const r = checkTree({
    'junos/extras/x.ts': 'export const x = 1;\n',
    'junos/device.ts': "import { x } from './extras/x.js';\nexport const d = x;\n",
  });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /not placed in a layer.*junos\/extras/);
});

test('the check fails on an import cycle inside a room, type-only imports included', () => {
  const r = checkTree({
    'outbound/config.ts': "import { protocolFor } from './protocols/index.js';\nexport interface ServerConfig { a: string }\nexport const p = protocolFor;\n",
    'outbound/protocols/index.ts': "import { link } from './basic.js';\nexport const protocolFor = link;\n",
    'outbound/protocols/basic.ts': "import type { ServerConfig } from '../config.js';\nexport const link = (s: ServerConfig) => s.a;\n",
    'outbound/agent.ts': "import { p } from './config.js';\nexport const a = p;\n",
  });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /1 import cycle\(s\)/);
  assert.match(r.stdout, /import cycle among 3 files \(outbound\/config\.ts, outbound\/protocols\/basic\.ts, outbound\/protocols\/index\.ts\): outbound\/config\.ts -> outbound\/protocols\/index\.ts -> outbound\/protocols\/basic\.ts -> outbound\/config\.ts/);
  assert.doesNotMatch(r.stdout, /agent\.ts/); // it imports into the loop but is not part of it
});
