/**
 * Real PyEZ over the SSH face reads the protocol RPCs through its bundled op tables
 * (ArpTable, NdTable, LLDPNeighborTable, bgpTable, OspfNeighborTable, OspfInterfaceTable,
 * IsisAdjacencyTable, LacpPortTable, PhyPortDiagTable) and napalm's L2NG VLAN table: a
 * BGP peer, OSPF/IS-IS interfaces, LLDP, a LAG and a subnet committed over NETCONF show
 * up in them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceOverSsh, pythonClients, runClient } from '../../support/python-clients.js';

const skip = (await pythonClients()) ?? false;
type Check = { ok: boolean; value?: any; error?: string; message?: string };

async function run(profile: string): Promise<Record<string, Check>> {
  const d = await deviceOverSsh(profile);
  try {
    const r = await runClient<Record<string, Check>>('pyez_protocols.py', [...d.args, profile]);
    for (const [k, v] of Object.entries(r)) assert.ok(v.ok, `${k}: ${v.error} ${v.message}`);
    return r;
  } finally {
    await d.close();
  }
}

test('PyEZ protocol op tables follow the committed configuration (MX)', { skip }, async () => {
  const r = await run('mx');
  assert.deepEqual(r['bgp-before'].value, {}, 'no BGP peer before the commit');
  assert.deepEqual(r['ospf-before'].value, {});

  const arp = Object.values(r.arp.value) as any[];
  assert.ok(arp.some((e) => e.ip_address === '203.0.113.2' && e.interface_name === 'ge-0/0/1.0'), JSON.stringify(arp));
  const nd = Object.values(r.nd.value) as any[];
  assert.ok(nd.some((e) => e.ip_address === '2001:db8:1::2' && e.interface_name === 'ge-0/0/1.0'), JSON.stringify(nd));

  const lldp = r.lldp.value;
  assert.ok(lldp['ge-0/0/1'], JSON.stringify(lldp));
  assert.match(lldp['ge-0/0/1'].remote_sysname, /^peer-\d+$/);
  assert.match(lldp['ge-0/0/1'].remote_chassis_id, /^00:05:86(:[0-9a-f]{2}){3}$/);

  const bgp = Object.values(r.bgp.value) as any[];
  assert.equal(bgp.length, 1);
  assert.equal(bgp[0].peer_as, '65001');
  assert.equal(bgp[0].local_as, '65000');
  assert.equal(bgp[0].local_id, '198.51.100.1');
  assert.equal(bgp[0].route_received, '3');
  const summary = r['bgp-json'].value['bgp-information'][0]['bgp-peer'][0];
  assert.equal(summary['peer-address'][0].data, '203.0.113.2');
  assert.equal(summary['peer-state'][0].data, 'Established');

  const ospf = r['ospf-neighbor'].value['ge-0/0/1.0|' + bgp[0].peer_id] ?? Object.values(r['ospf-neighbor'].value)[0];
  assert.equal(ospf.neighbor_address, '203.0.113.2');
  assert.equal(ospf.ospf_neighbor_state, 'Full');
  assert.equal(ospf.ospf_area, '0.0.0.0');
  assert.equal(r['ospf-interface'].value['ge-0/0/1.0'].neighbor_count, '1');
  assert.match(r['ospf-text'].value, /203\.0\.113\.2\s+ge-0\/0\/1\.0\s+Full/);

  const isis = Object.values(r.isis.value) as any[];
  assert.deepEqual(isis, [{ level: '2', adjacency_state: 'Up', ip_address: '203.0.113.2' }]);

  const lacp = r.lacp.value.ae0;
  assert.ok(lacp, JSON.stringify(r.lacp.value));
  assert.ok(lacp.state['ge-0/0/0|Actor'] && lacp.state['ge-0/0/0|Partner'], JSON.stringify(lacp));
  assert.equal(lacp.proto['ge-0/0/0'].mx_state, 'Collecting distributing');

  const optics = r.optics.value;
  assert.ok(optics['ge-0/0/1'], JSON.stringify(Object.keys(optics)));
  assert.match(String(optics['ge-0/0/1'].rx_optic_power), /^-?\d+\.\d\d$/);
  assert.match(r['cli-arp'].value, /203\.0\.113\.2\s+ge-0\/0\/1\.0\s+none/);
});

test('PyEZ reads the VLANs of an ELS switch with napalm\'s L2NG table (QFX)', { skip }, async () => {
  const r = await run('qfx');
  const v = r.vlans.value;
  assert.equal(v.v10.vlan_id, '10');
  assert.deepEqual([v.v10.members].flat(), ['xe-0/0/1.0*']);
  assert.match(r['cli-vlans'].value, /default-switch\s+v10\s+10/);
});
