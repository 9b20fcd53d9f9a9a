/**
 * The RPCs NAPALM's junos driver and SRX/MPLS tooling call that earlier releases lacked:
 * get-instance-information, get-temperature-threshold-information,
 * get-bridge-instance-information (MX), LDP/BFD/MPLS LSP, SRX security zones, policies and
 * flow sessions, and `show system license` on every profile; switching RPCs answered on MX
 * (their family has them); and every cli-mapped RPC printing a Junos table, never a dump.
 * Real clients: ncclient sends the driver's RPCs over SSH.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { MODULES } from '../../../src/junos/rpcs/registry.js';
import { TestClient } from '../../support/netconf-client.js';
import { deviceOverSsh, pythonClients, runClient } from '../../support/python-clients.js';

const loadSet = (lines: string[]) => `<load-configuration action="set" format="text"><configuration-set>${lines.join('\n')}</configuration-set></load-configuration>`;

async function device(profile: string, lines: string[] = []) {
  const dev = await EmulatedDevice.create({ profile, hostname: `napalm-${profile}` });
  const c = new TestClient(dev.openNetconf({ user: 'lab' }));
  await c.open();
  if (lines.length) {
    assert.doesNotMatch(await c.rpc(loadSet(lines)), /rpc-error/);
    assert.match(await c.rpc('<commit-configuration/>'), /commit-success/);
  }
  return { dev, c };
}

const MX_LINES = [
  'set interfaces ge-0/0/1 unit 0 family inet address 10.1.0.1/30',
  'set interfaces ge-0/0/1 unit 0 family mpls',
  'set routing-options autonomous-system 65001',
  'set protocols bgp group ebgp peer-as 65002 neighbor 10.1.0.2 bfd-liveness-detection minimum-interval 300',
  'set protocols ldp interface ge-0/0/1.0',
  'set protocols mpls interface ge-0/0/1.0',
  'set protocols mpls label-switched-path to-pe2 to 10.1.0.2',
  'set routing-instances VRF-A instance-type vrf',
  'set routing-instances VRF-A route-distinguisher 65001:1',
  'set routing-instances VRF-A vrf-target target:65001:1',
  'set interfaces ge-0/0/2 encapsulation ethernet-bridge unit 0 family bridge',
  'set bridge-domains BD-10 vlan-id 10 interface ge-0/0/2.0',
];

test('mx: instances, thresholds, bridge domains, LDP, BFD, MPLS LSP, switching RPCs of the family', async () => {
  const { dev, c } = await device('mx', MX_LINES);
  try {
    const inst = await c.rpc('<get-instance-information><detail/></get-instance-information>');
    assert.match(inst, /<instance-name>master<\/instance-name>[\s\S]*<irib-name>inet\.0<\/irib-name>/);
    assert.match(inst, /<instance-name>VRF-A<\/instance-name>\s*<instance-type>vrf<\/instance-type>/);
    assert.match(await c.rpc('<get-temperature-threshold-information/>'), /<temperature-threshold>\s*<name>[^<]+<\/name>\s*<fan-normal-speed>\d+/);
    assert.match(await c.rpc('<get-bridge-instance-information/>'), /<l2rtb-bridging-domain>BD-10<\/l2rtb-bridging-domain>\s*<l2rtb-bridge-vlan>10<\/l2rtb-bridge-vlan>\s*<l2rtb-interface-name>ge-0\/0\/2\.0/);
    assert.match(await c.rpc('<get-ldp-neighbor-information/>'), /<ldp-neighbor-address>10\.1\.0\.2<\/ldp-neighbor-address>\s*<interface-name>ge-0\/0\/1\.0/);
    assert.match(await c.rpc('<get-bfd-session-information/>'), /<session-neighbor>10\.1\.0\.2<\/session-neighbor>\s*<session-state>Up<\/session-state>[\s\S]*<session-detection-time>0\.900/);
    assert.match(await c.rpc('<get-mpls-lsp-information/>'), /<destination-address>10\.1\.0\.2<\/destination-address>[\s\S]*<lsp-state>Up<\/lsp-state>[\s\S]*<name>to-pe2<\/name>/);
    // Switching RPCs of the MX family: VLANs answered (none), the switching table refused as
    // "not emulated" (PyEZ's BRIDGE_DOMAIN switch style relies on a router refusing it).
    assert.doesNotMatch(await c.rpc('<get-vlan-information/>'), /rpc-error/);
    assert.match(await c.rpc('<get-ethernet-switching-table-information/>'), /<error-tag>operation-not-supported<\/error-tag>/);
    // Text as the cli prints it: Junos tables.
    const text = async (cmd: string) => c.rpc(`<command format="text">${cmd}</command>`);
    assert.match(await text('show route instance'), /Instance {13}Type\n[\s\S]*master {15}forwarding/);
    assert.match(await text('show bfd session'), /Address {18}State {5}Interface[\s\S]*10\.1\.0\.2 +Up +ge-0\/0\/1\.0[\s\S]*1 sessions, 1 clients/);
    assert.match(await text('show ldp neighbor'), /Address +Interface +Label space ID +Hold time\n10\.1\.0\.2 +ge-0\/0\/1\.0/);
    assert.match(await text('show mpls lsp'), /Ingress LSP: 1 sessions\nTo +From +State[\s\S]*Total 1 displayed, Up 1, Down 0/);
    assert.match(await text('show bridge domain'), /default-switch +BD-10 +10 +ge-0\/0\/2\.0/);
    assert.match(await text('show chassis temperature-thresholds'), /Fan speed +Yellow alarm/);
    assert.match(await text('show ethernet-switching table'), /syntax error/, 'the cli lacks the command where no reply exists');
  } finally {
    await dev.close();
  }
});

test('srx and srx4100: security zones, policies, flow sessions', async () => {
  for (const profile of ['srx', 'srx4100']) {
    const { dev, c } = await device(profile, [
      'set security zones security-zone lab-in interfaces ge-0/0/5.0',
      'set security zones security-zone lab-out',
      'set security policies from-zone lab-in to-zone lab-out policy allow-web match source-address any destination-address any application junos-http',
      'set security policies from-zone lab-in to-zone lab-out policy allow-web then permit',
    ].map((l) => (profile === 'srx4100' ? l.replace('ge-0/0/5.0', 'xe-0/0/5.0') : l)));
    try {
      const zones = await c.rpc('<get-zones-information/>');
      assert.match(zones, /<zones-security-zonename>lab-in<\/zonename>|<zones-security-zonename>lab-in<\/zones-security-zonename>/, profile);
      assert.match(zones, /<zones-security-interface-name>(ge|xe)-0\/0\/5\.0<\/zones-security-interface-name>/);
      const pol = await c.rpc('<get-firewall-policies/>');
      assert.match(pol, /<source-zone-name>lab-in<\/source-zone-name>\s*<destination-zone-name>lab-out<\/destination-zone-name>[\s\S]*<policy-name>allow-web<\/policy-name>[\s\S]*<application-name>junos-http<\/application-name>[\s\S]*<action-type>permit<\/action-type>/);
      assert.match(await c.rpc('<get-flow-session-information><summary/></get-flow-session-information>'), /<max-sessions>\d+<\/max-sessions>/);
      const text = async (cmd: string) => c.rpc(`<command format="text">${cmd}</command>`);
      assert.match(await text('show security zones'), /Security zone: lab-in\n[\s\S]*Interfaces bound: 1/);
      assert.match(await text('show security policies'), /From zone: lab-in, To zone: lab-out\n {2}Policy: allow-web, State: enabled/);
      assert.match(await text('show security flow session summary'), /Maximum-sessions: \d+/);
      if (profile === 'srx') assert.match(await text('show ethernet-switching table'), /MAC flags \(S - static MAC[\s\S]*Ethernet switching table : 0 entries, 0 learned\nRouting instance : default-switch/);
    } finally {
      await dev.close();
    }
  }
});

test('every profile: show system license; SRX-only RPCs are syntax errors elsewhere', async () => {
  for (const profile of ['mx', 'ex', 'srx', 'qfx', 'mx10003', 'ex9208', 'srx4100']) {
    const { dev, c } = await device(profile);
    try {
      assert.match(await c.rpc('<get-license-summary-information/>'), /<license-usage-summary[\s\S]*<feature-summary>/, profile);
      assert.match(await c.rpc('<command format="text">show system license</command>'), /License usage:/, profile);
      if (!profile.startsWith('srx')) assert.match(await c.rpc('<get-zones-information/>'), /syntax error/, profile);
      if (profile === 'ex' || profile === 'qfx') {
        assert.match(await c.rpc('<command format="text">show virtual-chassis</command>'), /Virtual Chassis ID: \S+\nVirtual Chassis Mode: Enabled\n[\s\S]*Member ID {2}Status {3}Serial No[\s\S]*\n0 \(FPC 0\) +Prsnt +\S+ +(ex4300-48t|qfx5110-48s-4c) +128 +Master\*/, profile);
      }
    } finally {
      await dev.close();
    }
  }
});

test('every cli-mapped RPC has its own Junos text rendering (no generic dump)', () => {
  const generic = MODULES.filter((m) => (m.cli?.length ?? 0) > 0 && !m.text && !m.command).map((m) => m.name);
  assert.deepEqual(generic, []);
});

test('ncclient sends the NAPALM driver RPCs over SSH and gets their replies', async (t) => {
  const why = await pythonClients();
  if (why) return t.skip(why);
  const d = await deviceOverSsh('mx');
  const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-napalm-rpcs-'));
  try {
    const file = path.join(dir, 'rpcs.json');
    const rpcs = ['<get-instance-information><detail/></get-instance-information>', '<get-temperature-threshold-information/>', '<get-bridge-instance-information/>', '<get-license-summary-information/>', '<get-vlan-information/>'];
    writeFileSync(file, JSON.stringify(rpcs));
    const replies = await runClient<string[]>('raw_rpcs.py', [...d.args, file]);
    assert.equal(replies.length, rpcs.length);
    for (const [i, r] of replies.entries()) assert.doesNotMatch(r, /rpc-error/, rpcs[i]);
    assert.match(replies[0], /instance-name>master</);
    assert.match(replies[1], /temperature-threshold/);
  } finally {
    await d.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
