import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { listShippedProfiles, loadProfile } from '../../../src/junos/identity/profile.js';
import { child, elements, parseXml, textOf } from '../../../src/netconf/xml.js';
import { stubDatastore, TestClient } from '../../support/netconf-client.js';
import { top, txt } from '../../support/reply.js';

const PROFILES = ['mx', 'ex', 'srx'];

async function open(profile: string, hostname = `lab-${profile}`) {
  const dev = await EmulatedDevice.create({ profile, hostname, datastoreFactory: stubDatastore });
  const c = new TestClient(dev.openNetconf({ user: 'nms' }));
  await c.open();
  return { dev, c };
}


test('shipped profiles load and advertise no base:1.1', () => {
  for (const p of PROFILES) assert.ok(listShippedProfiles().includes(p));
  for (const p of PROFILES) assert.ok(!loadProfile(p).capabilities.includes('urn:ietf:params:netconf:base:1.1'));
});

for (const profile of PROFILES) {
  test(`${profile}: identity RPCs carry the device's own host name and serial`, async () => {
    const { dev, c } = await open(profile);
    const sw = top(await c.rpc('<get-software-information/>'));
    assert.equal(sw.name, 'software-information');
    assert.equal(txt(sw, 'host-name'), `lab-${profile}`);
    assert.equal(txt(sw, 'product-model'), dev.profile.model);

    const si = top(await c.rpc('<get-system-information/>'));
    assert.equal(si.name, 'system-information');
    assert.equal(txt(si, 'serial-number'), dev.serialNumber);
    assert.equal(txt(si, 'host-name'), `lab-${profile}`);

    const inv = top(await c.rpc('<get-chassis-inventory/>'));
    assert.equal(inv.name, 'chassis-inventory');
    assert.equal(inv.attrs.xmlns, 'http://xml.juniper.net/junos/21.4R0/junos-chassis');
    assert.equal(child(inv, 'chassis')!.attrs['junos:style'], 'inventory');
    assert.equal(txt(inv, 'chassis', 'serial-number'), dev.serialNumber);
    assert.ok(!(await c.rpc('<get-chassis-inventory/>')).includes('{{'));

    const re = top(await c.rpc('<get-route-engine-information/>'));
    assert.equal(re.name, 'route-engine-information');
    const engines = elements(re).filter((e) => e.name === 'route-engine');
    assert.equal(engines.length, dev.profile.routingEngines.length);
    assert.equal(txt(engines[0], 'mastership-state'), 'master');
    assert.match(child(engines[0], 'up-time')!.attrs['junos:seconds'], /^\d+$/);

    const up = top(await c.rpc('<get-system-uptime-information/>'));
    assert.equal(up.name, 'system-uptime-information');
    assert.equal(child(child(up, 'system-booted-time')!, 'date-time')!.attrs['junos:seconds'], String(Math.floor(dev.bootTime / 1000)));

    // Variants PyEZ sends when `show version invoke-on` fails.
    for (const v of ['<all-servers/>', '<local/>', '<detail/>']) {
      const r = parseXml(await c.rpc(`<get-software-information>${v}</get-software-information>`));
      assert.ok(/(software-information|multi-routing-engine-results)/.test(elements(r)[0].name));
    }
    await dev.close();
  });

  test(`${profile}: interfaces (terse, private instance, by name), files, shell`, async () => {
    const { dev, c } = await open(profile);
    const all = top(await c.rpc('<get-interface-information><terse/></get-interface-information>'));
    assert.equal(all.name, 'interface-information');
    assert.equal(all.attrs['junos:style'], 'terse');
    assert.ok(elements(all).length > 5);
    const priv = await c.rpc('<get-interface-information><routing-instance>__juniper_private1__</routing-instance><terse/></get-interface-information>');
    assert.match(priv, /<ifa-local junos:emit="emit">128\.0\.0\.\d+(\/2)?<\/ifa-local>/);
    assert.ok(!priv.includes('ge-0/0/0'));
    const one = top(await c.rpc('<get-interface-information><terse/><interface-name>ge-0/0/0</interface-name></get-interface-information>'));
    assert.deepEqual(elements(one).map((e) => txt(e, 'name')), ['ge-0/0/0']);

    const hosts = top(await c.rpc('<file-show><filename>/etc/hosts.junos</filename></file-show>'));
    assert.equal(hosts.name, 'file-content');
    assert.match(textOf(hosts), /128\.0\.0\.4\s+re0/);
    const cevo = await c.rpc('<file-show><filename>/usr/share/cevo/cevo_version</filename></file-show>');
    assert.match(cevo, /<rpc-error>/);
    const home = top(await c.rpc('<file-list><path>~</path></file-list>'));
    assert.equal(home.name, 'directory-list');
    assert.equal(home.attrs['root-path'], '/var/home/nms/');
    const sh = await c.rpc('<request-shell-execute><command>sysctl -n hw.re.vmhost_mode</command></request-shell-execute>');
    assert.match(sh, /<output>\n0\n<\/output>/);
    await dev.close();
  });
}

