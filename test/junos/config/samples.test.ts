/**
 * The schema decides the XML/JSON shape of every statement: each configuration captured
 * from a real device (test/fixtures/config/samples, and every profile's factory
 * configuration) goes text → XML → JSON → set → text and comes back the same, and its
 * XML is the captured XML element for element (`autonomous-system` holds `as-number`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJson, parseSet, parseText, parseXmlConfig, renderJson, renderSet, renderText, renderXml } from '../../../src/junos/config/index.js';
import { conformTree, textShape } from '../../../src/junos/config/shape.js';
import type { ConfigTree } from '../../../src/junos/config/tree.js';
import { parseXml, elements, type XmlElement } from '../../../src/netconf/xml.js';
import { loadSchema, type SchemaFamily } from '../../../src/schema/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const dir = path.join(root, 'test/fixtures/config/samples');

/**
 * Element names and text, attributes and blanks left out: the shape of a configuration.
 * Junos wraps hidden statements in `<undocumented>`; the emulator reads them and writes
 * them unwrapped (it does not know which statements Junos hides), so the wrapper is left out.
 */
function shape(e: XmlElement, depth = 0): string {
  const kids = elements(e).flatMap((k) => (k.name === 'undocumented' ? elements(k) : [k]));
  const text = e.children.filter((c): c is string => typeof c === 'string').join('').trim();
  const pad = '  '.repeat(depth);
  if (!kids.length) return `${pad}${e.name}${text ? ` = ${text}` : ''}\n`;
  return `${pad}${e.name}\n${kids.map((k) => shape(k, depth + 1)).join('')}`;
}

/**
 * NAPALM's mocked replies were put together by hand: some repeat `<policy-options>` or
 * interleave a list's entries with other statements, which Junos never prints. As Junos
 * reads them: one container per name, a list's entries together where the first stands.
 */
function canonical(e: XmlElement): XmlElement {
  const kids = elements(e).map(canonical);
  const isEntry = (k: XmlElement) => elements(k).some((x) => x.name === 'name');
  const out: XmlElement[] = [];
  for (const k of kids) {
    const same = out.filter((o) => o.name === k.name);
    if (same.length && !isEntry(k) && elements(k).length && !isEntry(same[0])) {
      same[0].children.push(...k.children);
      continue;
    }
    const lastAt = out.map((o) => o.name).lastIndexOf(k.name);
    if (lastAt >= 0) out.splice(lastAt + 1, 0, k);
    else out.push(k);
  }
  return { ...e, children: [...e.children.filter((c) => typeof c === 'string'), ...out] };
}

function configurationOf(reply: string): XmlElement {
  const find = (e: XmlElement): XmlElement | undefined => (e.name === 'configuration' ? e : elements(e).map(find).find(Boolean));
  const c = find(parseXml(reply.replace(/^\uFEFF/, '')));
  assert.ok(c, 'no <configuration> in the sample');
  return c;
}

/** The whole round trip; returns each form so a test can compare them. */
function roundTrip(start: ConfigTree, family: SchemaFamily) {
  const schema = loadSchema(family);
  const t0 = conformTree(start, schema);
  const text = renderText(textShape(t0, schema));
  const t1 = conformTree(parseText(text), schema);
  const xml = renderXml(t1);
  const t2 = conformTree(parseXmlConfig(parseXml(xml)), schema);
  const json = renderJson(t2);
  const t3 = conformTree(parseJson(json), schema);
  const set = renderSet(textShape(t3, schema));
  const t4 = conformTree(parseSet(set), schema);
  const back = renderText(textShape(t4, schema));
  return { t0, text, xml, json, set, back, t4 };
}

const samples = fs.readdirSync(dir).filter((f) => f.endsWith('.xml') && f !== 'firefly-text.xml').sort();

