/**
 * Routing edits as Junos takes them from XML clients (Ansible's routing resource modules send
 * each of these): the flat form of a container with a bare value
 * (`<autonomous-system>65010<asdot-notation/></autonomous-system>`), an empty container
 * without YANG presence (`<routing-instances/>`) that adds nothing, prefixes stored the way
 * Junos stores them (`172.16.1.32` → `172.16.1.32/32`, `10/8` → `10.0.0.0/8`), and the commit
 * checks that read them (an internal BGP group sees the AS; a VRF's vrf-import must name a
 * defined policy).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { canonicalPrefix } from '../../../src/schema/junos-types.js';
import { TestClient } from '../../support/netconf-client.js';

const load = (xml: string) => `<load-configuration action="merge" format="xml"><configuration>${xml}</configuration></load-configuration>`;

async function withDevice(fn: (c: TestClient) => Promise<void>): Promise<void> {
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'routing-edits' });
  try {
    const c = new TestClient(dev.openNetconf({ user: 'lab' }));
    await c.open();
    await fn(c);
  } finally {
    await dev.close();
  }
}

test('canonicalPrefix: host length for a bare address, missing octets of a short IPv4 prefix; other types untouched', () => {
  assert.equal(canonicalPrefix('ipprefix-only', '172.16.1.32'), '172.16.1.32/32');
  assert.equal(canonicalPrefix('ipprefix', '2001:db8::1'), '2001:db8::1/128');
  assert.equal(canonicalPrefix('ipv4prefix', '10/8'), '10.0.0.0/8');
  assert.equal(canonicalPrefix('ipv4prefix', '172.16/12'), '172.16.0.0/12');
  assert.equal(canonicalPrefix('ipprefix', '10.1.0.0/16'), '10.1.0.0/16');
  assert.equal(canonicalPrefix('ipv4addr', '10.1.1.1'), '10.1.1.1');
  assert.equal(canonicalPrefix(undefined, '10.1.1.1'), '10.1.1.1');
  assert.equal(canonicalPrefix('ipprefix', 'not-a-prefix'), 'not-a-prefix');
});

test('the flat form <autonomous-system>65010<asdot-notation/></autonomous-system> keeps the number; an internal group commits with it', async () => {
  await withDevice(async (c) => {
    assert.match(await c.rpc(load('<routing-options><autonomous-system>65010<loops>3</loops><asdot-notation/></autonomous-system></routing-options>')), /<ok\/>/);
    const xml = await c.rpc('<get-configuration database="candidate"><configuration><routing-options/></configuration></get-configuration>');
    assert.match(xml, /<autonomous-system>\s*<as-number>65010<\/as-number>\s*<loops>3<\/loops>\s*<asdot-notation\/>\s*<\/autonomous-system>/);
    // A later edit of the number alone replaces it and keeps the rest, as a merge does.
    assert.match(await c.rpc(load('<routing-options><autonomous-system>65011</autonomous-system></routing-options>')), /<ok\/>/);
    assert.match(
      await c.rpc('<get-configuration database="candidate"><configuration><routing-options/></configuration></get-configuration>'),
      /<as-number>65011<\/as-number>\s*<loops>3<\/loops>\s*<asdot-notation\/>/,
    );
    assert.match(await c.rpc(load('<protocols><bgp><group><name>ibgp</name><type>internal</type><local-address>10.255.0.1</local-address><neighbor><name>10.255.0.2</name></neighbor></group></bgp></protocols>')), /<ok\/>/);
    assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/);
  });
});

test('an empty container without presence adds nothing; an empty presence container stays', async () => {
  await withDevice(async (c) => {
    assert.match(await c.rpc(load('<routing-instances/><routing-options><static/></routing-options><system><services><telnet/></services></system>')), /<ok\/>/);
    const diff = await c.rpc('<get-configuration database="candidate" format="text" compare="rollback" rollback="0"/>');
    assert.doesNotMatch(diff, /routing-instances|routing-options|static/, diff);
    assert.match(diff, /\+\s+telnet;/, 'system services telnet is a presence container: `telnet;` stays');
    // A protocol named alone turns it on, though its YANG container has no presence.
    assert.match(await c.rpc(load('<protocols><rstp/><ospf/></protocols>')), /<ok\/>/);
    const on = await c.rpc('<get-configuration database="candidate" format="text"><configuration><protocols/></configuration></get-configuration>');
    assert.match(on, /ospf;/, on);
    assert.match(on, /rstp;/, on);
    assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/);
    const ri = await c.rpc('<get-configuration format="text"><configuration><routing-instances/></configuration></get-configuration>');
    assert.doesNotMatch(ri, /routing-instances/, ri);
    // A delete of the empty container is still read (and finds nothing to delete).
    assert.doesNotMatch(await c.rpc(load('<routing-instances delete="delete"/>')), /<rpc-error>[\s\S]*<error-severity>error/);
  });
});

test('prefixes are stored as Junos stores them: host length added, short prefixes written out; deletes match either form', async () => {
  await withDevice(async (c) => {
    assert.match(
      await c.rpc(load(
        '<policy-options><prefix-list><name>Internal</name><prefix-list-item><name>172.16.1.32</name></prefix-list-item><prefix-list-item><name>2001:db8::1</name></prefix-list-item></prefix-list></policy-options>' +
          '<routing-options><static><route><name>10/8</name><next-hop>192.0.2.1</next-hop></route><route><name>203.0.113.9</name><next-hop>192.0.2.1</next-hop></route></static></routing-options>',
      )),
      /<ok\/>/,
    );
    const text = await c.rpc('<get-configuration database="candidate" format="text"/>');
    assert.match(text, /prefix-list Internal \{\s*172\.16\.1\.32\/32;\s*2001:db8::1\/128;\s*\}/);
    assert.match(text, /route 10\.0\.0\.0\/8 next-hop 192\.0\.2\.1;/);
    assert.match(text, /route 203\.0\.113\.9\/32 next-hop 192\.0\.2\.1;/);
    assert.match(await c.rpc(load('<routing-options><static><route delete="delete"><name>203.0.113.9</name></route></static></routing-options>')), /<ok\/>/);
    assert.doesNotMatch(await c.rpc('<get-configuration database="candidate" format="text"/>'), /203\.0\.113\.9/);
    // A length past the family's still refused; host bits in a prefix-only value too.
    assert.match(await c.rpc(load('<policy-options><prefix-list><name>Bad</name><prefix-list-item><name>172.16.1.32/33</name></prefix-list-item></prefix-list></policy-options>')), /invalid prefix length/);
    assert.match(await c.rpc(load('<policy-options><prefix-list><name>Bad</name><prefix-list-item><name>172.16.1.32/24</name></prefix-list-item></prefix-list></policy-options>')), /host bits set/);
  });
});

test('a VRF naming a policy that is not defined does not commit; defined, it does', async () => {
  await withDevice(async (c) => {
    const vrf = '<routing-instances><instance><name>v1</name><instance-type>vrf</instance-type><route-distinguisher><rd-type>10.255.0.1:1</rd-type></route-distinguisher><vrf-import>imp</vrf-import><vrf-export>exp</vrf-export></instance></routing-instances>';
    assert.match(await c.rpc(load(vrf)), /<ok\/>/);
    const refused = await c.rpc('<commit-configuration/>');
    assert.match(refused, /Policy error: Policy imp referenced but not defined/);
    assert.match(refused, /Policy error: Policy exp referenced but not defined/);
    const policy = (n: string) => `<policy-statement><name>${n}</name><term><name>t1</name><then><reject/></then></term></policy-statement>`;
    assert.match(await c.rpc(load(`<policy-options>${policy('imp')}${policy('exp')}</policy-options>`)), /<ok\/>/);
    assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/);
  });
});

test('text forms Junos prints: loops 4; teardown 99; stub keeps default-metric by name', async () => {
  await withDevice(async (c) => {
    assert.match(
      await c.rpc(load('<protocols><ospf><area><name>0.0.0.1</name><stub><default-metric>100</default-metric></stub></area></ospf><bgp><family><inet><unicast><loops><loops>4</loops></loops><prefix-limit><maximum>20</maximum><teardown><limit-threshold>99</limit-threshold></teardown></prefix-limit></unicast></inet></family></bgp></protocols>')),
      /<ok\/>/,
    );
    const text = await c.rpc('<get-configuration database="candidate" format="text"><configuration><protocols/></configuration></get-configuration>');
    assert.match(text, /\n\s+loops 4;\n/);
    assert.match(text, /prefix-limit \{\s*maximum 20;\s*teardown 99;\s*\}/);
    assert.match(text, /stub default-metric 100;/);
    assert.doesNotMatch(text, /stub 100/);
    // And the same text reads back to the same XML.
    const set = await c.rpc('<get-configuration database="candidate" format="set"><configuration><protocols/></configuration></get-configuration>');
    assert.match(set, /set protocols ospf area 0\.0\.0\.1 stub default-metric 100/);
    assert.match(set, /set protocols bgp family inet unicast loops 4/);
    assert.match(set, /set protocols bgp family inet unicast prefix-limit teardown 99/);
  });
});
