/**
 * The configuration datastore: commits and the rollback history (50 deep, persisted),
 * load rollback and compare, locks between sessions, private candidates, commit
 * confirmed with its automatic rollback, edit-config.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConfigDatastore, type CommitEvent } from '../../../src/junos/config/index.js';
import { RpcError } from '../../../src/netconf/rpc-error.js';
import { parseXml } from '../../../src/netconf/xml.js';

const INITIAL = { format: 'text' as const, content: 'system { host-name r1; }\ninterfaces { ge-0/0/0 { unit 0; } }\n' };
const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'config-ds-'));
  dirs.push(d);
  return d;
}

function rpcError(fn: () => unknown): RpcError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RpcError) return e;
    throw e;
  }
  assert.fail('expected an RpcError');
}

test('commit, history of 50, load rollback, compare, persistence across instances', async () => {
  const dir = tempDir();
  let clock = Date.UTC(2024, 0, 1, 10, 0, 0);
  const ds = await createConfigDatastore({ stateDir: dir, initialConfig: INITIAL, now: () => clock });
  const s = ds.openSession(101, 'admin');
  for (let i = 1; i <= 55; i++) {
    clock += 1000;
    s.applyCliLine(`set system host-name r${i + 1}`);
    s.commit({ log: `change ${i}` });
  }
  const h = ds.history();
  assert.equal(h.length, 50);
  assert.deepEqual(h[0], { index: 0, user: 'admin', time: clock, client: 'netconf', log: 'change 55' });
  assert.equal(h[49].log, 'change 6');
  const xml = s.getConfiguration({ database: 'committed', format: 'xml' });
  assert.match(xml, /^<configuration xmlns="http:\/\/xml\.juniper\.net\/xnm\/1\.1\/xnm" junos:commit-seconds="\d+" junos:commit-localtime="2024-01-01 10:00:55 UTC" junos:commit-user="admin">/);
  assert.match(s.getConfiguration({ database: 'committed', format: 'text' }), /^## Last commit: 2024-01-01 10:00:55 UTC by admin\nsystem \{\n {4}host-name r56;/);

  s.load({ action: 'merge', format: 'text', rollback: 3 });
  assert.ok(s.hasUncommittedChanges());
  assert.equal(
    s.getConfiguration({ database: 'candidate', format: 'text', compareRollback: 0 }),
    '[edit system]\n-   host-name r56;\n+   host-name r53;\n',
  );
  assert.match(s.getConfiguration({ database: 'candidate', format: 'xml' }), /junos:changed-seconds="\d+" junos:changed-localtime="2024-01-01 10:00:55 UTC"/);
  assert.equal(s.getConfiguration({ database: 'committed', format: 'text', compareRollback: 0 }), '');
  assert.equal(rpcError(() => s.load({ action: 'merge', format: 'text', rollback: 50 })).info.tag, 'invalid-value');
  s.commit({});
  await ds.close();

  const again = await createConfigDatastore({ stateDir: dir, initialConfig: { format: 'text', content: 'system { host-name other; }' } });
  const s2 = again.openSession(7, 'ops');
  assert.equal(again.history().length, 50);
  assert.equal(again.history()[1].log, 'change 55');
  assert.match(s2.getConfiguration({ database: 'committed', format: 'set' }), /^set system host-name r53$/m);
  assert.ok(fs.readdirSync(dir).every((f) => !f.endsWith('.tmp')));
  await again.close();
});

test('locks: one holder; others cannot lock, load or commit; close releases', async () => {
  const ds = await createConfigDatastore({ initialConfig: INITIAL });
  const a = ds.openSession(11, 'alice', 'netconf');
  const b = ds.openSession(12, 'bob', 'netconf');
  a.lock('candidate');
  const denied = rpcError(() => b.lock('candidate'));
  assert.equal(denied.info.tag, 'lock-denied');
  assert.match(denied.info.message, /^configuration database locked by:\n {2}alice terminal netconf \(pid 11\) on since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n {2}exclusive \[edit\]$/);
  assert.match(denied.toXml(), /<session-id>11<\/session-id>/);
  assert.equal(rpcError(() => b.applyCliLine('set system host-name x')).info.tag, 'lock-denied');
  assert.equal(rpcError(() => b.load({ action: 'merge', format: 'text', text: 'system { host-name y; }' })).info.tag, 'lock-denied');
  assert.equal(rpcError(() => b.commit({})).info.tag, 'lock-denied');
  a.applyCliLine('set system host-name by-alice');
  a.commit({});
  a.close();
  b.lock('candidate');
  b.unlock('candidate');

  // A candidate changed by someone else cannot be locked (Junos: configuration database modified).
  const c = ds.openSession(13, 'carol');
  b.applyCliLine('set system location building-1');
  const modified = rpcError(() => c.lock('candidate'));
  assert.equal(modified.info.message, 'configuration database modified');
  b.discardChanges();
  c.lock('candidate');
  c.close();
  await ds.close();
});

test('private candidates are isolated; shared candidate is shared', async () => {
  const ds = await createConfigDatastore({ initialConfig: INITIAL });
  const a = ds.openSession(21, 'alice');
  const b = ds.openSession(22, 'bob');
  const c = ds.openSession(23, 'carol');
  const warnings = a.openConfiguration('private');
  assert.equal(warnings[0].info.severity, 'warning');
  assert.equal(warnings[0].info.message, 'uncommitted changes will be discarded on exit');
  a.applyCliLine('set system host-name private-a');
  assert.match(a.getConfiguration({ database: 'candidate', format: 'set' }), /host-name private-a/);
  assert.match(b.getConfiguration({ database: 'candidate', format: 'set' }), /host-name r1/);
  b.applyCliLine('set system domain-name shared.example');
  assert.match(c.getConfiguration({ database: 'candidate', format: 'set' }), /domain-name shared\.example/);
  assert.doesNotMatch(a.getConfiguration({ database: 'candidate', format: 'set' }), /domain-name/);
  b.discardChanges();
  a.commit({});
  assert.match(c.getConfiguration({ database: 'committed', format: 'set' }), /host-name private-a/);
  a.applyCliLine('set system host-name unsaved');
  a.close();
  assert.match(b.getConfiguration({ database: 'candidate', format: 'set' }), /host-name private-a/);
  await ds.close();
});

test('commit confirmed rolls back by itself unless confirmed', async () => {
  const ds = await createConfigDatastore({ initialConfig: INITIAL });
  const s = ds.openSession(31, 'admin');
  const events: CommitEvent[] = [];
  ds.onCommit((e) => events.push(e));
  s.applyCliLine('set system host-name risky');
  s.commit({ confirmed: true, confirmTimeout: 0.0005 });
  assert.ok(ds.confirmPending());
  const rolledBack = new Promise<CommitEvent>((resolve) => ds.onCommit((e) => e.reason === 'confirmed-rollback' && resolve(e)));
  // The datastore's timer is unref'd (it must not keep a device alive); this one keeps the test alive.
  let guard: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    guard = setTimeout(() => resolve(undefined), 5000);
  });
  const ev = await Promise.race([rolledBack, timeout]);
  clearTimeout(guard);
  assert.ok(ev, 'automatic rollback within 5 s');
  assert.match(ev.config.find(['system', 'host-name'])?.value ?? '', /^r1$/);
  assert.match(s.getConfiguration({ database: 'committed', format: 'set' }), /host-name r1$/m);
  assert.equal(s.hasUncommittedChanges(), false);
  assert.equal(ds.history()[0].comment, 'commit confirmed rollback');
  assert.equal(ds.history()[0].user, 'root');
  assert.equal(ds.history()[0].client, 'other');

  // Confirmed by a second commit: no rollback.
  s.applyCliLine('set system host-name kept');
  s.commit({ confirmed: true, confirmTimeout: 10 });
  s.commit({});
  assert.equal(ds.confirmPending(), false);
  assert.deepEqual(events.map((e) => e.reason), ['commit', 'confirmed-rollback', 'commit', 'commit']);
  await ds.close();
});

test('commit confirmed in seconds (base NETCONF), cancel-commit, timeout bounds', async () => {
  const ds = await createConfigDatastore({ initialConfig: INITIAL });
  const s = ds.openSession(35, 'admin');
  const rolledBack = () =>
    new Promise<CommitEvent | undefined>((resolve) => {
      // The datastore's timer is unref'd; this guard keeps the test alive and bounds the wait.
      const guard = setTimeout(() => resolve(undefined), 8000);
      ds.onCommit((e) => {
        if (e.reason !== 'confirmed-rollback') return;
        clearTimeout(guard);
        resolve(e);
      });
    });

  // One second, not rounded up to a minute.
  s.applyCliLine('set system host-name brief');
  const waiting = rolledBack();
  s.commit({ confirmed: true, confirmTimeoutSeconds: 1 });
  assert.ok(ds.confirmPending());
  const ev = await waiting;
  assert.ok(ev, 'rolled back within 8 s of a 1 s confirm-timeout');
  assert.equal(ev.config.find(['system', 'host-name'])?.value, 'r1');

  // cancel-commit undoes a pending confirmed commit at once.
  s.applyCliLine('set system host-name cancelled');
  s.commit({ confirmed: true, confirmTimeoutSeconds: 600 });
  assert.equal(ds.committed().find(['system', 'host-name'])?.value, 'cancelled');
  assert.ok(s.cancelCommit, 'the datastore implements cancel-commit');
  s.cancelCommit();
  assert.equal(ds.confirmPending(), false);
  assert.equal(ds.committed().find(['system', 'host-name'])?.value, 'r1');
  assert.equal(ds.history()[0].comment, 'cancel-commit rollback');
  assert.match(rpcError(() => s.cancelCommit!()).message, /No confirmed commit is pending/);

  // Beyond Junos's 65535 minutes, or zero: invalid-value, nothing committed.
  const before = ds.history().length;
  assert.equal(rpcError(() => s.commit({ confirmed: true, confirmTimeout: 65536 })).info.tag, 'invalid-value');
  assert.equal(rpcError(() => s.commit({ confirmed: true, confirmTimeoutSeconds: 0 })).info.tag, 'invalid-value');
  assert.equal(ds.history().length, before);
  await ds.close();
});

test('a show configuration path selects that statement with its ancestors', async () => {
  const ds = await createConfigDatastore({
    initialConfig: { format: 'text', content: 'system { host-name r1; services { ssh; } }\ninterfaces { ge-0/0/0 { unit 0 { family inet { address 192.0.2.1/24; } } unit 1; } ge-0/0/1 { description x; } }\n' },
  });
  const s = ds.openSession(36, 'admin');
  const set = (p: string[]) => s.getConfiguration({ database: 'committed', format: 'set', path: p }).trim();
  assert.equal(set(['interfaces', 'ge-0/0/0', 'unit', '0']), 'set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24');
  assert.equal(set(['system', 'host-name']), 'set system host-name r1');
  assert.equal(set(['interfaces', 'ge-0/0/9']), '');
  const xml = s.getConfiguration({ database: 'committed', format: 'xml', path: ['interfaces', 'ge-0/0/1'] });
  assert.match(xml, /<interfaces>\s*<interface>\s*<name>ge-0\/0\/1<\/name>\s*<description>x<\/description>\s*<\/interface>\s*<\/interfaces>/);
  assert.ok(!xml.includes('ge-0/0/0') && !xml.includes('<system>'));
  await ds.close();
});

test('commit check validates only; undefined apply-groups fails commit', async () => {
  const ds = await createConfigDatastore({ initialConfig: INITIAL });
  const s = ds.openSession(41, 'admin');
  s.applyCliLine('set apply-groups nope');
  const err = rpcError(() => s.commit({ check: true }));
  assert.match(err.info.message, /nope/);
  assert.equal(ds.history().length, 1);
  s.applyCliLine('set groups nope system location lab');
  assert.deepEqual(s.validate(), []);
  s.commit({ check: true });
  assert.equal(ds.history().length, 1);
  await ds.close();
});

test('load formats and syntax errors; edit-config operations', async () => {
  const ds = await createConfigDatastore({ initialConfig: { format: 'set', content: 'set system host-name r1\nset interfaces ge-0/0/0 unit 0' } });
  const s = ds.openSession(51, 'admin');
  const bad = rpcError(() => s.load({ action: 'merge', format: 'text', text: 'system1 {\n    foo;\n}\n' }));
  assert.equal(bad.info.message, 'syntax error');
  assert.equal(bad.info.badElement, 'system1');
  assert.match(bad.toXml(), /error recovery ignores input until this point/);
  assert.equal(s.hasUncommittedChanges(), false);

  s.load({ action: 'merge', format: 'json', text: '{"configuration":{"system":{"domain-name":"x.example"}}}' });
  s.load({ action: 'set', format: 'text', text: 'set system location lab\ndelete interfaces ge-0/0/0' });
  s.load({ action: 'replace', format: 'xml', xml: parseXml('<configuration><system replace="replace"><host-name>r9</host-name></system></configuration>') });
  assert.equal(s.getConfiguration({ database: 'candidate', format: 'set' }), 'set system host-name r9\n');
  s.load({ action: 'override', format: 'text', text: 'system { host-name r10; }' });
  s.editConfig('candidate', parseXml('<config><configuration><system><host-name operation="delete"/></system></configuration></config>'), 'merge');
  assert.equal(s.getConfiguration({ database: 'candidate', format: 'set' }), '', 'emptied containers are removed');
  // A delete of a missing statement changes nothing and warns, as Junos does.
  const warned = s.editConfig('candidate', parseXml('<config><configuration><snmp><location operation="delete"/></snmp></configuration></config>'), 'none');
  assert.deepEqual(warned.map((w) => [w.info.severity, w.info.message, w.info.badElement]), [['warning', 'statement not found', 'snmp']]);
  // Other edits below a missing statement with default-operation none stay refused.
  assert.equal(rpcError(() => s.editConfig('candidate', parseXml('<config><configuration><snmp><location operation="replace">x</location></snmp></configuration></config>'), 'none')).info.tag, 'data-missing');
  s.discardChanges();
  s.editConfig('running', parseXml('<config><configuration><system><host-name>via-running</host-name></system></configuration></config>'), 'merge');
  assert.match(s.getConfiguration({ database: 'committed', format: 'text' }), /host-name via-running;/);
  await ds.close();
});

test('a commit confirmed outlives a restart: its wait goes on, or it is rolled back at start when the time ran out', async () => {
  const dir = tempDir();
  const lines: string[] = [];
  const open = () => createConfigDatastore({ stateDir: dir, initialConfig: INITIAL, report: (l) => lines.push(l) });

  // Still within its time: pending again after the restart, and a commit confirms it.
  let ds = await open();
  let s = ds.openSession(1, 'admin');
  s.applyCliLine('set system host-name waiting');
  s.commit({ confirmed: true, confirmTimeout: 10 });
  await ds.close();
  ds = await open();
  assert.equal(ds.confirmPending(), true, 'pending again after the restart');
  assert.match(lines.join('\n'), /commit confirmed by admin still waits for its confirmation: rollback in (59\d|600) s/);
  s = ds.openSession(2, 'admin');
  s.commit({});
  assert.equal(ds.confirmPending(), false);
  await ds.close();
  ds = await open();
  assert.equal(ds.confirmPending(), false, 'a confirmed commit stays confirmed');
  assert.match(ds.openSession(3, 'admin').getConfiguration({ database: 'committed', format: 'set' }), /host-name waiting$/m);
  await ds.close();

  // Two confirmed commits in a row, then a stop longer than the wait: back to the configuration before both.
  ds = await open();
  s = ds.openSession(4, 'admin');
  s.applyCliLine('set system host-name first-try');
  s.commit({ confirmed: true, confirmTimeout: 10 });
  s.applyCliLine('set system host-name second-try');
  s.commit({ confirmed: true, confirmTimeoutSeconds: 1 });
  await ds.close();
  await new Promise((r) => setTimeout(r, 1200));
  lines.length = 0;
  ds = await open();
  assert.equal(ds.confirmPending(), false);
  assert.match(lines.join('\n'), /commit confirmed by admin was not confirmed in time; rolled back at start/);
  s = ds.openSession(5, 'admin');
  assert.match(s.getConfiguration({ database: 'committed', format: 'set' }), /host-name waiting$/m);
  const h = ds.history();
  assert.equal(h[0].comment, 'commit confirmed rollback');
  assert.equal(h[0].user, 'root');
  await ds.close();

  // The rollback is itself a revision: the next start has nothing to undo.
  lines.length = 0;
  ds = await open();
  assert.equal(ds.history().length, h.length);
  assert.equal(lines.length, 0);
  await ds.close();
});
