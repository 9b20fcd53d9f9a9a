/**
 * The configuration model: text, set, XML and JSON readers and writers on a realistic
 * MX configuration and on a real SRX `show configuration`, diffs, filters, and the
 * shape of syntax errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConfigSyntaxError,
  ConfigTree,
  applySetLine,
  diffTrees,
  filterTree,
  mergeTree,
  parseJson,
  parseSet,
  parseText,
  parseXmlConfig,
  renderJson,
  renderSet,
  renderText,
  renderXml,
} from '../../../src/junos/config/index.js';
import { parseXml } from '../../../src/netconf/xml.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const fixture = (name: string) => fs.readFileSync(path.join(root, 'test/fixtures/config', name), 'utf8');
const MX = fixture('mx.conf');
const SRX = fixture('srx.conf');
/** NAPALM's EX `show configuration` sample (a stray brace removed, SECRET-DATA marks as Junos prints them). */
const EX = fixture('ex-napalm.conf');

/** The text minus header lines (`## Last commit`), which are not configuration. */
function body(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('## '))
    .join('\n');
}

for (const [name, text] of [
  ['MX', MX],
  ['SRX sample', SRX],
  ['EX sample (radius-server block, quoted contact, leaf-list)', EX],
] as const) {
  test(`${name}: text is read and written back unchanged`, () => {
    const t = parseText(text);
    assert.equal(renderText(t), body(text));
  });

  test(`${name}: XML and JSON round trips are lossless`, () => {
    const t = parseText(text);
    const xml = renderXml(t, { junosNs: 'http://xml.juniper.net/junos/21.4R0/junos' });
    const fromXml = parseXmlConfig(parseXml(xml));
    assert.ok(fromXml.equals(t), 'xml round trip');
    assert.equal(renderText(fromXml), body(text));
    const fromJson = parseJson(renderJson(t));
    assert.ok(fromJson.equals(t), 'json round trip');
    assert.equal(renderText(fromJson), body(text));
  });

  test(`${name}: set round trip keeps everything but annotations`, () => {
    const t = parseText(text);
    const s = renderSet(t);
    assert.equal(renderSet(parseSet(s)), s);
    const noComments = body(text)
      .split('\n')
      .filter((l) => !l.trim().startsWith('/*'))
      .join('\n');
    assert.equal(renderText(parseSet(s)), noComments);
  });
}

