/**
 * The schema generated from Juniper's 21.4R1 YANG (data/schema/<family>.json.gz): family
 * differences, value checks in Junos wording, junos:must parsing, and whole real
 * configurations from the fixtures walked against it. Also the generator's YANG reader on
 * constructs the Junos modules do not use (refine, augment inside uses, typedefs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  FAMILIES,
  PROFILE_FAMILIES,
  checkValue,
  child,
  familyForProfile,
  loadSchema,
  parseMust,
  Schema,
  type SchemaNode,
} from '../../src/schema/index.js';
import { parseText, type ConfigNode } from '../../src/junos/config/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixture = (name: string) => fs.readFileSync(path.join(root, 'test/fixtures/config', name), 'utf8');

function at(s: Schema, p: string): SchemaNode {
  const n = s.walk(p.split(' '));
  assert.ok(n, `${s.family}: ${p} should exist`);
  return n;
}

test('profiles map to YANG families; each family loads once per process', () => {
  assert.deepEqual({ ...PROFILE_FAMILIES }, { mx: 'junos', srx: 'junos-es', ex: 'junos-ex', qfx: 'junos-qfx' });
  assert.equal(familyForProfile('SRX'), 'junos-es');
  assert.equal(familyForProfile('acx'), undefined);
  for (const f of FAMILIES) {
    const s = loadSchema(f);
    assert.equal(s.family, f);
    assert.equal(s.release, '21.4R1');
    assert.equal(loadSchema(f), s, 'cached');
    for (const top of ['system', 'interfaces', 'protocols', 'routing-options', 'policy-options', 'groups']) {
      assert.ok(s.root.child(top), `${f}: ${top}`);
    }
    assert.equal(s.root.child('bogus-top'), undefined);
    assert.equal(at(s, 'system').child('foo'), undefined, `${f}: system foo is unknown`);
    // groups hold the same hierarchy as the configuration, stored once
    assert.equal(at(s, 'groups system').id, at(s, 'system').id, `${f}: groups share the system subtree`);
  }
  assert.throws(() => loadSchema('junos-nfx' as never), /unknown schema family/);
});

test('security zones: only the SRX family (junos-es) has it', () => {
  const srx = loadSchema('junos-es');
  const zone = at(srx, 'security zones security-zone');
  assert.equal(zone.kind, 'list');
  assert.deepEqual(zone.keys, ['name']);
  assert.equal(at(srx, 'security zones security-zone host-inbound-traffic system-services').kind, 'list');
  for (const f of ['junos', 'junos-ex', 'junos-qfx'] as const) {
    const s = loadSchema(f);
    assert.equal(s.walk(['security', 'zones']), undefined, `${f} has no security zones`);
  }
  // and the other way round: a statement MX has that SRX does not
  assert.ok(loadSchema('junos').walk(['chassis', 'fpc']));
});

test('node kinds, keys, ordered-by user, flags, choices, mandatory', () => {
  const mx = loadSchema('junos');
  assert.equal(at(mx, 'interfaces interface').kind, 'list');
  assert.deepEqual(at(mx, 'interfaces interface').keys, ['name']);
  assert.deepEqual(at(mx, 'interfaces interface').mandatoryChildren(), ['name']);
  assert.equal(at(mx, 'interfaces interface disable').kind, 'flag');
  assert.equal(at(mx, 'system host-name').kind, 'leaf');
  assert.equal(at(mx, 'system apply-groups').kind, 'leaf-list');
  assert.equal(at(mx, 'system services ssh').presence, true);
  assert.equal(at(mx, 'system').presence, false);
  assert.equal(at(mx, 'policy-options policy-statement term').orderedByUser, true);
  assert.equal(at(mx, 'interfaces interface').orderedByUser, false);
  const rf = at(mx, 'policy-options policy-statement from route-filter');
  assert.deepEqual(rf.keys, ['address', 'choice-ident', 'choice-value']);
  assert.equal(rf.keyForWord('exact'), 'choice-ident');
  assert.equal(at(mx, 'routing-options autonomous-system').valueChild(), 'as-number');
  assert.equal(at(mx, 'system commit commit-synchronize-server traceoptions file files').default, '3');
  const file = at(mx, 'system commit commit-synchronize-server traceoptions file');
  assert.deepEqual(file.choices().find((c) => c.name === 'world-readable-choice')?.cases, [['world-readable'], ['no-world-readable']]);
  // `mandatory true` from the YANG (jsrc partition destination-realm)
  assert.ok(at(mx, 'jsrc partition').mandatoryChildren().includes('destination-realm'));
});

test('bad enumeration is refused with the allowed values', () => {
  for (const f of FAMILIES) {
    const n = at(loadSchema(f), 'snmp community authorization');
    assert.equal(checkValue(n, 'read-only'), null);
    const p = checkValue(n, 'read-mostly');
    assert.equal(p?.message, 'invalid value');
    assert.equal(p?.kind, 'enumeration');
    assert.match(p!.detail, /read-only, read-write/);
  }
  const bgpType = at(loadSchema('junos'), 'protocols bgp group type');
  assert.equal(checkValue(bgpType, 'external'), null);
  assert.equal(checkValue(bgpType, 'outside')?.kind, 'enumeration');
});

test('integer out of range: value outside range, with the range', () => {
  for (const f of FAMILIES) {
    const hello = at(loadSchema(f), 'protocols ospf area interface hello-interval');
    assert.equal(checkValue(hello, '255'), null);
    assert.deepEqual(checkValue(hello, '70000'), {
      message: 'value outside range',
      detail: 'Value 70000 is not within range (1..255)',
      kind: 'range',
    });
    assert.equal(checkValue(hello, '0')?.message, 'value outside range');
    assert.equal(checkValue(hello, 'ten')?.message, 'invalid value');
    // the <*> / $variable escape of groups and dynamic profiles stays accepted
    assert.equal(checkValue(hello, '$junos-hello'), null);
  }
  const uid = at(loadSchema('junos'), 'system login user uid');
  assert.equal(checkValue(uid, '99')?.detail, 'Value 99 is not within range (100..64000)');
  assert.equal(checkValue(uid, '2000'), null);
  const mtu = at(loadSchema('junos'), 'interfaces interface mtu');
  assert.equal(checkValue(mtu, '4294967296')?.message, 'value outside range', 'beyond uint32');
});

test('bad prefix and address are refused', () => {
  for (const f of FAMILIES) {
    const s = loadSchema(f);
    const addr = at(s, 'interfaces interface unit family inet address name');
    assert.equal(addr.junosType(), 'ipv4prefix');
    assert.equal(checkValue(addr, '10.0.0.1/24'), null);
    assert.equal(checkValue(addr, '10.0.0.300/24')?.message, 'invalid value');
    assert.match(checkValue(addr, '10.0.0.300/24')!.detail, /invalid prefix/);
    assert.match(checkValue(addr, '10.0.0.1/33')!.detail, /invalid prefix length/);
    assert.notEqual(checkValue(addr, 'ten.0.0.1/8'), null);
    const route = at(s, 'routing-options static route name');
    for (const ok of ['0/0', '10/8', '192.168.0.0/16', '2001:db8::/32', '10.1.1.1']) assert.equal(checkValue(route, ok), null, ok);
    for (const bad of ['2001:db8::/129', '300/8', 'default', '10.0.0.0/8/8']) assert.notEqual(checkValue(route, bad), null, bad);
    const v6 = at(s, 'interfaces interface unit family inet6 address name');
    assert.equal(checkValue(v6, '2001:db8::1/64'), null);
    assert.notEqual(checkValue(v6, '10.0.0.1/24'), null);
  }
  const nbr = at(loadSchema('junos'), 'protocols bgp group neighbor name');
  assert.equal(checkValue(nbr, '192.0.2.1'), null);
  assert.match(checkValue(nbr, '192.0.2.256')!.detail, /invalid ip address/);
});

test('bad interface names are refused as Junos spells them', () => {
  for (const f of FAMILIES) {
    const name = at(loadSchema(f), 'interfaces interface name');
    for (const ok of ['ge-0/0/0', 'xe-1/2/3', 'et-0/0/49:2', 'ae0', 'lo0', 'irb', 'fxp0', 'em0', '<ge-*>']) {
      assert.equal(checkValue(name, ok), null, `${f}: ${ok}`);
    }
    assert.deepEqual(checkValue(name, 'bogus0'), { message: 'invalid value', detail: "invalid interface type in 'bogus0'", kind: 'type' });
    assert.notEqual(checkValue(name, 'ge-0/0'), null);
    assert.notEqual(checkValue(name, 'ge-0/0/0.0'), null, 'a unit is not an interface');
  }
  const zoneIf = at(loadSchema('junos-es'), 'security zones security-zone interfaces name');
  assert.equal(zoneIf.junosType(), 'interface-name');
  assert.equal(checkValue(zoneIf, 'ge-0/0/0.0'), null);
  assert.equal(checkValue(zoneIf, 'reth0.100'), null);
  assert.match(checkValue(zoneIf, 'foo-0/0/0.0')!.detail, /invalid interface type/);
  const ospfIf = at(loadSchema('junos'), 'protocols ospf area interface name');
  for (const ok of ['ge-0/0/0.0', 'lo0.0', 'all', '192.0.2.1']) assert.equal(checkValue(ospfIf, ok), null, ok);
  assert.notEqual(checkValue(ospfIf, 'bogus0.0'), null);
});

test('patterns report the YANG pattern-message; lengths are checked', () => {
  for (const f of FAMILIES) {
    const host = at(loadSchema(f), 'system host-name');
    assert.equal(checkValue(host, 'router-1.lab'), null);
    assert.deepEqual(checkValue(host, 'a/b'), {
      message: 'invalid value',
      detail: 'Must be a string of alphanumericals, dashes or underscores',
      kind: 'pattern',
    });
    assert.equal(checkValue(host, 'x'.repeat(256))?.kind, 'length');
  }
  // a negated posix pattern (`![/ %]`): must not contain those characters
  const tf = at(loadSchema('junos'), 'system commit commit-synchronize-server traceoptions file filename');
  assert.equal(checkValue(tf, 'commitd.log'), null);
  assert.equal(checkValue(tf, 'a b')?.detail, "Must not contain '/', % or a space");
  // empty leaves take no value
  assert.equal(checkValue(at(loadSchema('junos'), 'interfaces interface disable'), ''), null);
  assert.equal(checkValue(at(loadSchema('junos'), 'interfaces interface disable'), 'yes')?.kind, 'flag');
});

test('junos:must rules are kept with their message and parsed', () => {
  const srx = loadSchema('junos-es');
  const [rule] = at(srx, 'system services web-management').mustRules();
  assert.equal(rule.expression, '((". http" || ". https"))');
  assert.equal(rule.message, 'HTTP or HTTPS web services must be enabled');
  assert.deepEqual(rule.parsed, {
    op: 'or',
    args: [
      { op: 'path', quant: undefined, up: 0, self: true, words: ['http'] },
      { op: 'path', quant: undefined, up: 0, self: true, words: ['https'] },
    ],
  });
  assert.deepEqual(parseMust('(!(".. .. ccc"))'), { op: 'not', arg: { op: 'path', quant: undefined, up: 2, self: false, words: ['ccc'] } });
  assert.deepEqual(parseMust('(any "interfaces $$-IFL family inet address <*>")'), {
    op: 'path', quant: 'any', up: 0, self: false, words: ['interfaces', '$$-IFL', 'family', 'inet', 'address', '<*>'],
  });
  assert.equal(parseMust('("a" &&'), null);
  assert.equal(parseMust('(frobnicate "a")'), null);
  // every rule of every family is of a shape parseMust reads
  for (const f of FAMILIES) {
    const s = loadSchema(f);
    let total = 0;
    const unparsed: string[] = [];
    for (let i = 0; i < s.size; i++) {
      for (const r of s.node(i).mustRules()) {
        total++;
        if (!r.parsed) unparsed.push(r.expression);
      }
    }
    assert.ok(total > 1000, `${f}: ${total} rules`);
    assert.deepEqual(unparsed, [], `${f}: unparsed rules`);
  }
});

/**
 * Walks a parsed configuration against the schema; returns the problems (unknown
 * statements, wrong kinds, bad values). Text-form shapes the current parser does not know
 * the schema for are mapped as Junos does: a list written `url x;`, a container written
 * with its value (`autonomous-system 65000;`), a keyword key (`route-filter ... exact;`).
 */