test('cluster, virtual chassis and switching answers depend on the platform', async () => {
  const mx = await open('mx');
  const mxCluster = parseXml(await mx.c.rpc('<get-chassis-cluster-status><redundancy-group>0</redundancy-group></get-chassis-cluster-status>'));
  assert.equal(txt(child(mxCluster, 'rpc-error'), 'error-message'), 'syntax error');
  assert.match(await mx.c.rpc('<get-virtual-chassis-information/>'), /<rpc-error>/);
  // The MX family has the RPC but a router refuses it (PyEZ then finds BRIDGE_DOMAIN): not emulated, not a syntax error.
  assert.match(await mx.c.rpc('<get-ethernet-switching-table-information><summary/></get-ethernet-switching-table-information>'), /<error-tag>operation-not-supported<\/error-tag>/);

  // MX: bridge domains (PyEZ switch_style BRIDGE_DOMAIN asks the CLI command, no format = XML).
  const bd = top(await mx.c.rpc('<command>show bridge mac-table count</command>'));
  assert.equal(bd.name, 'l2ald-rtb-mac-count');
  assert.equal(top(await mx.c.rpc('<get-bridge-mac-table><count/></get-bridge-mac-table>')).name, 'l2ald-rtb-mac-count');
  assert.equal(top(await mx.c.rpc('<get-bridge-mac-table/>')).name, 'l2ald-rtb-macdb');
  await mx.dev.close();

  // A standalone SRX: the cluster daemon's xnm:error inside a normal reply (PyEZ srx_cluster False).
  const srx = await open('srx');
  const clusterReply = await srx.c.rpc('<get-chassis-cluster-status/>');
  assert.ok(!clusterReply.includes('<rpc-error>'), clusterReply);
  assert.match(
    clusterReply,
    /<xnm:error xmlns="http:\/\/xml\.juniper\.net\/xnm\/1\.1\/xnm" xmlns:xnm="http:\/\/xml\.juniper\.net\/xnm\/1\.1\/xnm">\n<parse\/>\n<source-daemon>jsrpd<\/source-daemon>\n<message>error: Chassis cluster is not enabled<\/message>\n<\/xnm:error>/,
  );
  assert.match(await srx.c.rpc('<command format="text">show chassis cluster status</command>'), /<output>\nerror: Chassis cluster is not enabled\n<\/output>/);
  // SRX branch switching is ELS (VLAN_L2NG); it has no bridge domains.
  assert.equal(top(await srx.c.rpc('<get-ethernet-switching-table-information><summary/></get-ethernet-switching-table-information>')).name, 'l2ng-l2ald-rtb-macdb');
  const srxBridge = parseXml(await srx.c.rpc('<command>show bridge mac-table count</command>'));
  assert.equal(txt(child(child(srxBridge, 'rpc-error')!, 'error-info'), 'bad-element'), 'bridge');
  await srx.dev.close();

  const ex = await open('ex');
  const vc = top(await ex.c.rpc('<get-virtual-chassis-information/>'));
  assert.equal(vc.name, 'virtual-chassis-information');
  assert.equal(txt(vc, 'member-list', 'member', 'member-serial-number'), ex.dev.serialNumber);
  const sw = top(await ex.c.rpc('<get-ethernet-switching-table-information><summary/></get-ethernet-switching-table-information>'));
  assert.equal(sw.name, 'l2ng-l2ald-rtb-macdb');
  // An ELS switch has no `show bridge`: the syntax error names the word (PyEZ never gets there).
  const exBridge = parseXml(await ex.c.rpc('<command>show bridge mac-table count</command>'));
  assert.equal(txt(child(child(exBridge, 'rpc-error')!, 'error-info'), 'bad-element'), 'bridge');
  await ex.dev.close();
});

