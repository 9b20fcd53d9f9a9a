/**
 * Idempotent compare with real clients over the SSH face: ncclient reads
 * a single newline in configuration-output when nothing differs, and PyEZ's Config.diff()
 * is None after a commit and after loading identical configuration, not None after a change.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { deviceOverSsh, pythonClients, runClient, type DeviceOverSsh } from '../support/python-clients.js';

const skip = (await pythonClients()) ?? false;
const open: DeviceOverSsh[] = [];
after(async () => {
  for (const d of open) await d.close();
});

test('ncclient and PyEZ: compare with no difference is "\\n", Config.diff() is None', { skip }, async () => {
  const d = await deviceOverSsh('mx');
  open.push(d);
  const r = await runClient<Record<string, string | null>>('compare_idempotent.py', d.args);
  assert.equal(r.ncclient_compare, '\n');
  assert.equal(r.ncclient_command, '\n');
  assert.equal(r.diff_initial, null);
  assert.match(String(r.diff_change), /^\n\[edit system\]\n\+ +location \{\n\+ +building compare-b7;\n\+ +\}\n$/);
  assert.equal(r.diff_after_commit, null, 'nothing differs right after a commit');
  assert.equal(r.diff_identical_set, null, 'loading the committed statement again is no change');
  assert.equal(r.diff_identical_text, null, 'nor is merging the same text');
  assert.match(String(r.diff_second_change), /\[edit system location\]\n- +building compare-b7;\n\+ +building compare-b8;/);
  assert.equal(r.diff_after_rollback, null);
});
