/**
 * Statement order as Junos keeps it: inside a container statements stand in the
 * schema's order (order.ts), whatever order they are added in, by load set / text / XML,
 * edit-config or the cli; list entries keep the order they were added in; what a
 * configuration already holds never moves, so real configurations read back byte for byte.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { parseText, renderSet } from '../../../src/junos/config/index.js';
import { orderProblems } from '../../../src/junos/config/order.js';
import { schemaView } from '../../../src/junos/config/schema-check.js';
import { loadSchema, type SchemaFamily } from '../../../src/schema/index.js';
import { TestClient } from '../../support/netconf-client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const fixture = (name: string) => fs.readFileSync(path.join(root, 'test/fixtures/config', name), 'utf8');
const body = (t: string) => t.split('\n').filter((l) => !l.startsWith('## ')).join('\n');
const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const text = (reply: string) => unescape(/<configuration-text>([\s\S]*?)<\/configuration-text>/.exec(reply)?.[1] ?? assert.fail(reply));
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const loadSet = (lines: string) => `<load-configuration action="set" format="text"><configuration-set>${esc(lines)}</configuration-set></load-configuration>`;
const loadText = (action: string, conf: string) => `<load-configuration action="${action}" format="text"><configuration-text>${esc(conf)}</configuration-text></load-configuration>`;
const GET = '<get-configuration format="text"/>';

async function device(profile: string) {
  const dev = await EmulatedDevice.create({ profile, hostname: 'order' });
  const c = new TestClient(dev.openNetconf({ user: 'lab' }));
  await c.open();
  return { dev, c };
}

/** Real `show configuration` outputs (an SRX, NAPALM's EX) are in the order order.ts gives, at every level. */
test('the real configurations are in the statement order the emulator uses', () => {
  for (const [file, family] of [['srx.conf', 'junos-es'], ['ex-napalm.conf', 'junos-ex'], ['ex-napalm.conf', 'junos']] as [string, SchemaFamily][]) {
    const schema = loadSchema(family);
    assert.deepEqual(orderProblems(schema, schemaView(parseText(fixture(file)).root, schema.root)), [], `${file} on ${family}`);
  }
  // The rule can fail: the YANG alone (alphabetical top level) would put interfaces before system.
  const schema = loadSchema('junos');
  assert.deepEqual(orderProblems(schema, parseText('snmp {\n    location x;\n}\nsystem {\n    services {\n        ssh;\n    }\n    host-name r1;\n}\n').root), [
    '(top): system after snmp',
    'system: host-name after services',
  ]);
});

/**
 * A real configuration given to the device backwards (top-level statements, and the
 * statements of `system`, in reverse order; each one's own lines as they were) comes out
 * exactly as the device wrote it.
 */
test('a real configuration set backwards comes out in Junos order, byte for byte', async () => {
  for (const [profile, file] of [['srx', 'srx.conf'], ['ex', 'ex-napalm.conf']]) {
    const conf = body(fixture(file));
    const lines = renderSet(parseText(conf)).trimEnd().split('\n');
    const group = (l: string) => {
      const w = l.split(' ');
      return w[1] === 'system' ? `system ${w[2]}` : w[1];
    };
    const firstSeen = new Map<string, number>();
    lines.forEach((l, i) => {
      if (!firstSeen.has(group(l))) firstSeen.set(group(l), i);
    });
    const top = (l: string) => firstSeen.get(l.split(' ')[1]) as number;
    const backwards = [...lines].sort((a, b) => top(b) - top(a) || (firstSeen.get(group(b)) as number) - (firstSeen.get(group(a)) as number));
    assert.notDeepEqual(backwards, lines);
    const { dev, c } = await device(profile);
    try {
      assert.match(await c.rpc(loadText('override', '')), /<ok\/>/);
      assert.match(await c.rpc(loadSet(backwards.join('\n'))), /<ok\/>/, file);
      assert.equal(body(text(await c.rpc(GET))), conf, file);
    } finally {
      await dev.close();
    }
  }
});

test('new statements land in schema order through load set, load text, edit-config; list entries keep their order; loaded order stays', async () => {
  const { dev, c } = await device('mx');
  try {
    assert.match(await c.rpc(loadText('override', 'snmp {\n    location lab;\n}\n')), /<ok\/>/);
    assert.match(
      await c.rpc(loadSet(['set interfaces ge-0/0/5 unit 0 family inet address 10.0.5.1/24', 'set interfaces ge-0/0/1 unit 0', 'set interfaces ge-0/0/5 description uplink', 'set system services ssh', 'set system host-name r1'].join('\n'))),
      /<ok\/>/,
    );
    assert.equal(
      text(await c.rpc(GET)).replace(/^## [^\n]*\n/, ''),
      [
        'system {', '    host-name r1;', '    services {', '        ssh;', '    }', '}',
        'interfaces {', '    ge-0/0/5 {', '        description uplink;', '        unit 0 {', '            family inet {', '                address 10.0.5.1/24;', '            }', '        }', '    }',
        '    ge-0/0/1 {', '        unit 0;', '    }', '}',
        'snmp {', '    location lab;', '}', '',
      ].join('\n'),
    );
    // load merge (text) and edit-config (XML): the same rule.
    assert.match(await c.rpc(loadText('merge', 'system { domain-name example.net; }\nversion 21.4R3;')), /<ok\/>/);
    assert.match(
      await c.rpc('<edit-config><target><candidate/></target><config><configuration><snmp><contact>noc</contact><description>r1</description></snmp><interfaces><interface><name>ge-0/0/1</name><mtu>9000</mtu></interface></interfaces></configuration></config></edit-config>'),
      /<ok\/>/,
    );
    const t = text(await c.rpc(GET)).replace(/^## [^\n]*\n/, '');
    assert.match(t, /^version 21\.4R3;\nsystem \{\n {4}host-name r1;\n {4}domain-name example\.net;\n {4}services \{/);
    assert.match(t, /ge-0\/0\/1 \{\n {8}mtu 9000;\n {8}unit 0;/);
    assert.match(t, /snmp \{\n {4}description r1;\n {4}location lab;\n {4}contact noc;\n\}/);
    // A configuration loaded whole keeps its own order (override takes the file as it is).
    const odd = 'snmp {\n    contact noc;\n    location lab;\n}\nsystem {\n    host-name r2;\n}\n';
    assert.match(await c.rpc(loadText('override', odd)), /<ok\/>/);
    assert.equal(text(await c.rpc(GET)).replace(/^## [^\n]*\n/, ''), odd);
  } finally {
    await dev.close();
  }
});

test('the MX fixture loaded through the device reads back byte for byte', async () => {
  const { dev, c } = await device('mx');
  try {
    const conf = body(fixture('mx.conf'));
    assert.match(await c.rpc(loadText('override', conf)), /<ok\/>/);
    assert.equal(body(text(await c.rpc(GET))), conf);
  } finally {
    await dev.close();
  }
});
