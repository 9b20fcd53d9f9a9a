/**
 * The XML mapping of configuration RPCs onto ConfigSession, with a recording session
 * standing in for the datastore (the datastore has its own tests).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigDatastore, ConfigSession } from '../../../src/junos/config/api.js';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { RpcError } from '../../../src/netconf/rpc-error.js';
import { serialize } from '../../../src/netconf/xml.js';
import { TestClient } from '../../support/netconf-client.js';

function recording(calls: unknown[][]): () => ConfigDatastore {
  const s: ConfigSession = {
    sessionId: 0,
    getConfiguration: (o) => {
      calls.push(['get', o.database, o.format, o.compareRollback, o.filter ? serialize(o.filter) : undefined]);
      return o.format === 'xml' ? '<configuration>\n<system>\n<host-name>a&amp;b</host-name>\n</system>\n</configuration>' : 'system {\n    host-name a&b;\n}';
    },
    load: (o) => {
      calls.push(['load', o.action, o.format, o.text ?? (o.xml ? serialize(o.xml) : undefined), o.rollback]);
      if (o.text?.includes('bogus')) throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'syntax error', badElement: 'bogus' });
      return [];
    },
    editConfig: (t, c, d) => (calls.push(['edit', t, serialize(c), d]), []),
    applyCliLine: () => [],
    validate: () => (calls.push(['validate']), []),
    commit: (o) => (calls.push(['commit', o]), { warnings: [] }),
    cancelCommit: () => void calls.push(['cancel-commit']),
    discardChanges: () => void calls.push(['discard']),
    lock: (t) => void calls.push(['lock', t]),
    unlock: (t) => void calls.push(['unlock', t]),
    openConfiguration: (m) => (calls.push(['open', m]), m === 'private' ? [new RpcError({ type: 'application', tag: 'operation-failed', severity: 'warning', message: 'uncommitted changes will be discarded on exit' })] : []),
    closeConfiguration: () => void calls.push(['closecfg']),
    hasUncommittedChanges: () => false,
    close: () => void calls.push(['close']),
  };
  return () => ({ openSession: () => s, history: () => [], close: async () => undefined });
}

test('configuration RPCs map onto ConfigSession and reply as Junos does', async () => {
  const calls: unknown[][] = [];
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'cfg', datastoreFactory: recording(calls) });
  const c = new TestClient(dev.openNetconf());
  await c.open();
  const last = () => calls[calls.length - 1];

  assert.match(await c.rpc('<get-configuration database="committed" inherit="inherit"><configuration><system><domain-name/></system></configuration></get-configuration>'), /\n<configuration>\n<system>/);
  assert.deepEqual(last(), ['get', 'committed', 'xml', undefined, '<configuration><system><domain-name/></system></configuration>']);
  assert.match(await c.rpc('<get-configuration format="text"/>'), /<configuration-text>system \{\n {4}host-name a&amp;b;\n\}<\/configuration-text>/);
  assert.deepEqual(last().slice(0, 3), ['get', 'candidate', 'text']);
  assert.match(await c.rpc('<get-configuration compare="rollback" rollback="0" format="text"/>'), /<configuration-information>\n<configuration-output>/);
  assert.equal(last()[3], 0);
  assert.match(await c.rpc('<get-config><source><running/></source><filter type="subtree"><configuration><system/></configuration></filter></get-config>'), /\n<data>\n<configuration>/);
  assert.deepEqual(last().slice(1, 3), ['committed', 'xml']);

  assert.match(await c.rpc('<load-configuration action="replace" format="text"><configuration-text>system { host-name x; }</configuration-text></load-configuration>'), /<load-configuration-results>\n<ok\/>\n<\/load-configuration-results>/);
  assert.deepEqual(last(), ['load', 'replace', 'text', 'system { host-name x; }', undefined]);
  const bad = await c.rpc('<load-configuration format="text"><configuration-text>bogus</configuration-text></load-configuration>');
  assert.match(bad, /<load-configuration-results>\n<rpc-error>[\s\S]*<bad-element>bogus<\/bad-element>[\s\S]*<\/load-configuration-results>/);
  assert.ok(!bad.includes('<ok/>'));
  await c.rpc('<load-configuration action="set" format="text"><configuration-set>set system host-name y</configuration-set></load-configuration>');
  assert.deepEqual(last().slice(0, 3), ['load', 'set', 'set']);
  await c.rpc('<load-configuration rollback="2"/>');
  assert.equal(last()[4], 2);

  const commit = await c.rpc('<commit-configuration><confirmed/><confirm-timeout>5</confirm-timeout><log>hi</log></commit-configuration>');
  assert.match(commit, /<commit-results>\n<routing-engine junos:style="normal">\n<name>re0<\/name>\n<commit-success\/>\n<\/routing-engine>\n<\/commit-results>/);
  assert.deepEqual(last(), ['commit', { check: false, confirmed: true, confirmTimeout: 5, log: 'hi', synchronize: false, atTime: undefined }]);
  assert.match(await c.rpc('<commit-configuration><check/></commit-configuration>'), /<commit-check-success\/>/);
  const sync = await c.rpc('<commit-configuration><synchronize/></commit-configuration>');
  assert.match(sync, /<name>re1<\/name>\n<commit-success\/>/);
  // Base commit: confirm-timeout in seconds, passed on exactly (not rounded to minutes).
  assert.match(await c.rpc('<commit><confirmed/><confirm-timeout>7</confirm-timeout></commit>'), /\n<ok\/>\n/);
  assert.deepEqual(last(), ['commit', { confirmed: true, confirmTimeoutSeconds: 7 }]);
  assert.match(await c.rpc('<cancel-commit/>'), /\n<ok\/>\n/);
  assert.deepEqual(last(), ['cancel-commit']);

  assert.match(await c.rpc('<edit-config><target><candidate/></target><default-operation>replace</default-operation><config><configuration><system/></configuration></config></edit-config>'), /<ok\/>/);
  assert.deepEqual(last(), ['edit', 'candidate', '<configuration><system/></configuration>', 'replace']);
  assert.match(await c.rpc('<lock><target><candidate/></target></lock>'), /<ok\/>/);
  assert.deepEqual(last(), ['lock', 'candidate']);
  await c.rpc('<unlock-configuration/>');
  assert.deepEqual(last(), ['unlock', 'candidate']);
  const opened = await c.rpc('<open-configuration><private/></open-configuration>');
  assert.match(opened, /<error-severity>warning<\/error-severity>[\s\S]*uncommitted changes will be discarded on exit/);
  assert.ok(!opened.includes('<error-type>'));
  assert.match(await c.rpc('<validate><source><candidate/></source></validate>'), /<ok\/>/);
  assert.match(await c.rpc('<discard-changes/>'), /<ok\/>/);
  await c.rpc('<close-session/>');
  await c.until(() => c.ended !== undefined);
  assert.deepEqual(last(), ['close']);
  await dev.close();
});
