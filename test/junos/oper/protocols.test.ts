/**
 * The protocol RPCs read the operational model: before a commit there is no BGP peer,
 * OSPF neighbour or LACP bundle; after it they appear, in XML, text and JSON alike
 * (in-process NETCONF sessions with the real datastore). Parameters the real RPC lacks
 * are Junos's syntax error; switching RPCs exist only where the profile switches.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { child, elements } from '../../../src/netconf/xml.js';
import { TestClient } from '../../support/netconf-client.js';
import { bodyText, kids, top, txt } from '../../support/reply.js';

const MX = [
  'set interfaces ge-0/0/1 unit 0 family inet address 203.0.113.1/30',
  'set interfaces ge-0/0/1 unit 0 family inet6 address 2001:db8:1::1/64',
  'set interfaces ge-0/0/1 unit 0 family iso',
  'set routing-options autonomous-system 65000',
  'set protocols bgp group ext type external',
  'set protocols bgp group ext peer-as 65001',
  'set protocols bgp group ext neighbor 203.0.113.2',
  'set protocols bgp group far type external',
  'set protocols bgp group far neighbor 192.168.99.1 peer-as 65009',
  'set protocols ospf area 0.0.0.1 interface ge-0/0/1.0',
  'set protocols ospf3 area 0.0.0.0 interface ge-0/0/1.0',
  'set protocols isis interface ge-0/0/1.0',
  'set protocols lldp interface ge-0/0/1',
  'set interfaces ge-0/0/0 gigether-options ieee-802.3ad bundle ae0',
  'set interfaces ae0 aggregated-ether-options lacp active',
].join('\n');


async function open(profile: string) {
  const dev = await EmulatedDevice.create({ profile, hostname: `${profile}-3` });
  const c = new TestClient(dev.openNetconf({ user: 'nms' }));
  await c.open();
  const commit = async (set: string) => {
    const load = await c.rpc(`<load-configuration action="set" format="text"><configuration-set>${set}</configuration-set></load-configuration>`);
    assert.doesNotMatch(load, /<error-severity>error/, load);
    assert.doesNotMatch(await c.rpc('<commit-configuration/>'), /<error-severity>error/);
  };
  return { c, commit };
}

test('BGP, OSPF, IS-IS, LLDP, LACP, ARP and ND follow the committed configuration in every format', async () => {
  const { c, commit } = await open('mx');
  assert.equal(kids(top(await c.rpc('<get-bgp-summary-information/>')), 'bgp-peer').length, 0);
  assert.equal(elements(top(await c.rpc('<get-ospf-neighbor-information/>'))).length, 0);
  assert.ok(!kids(top(await c.rpc('<get-arp-table-information/>')), 'arp-table-entry').some((e) => txt(e, 'ip-address') === '203.0.113.2'));

  await commit(MX);

  const bgp = top(await c.rpc('<get-bgp-summary-information/>'));
  assert.equal(txt(bgp, 'peer-count'), '2');
  assert.equal(txt(bgp, 'down-peer-count'), '1', 'a peer on no configured subnet stays Active');
  const peer = kids(bgp, 'bgp-peer').find((p) => txt(p, 'peer-address') === '203.0.113.2')!;
  assert.equal(txt(peer, 'peer-state'), 'Established');
  assert.equal(txt(child(peer, 'bgp-rib'), 'received-prefix-count'), '3');
  const bgpText = bodyText(await c.rpc('<command format="text">show bgp summary</command>'));
  assert.match(bgpText, /Groups: 2 Peers: 2 Down peers: 1/);
  assert.match(bgpText, /203\.0\.113\.2\s+65001\s+\d+\s+\d+\s+0\s+0\s+\S+ Establ\n  inet\.0: 3\/3\/3\/0/);
  assert.match(bgpText, /192\.168\.99\.1\s+65009 .* Active/);
  const bgpJson = JSON.parse(bodyText(await c.rpc('<get-bgp-summary-information format="json"/>')));
  assert.equal(bgpJson['bgp-information'][0]['peer-count'][0].data, '2');
  const nbr = top(await c.rpc('<get-bgp-neighbor-information><neighbor-address>203.0.113.2</neighbor-address></get-bgp-neighbor-information>'));
  assert.equal(kids(nbr, 'bgp-peer').length, 1);
  assert.equal(txt(kids(nbr, 'bgp-peer')[0], 'local-as'), '65000');
  assert.match(bodyText(await c.rpc('<command format="text">show bgp neighbor 203.0.113.2</command>')), /Peer: 203\.0\.113\.2\+179 AS 65001 +Local: 203\.0\.113\.1\+\d+ AS 65000/);

  const ospf = kids(top(await c.rpc('<get-ospf-neighbor-information><extensive/></get-ospf-neighbor-information>')), 'ospf-neighbor');
  assert.equal(ospf.length, 1);
  assert.equal(txt(ospf[0], 'neighbor-address'), '203.0.113.2');
  assert.equal(txt(ospf[0], 'ospf-area'), '0.0.0.1');
  assert.match(bodyText(await c.rpc('<command format="text">show ospf neighbor</command>')), /^203\.0\.113\.2 +ge-0\/0\/1\.0 +Full +10\.255\.\d+\.\d+ +128 +\d+$/m);
  assert.match(bodyText(await c.rpc('<command format="text">show ospf interface</command>')), /^ge-0\/0\/1\.0 +(DR|BDR) +0\.0\.0\.1 .* 1$/m);
  const o3 = kids(top(await c.rpc('<get-ospf3-neighbor-information/>')), 'ospf3-neighbor');
  assert.match(txt(o3[0], 'neighbor-address') ?? '', /^fe80::/);
  assert.equal(txt(kids(top(await c.rpc('<get-ospf3-interface-information/>')), 'ospf3-interface')[0], 'neighbor-count'), '1');

  const isis = kids(top(await c.rpc('<get-isis-adjacency-information/>')), 'isis-adjacency');
  assert.deepEqual(isis.map((a) => [txt(a, 'interface-name'), txt(a, 'adjacency-state')]), [['ge-0/0/1.0', 'Up']]);
  assert.match(bodyText(await c.rpc('<command format="text">show isis interface</command>')), /ge-0\/0\/1\.0 +2 +0x1 Disabled +Point to Point +10\/10/);

  const lldp = kids(top(await c.rpc('<get-lldp-neighbors-information/>')), 'lldp-neighbor-information');
  assert.deepEqual(lldp.map((e) => txt(e, 'lldp-local-port-id')), ['ge-0/0/1'], 'only the port LLDP is configured on');
  const detail = top(await c.rpc('<get-lldp-interface-neighbors><interface-device>ge-0/0/1</interface-device></get-lldp-interface-neighbors>'));
  assert.equal(txt(kids(detail, 'lldp-neighbor-information')[0], 'lldp-remote-system-name'), txt(lldp[0], 'lldp-remote-system-name'));
  assert.match(bodyText(await c.rpc('<command format="text">show lldp neighbors interface ge-0/0/1</command>')), /Local Interface {4}: ge-0\/0\/1[\s\S]*System name {8}: peer-\d+/);

  const arp = kids(top(await c.rpc('<get-arp-table-information><no-resolve/></get-arp-table-information>')), 'arp-table-entry');
  const entry = arp.find((e) => txt(e, 'ip-address') === '203.0.113.2')!;
  assert.equal(txt(entry, 'interface-name'), 'ge-0/0/1.0');
  const arpText = bodyText(await c.rpc('<command format="text">show arp interface ge-0/0/1.0</command>'));
  assert.match(arpText, new RegExp(`^${txt(entry, 'mac-address')} 203\\.0\\.113\\.2 +203\\.0\\.113\\.2 +ge-0/0/1\\.0 +none$`, 'm'));
  assert.match(arpText, /Total entries: 1$/);
  const nd = JSON.parse(bodyText(await c.rpc('<command format="json">show ipv6 neighbors</command>')));
  assert.equal(nd['ipv6-nd-information'][0]['ipv6-nd-entry'][0]['ipv6-nd-neighbor-address'][0].data, '2001:db8:1::2');

  const lacp = top(await c.rpc('<get-lacp-interface-information><interface-name>ae0</interface-name></get-lacp-interface-information>'));
  const states = kids(kids(lacp, 'lacp-interface-information')[0], 'lag-lacp-state');
  assert.deepEqual(states.map((s) => `${txt(s, 'name')}/${txt(s, 'lacp-role')}/${txt(s, 'lacp-distributing')}`), ['ge-0/0/0/Actor/Yes', 'ge-0/0/0/Partner/Yes']);
  assert.match(bodyText(await c.rpc('<command format="text">show lacp interfaces</command>')), /Aggregated interface: ae0[\s\S]*ge-0\/0\/0 +Actor +No +No +Yes/);
});

test('protocol RPC parameters: real ones work, others are the Junos syntax error; switching RPCs of the MX family answer empty', async () => {
  const { c } = await open('mx');
  assert.match(await c.rpc('<get-lldp-neighbors-information><interface-name>ge-0/0/1</interface-name></get-lldp-neighbors-information>'), /syntax error[\s\S]*<bad-element>interface-name<\/bad-element>/);
  assert.match(await c.rpc('<get-bgp-summary-information><neighbor-address>1.2.3.4</neighbor-address></get-bgp-summary-information>'), /<bad-element>neighbor-address<\/bad-element>/);
  // Real MX answers these (its family has them): no VLANs, no switching interfaces here.
  assert.match(await c.rpc('<get-vlan-information/>'), /<l2ng-l2ald-vlan-instance-information[^>]*>\s*<\/l2ng-l2ald-vlan-instance-information>/);
  assert.doesNotMatch(await c.rpc('<command>show ethernet-switching interface</command>'), /rpc-error/);
  const optics = top(await c.rpc('<get-interface-optics-diagnostics-information><interface-name>ge-0/0/[01]</interface-name></get-interface-optics-diagnostics-information>'));
  assert.deepEqual(kids(optics, 'physical-interface').map((p) => txt(p, 'name')), ['ge-0/0/0', 'ge-0/0/1']);
  assert.match(await c.rpc('<get-interface-optics-diagnostics-information><interface-name>xe-9/9/9</interface-name></get-interface-optics-diagnostics-information>'), /device xe-9\/9\/9 not found/);
});

test('VLANs and ethernet-switching interfaces of an ELS switch follow the committed configuration', async () => {
  const { c, commit } = await open('qfx');
  assert.ok(!kids(top(await c.rpc('<get-vlan-information/>')), 'l2ng-l2ald-vlan-instance-group').some((g) => txt(g, 'l2ng-l2rtb-vlan-name') === 'v10'));
  await commit(['set vlans v10 vlan-id 10', 'set interfaces xe-0/0/1 unit 0 family ethernet-switching interface-mode trunk', 'set interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members [ v10 1 ]'].join('\n'));
  const groups = kids(top(await c.rpc('<get-vlan-information/>')), 'l2ng-l2ald-vlan-instance-group');
  const v10 = groups.find((g) => txt(g, 'l2ng-l2rtb-vlan-name') === 'v10')!;
  assert.equal(txt(v10, 'l2ng-l2rtb-vlan-tag'), '10');
  assert.deepEqual(kids(v10, 'l2ng-l2rtb-vlan-member').map((m) => txt(m, 'l2ng-l2rtb-vlan-member-interface')), ['xe-0/0/1.0*']);
  const def = groups.find((g) => txt(g, 'l2ng-l2rtb-vlan-name') === 'default')!;
  assert.deepEqual(kids(def, 'l2ng-l2rtb-vlan-member').map((m) => txt(m, 'l2ng-l2rtb-vlan-member-interface')).sort(), ['xe-0/0/0.0*', 'xe-0/0/1.0*'], 'a member by VLAN id');
  assert.match(bodyText(await c.rpc('<command format="text">show vlans v10</command>')), /default-switch +v10 +10\n +xe-0\/0\/1\.0\*/);
  const sw = bodyText(await c.rpc('<command format="text">show ethernet-switching interface xe-0/0/1</command>'));
  assert.match(sw, /^xe-0\/0\/1\.0 .* tagged$/m);
  assert.match(sw, /^ +v10 +10 +65536 +0 +Forwarding +tagged$/m);
  const json = JSON.parse(bodyText(await c.rpc('<get-ethernet-switching-interface-details format="json"/>')));
  assert.ok(json['l2ng-l2ald-iff-interface-information'][0]['l2ng-l2ald-iff-interface-entry'].length >= 2);
});