function walkConfig(s: Schema, tree: ConfigNode): string[] {
  const problems: string[] = [];
  const value = (where: string, n: SchemaNode | undefined, v: string) => {
    if (!n) { problems.push(`${where}: no leaf for the value`); return; }
    const p = checkValue(n, v);
    if (p) problems.push(`${where} ${v}: ${p.message}: ${p.detail}`);
  };
  const walk = (node: ConfigNode, sn: SchemaNode, where: string) => {
    for (const c of node.children) {
      const here = `${where} ${c.name}${c.keys ? ' ' + c.keys.map((k) => k.value).join(' ') : ''}`.trim();
      const sc = child(sn, c.name);
      if (!sc) {
        const key = c.kind === 'flag' && sn.kind === 'list' ? sn.keyForWord(c.name) : undefined;
        if (!key) problems.push(`${here}: unknown statement`);
        continue;
      }
      if (c.kind === 'entry') {
        if (sc.kind !== 'list') problems.push(`${here}: not a list`);
        for (const k of c.keys ?? []) value(`${here} (${k.name})`, sc.child(k.name), k.value);
      } else if (c.kind === 'leaf') {
        if (sc.kind === 'leaf' || sc.kind === 'leaf-list') value(here, sc, c.value ?? '');
        else if (sc.kind === 'list') value(here, sc.child(sc.keys[0]), c.value ?? '');
        else if (sc.kind === 'container') value(here, sc.child(sc.valueChild() ?? ''), c.value ?? '');
        else problems.push(`${here}: ${sc.kind} takes no value`);
      } else if (c.kind === 'flag') {
        if (sc.kind !== 'flag' && sc.kind !== 'container') problems.push(`${here}: ${sc.kind} is not a flag`);
      } else if (sc.kind !== 'container') problems.push(`${here}: ${sc.kind} is not a container`);
      walk(c, sc, here);
    }
  };
  walk(tree, s.root, '');
  return problems;
}

