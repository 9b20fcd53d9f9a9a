/** The configuration changes the operational tests commit, and committing them over NETCONF. */
import assert from 'node:assert/strict';

export const CHANGES = [
  'set system host-name lab-mx',
  'set interfaces ge-0/0/1 description "uplink to core"',
  'set interfaces ge-0/0/1 mtu 9192',
  'set interfaces ge-0/0/1 unit 0 description "core p2p"',
  'set interfaces ge-0/0/1 unit 0 family inet address 203.0.113.1/30',
  'set interfaces ge-0/0/0 disable',
  'set routing-options static route 0.0.0.0/0 next-hop 203.0.113.2',
  'set routing-options static route 10.99.0.0/16 discard',
].join('\n');

export async function commitChanges(c: { rpc(x: string): Promise<string> }): Promise<void> {
  const load = await c.rpc(`<load-configuration action="set" format="text"><configuration-set>${CHANGES}</configuration-set></load-configuration>`);
  assert.doesNotMatch(load, /<rpc-error>[\s\S]*<error-severity>error/, load);
  const commit = await c.rpc('<commit-configuration/>');
  assert.doesNotMatch(commit, /<rpc-error>[\s\S]*<error-severity>error/, commit);
}