test('hidden list keywords, inactive, one-line statements: the tree has Junos XML shape', () => {
  const t = parseText(MX);
  const ge0 = t.find(['interfaces', 'ge-0/0/0']);
  assert.equal(ge0?.name, 'interface');
  assert.deepEqual(ge0?.keys, [{ name: 'name', value: 'ge-0/0/0' }]);
  assert.equal(t.find(['interfaces', 'interface', 'ge-0/0/0']), ge0);
  assert.equal(t.find(['interfaces', 'ge-0/0/2'])?.inactive, true);
  const route = t.find(['routing-options', 'static', 'route', '0.0.0.0/0']);
  assert.equal(route?.children[0].name, 'next-hop');
  assert.equal(route?.children[0].value, '10.0.0.2');
  const srv = t.find(['system', 'services', 'outbound-https', 'client', 'nms1', 'servers', '192.0.2.10']);
  assert.equal(srv?.children.find((c) => c.name === 'port')?.value, '4443');
  const xml = renderXml(t);
  assert.match(xml, /<interface inactive="inactive">\n\s+<name>ge-0\/0\/2<\/name>\n\s+<disable\/>/);
  assert.match(xml, /<contents>\n\s+<name>any<\/name>\n\s+<emergency\/>/);
  assert.match(xml, /<policy-statement>\n\s+<name>export-direct<\/name>\n\s+<term>\n\s+<name>t1<\/name>\n\s+<from>\n\s+<protocol>direct<\/protocol>/);
  assert.match(renderJson(t), /"ssh" : \[null\]/);
  assert.match(renderText(t), /^ {16}encrypted-password "\$6\$xyz\$uvw"; ## SECRET-DATA$/m);
});

test('the servers keyword may be left out under an outbound-https client', () => {
  const t = parseText(`system { services { outbound-https { client c1 { device-id d1; 10.1.1.1 { port 443; } } } } }`);
  assert.equal(t.find(['system', 'services', 'outbound-https', 'client', 'c1', 'servers', '10.1.1.1'])?.name, 'servers');
  const s = parseSet('set system services outbound-https client c1 10.1.1.2 port 8443');
  assert.equal(s.find(['system', 'services', 'outbound-https', 'client', 'c1', '10.1.1.2', 'port'])?.value, '8443');
});

test('the SRX sample XML reply reads into the same tree as its text form', () => {
  const xml = `<configuration junos:commit-seconds="1395678872" xmlns:junos="j">${fixture('srx.xml')}</configuration>`;
  const fromXml = parseXmlConfig(parseXml(xml));
  assert.equal(renderText(fromXml), body(SRX));
});

test('Junos JSON sample with a bare 3m value is read', () => {
  const t = parseJson(fixture('netconf-traceoptions.json'));
  assert.equal(t.find(['system', 'services', 'netconf', 'traceoptions', 'file', 'size'])?.value, '3m');
  assert.equal(t.find(['system', 'services', 'netconf', 'traceoptions', 'file', 'world-readable'])?.kind, 'flag');
  assert.equal(t.find(['system', 'services', 'netconf', 'traceoptions', 'flag', 'all'])?.kind, 'entry');
});

test('syntax errors: Junos shape, every problem, line numbers', () => {
  const bad = 'system {\n    host-name r1;\n}\nsystem1 {\n    foo;\n}\n';
  let err: unknown;
  try {
    parseText(bad);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ConfigSyntaxError);
  const [first, second] = err.toRpcErrors();
  assert.equal(first.info.message, 'syntax error');
  assert.equal(first.info.badElement, 'system1');
  assert.equal(first.info.type, 'protocol');
  assert.equal(first.info.tag, 'operation-failed');
  assert.equal(second.info.message, 'error recovery ignores input until this point');
  assert.equal(second.info.badElement, '}');
  assert.match(err.describe('juniper.conf'), /^juniper\.conf:4: syntax error: system1/);
  assert.match(first.toXml(), /<bad-element>system1<\/bad-element>/);

  assert.throws(() => parseText('system {\n    host-name r1;\n'), (e: unknown) => e instanceof ConfigSyntaxError && e.problems[0].line === 3);
  assert.throws(() => parseText('system { host-name "r1; }'), ConfigSyntaxError);
  assert.throws(() => parseSet('set system host-name r1\nset bogus thing\n'), (e: unknown) => e instanceof ConfigSyntaxError && e.problems[0].line === 2 && e.problems[0].badElement === 'bogus');
  assert.throws(() => parseSet('frobnicate system'), ConfigSyntaxError);
});

test('set commands: set, delete, deactivate, activate, leaf-lists', () => {
  const t = parseText(MX);
  applySetLine(t, 'set interfaces ge-0/0/3 unit 0 family inet address 10.9.9.1/24');
  applySetLine(t, 'delete interfaces ge-0/0/1 unit 100 family inet address 192.168.101.1/24');
  applySetLine(t, 'deactivate protocols ospf');
  applySetLine(t, 'activate interfaces ge-0/0/2');
  applySetLine(t, 'delete protocols bgp group ibgp export export-static');
  applySetLine(t, 'set system host-name "mx lab"');
  const warn = applySetLine(t, 'delete system no-such-thing');
  assert.equal(warn[0]?.info.severity, 'warning');
  const s = renderSet(t);
  assert.match(s, /^set interfaces ge-0\/0\/3 unit 0 family inet address 10\.9\.9\.1\/24$/m);
  assert.doesNotMatch(s, /192\.168\.101\.1/);
  assert.match(s, /^deactivate protocols ospf$/m);
  assert.doesNotMatch(s, /deactivate interfaces ge-0\/0\/2/);
  assert.match(s, /^set protocols bgp group ibgp export export-direct$/m);
  assert.doesNotMatch(s, /export-static$/m);
  assert.match(renderText(t), /^ {4}host-name "mx lab";$/m);
  assert.match(renderText(t), /^ {4}inactive: ospf \{$/m);
});

test('diff: banners per hierarchy level, - then + lines; empty when equal', () => {
  const a = parseText(MX);
  assert.equal(diffTrees(a, a.clone()), '');
  const b = a.clone();
  applySetLine(b, 'set system host-name mx-lab-2');
  applySetLine(b, 'set interfaces ge-0/0/1 unit 100 family inet address 192.168.102.1/24');
  applySetLine(b, 'delete interfaces lo0');
  applySetLine(b, 'deactivate protocols lldp');
  const d = diffTrees(a, b);
  assert.equal(
    d,
    [
      '[edit system]',
      '-   host-name mx-lab;',
      '+   host-name mx-lab-2;',
      '[edit interfaces]',
      '-   lo0 {',
      '-       unit 0 {',
      '-           family inet {',
      '-               address 10.255.0.1/32;',
      '-           }',
      '-       }',
      '-   }',
      '[edit interfaces ge-0/0/1 unit 100 family inet]',
      '+   address 192.168.102.1/24;',
      '[edit protocols]',
      '!    inactive: lldp { ... }',
      '',
    ].join('\n'),
  );
});

test('load merge and replace markers, XML operation attributes', () => {
  const t = parseText(MX);
  mergeTree(t, parseText('system { replace: syslog { file messages { any any; } } }'), { action: 'replace' });
  assert.equal(renderSet(filterTree(t, parseXml('<configuration><system><syslog/></system></configuration>'))), 'set system syslog file messages any any\n');
  const xml = parseXml(
    `<configuration><interfaces><interface operation="delete"><name>ge-0/0/0</name></interface>` +
      `<interface><name>ge-0/0/1</name><vlan-tagging delete="delete"/><description>new</description></interface>` +
      `<interface inactive="inactive"><name>lo0</name></interface></interfaces></configuration>`,
  );
  mergeTree(t, parseXmlConfig(xml), { action: 'replace', strict: true });
  assert.equal(t.find(['interfaces', 'ge-0/0/0']), undefined);
  assert.equal(t.find(['interfaces', 'ge-0/0/1', 'vlan-tagging']), undefined);
  assert.equal(t.find(['interfaces', 'ge-0/0/1', 'description'])?.value, 'new');
  assert.equal(t.find(['interfaces', 'lo0'])?.inactive, true);
  assert.ok(t.find(['interfaces', 'lo0', 'unit', '0']), 'merge keeps what it does not name');
  const create = parseXmlConfig(parseXml('<configuration><interfaces><interface operation="create"><name>ge-0/0/1</name></interface></interfaces></configuration>'));
  assert.throws(() => mergeTree(t, create, { action: 'replace', strict: true }), (e: Error & { info?: { tag: string } }) => e.info?.tag === 'data-exists');
});

test('subtree filter selects statements, list entries by key, leaves', () => {
  const t = parseText(MX);
  const f1 = filterTree(t, parseXml('<configuration><system><domain-name/></system></configuration>'));
  assert.equal(renderSet(f1), 'set system domain-name lab.example.net\n');
  const f2 = filterTree(t, parseXml('<configuration><interfaces><interface><name>lo0</name></interface></interfaces></configuration>'));
  assert.equal(renderSet(f2), 'set interfaces lo0 unit 0 family inet address 10.255.0.1/32\n');
  const f3 = filterTree(t, parseXml('<configuration><interfaces><interface><name>nope</name></interface></interfaces></configuration>'));
  assert.ok(f3.isEmpty);
  assert.ok(filterTree(t, parseXml('<configuration/>')).equals(t));
});

test('an empty configuration renders as nothing in every format but XML and JSON', () => {
  const t = new ConfigTree();
  assert.equal(renderText(t), '');
  assert.equal(renderSet(t), '');
  assert.equal(renderXml(t), '<configuration xmlns="http://xml.juniper.net/xnm/1.1/xnm">\n</configuration>');
  assert.ok(parseJson(renderJson(t)).isEmpty);
});
