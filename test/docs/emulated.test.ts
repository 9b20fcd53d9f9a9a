/**
 * docs/netconf.md "What is emulated, per profile" is what the code emulates: the section is
 * generated from the code (src/junos/emulated.ts) and this test regenerates it and compares
 * (run `npm run gen:emulated` after a change); and the generated text itself names every
 * shipped profile with its hardware ports, every commit rule with a source, and reports an
 * RPC the way a device answers it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../support/agent-harness.js';
import { EMULATED_BEGIN, EMULATED_END, SHIPPED_PROFILES, emulatedMarkdown } from '../../src/junos/emulated.js';
import { COMMIT_RULES } from '../../src/junos/config/commit-rules.js';
import { EmulatedDevice } from '../../src/junos/device.js';
import { TestClient } from '../support/netconf-client.js';

test('docs/netconf.md carries the generated section, unchanged', async () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs/netconf.md'), 'utf8');
  const a = doc.indexOf(EMULATED_BEGIN);
  const b = doc.indexOf(EMULATED_END);
  assert.ok(a >= 0 && b > a, 'the markers are there');
  const generated = await emulatedMarkdown();
  assert.equal(doc.slice(a, b + EMULATED_END.length), generated, 'docs/netconf.md is stale: run npm run build && npm run gen:emulated');
  assert.match(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'), /\(docs\/netconf\.md#what-is-emulated-per-profile\)/);
});

test('the section names each profile, each rule with its source, and what a device answers', async () => {
  const md = await emulatedMarkdown();
  for (const p of SHIPPED_PROFILES) assert.match(md, new RegExp(`^\\| \`${p}\` \\|`, 'm'), p);
  assert.match(md, /\| `ex` \| ex4300-48t \| junos-ex \|.*ge-0\/0\/0-47 copper 1000mbps/);
  for (const r of COMMIT_RULES) {
    const row = md.split('\n').find((l) => l.startsWith(`| \`${r.id}\` |`));
    assert.ok(row, r.id);
    assert.match(row, /confirmed|unconfirmed/, r.id);
  }
  // A row's marks are what a device of that profile answers.
  const row = md.split('\n').find((l) => l.startsWith('| `get-chassis-cluster-status` |')) ?? '';
  const marks = row.split('|').slice(2, -1).map((s) => s.trim());
  for (const [i, p] of SHIPPED_PROFILES.entries()) {
    const dev = await EmulatedDevice.create({ profile: p, hostname: 'doc-check' });
    const c = new TestClient(dev.openNetconf({ user: 'lab' }));
    await c.open();
    const r = await c.rpc('<get-chassis-cluster-status/>');
    await dev.close();
    assert.equal(marks[i], /syntax error/.test(r) ? '–' : '✓', `${p}: ${r.slice(0, 200)}`);
  }
});