test('serial numbers: deterministic per host name, different across host names, overridable', async () => {
  const a = await EmulatedDevice.create({ profile: 'mx', hostname: 'r1', datastoreFactory: stubDatastore });
  const b = await EmulatedDevice.create({ profile: 'mx', hostname: 'r1', datastoreFactory: stubDatastore });
  const c = await EmulatedDevice.create({ profile: 'mx', hostname: 'r2', datastoreFactory: stubDatastore });
  const d = await EmulatedDevice.create({ profile: 'mx', hostname: 'r2', serialNumber: 'JN0000TEST', datastoreFactory: stubDatastore });
  assert.equal(a.serialNumber, b.serialNumber);
  assert.notEqual(a.serialNumber, c.serialNumber);
  assert.match(a.serialNumber, /^JN1\d{3}[A-Z]{2}\dAFA$/);
  assert.equal(d.serialNumber, 'JN0000TEST');
  const e = await EmulatedDevice.create({ profile: 'srx', datastoreFactory: stubDatastore });
  assert.match(e.hostname, /^srx345-\d+$/);
  for (const x of [a, b, c, d, e]) await x.close();
});

test('uptime follows the device clock', async () => {
  let now = Date.UTC(2024, 0, 1, 0, 0, 0);
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'clock', now: () => now, datastoreFactory: stubDatastore });
  const c = new TestClient(dev.openNetconf());
  await c.open();
  now += 3 * 86400_000 + 3600_000 + 5000;
  const re = top(await c.rpc('<get-route-engine-information/>'));
  assert.equal(txt(elements(re)[0], 'up-time'), '3 days, 1 hour, 0 minutes, 5 seconds');
  assert.equal(txt(elements(re)[0], 'start-time'), '2024-01-01 00:00:00 UTC');
  await dev.close();
});

test('interfaces without terse: the normal form, by physical name and by unit name', async () => {
  const { dev, c } = await open('mx');
  const info = top(await c.rpc('<get-interface-information><interface-name>ge-0/0/0</interface-name></get-interface-information>'));
  assert.equal(info.attrs['junos:style'], 'normal');
  const ifd = child(info, 'physical-interface')!;
  assert.equal(txt(ifd, 'name'), 'ge-0/0/0');
  assert.equal(child(ifd, 'admin-status')!.attrs['junos:format'], 'Enabled');
  assert.equal(txt(ifd, 'oper-status'), 'up');
  assert.match(txt(ifd, 'snmp-index')!, /^\d+$/);
  assert.equal(txt(ifd, 'link-level-type'), 'Ethernet');
  assert.match(txt(ifd, 'current-physical-address')!, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  assert.ok(child(child(ifd, 'if-device-flags')!, 'ifdf-present'));
  assert.ok(child(ifd, 'traffic-statistics'));
  const ifl = child(ifd, 'logical-interface')!;
  assert.equal(txt(ifl, 'name'), 'ge-0/0/0.0');
  assert.equal(txt(ifl, 'encapsulation'), 'ENET2');
  assert.ok(child(child(ifl, 'if-config-flags')!, 'iff-up'));
  const addr = child(child(ifl, 'address-family')!, 'interface-address')!;
  assert.equal(txt(addr, 'ifa-destination'), '192.0.2/24');
  assert.equal(txt(addr, 'ifa-local'), '192.0.2.1');
  assert.equal(txt(addr, 'ifa-broadcast'), '192.0.2.255');
  assert.notEqual(txt(ifl, 'snmp-index'), txt(ifd, 'snmp-index'));

  // A unit by name answers the logical interface alone, as in the sample of a real device.
  const unit = top(await c.rpc('<get-interface-information><interface-name>ge-0/0/0.0</interface-name></get-interface-information>'));
  assert.deepEqual(elements(unit).map((e) => e.name), ['logical-interface']);
  // The terse form is unchanged.
  assert.equal(top(await c.rpc('<get-interface-information><terse/></get-interface-information>')).attrs['junos:style'], 'terse');
  const text = await c.rpc('<command format="text">show interfaces ge-0/0/2</command>');
  assert.match(text, /Physical interface: ge-0\/0\/2, Enabled, Physical link is Down\n/);
  await dev.close();
});

test('/etc/resolv.conf exists and follows the configuration', async () => {
  const { dev, c } = await open('srx');
  for (const p of ['/etc/resolv.conf', '/var/etc/resolv.conf']) {
    const f = top(await c.rpc(`<file-show><filename>${p}</filename></file-show>`));
    assert.equal(f.name, 'file-content');
    assert.equal(f.attrs.filename, p);
    // The stub datastore's configuration has domain-name example.net.
    assert.match(textOf(f), /^domain example\.net$/m);
  }
  await dev.close();
});