test('get-interface-information snmp-index selects the interface with that SNMP ifIndex', async () => {
  const { c, commit } = await open('mx');
  await commit('set interfaces ge-0/0/1 unit 0 family inet address 203.0.113.1/30');
  const all = top(await c.rpc('<get-interface-information><interface-name>ge-0/0/1</interface-name></get-interface-information>'));
  const ifd = kids(all, 'physical-interface')[0];
  const ifl = kids(ifd, 'logical-interface')[0];
  const byIfd = top(await c.rpc(`<get-interface-information><snmp-index>${txt(ifd, 'snmp-index')}</snmp-index></get-interface-information>`));
  assert.deepEqual(kids(byIfd, 'physical-interface').map((p) => txt(p, 'name')), ['ge-0/0/1']);
  const byIfl = top(await c.rpc(`<get-interface-information><terse/><snmp-index>${txt(ifl, 'snmp-index')}</snmp-index></get-interface-information>`));
  assert.deepEqual(kids(byIfl, 'physical-interface').flatMap((p) => kids(p, 'logical-interface').map((l) => txt(l, 'name'))), ['ge-0/0/1.0']);
  assert.match(bodyText(await c.rpc(`<command format="text">show interfaces snmp-index ${txt(ifd, 'snmp-index')}</command>`)), /^Physical interface: ge-0\/0\/1, Enabled/m);
});
