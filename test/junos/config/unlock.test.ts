/**
 * As on Junos: "If the NETCONF session ends or the application emits <unlock> before the
 * candidate configuration is committed, all changes made to the candidate are discarded."
 * Ansible's junos_config relies on it: lock, load, validate, commit, unlock; a load or commit
 * that fails must not leave its change in the candidate for the next run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConfigDatastore } from '../../../src/junos/config/index.js';

const INITIAL = { format: 'text' as const, content: 'system { host-name r1; }\n' };
const diff = (s: { getConfiguration(o: { database: 'candidate'; format: 'text'; compareRollback: number }): string }) =>
  s.getConfiguration({ database: 'candidate', format: 'text', compareRollback: 0 });

test('unlock and the end of the locking session discard what was not committed', async () => {
  const ds = await createConfigDatastore({ initialConfig: INITIAL });
  const a = ds.openSession(31, 'alice', 'netconf');
  a.lock('candidate');
  a.applyCliLine('set apply-groups missing-group');
  assert.ok(a.validate().some((e) => !e.isWarning), 'the commit would be refused');
  assert.notEqual(diff(a), '');
  a.unlock('candidate');
  assert.equal(diff(a), '', 'unlock discarded the uncommitted change');

  // Committed changes stay; a lock taken, changed and left by closing the session discards too.
  a.lock('candidate');
  a.applyCliLine('set system location building b1');
  a.commit({});
  a.applyCliLine('set system location floor 2');
  a.close();
  const b = ds.openSession(32, 'bob', 'netconf');
  assert.equal(diff(b), '', 'the session end discarded the uncommitted change');
  assert.match(b.getConfiguration({ database: 'committed', format: 'set' }), /^set system location building b1$/m);

  // Without a lock the shared candidate keeps changes (Junos's shared configuration database).
  b.applyCliLine('set system location floor 3');
  const c = ds.openSession(33, 'carol', 'netconf');
  assert.match(diff(c), /\+ +floor 3;/);
  b.close();
  c.close();
  await ds.close();
});
