/**
 * The commit-time checks of Junos' daemons (src/junos/config/commit-rules.ts), each seen by
 * a real client: PyEZ loads a case, commits, and gets Junos' CommitError with the rule's
 * wording; a sound configuration still commits. Also the rule table itself: every rule
 * named once, and every profile's factory configuration passes all of them.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COMMIT_RULES } from '../../../src/junos/config/commit-rules.js';
import { deviceOverSsh, pythonClients, runClient } from '../../support/python-clients.js';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { TestClient } from '../../support/netconf-client.js';
import { JunosCli } from '../../../src/junos/cli/junos-cli.js';
import { NetconfClient } from '../../../src/junos/cli/netconf-client.js';
import { serveDeviceSocket } from '../../../src/shell/device-socket.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-commit-rules-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function commitCases(profile: string, cases: Record<string, string[]>): Promise<Record<string, string>> {
  const d = await deviceOverSsh(profile);
  try {
    const file = path.join(dir, `${profile}.json`);
    writeFileSync(file, JSON.stringify(cases));
    return await runClient<Record<string, string>>('pyez_commit_rules.py', [...d.args, file]);
  } finally {
    await d.close();
  }
}

test('the rule table: one row per rule, each saying what it refuses', () => {
  const ids = COMMIT_RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of COMMIT_RULES) assert.ok(r.what.length > 10, r.id);
});

test('every factory configuration passes every rule', async () => {
  for (const profile of ['mx', 'ex', 'srx', 'qfx', 'mx10003', 'ex9208', 'srx4100']) {
    const dev = await EmulatedDevice.create({ profile, hostname: 'rules' });
    const c = new TestClient(dev.openNetconf({ user: 'lab' }));
    await c.open();
    assert.doesNotMatch(await c.rpc('<validate><source><candidate/></source></validate>'), /rpc-error/, profile);
    await dev.close();
  }
});

test('PyEZ on mx: each rule refuses the commit with Junos wording; a sound change commits', async (t) => {
  const why = await pythonClients();
  if (why) return t.skip(why);
  const r = await commitCases('mx', {
    'bgp-peer-as': ['set protocols bgp group ebgp neighbor 192.0.2.9'],
    'bgp-internal-as': ['set protocols bgp group ibgp type internal neighbor 192.0.2.10'],
    'mtu-media': ['set interfaces ge-0/0/1 mtu 99999'],
    'family-bridge': ['set interfaces ge-0/0/2 unit 0 family bridge', 'set interfaces ge-0/0/2 unit 0 family inet address 10.2.0.1/24'],
    'vlan-tagging-units': ['set interfaces ge-0/0/3 unit 100 family inet address 10.3.0.1/24'],
    'vlan-id-untagged': ['set interfaces ge-0/0/6 unit 0 vlan-id 10 family inet address 10.6.0.1/24'],
    'family-mtu-device': ['set interfaces ge-0/0/7 unit 0 family inet mtu 9192 address 10.7.0.1/24'],
    'duplicate-address': ['set interfaces ge-0/0/4 unit 0 family inet address 192.0.2.1/24'],
    'policy-defined': ['set protocols bgp group ebgp peer-as 65020 neighbor 192.0.2.9 export no-such-policy'],
    'prefix-list-defined': ['set policy-options policy-statement p1 term t from prefix-list no-such-list', 'set policy-options policy-statement p1 term t then accept'],
    'filter-defined': ['set interfaces ge-0/0/5 unit 0 family inet filter input no-such-filter'],
    sound: ['set protocols bgp group ebgp peer-as 65020 neighbor 192.0.2.9', 'set interfaces ge-0/0/3 vlan-tagging', 'set interfaces ge-0/0/3 unit 100 vlan-id 100 family inet address 10.3.0.1/24'],
  });
  assert.match(r['bgp-peer-as'], /\[edit protocols bgp group ebgp\] neighbor 192\.0\.2\.9 Error in neighbor 192\.0\.2\.9 of group ebgp:\npeer AS number must be configured for an external peer/);
  assert.match(r['bgp-internal-as'], /autonomous system must be configured for an internal peer/);
  assert.match(r['mtu-media'], /\[edit interfaces ge-0\/0\/1\] mtu 99999 MTU 99999 is out of range for ge-0\/0\/1: it must be between 256 and 9192/);
  assert.match(r['family-bridge'], /\[edit interfaces ge-0\/0\/2 unit 0 family\] bridge [Ff]amily bridge and rest of the families are mutually exclusive/);
  // mgd's constraint check closes the commit with its own words.
  assert.match(r['family-bridge'], /commit failed: \(statements constraint check failed\)/);
  assert.match(r['vlan-id-untagged'], /\[edit interfaces ge-0\/0\/6\] unit 0 VLAN-ID can only be specified on tagged ethernet interfaces/);
  assert.match(r['family-mtu-device'], /\[edit interfaces ge-0\/0\/7 unit 0 family\] inet Family MTU 9192 is too large relative to device MTU 1514; Protocol overhead should be 14/);
  assert.match(r['vlan-tagging-units'], /\[edit interfaces ge-0\/0\/3\] unit 100 Only unit 0 is valid for this encapsulation/);
  assert.match(r['duplicate-address'], /identical local address is found on different interfaces/);
  assert.match(r['policy-defined'], /Policy error: Policy no-such-policy referenced but not defined/);
  assert.match(r['prefix-list-defined'], /Policy error: Prefix-list no-such-list referenced but not defined/);
  assert.match(r['filter-defined'], /Referenced filter 'no-such-filter' is not defined/);
  assert.equal(r.sound, 'committed');
});

test('PyEZ on srx and ex: zones, VLANs, family ethernet-switching', async (t) => {
  const why = await pythonClients();
  if (why) return t.skip(why);
  const srx = await commitCases('srx', {
    'zone-interface-once': ['set security zones security-zone z1 interfaces ge-0/0/6.0', 'set security zones security-zone z2 interfaces ge-0/0/6.0'],
    'zone-defined': ['set security policies from-zone trust to-zone nowhere policy p match source-address any destination-address any application any', 'set security policies from-zone trust to-zone nowhere policy p then permit'],
  });
  assert.match(srx['zone-interface-once'], /Interface ge-0\/0\/6\.0 must be in only one zone/);
  // The YANG's own junos:must rule answers this one (commit-check.ts).
  assert.match(srx['zone-defined'], /Security zone must be defined/);
  const ex = await commitCases('ex', {
    'vlan-defined': ['set interfaces ge-0/0/7 unit 0 family ethernet-switching vlan members no-such-vlan'],
    'family-ethernet-switching': ['set interfaces ge-0/0/8 unit 0 family ethernet-switching', 'set interfaces ge-0/0/8 unit 0 family inet address 10.8.0.1/24'],
    'mtu-media': ['set interfaces ge-0/0/9 mtu 9300'],
  });
  assert.match(ex['vlan-defined'], /VLAN no-such-vlan is not defined/);
  assert.match(ex['family-ethernet-switching'], /Family ethernet-switching and rest of the families are mutually exclusive/);
  assert.match(ex['mtu-media'], /between 256 and 9216/);
});

test('cli commit and commit check: the statement blocks and closing lines Junos prints', async () => {
  const sock = mkdtempSync(path.join(tmpdir(), 'ncgd-rules-cli-'));
  const dev = await EmulatedDevice.create({ profile: 'qfx', hostname: 'rules' });
  const socket = await serveDeviceSocket(() => dev.openNetconf({ user: 'lab', client: 'cli' }), path.join(sock, 'd.sock'));
  const client = await NetconfClient.connect(path.join(sock, 'd.sock'));
  let out = '';
  const cli = new JunosCli(client, { write: (x) => void (out += x), readLine: async () => undefined }, 'lab', 'rules');
  const run = async (line: string) => {
    out = '';
    await cli.run(line);
    return out;
  };
  try {
    await run('configure');
    await run('set interfaces xe-0/0/2 unit 0 family ethernet-switching');
    await run('set interfaces xe-0/0/2 unit 0 family inet address 10.2.0.1/24');
    const block = "[edit interfaces xe-0/0/2 unit 0 family]\n  'ethernet-switching'\n    Family ethernet-switching and rest of the families are mutually exclusive\n";
    assert.equal(await run('commit check'), `${block}error: configuration check-out failed: (statements constraint check failed)\n`);
    assert.equal(await run('commit'), `${block}error: commit failed: (statements constraint check failed)\n`);
    await run('delete interfaces xe-0/0/2');
    await run('set interfaces xe-0/0/3 unit 0 vlan-id 10');
    assert.equal(await run('commit'), "[edit interfaces xe-0/0/3]\n  'unit 0'\n    VLAN-ID can only be specified on tagged ethernet interfaces\nerror: configuration check-out failed\n");
  } finally {
    client.close();
    await socket.close();
    await dev.close();
    rmSync(sock, { recursive: true, force: true });
  }
});