test('whole real configurations walk cleanly against their family', () => {
  const mx = parseText(fixture('mx.conf'));
  const srx = parseText(fixture('srx.conf'));
  assert.deepEqual(walkConfig(loadSchema('junos'), mx.root), []);
  assert.deepEqual(walkConfig(loadSchema('junos-es'), srx.root), []);
  // the walk can fail: the SRX configuration is not an MX one
  const onMx = walkConfig(loadSchema('junos'), srx.root);
  assert.ok(onMx.some((p) => p.startsWith('security screen:') || p.startsWith('security zones:')), onMx.join('\n'));
  const bad = parseText('system { host-name a/b; foo bar; }\ninterfaces { bogus0 { mtu 99999999999; } }\n');
  assert.deepEqual(walkConfig(loadSchema('junos'), bad.root), [
    'system host-name a/b: invalid value: Must be a string of alphanumericals, dashes or underscores',
    'system foo: unknown statement',
    "interfaces interface bogus0 (name) bogus0: invalid value: invalid interface type in 'bogus0'",
    'interfaces interface bogus0 mtu 99999999999: value outside range: Value 99999999999 is not within range (0..4294967295)',
  ]);
});

test('the YANG reader: grouping/uses with refine and augment, typedefs, choice, quoting', async () => {
  const scripts = pathToFileURL(path.join(root, 'scripts/yang/'));
  const { parseYang } = await import(new URL('yang.mjs', scripts).href);
  const { compileFamily } = await import(new URL('compile.mjs', scripts).href);
  const ext = parseYang(`module junos-common-ddl-extensions { prefix junos; extension must { argument x; } }`);
  const types = parseYang(`module junos-common-types { prefix jt; typedef ipv4addr { type string; } }`);
  const mod = parseYang(`
    // a line comment
    module test-conf {
      prefix t;
      import junos-common-ddl-extensions { prefix junos; }
      import junos-common-types { prefix jt; }
      typedef port { type uint16 { range "1 .. 1024 | 8080"; } }
      grouping peer {
        leaf name { type jt:ipv4addr; }
        leaf port { type port; }
        container opts { leaf ttl { type uint8; } }
      }
      /* a block
         comment */
      container configuration {
        list peer {
          key "name";
          ordered-by user;
          uses peer {
            refine port { default "179"; mandatory true; }
            augment opts { leaf md5 { type string { length "1 .. 8"; } } }
          }
          choice mode { case a { leaf active { type empty; } } leaf passive { type empty; } }
          leaf note { junos:must "(\\".. active\\")"; junos:must-message "needs active"; type string { pattern 'x' + "y*"; } }
        }
      }
    }`);
  const raw = compileFamily([ext, types, mod], { family: 'test', release: 't', overrides: {} });
  const s = new Schema(raw);
  const peer = s.walk(['peer'])!;
  assert.deepEqual(peer.keys, ['name']);
  assert.equal(peer.orderedByUser, true);
  assert.deepEqual(peer.childNames(), ['name', 'port', 'opts', 'active', 'passive', 'note']);
  assert.equal(peer.child('port')!.default, '179');
  assert.deepEqual(peer.mandatoryChildren(), ['name', 'port']);
  assert.deepEqual(peer.child('opts')!.childNames(), ['ttl', 'md5']);
  assert.equal(peer.child('opts')!.child('md5')!.checkValue('123456789')?.kind, 'length');
  assert.equal(peer.child('port')!.checkValue('8080'), null);
  assert.equal(peer.child('port')!.checkValue('2000')?.detail, 'Value 2000 is not within range (1..1024, 8080)');
  assert.match(peer.child('name')!.checkValue('1.2.3')!.detail, /invalid ipv4 address/);
  assert.deepEqual(peer.choices(), [{ name: 'mode', cases: [['active'], ['passive']] }]);
  assert.equal(peer.child('note')!.checkValue('xyyy'), null);
  assert.equal(peer.child('note')!.checkValue('axy')?.kind, 'pattern');
  assert.deepEqual(peer.child('note')!.mustRules().map((r) => [r.expression, r.message]), [['(".. active")', 'needs active']]);
  // Juniper's files hold unescaped quotes inside strings; the reader keeps them
  const quirk = parseYang('module q { leaf k { description "Invalid key string ", \\\\, \', ` or space"; } }');
  assert.equal(quirk.subs[0].subs[0].arg, 'Invalid key string ", \\, \', ` or space');
});
