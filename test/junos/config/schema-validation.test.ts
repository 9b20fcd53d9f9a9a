/**
 * Configuration checked against the schema of the device's family (generated from
 * Juniper's YANG) where it enters — load-configuration (text, set, xml, json),
 * edit-config — and at validate / commit check / commit, through a real device's
 * NETCONF session. Cases come from the YANG itself: `security zones` exists only in the
 * SRX family (junos-es).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { loadProfile } from '../../../src/junos/identity/profile.js';
import { escapeText } from '../../../src/netconf/xml.js';
import { TestClient, repoRoot } from '../../support/netconf-client.js';

async function device(profile: string): Promise<{ c: TestClient; close: () => Promise<void> }> {
  const dev = await EmulatedDevice.create({ profile, hostname: `schema-${profile}` });
  const c = new TestClient(dev.openNetconf({ user: 'lab' }));
  await c.open();
  return { c, close: () => dev.close() };
}

const loadSet = (c: TestClient, lines: string) =>
  c.rpc(`<load-configuration action="set" format="text"><configuration-set>${escapeText(lines)}</configuration-set></load-configuration>`);
const loadText = (c: TestClient, text: string, action = 'merge') =>
  c.rpc(`<load-configuration action="${action}" format="text"><configuration-text>${escapeText(text)}</configuration-text></load-configuration>`);
const candidate = (c: TestClient) => c.rpc('<get-configuration database="candidate" format="text"/>');
const stripTimes = (s: string) => s.replace(/## Last changed: .*\n/, '');

/** The rpc-errors of a reply: [path, bad-element, message]. */
function errors(reply: string): [string | undefined, string | undefined, string][] {
  return [...reply.matchAll(/<rpc-error>([\s\S]*?)<\/rpc-error>/g)]
    .filter((m) => /<error-severity>error</.test(m[1]))
    .map((m) => [/<error-path>(.*?)<\/error-path>/.exec(m[1])?.[1], /<bad-element>(.*?)<\/bad-element>/.exec(m[1])?.[1], /<error-message>\n?([\s\S]*?)\n?<\/error-message>/.exec(m[1])![1]]);
}

test('profiles name their YANG family', () => {
  assert.equal(loadProfile('mx').family, 'junos');
  assert.equal(loadProfile('srx').family, 'junos-es');
  assert.equal(loadProfile('ex').family, 'junos-ex');
});

test('security zones: accepted on the SRX family, a syntax error on MX and EX', async () => {
  for (const [profile, ok] of [['srx', true], ['mx', false], ['ex', false]] as const) {
    const { c, close } = await device(profile);
    try {
      const r = await loadSet(c, 'set security zones security-zone trust interfaces ge-0/0/1.0');
      if (ok) assert.match(r, /<ok\/>/, profile);
      else {
        assert.deepEqual(errors(r), [['[edit security]', 'zones', 'syntax error']], profile);
        assert.match(r, /<load-error-count>1<\/load-error-count>/);
      }
    } finally {
      await close();
    }
  }
});

