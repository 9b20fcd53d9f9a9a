/**
 * Schema-aware output and edits, checked through the NETCONF RPCs of an
 * emulated device and its cli: Junos quoting and leaf-list brackets, `insert before|after`
 * (XML attributes and the cli's `insert`), `operation="replace"` on `<configuration>`,
 * deletes of missing statements that leave nothing behind, and `load update` against
 * `load override`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { JunosCli } from '../../../src/junos/cli/junos-cli.js';
import { NetconfClient } from '../../../src/junos/cli/netconf-client.js';
import { serveDeviceSocket } from '../../../src/shell/device-socket.js';
import { parseText, renderText } from '../../../src/junos/config/index.js';
import { TestClient } from '../../support/netconf-client.js';

const text = (reply: string) => {
  const m = /<configuration-text>([\s\S]*?)<\/configuration-text>/.exec(reply);
  assert.ok(m, `no configuration-text in ${reply}`);
  return m[1].replace(/^## Last [^\n]*\n/, '').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
};
const output = (reply: string) => /<configuration-output>([\s\S]*?)<\/configuration-output>/.exec(reply)?.[1] ?? assert.fail(reply);
const loadText = (action: string, conf: string) =>
  `<load-configuration action="${action}" format="text"><configuration-text>${conf.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</configuration-text></load-configuration>`;
const loadSet = (lines: string) => `<load-configuration action="set" format="text"><configuration-set>${lines}</configuration-set></load-configuration>`;
const GET = '<get-configuration format="text"/>';

async function device(initial?: string) {
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'edits' });
  const c = new TestClient(dev.openNetconf({ user: 'lab' }));
  await c.open();
  if (initial !== undefined) {
    assert.match(await c.rpc(loadText('override', initial)), /<ok\/>/);
    assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/);
  }
  return { dev, c };
}

const POLICY = `policy-options {
    policy-statement p {
        term t1 {
            then accept;
        }
        term t2 {
            then reject;
        }
        term t3 {
            then next term;
        }
    }
}
`;

test('text output: values quoted as Junos quotes them; leaf-lists in brackets only with several values', async () => {
  const { dev, c } = await device();
  try {
    assert.match(
      await c.rpc(loadSet('set snmp contact admin@example.net\nset snmp description "core router 1"\nset snmp location b7\nset system authentication-order password\nset system domain-search a.example\nset system domain-search b.example')),
      /<ok\/>/,
    );
    const t = text(await c.rpc(GET));
    assert.match(t, /\n {4}contact "admin@example\.net";\n/);
    assert.match(t, /\n {4}description "core router 1";\n/);
    assert.match(t, /\n {4}location b7;\n/);
    assert.match(t, /\n {4}authentication-order password;\n/, 'one value: no brackets');
    assert.match(t, /\n {4}domain-search \[ a\.example b\.example \];\n/);
    // What is written reads back as the same configuration.
    assert.equal(renderText(parseText(t)), t);
  } finally {
    await dev.close();
  }
});

test('insert before|after: XML insert attributes and set-form insert, ordered lists and leaf-lists', async () => {
  const { dev, c } = await device(POLICY + 'system {\n    apply-groups [ g1 g2 ];\n}\ngroups {\n    g1;\n    g2;\n    g3;\n}\n');
  const terms = async () => [...text(await c.rpc(GET)).matchAll(/term (t\d)/g)].map((m) => m[1]).join(' ');
  try {
    assert.equal(await terms(), 't1 t2 t3');
    // Junos XML: insert="before" name="t1" moves an existing entry.
    const edit = (body: string) => c.rpc(`<edit-config><target><candidate/></target><config><configuration><policy-options><policy-statement><name>p</name>${body}</policy-statement></policy-options></configuration></config></edit-config>`);
    assert.match(await edit('<term insert="before" name="t1"><name>t3</name></term>'), /<ok\/>/);
    assert.equal(await terms(), 't3 t1 t2');
    // A new entry goes where it is inserted.
    assert.match(await edit('<term insert="after" name="t1"><name>t4</name><then><accept/></then></term>'), /<ok\/>/);
    assert.equal(await terms(), 't3 t1 t4 t2');
    // YANG style key predicate, and first.
    assert.match(await edit(`<term yang:insert="after" yang:key="[name='t2']" xmlns:yang="urn:ietf:params:xml:ns:yang:1"><name>t3</name></term>`), /<ok\/>/);
    assert.equal(await terms(), 't1 t4 t2 t3');
    assert.match(await edit('<term insert="first"><name>t2</name></term>'), /<ok\/>/);
    assert.equal(await terms(), 't2 t1 t4 t3');
    // A referent that does not exist: an error, and nothing moves.
    assert.match(await edit('<term insert="before" name="t9"><name>t1</name></term>'), /<error-message>\s*statement not found\s*<\/error-message>/);
    assert.equal(await terms(), 't2 t1 t4 t3');
    // load-configuration set form: insert ... before|after ...
    assert.match(await c.rpc(loadSet('insert policy-options policy-statement p term t3 before term t2')), /<ok\/>/);
    assert.equal(await terms(), 't3 t2 t1 t4');
    assert.match(await c.rpc(loadSet('insert policy-options policy-statement p term t3 after t4')), /<ok\/>/);
    assert.equal(await terms(), 't2 t1 t4 t3');
    // Leaf-list values: XML value attribute and set form.
    assert.match(await c.rpc('<load-configuration action="merge"><configuration><system><apply-groups insert="before" value="g1">g3</apply-groups></system></configuration></load-configuration>'), /<ok\/>/);
    assert.match(text(await c.rpc(GET)), /apply-groups \[ g3 g1 g2 \];/);
    assert.match(await c.rpc(loadSet('insert system apply-groups g3 after g2')), /<ok\/>/);
    assert.match(text(await c.rpc(GET)), /apply-groups \[ g1 g2 g3 \];/);
    // The diff shows the new term; committing keeps the order.
    assert.match(output(await c.rpc('<get-configuration compare="rollback" rollback="0" format="text"/>')), /\n\+ {3}term t4 \{\n/);
    assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/);
    assert.equal([...text(await c.rpc('<get-configuration database="committed" format="text"/>')).matchAll(/term (t\d)/g)].map((m) => m[1]).join(' '), 't2 t1 t4 t3');
  } finally {
    await dev.close();
  }
});

test('operation="replace" on <configuration> replaces the whole configuration; on a subtree, that subtree', async () => {
  const { dev, c } = await device('system {\n    host-name r1;\n    location {\n        building b7;\n    }\n}\nsnmp {\n    location lab;\n}\n');
  try {
    // Subtree replace: system holds exactly what was sent, snmp stays.
    assert.match(await c.rpc('<edit-config><target><candidate/></target><config><configuration><system operation="replace"><host-name>r2</host-name></system></configuration></config></edit-config>'), /<ok\/>/);
    assert.equal(text(await c.rpc(GET)), 'system {\n    host-name r2;\n}\nsnmp {\n    location lab;\n}\n');
    // Whole-configuration replace with edit-config.
    assert.match(await c.rpc('<edit-config><target><candidate/></target><config><configuration operation="replace"><system><host-name>r3</host-name></system></configuration></config></edit-config>'), /<ok\/>/);
    assert.equal(text(await c.rpc(GET)), 'system {\n    host-name r3;\n}\n');
    // And with load-configuration action="replace" (attribute operation or replace="replace").
    await c.rpc('<discard-changes/>');
    assert.match(await c.rpc('<load-configuration action="replace"><configuration replace="replace"><snmp><location>x</location></snmp></configuration></load-configuration>'), /<ok\/>/);
    assert.equal(text(await c.rpc(GET)), 'snmp {\n    location x;\n}\n');
    await c.rpc('<discard-changes/>');
    assert.match(await c.rpc('<load-configuration action="replace"><configuration operation="replace"><snmp><location>y</location></snmp></configuration></load-configuration>'), /<ok\/>/);
    assert.equal(text(await c.rpc(GET)), 'snmp {\n    location y;\n}\n');
  } finally {
    await dev.close();
  }
});

test('a delete of a missing statement leaves nothing behind', async () => {
  const INITIAL = 'interfaces {\n    ge-0/0/0 {\n        unit 0;\n    }\n}\n';
  const { dev, c } = await device(INITIAL);
  const compare = '<get-configuration compare="rollback" rollback="0" format="text"/>';
  try {
    // load-configuration: delete under a statement that does not exist is a no-op.
    assert.match(await c.rpc('<load-configuration action="merge"><configuration><interfaces><interface><name>ge-0/0/0</name><hold-time><up delete="delete"/></hold-time></interface></interfaces></configuration></load-configuration>'), /<ok\/>/);
    assert.match(await c.rpc(loadText('merge', 'interfaces { ge-0/0/0 { hold-time { delete: up; } } }')), /<ok\/>/);
    assert.equal(text(await c.rpc(GET)), INITIAL);
    assert.equal(output(await c.rpc(compare)).trim(), '', 'nothing changed');
    // edit-config answers as Junos: a delete of something missing (here below a missing
    // statement) changes nothing and warns `statement not found`; remove is silent.
    const editDel = (body: string) => c.rpc(`<edit-config><target><candidate/></target><config><configuration>${body}</configuration></config></edit-config>`);
    const r = await editDel('<interfaces><interface><name>ge-0/0/0</name><hold-time><up operation="delete"/></hold-time></interface></interfaces>');
    assert.match(r, /<error-severity>warning<\/error-severity>/);
    assert.match(r, /<error-message>\s*statement not found\s*<\/error-message>/);
    assert.match(r, /<error-path>\[edit interfaces ge-0\/0\/0\]<\/error-path>/);
    assert.match(r, /<bad-element>hold-time<\/bad-element>/);
    assert.doesNotMatch(r, /<error-severity>error<\/error-severity>/);
    assert.match(r, /<ok\/>/);
    const r2 = await editDel('<snmp><location operation="delete"/></snmp><interfaces><interface><name>ge-0/0/0</name><description>kept</description></interface></interfaces>');
    assert.match(r2, /<error-path>\[edit\]<\/error-path>[\s\S]*<bad-element>snmp<\/bad-element>/, 'the first statement that is not there');
    assert.match(r2, /<ok\/>/);
    assert.match(text(await c.rpc(GET)), /description kept;/, 'the rest of the edit is applied');
    assert.doesNotMatch(text(await c.rpc(GET)), /snmp/);
    const r3 = await editDel('<interfaces><interface><name>ge-0/0/0</name><description operation="delete"/><hold-time operation="remove"/></interface><interface operation="remove"><name>ge-0/0/9</name></interface></interfaces>');
    assert.doesNotMatch(r3, /rpc-error/, 'remove of a missing statement is silent');
    assert.match(r3, /<ok\/>/);
    assert.equal(text(await c.rpc(GET)), INITIAL);
    // A delete mixed with real content adds the content only.
    assert.match(await c.rpc('<load-configuration action="merge"><configuration><interfaces><interface><name>ge-0/0/0</name><description>up</description><hold-time><up delete="delete"/></hold-time></interface></interfaces></configuration></load-configuration>'), /<ok\/>/);
    const after = text(await c.rpc(GET));
    assert.match(after, /description up;/);
    assert.doesNotMatch(after, /hold-time/);
    // A list entry the edit names is created even when it holds only deletes, as on Junos
    // (`<interface><name>X</name><disable delete="delete"/>` under protocols lldp gives
    // `interface X;`): the entry, nothing of what was to be deleted.
    assert.match(await c.rpc('<load-configuration action="merge"><configuration><interfaces><interface><name>ge-0/0/7</name><unit delete="delete"><name>0</name></unit></interface></interfaces></configuration></load-configuration>'), /<ok\/>/);
    const r4 = await editDel('<protocols><lldp><interface><name>ge-0/0/1</name><disable delete="delete"/></interface></lldp></protocols>');
    assert.match(r4, /<ok\/>/);
    const entries = text(await c.rpc(GET));
    assert.match(entries, /^ {4}ge-0\/0\/7;$/m);
    assert.match(entries, /lldp \{\n {8}interface ge-0\/0\/1;\n/);
    assert.doesNotMatch(entries, /unit 0;\n {4}\}\n {4}ge-0\/0\/7 \{|disable/);
  } finally {
    await dev.close();
  }
});

test('load update: the loaded configuration, but statements that did not change keep their place; override takes the file as it is', async () => {
  const INITIAL = 'system {\n    host-name r1;\n    location {\n        building b7;\n    }\n}\nsnmp {\n    location lab;\n    contact noc;\n}\n' + POLICY;
  // The same configuration with snmp's statements and the top-level order swapped, one term
  // reordered (an ordered-by-user list), a host-name changed and building removed.
  const FILE = POLICY.replace(/term t1 \{\n {12}then accept;\n {8}\}\n {8}(term t2 \{\n {12}then reject;\n {8}\}\n)/, '$1        term t1 {\n            then accept;\n        }\n') +
    'snmp {\n    contact noc;\n    location lab;\n}\nsystem {\n    host-name r2;\n}\n';
  assert.match(FILE, /term t2[\s\S]*term t1/);
  const compare = '<get-configuration compare="rollback" rollback="0" format="text"/>';
  const { dev, c } = await device(INITIAL);
  try {
    assert.match(await c.rpc(loadText('update', FILE)), /<ok\/>/);
    const updated = text(await c.rpc(GET));
    // The result is the loaded configuration ...
    assert.ok(parseText(updated).equals(parseText(renderText(parseText(updated)))));
    assert.match(updated, /host-name r2;/);
    assert.doesNotMatch(updated, /building/);
    assert.match(updated, /term t2[\s\S]*term t1[\s\S]*term t3/, 'ordered-by-user terms in the loaded order');
    // ... with what did not change where it was: system first, snmp's location before contact.
    assert.match(updated, /^system \{\n {4}host-name r2;\n\}\nsnmp \{\n {4}location lab;\n {4}contact noc;\n\}\npolicy-options/);
    // show | compare: only the changed statements.
    const diff = output(await c.rpc(compare));
    assert.doesNotMatch(diff, /snmp/);
    assert.match(diff, /\[edit system\]\n- {3}host-name r1;\n\+ {3}host-name r2;\n- {3}location \{/);
    // Loading the committed configuration again, in another order, is no change at all.
    await c.rpc('<discard-changes/>');
    const reordered = 'snmp {\n    contact noc;\n    location lab;\n}\n' + POLICY + 'system {\n    location {\n        building b7;\n    }\n    host-name r1;\n}\n';
    assert.match(await c.rpc(loadText('update', reordered)), /<ok\/>/);
    assert.equal(text(await c.rpc(GET)), INITIAL);
    assert.equal(output(await c.rpc(compare)).trim(), '');
    // override takes the file as written: the same statements, in the file's order.
    assert.match(await c.rpc(loadText('override', reordered)), /<ok\/>/);
    assert.equal(text(await c.rpc(GET)), reordered);
  } finally {
    await dev.close();
  }
});

test('cli: delete of something absent warns "statement not found" and changes nothing; insert moves a term', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-edits-cli-'));
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'edits' });
  const socket = await serveDeviceSocket(() => dev.openNetconf({ user: 'lab', client: 'cli' }), path.join(dir, 'cli', 'device.sock'));
  const client = await NetconfClient.connect(path.join(dir, 'cli', 'device.sock'));
  let out = '';
  const cli = new JunosCli(client, { write: (t) => void (out += t), readLine: async () => undefined }, 'lab', 'edits');
  try {
    await cli.run('configure');
    await cli.run('load merge terminal');
    for (const l of ['set policy-options policy-statement p term t1 then accept', 'set policy-options policy-statement p term t2 then reject', 'set interfaces ge-0/0/0 unit 0']) await cli.run(l);
    await cli.run('commit');
    out = '';
    await cli.run('delete interfaces ge-0/0/0 hold-time');
    assert.equal(out, 'warning: statement not found\n');
    await cli.run('delete interfaces ge-0/0/9 unit 0');
    assert.equal(out, 'warning: statement not found\nwarning: statement not found\n');
    out = '';
    await cli.run('show | compare');
    assert.equal(out.trim(), '', 'nothing changed');
    out = '';
    await cli.run('insert policy-options policy-statement p term t2 before term t1');
    assert.equal(out, '');
    await cli.run('show policy-options');
    assert.match(out, /term t2 \{[\s\S]*term t1 \{/);
    out = '';
    await cli.run('insert policy-options policy-statement p term t2 after term t7');
    assert.match(out, /statement not found/);
    assert.ok(cli.failed);
  } finally {
    await cli.run('exit');
    await cli.run('exit');
    client.close();
    await socket.close();
    await dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