for (const file of samples) {
  test(`sample ${file}: XML as captured, and text → XML → JSON → set → text unchanged`, () => {
    const captured = configurationOf(fs.readFileSync(path.join(dir, file), 'utf8'));
    // firefly is an SRX (junos-es); the NAPALM captures come from MX/EX/QFX boxes.
    const family: SchemaFamily = file.startsWith('firefly') ? 'junos-es' : 'junos';
    const { t0, text, xml, back, t4 } = roundTrip(parseXmlConfig(captured), family);
    assert.equal(back, text, 'set → text gives the text back');
    assert.ok(t4.equals(t0), 'the tree survives every form');
    assert.equal(shape(configurationOf(xml)), shape(file.startsWith('napalm') ? canonical(captured) : captured), 'our XML has the captured shape');
  });
}

test('firefly: the captured text reads to the captured XML, and is written back as captured', () => {
  const schema = loadSchema('junos-es');
  const reply = fs.readFileSync(path.join(dir, 'firefly-text.xml'), 'utf8');
  const raw = /<configuration-output>\n?([\s\S]*?)<\/configuration-output>/.exec(reply)?.[1] ?? assert.fail('no text');
  const body = raw.split('\n').filter((l) => !l.startsWith('## Last')).join('\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  const fromText = conformTree(parseText(body), schema);
  const captured = configurationOf(fs.readFileSync(path.join(dir, 'firefly.xml'), 'utf8'));
  assert.equal(shape(configurationOf(renderXml(fromText))), shape(captured));
  // 12.1X46 marked a deprecated statement with a `## Warning:` comment; 21.4 has none for it.
  assert.equal(renderText(textShape(fromText, schema)), body.replace(/ ## Warning: [^\n]*/g, '').replace(/\n*$/, '\n'));
});

test('a container that takes a bare value: autonomous-system holds as-number in XML and JSON, a one-liner in text and set', () => {
  const schema = loadSchema('junos');
  for (const src of [
    parseText('routing-options { autonomous-system 65010; }'),
    parseSet('set routing-options autonomous-system 65010'),
    parseXmlConfig(parseXml('<configuration><routing-options><autonomous-system>65010</autonomous-system></routing-options></configuration>')),
    parseJson('{"configuration":{"routing-options":{"autonomous-system":{"as-number":"65010"}}}}'),
  ]) {
    const t = conformTree(src, schema);
    assert.match(renderXml(t), /<autonomous-system>\s*<as-number>65010<\/as-number>\s*<\/autonomous-system>/);
    assert.deepEqual(JSON.parse(renderJson(t)).configuration['routing-options'], { 'autonomous-system': { 'as-number': '65010' } });
    assert.equal(renderSet(textShape(t, schema)), 'set routing-options autonomous-system 65010\n');
    assert.equal(renderText(textShape(t, schema)), 'routing-options {\n    autonomous-system 65010;\n}\n');
  }
  // With more inside, the value still goes to as-number; text and set read back the same.
  const more = conformTree(parseText('routing-options { autonomous-system 65010 loops 2; }'), schema);
  assert.match(renderXml(more), /<autonomous-system>\s*<as-number>65010<\/as-number>\s*<loops>2<\/loops>/);
  const { back, text } = roundTrip(more, 'junos');
  assert.equal(back, text);
  // Filters on a unit: `input f1;` is <input><filter-name>f1</filter-name></input>.
  const f = conformTree(parseSet('set interfaces ge-0/0/0 unit 0 family inet filter input f1'), schema);
  assert.match(renderXml(f), /<input>\s*<filter-name>f1<\/filter-name>\s*<\/input>/);
  assert.match(renderText(textShape(f, schema)), /input f1;/);
});

test('hold-time is written with its keywords, one line in text, a line per leaf in set', () => {
  const schema = loadSchema('junos');
  for (const src of [
    parseText('interfaces { ge-0/0/1 { hold-time up 200 down 100; } }'),
    parseSet('set interfaces ge-0/0/1 hold-time up 200 down 100'),
    parseXmlConfig(parseXml('<configuration><interfaces><interface><name>ge-0/0/1</name><hold-time><up>200</up><down>100</down></hold-time></interface></interfaces></configuration>')),
  ]) {
    const t = conformTree(src, schema);
    assert.match(renderXml(t), /<hold-time>\s*<up>200<\/up>\s*<down>100<\/down>\s*<\/hold-time>/);
    assert.match(renderText(textShape(t, schema)), /^ {8}hold-time up 200 down 100;$/m);
    assert.equal(renderSet(textShape(t, schema)), 'set interfaces ge-0/0/1 hold-time up 200\nset interfaces ge-0/0/1 hold-time down 100\n');
    const { back, text } = roundTrip(t, 'junos');
    assert.equal(back, text);
  }
});

test('802.3ad in text and set is <ieee-802.3ad> in XML and JSON, its bare value the bundle', () => {
  const schema = loadSchema('junos-ex');
  for (const src of [
    parseText('interfaces { ge-0/0/5 { ether-options { 802.3ad ae0; } } }'),
    parseSet('set interfaces ge-0/0/5 ether-options 802.3ad ae0'),
    parseXmlConfig(parseXml('<configuration><interfaces><interface><name>ge-0/0/5</name><ether-options><ieee-802.3ad><bundle>ae0</bundle></ieee-802.3ad></ether-options></interface></interfaces></configuration>')),
    parseJson('{"configuration":{"interfaces":{"interface":[{"name":"ge-0/0/5","ether-options":{"ieee-802.3ad":{"bundle":"ae0"}}}]}}}'),
  ]) {
    const t = conformTree(src, schema);
    assert.match(renderXml(t), /<ether-options>\s*<ieee-802\.3ad>\s*<bundle>ae0<\/bundle>\s*<\/ieee-802\.3ad>/);
    assert.equal(renderSet(textShape(t, schema)), 'set interfaces ge-0/0/5 ether-options 802.3ad ae0\n');
    assert.match(renderText(textShape(t, schema)), /^ {12}802\.3ad ae0;$/m);
  }
  // With LACP options inside, every form reads back the same.
  const more = conformTree(parseXmlConfig(parseXml('<configuration><interfaces><interface><name>ge-0/0/5</name><ether-options><ieee-802.3ad><lacp><force-up/></lacp><bundle>ae0</bundle><primary/></ieee-802.3ad></ether-options></interface></interfaces></configuration>')), schema);
  const { back, text, xml } = roundTrip(more, 'junos-ex');
  assert.equal(back, text);
  assert.match(xml, /<bundle>ae0<\/bundle>/);
  assert.doesNotMatch(text, /ieee-802|bundle/);
});

test('every profile factory configuration round-trips through every form', () => {
  const profiles = path.join(root, 'fixtures/profiles');
  const families: Record<string, SchemaFamily> = { junos: 'junos', 'junos-es': 'junos-es', 'junos-ex': 'junos-ex', 'junos-qfx': 'junos-qfx' };
  let n = 0;
  for (const p of fs.readdirSync(profiles)) {
    const conf = path.join(profiles, p, 'config.txt');
    if (!fs.existsSync(conf)) continue;
    const family = families[(JSON.parse(fs.readFileSync(path.join(profiles, p, 'profile.json'), 'utf8')) as { family?: string }).family ?? 'junos'] ?? 'junos';
    const { back, text, t0, t4 } = roundTrip(parseText(fs.readFileSync(conf, 'utf8').replace(/\{\{hostname\}\}/g, 'lab-1')), family);
    assert.equal(back, text, `${p}: set → text`);
    assert.ok(t4.equals(t0), `${p}: tree`);
    n++;
  }
  assert.ok(n >= 7, `profiles with a factory configuration: ${n}`);
});

test('one-line statements as Junos writes them: OSPF stub, syslog archive', () => {
  const schema = loadSchema('junos');
  const t = conformTree(
    parseSet(
      [
        'set protocols ospf area 0.0.0.1 stub default-metric 100',
        'set system syslog archive size 1m files 5',
        'set system syslog file messages archive size 65536 files 30',
      ].join('\n'),
    ),
    schema,
  );
  const text = renderText(textShape(t, schema));
  assert.match(text, /^ {12}stub default-metric 100;$/m);
  assert.match(text, /^ {8}archive size 1m files 5;$/m);
  assert.match(text, /^ {12}archive size 65536 files 30;$/m);
  const { back, text: again } = roundTrip(t, 'junos');
  assert.equal(back, again);
});