test('bad statements and values are refused with Junos rpc-errors; a partial load keeps the good ones', async () => {
  const { c, close } = await device('mx');
  try {
    const before = stripTimes(await candidate(c));
    const cases: [string, [string, string, RegExp]][] = [
      ['set system foo bar', ['[edit system]', 'foo', /^syntax error$/]],
      ['set interfaces bogus0 unit 0', ['[edit interfaces]', 'bogus0', /^invalid value: .*bogus0/]],
      ['set protocols ospf area 0.0.0.0 interface ge-0/0/0.0 interface-type bogus', ['[edit protocols ospf area 0.0.0.0 interface ge-0/0/0.0]', 'bogus', /^invalid value: 'bogus' is not one of: nbma, p2mp, p2p/]],
      ['set protocols ospf area 0.0.0.0 interface ge-0/0/0.0 hello-interval 70000', ['[edit protocols ospf area 0.0.0.0 interface ge-0/0/0.0]', '70000', /^value outside range: Value 70000 is not within range \(1\.\.255\)$/]],
      ['set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.300/24', ['[edit interfaces ge-0/0/0 unit 0 family inet]', '10.0.0.300/24', /^invalid value: .*10\.0\.0\.300\/24/]],
      ['set system host-name "a b"', ['[edit system]', 'a b', /^invalid value: /]],
    ];
    for (const [line, [p, bad, msg]] of cases) {
      const errs = errors(await loadSet(c, line));
      assert.equal(errs.length, 1, line);
      assert.equal(errs[0][0], p, line);
      assert.equal(errs[0][1], bad, line);
      assert.match(errs[0][2], msg, line);
    }
    // The same through JSON and XML.
    const json = await c.rpc(`<load-configuration format="json"><configuration-json>${escapeText('{"configuration":{"system":{"bogus-leaf":"x"}}}')}</configuration-json></load-configuration>`);
    assert.deepEqual(errors(json), [['[edit system]', 'bogus-leaf', 'syntax error']]);
    const xml = await c.rpc('<load-configuration><configuration><system><bogus-leaf/></system></configuration></load-configuration>');
    assert.deepEqual(errors(xml), [['[edit system]', 'bogus-leaf', 'syntax error']]);
    assert.equal(stripTimes(await candidate(c)), before);
    // A partial load, as on Junos: the good statements loaded with bad ones are kept.
    const mixed = await loadText(c, 'system { location { building b1; } foo bar; }\ninterfaces { xe-0/0/0 { mtu 1500; } bogus0 { mtu 1500; } }');
    assert.match(mixed, /<load-error-count>2<\/load-error-count>/);
    assert.deepEqual(errors(mixed).map((e) => e[1]), ['foo', 'bogus0']);
    const after = await candidate(c);
    assert.match(after, /building b1;/);
    assert.match(after, /xe-0\/0\/0 \{\n\s+mtu 1500;/);
    assert.doesNotMatch(after, /foo|bogus0/);
  } finally {
    await close();
  }
});

test('edit-config with an unknown leaf: rpc-error, nothing changes', async () => {
  const { c, close } = await device('srx');
  try {
    const before = stripTimes(await candidate(c));
    const r = await c.rpc('<edit-config><target><candidate/></target><config><configuration><system><bogus-leaf/></system></configuration></config></edit-config>');
    assert.deepEqual(errors(r), [['[edit system]', 'bogus-leaf', 'syntax error']]);
    assert.doesNotMatch(r, /<ok\/>/);
    const r2 = await c.rpc('<edit-config><target><candidate/></target><config><configuration><interfaces><interface><name>ge-0/0/3</name><unit><name>0</name><family><inet><address><name>192.0.2.1/33</name></address></inet></family></unit></interface></interfaces></configuration></config></edit-config>');
    assert.equal(errors(r2)[0][1], '192.0.2.1/33');
    assert.equal(stripTimes(await candidate(c)), before);
  } finally {
    await close();
  }
});

test('validate and commit check run the commit-time checks with Junos wording', async () => {
  const { c, close } = await device('mx');
  try {
    assert.match(await c.rpc('<commit-configuration><check/></commit-configuration>'), /<commit-check-success\/>/);
    // apply-groups naming a group that does not exist, and a junos:must reference to a missing key-chain.
    assert.match(await loadSet(c, 'set apply-groups nogroup\nset protocols bgp group g authentication-key-chain kc\nset protocols bgp group g peer-as 65020 neighbor 192.0.2.9'), /<ok\/>/);
    for (const rpc of ['<validate><source><candidate/></source></validate>', '<commit-configuration><check/></commit-configuration>', '<commit-configuration/>']) {
      const errs = errors(await c.rpc(rpc));
      assert.deepEqual(errs, [
        ['[edit]', undefined, "apply-group 'nogroup' is not defined"],
        ['[edit protocols bgp group g]', 'authentication-key-chain kc', 'Referenced key-chain must be defined'],
        // A junos:must refusal is mgd's statement constraint check: Junos closes with its words.
        [undefined, undefined, rpc === '<commit-configuration/>' ? 'commit failed: (statements constraint check failed)' : 'configuration check-out failed: (statements constraint check failed)'],
      ], rpc);
    }
    assert.doesNotMatch(await c.rpc('<get-configuration database="committed" format="text"/>'), /nogroup|key-chain/);
    // Fixed: the commit goes through.
    assert.match(await loadSet(c, 'delete apply-groups nogroup\nset security authentication-key-chains key-chain kc'), /<ok\/>/);
    assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/);
  } finally {
    await close();
  }
});

test('a missing mandatory statement fails the commit check', async () => {
  const { c, close } = await device('srx');
  try {
    // jsrc partition: diameter-instance, destination-realm and destination-host are mandatory in the YANG.
    assert.match(await loadSet(c, 'set jsrc partition p1 diameter-instance d1'), /<ok\/>/);
    const errs = errors(await c.rpc('<commit-configuration><check/></commit-configuration>'));
    assert.deepEqual(errs, [
      ['[edit jsrc partition p1]', 'destination-realm', "Missing mandatory statement: 'destination-realm'"],
      ['[edit jsrc partition p1]', 'destination-host', "Missing mandatory statement: 'destination-host'"],
      // and a junos:must rule of the same statement
      ['[edit jsrc partition p1]', 'diameter-instance d1', 'Diameter origin must be defined in the [edit diameter origin] hierarchy'],
      [undefined, undefined, 'configuration check-out failed: (missing mandatory statements)'],
    ]);
  } finally {
    await close();
  }
});

test('whole real configurations load, validate and commit on their family', async () => {
  for (const [profile, file] of [['mx', 'mx.conf'], ['srx', 'srx.conf']]) {
    const { c, close } = await device(profile);
    try {
      const text = readFileSync(path.join(repoRoot, 'test/fixtures/config', file), 'utf8');
      assert.match(await loadText(c, text, 'override'), /<ok\/>/, file);
      assert.match(await c.rpc('<validate><source><candidate/></source></validate>'), /<ok\/>/, file);
      assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/, file);
    } finally {
      await close();
    }
  }
  const { c, close } = await device('srx');
  try {
    const xml = readFileSync(path.join(repoRoot, 'test/fixtures/config/srx.xml'), 'utf8');
    assert.match(await c.rpc(`<load-configuration action="override"><configuration>${xml}</configuration></load-configuration>`), /<ok\/>/);
    assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/);
  } finally {
    await close();
  }
});
