/**
 * ncclient with its Junos handler against an emulated MX over the SSH face: configuration
 * read, load and commit, confirmed commits (confirmed in time, and left to expire), CLI
 * commands, and lock contention between two sessions.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { deviceOverSsh, pythonClients, runClient, type DeviceOverSsh } from '../support/python-clients.js';

const skip = (await pythonClients()) ?? false;
const open: DeviceOverSsh[] = [];
after(async () => {
  for (const d of open) await d.close();
});

interface Step {
  ok: boolean;
  value?: unknown;
  error?: string;
  tag?: string;
  severity?: string;
  message?: string;
}

test('ncclient (junos handler): config, confirmed commits, commands and locks', { skip }, async () => {
  const d = await deviceOverSsh('mx');
  open.push(d);
  const r = await runClient<Record<string, Step> & { capabilities: string[]; session_ids: string[] }>('ncclient_ops.py', d.args);

  // The hello: Junos capabilities, no base:1.1 (so ncclient stays on ]]>]]> framing).
  assert.ok(r.capabilities.includes('urn:ietf:params:netconf:base:1.0'));
  assert.ok(r.capabilities.includes('http://xml.juniper.net/netconf/junos/1.0'));
  assert.ok(!r.capabilities.includes('urn:ietf:params:netconf:base:1.1'));
  assert.equal(new Set(r.session_ids).size, 2, 'two sessions, two session ids');
  for (const id of r.session_ids) assert.match(String(id), /^\d+$/);

  const bad = Object.entries(r)
    .filter(([k, v]) => k !== 'lock-2-denied' && typeof v === 'object' && v !== null && 'ok' in v && !v.ok)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  assert.deepEqual(bad, [], 'operations that failed');

  assert.equal(r['get-configuration']!.value, 'configuration');
  assert.match(String(r['get-configuration-text']!.value), /system \{[\s\S]*host-name /);
  assert.match(String(r['load-configuration']!.value), /<load-configuration-results[^>]*>\s*<ok\/>\s*<\/load-configuration-results>/);
  assert.match(String(r.commit!.value), /<commit-success\/>/);
  assert.equal(r.committed!.value, 'ncclient-1');
  // load_configuration given a <configuration> element sends it doubled: read as the inner one.
  assert.match(String(r['commit-element']!.value), /<commit-success\/>/);
  assert.match(String(r['committed-element']!.value), /building ncclient-xml;/);
  assert.doesNotMatch(String(r['committed-element']!.value), /^configuration \{/m);

  // Junos commit confirmed (1 minute), confirmed by a plain commit: the change stays.
  assert.match(String(r['commit-confirmed']!.value), /<commit-success\/>/);
  assert.match(String(r.confirm!.value), /<commit-success\/>/);
  assert.equal(r['after-confirm']!.value, 'ncclient-2');

  // Base commit confirmed for 2 seconds, never confirmed: live meanwhile, then rolled back.
  assert.match(String(r['base-commit-confirmed']!.value), /<ok\/>/);
  assert.equal(r['during-confirm']!.value, 'ncclient-3');
  assert.equal(r['after-expiry']!.value, 'ncclient-2');

  assert.match(String(r['command-text']!.value), /Model: mx960[\s\S]*Junos: /i);
  assert.equal(r['command-xml']!.value, 'software-information');

  // The second session cannot take the lock while the first holds it.
  const denied = r['lock-2-denied']!;
  assert.equal(denied.ok, false);
  assert.equal(denied.error, 'RPCError');
  assert.equal(denied.tag, 'lock-denied');
  assert.match(String(denied.message), /configuration database locked by/);
  assert.equal(r['lock-2']!.value, true);
});
