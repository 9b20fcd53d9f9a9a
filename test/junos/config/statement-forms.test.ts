/**
 * Statements of a YANG choice: a new statement of one case takes the place of the other
 * cases' statements, on every face (set lines, XML merge, edit-config), as on Junos; and
 * the SRX default policy is written as Junos writes it (`default-policy { permit-all; }`,
 * `<default-policy><deny-all/></default-policy>`), not as the YANG's `default-action` leaf;
 * statements whose text form Junos writes its own way (syslog console, snmp clients, ntp);
 * and an empty leaf element with only `active`/`inactive` (de)activates, sets no value.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { TestClient } from '../../support/netconf-client.js';

const loadSet = (lines: string) => `<load-configuration action="set" format="text"><configuration-set>${lines}</configuration-set></load-configuration>`;
const getSet = (filter: string) => `<get-configuration database="candidate" format="set"><configuration>${filter}</configuration></get-configuration>`;
const setLines = (reply: string) => (/<configuration-set>([\s\S]*?)<\/configuration-set>/.exec(reply)?.[1] ?? assert.fail(reply)).trim().split('\n');

async function device(profile: string) {
  const dev = await EmulatedDevice.create({ profile, hostname: 'choices' });
  const c = new TestClient(dev.openNetconf({ user: 'lab' }));
  await c.open();
  return { dev, c };
}

test('a statement of one case of a choice replaces the other case (set, XML merge, edit-config)', async () => {
  const { dev, c } = await device('mx');
  try {
    assert.match(await c.rpc(loadSet('set firewall filter f term t then accept\nset firewall filter f term t then discard')), /<ok\/>/);
    assert.deepEqual(setLines(await c.rpc(getSet('<firewall/>'))), ['set firewall filter f term t then discard']);
    assert.match(
      await c.rpc('<load-configuration action="merge"><configuration><firewall><filter><name>f</name><term><name>t</name><then><reject/></then></term></filter></firewall></configuration></load-configuration>'),
      /<ok\/>/,
    );
    assert.deepEqual(setLines(await c.rpc(getSet('<firewall/>'))), ['set firewall filter f term t then reject']);
    assert.match(
      await c.rpc('<edit-config><target><candidate/></target><config><configuration><firewall><filter><name>f</name><term><name>t</name><then><accept/></then></term></filter></firewall></configuration></config></edit-config>'),
      /<ok\/>/,
    );
    assert.deepEqual(setLines(await c.rpc(getSet('<firewall/>'))), ['set firewall filter f term t then accept']);
    // Statements outside the choice stay.
    assert.match(await c.rpc(loadSet('set firewall filter f term t then count c1\nset firewall filter f term t then discard')), /<ok\/>/);
    assert.deepEqual(setLines(await c.rpc(getSet('<firewall/>'))), ['set firewall filter f term t then count c1', 'set firewall filter f term t then discard']);
  } finally {
    await dev.close();
  }
});

test('SRX default policy: permit-all / deny-all statements, the last one set wins, and show security policies follows', async () => {
  for (const profile of ['srx', 'srx4100']) {
    const { dev, c } = await device(profile);
    try {
      assert.match(await c.rpc(loadSet('set security policies default-policy permit-all')), /<ok\/>/, profile);
      const xml = await c.rpc('<get-configuration database="candidate"><configuration><security><policies/></security></configuration></get-configuration>');
      assert.match(xml, /<default-policy>\s*<permit-all\/>\s*<\/default-policy>/, xml);
      assert.match(await c.rpc('<load-configuration action="merge"><configuration><security><policies><default-policy><deny-all/></default-policy></policies></security></configuration></load-configuration>'), /<ok\/>/);
      assert.deepEqual(setLines(await c.rpc(getSet('<security><policies/></security>'))), ['set security policies default-policy deny-all']);
      const text = await c.rpc('<get-configuration database="candidate" format="text"><configuration><security><policies/></security></configuration></get-configuration>');
      assert.match(text, /default-policy \{\s*deny-all;\s*\}/);
      assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/);
      assert.match(await c.rpc('<get-firewall-policies/>'), /<default-action>deny-all<\/default-action>/);
    } finally {
      await dev.close();
    }
  }
});

test('syslog console: a list keyed by facility, set and text forms as Junos writes them, the level a choice', async () => {
  for (const profile of ['mx', 'ex', 'srx', 'qfx']) {
    const { dev, c } = await device(profile);
    try {
      assert.match(await c.rpc(loadSet('set system syslog console any critical\nset system syslog console kernel error\nset system syslog console any info')), /<ok\/>/, profile);
      const text = await c.rpc('<get-configuration database="candidate" format="text"><configuration><system><syslog><console/></syslog></system></configuration></get-configuration>');
      assert.match(text, /\n {8}console \{\n {12}any info;\n {12}kernel error;\n {8}\}\n/, text);
      const xml = await c.rpc('<get-configuration database="candidate"><configuration><system><syslog><console/></syslog></system></configuration></get-configuration>');
      assert.match(xml, /<console>\s*<name>any<\/name>\s*<info\/>\s*<\/console>/, xml);
      const back = '<load-configuration action="merge" format="text"><configuration-text>system { syslog { console { authorization notice; } } }</configuration-text></load-configuration>';
      assert.match(await c.rpc(back), /<ok\/>/);
      assert.deepEqual(setLines(await c.rpc(getSet('<system><syslog><console/></syslog></system>'))), [
        'set system syslog console any info',
        'set system syslog console kernel error',
        'set system syslog console authorization notice',
      ]);
    } finally {
      await dev.close();
    }
  }
});

test('SNMP community clients in one block, `0.0.0.0/0 restrict;` on one line, read back from that text', async () => {
  const { dev, c } = await device('mx');
  try {
    assert.match(await c.rpc(loadSet('set snmp community public clients 10.10.50.0/24\nset snmp community public clients 0.0.0.0/0 restrict')), /<ok\/>/);
    const text = await c.rpc('<get-configuration database="candidate" format="text"><configuration><snmp/></configuration></get-configuration>');
    assert.match(text, /community public \{\n {8}clients \{\n {12}10\.10\.50\.0\/24;\n {12}0\.0\.0\.0\/0 restrict;\n {8}\}\n {4}\}/, text);
    const load = '<load-configuration action="merge" format="text"><configuration-text>snmp { community c2 { clients { 10.0.0.0/8; 0.0.0.0/0 restrict; } } }</configuration-text></load-configuration>';
    assert.match(await c.rpc(load), /<ok\/>/);
    assert.deepEqual(setLines(await c.rpc(getSet('<snmp><community><name>c2</name></community></snmp>'))), ['set snmp community c2 clients 10.0.0.0/8', 'set snmp community c2 clients 0.0.0.0/0 restrict']);
  } finally {
    await dev.close();
  }
});

test('NTP statements Junos writes on one line: peer, broadcast, source-address, threshold', async () => {
  const { dev, c } = await device('mx');
  try {
    const lines = [
      'set system ntp threshold 300 action accept',
      'set system ntp peer 192.0.2.7 version 3 prefer',
      'set system ntp source-address 192.0.2.1 routing-instance rt1',
      'set system ntp broadcast 192.0.2.255 version 3 ttl 200',
    ];
    assert.match(await c.rpc(loadSet(lines.join('\n'))), /<ok\/>/);
    const text = await c.rpc('<get-configuration database="candidate" format="text"><configuration><system><ntp/></system></configuration></get-configuration>');
    assert.match(text, /\n {8}threshold 300 action accept;\n/);
    assert.match(text, /\n {8}peer 192\.0\.2\.7 version 3 prefer;\n/);
    assert.match(text, /\n {8}source-address 192\.0\.2\.1 routing-instance rt1;\n/);
    assert.match(text, /\n {8}broadcast 192\.0\.2\.255 version 3 ttl 200;\n/);
    const xml = await c.rpc('<get-configuration database="candidate"><configuration><system><ntp/></system></configuration></get-configuration>');
    assert.match(xml, /<threshold>\s*<value>300<\/value>\s*<action>accept<\/action>\s*<\/threshold>/);
  } finally {
    await dev.close();
  }
});

test('an empty leaf element with active/inactive (de)activates the statement and keeps its value (load and edit-config)', async () => {
  const { dev, c } = await device('mx');
  try {
    const load = (xml: string) => c.rpc(`<load-configuration action="merge"><configuration><system>${xml}</system></configuration></load-configuration>`);
    const get = () => c.rpc('<get-configuration database="candidate"><configuration><system><host-name/><domain-name/></system></configuration></get-configuration>');
    // junos_system sends this for every parameter it is not given.
    assert.match(await load('<host-name active="active"/><domain-name active="active">example.net</domain-name>'), /<ok\/>/);
    assert.match(await get(), /<host-name>choices<\/host-name>\s*<domain-name>example\.net<\/domain-name>/);
    assert.match(await load('<host-name inactive="inactive"/>'), /<ok\/>/);
    assert.match(await get(), /<host-name inactive="inactive">choices<\/host-name>/);
    assert.match(await c.rpc('<edit-config><target><candidate/></target><config><configuration><system><host-name active="active"/></system></configuration></config></edit-config>'), /<ok\/>/);
    assert.match(await get(), /<host-name>choices<\/host-name>/);
    // Nothing to (de)activate: nothing changes.
    assert.match(await load('<time-zone inactive="inactive"/>'), /<ok\/>/);
    assert.doesNotMatch(await c.rpc('<get-configuration database="candidate"><configuration><system><time-zone/></system></configuration></get-configuration>'), /time-zone/);
    // Below a statement that is new, too (junos_logging: `<syslog>` with `<log-rotate-frequency active="active"/>`).
    assert.match(await load('<ntp><server><name>192.0.2.1</name></server><boot-server active="active"/></ntp>'), /<ok\/>/);
    assert.deepEqual(setLines(await c.rpc(getSet('<system><ntp/></system>'))), ['set system ntp server 192.0.2.1']);
    // An empty leaf without such an attribute is still refused.
    assert.match(await load('<time-zone/>'), /syntax error, expecting &lt;data&gt;/);
  } finally {
    await dev.close();
  }
});

test('a delete leaves a presence container (family inet) in place, and takes away the containers it emptied', async () => {
  const { dev, c } = await device('mx');
  try {
    assert.match(await c.rpc(loadSet('set interfaces ge-0/0/3 unit 0 family inet address 10.1.1.1/24\nset interfaces ge-0/0/3 unit 0 family inet filter input-list f')), /<ok\/>/);
    // XML keyless delete (Ansible's deleted state) and a set-form delete.
    const del = '<load-configuration action="merge"><configuration><interfaces><interface><name>ge-0/0/3</name><unit><name>0</name><family><inet><address delete="delete"/></inet></family></unit></interface></interfaces></configuration></load-configuration>';
    assert.match(await c.rpc(del), /<ok\/>/);
    assert.match(await c.rpc(loadSet('delete interfaces ge-0/0/3 unit 0 family inet filter input-list f')), /<ok\/>/);
    assert.deepEqual(setLines(await c.rpc(getSet('<interfaces><interface><name>ge-0/0/3</name></interface></interfaces>'))), ['set interfaces ge-0/0/3 unit 0 family inet']);
    // A non-presence container goes with its last statement.
    assert.match(await c.rpc(loadSet('set system ntp server 192.0.2.1\ndelete system ntp server 192.0.2.1')), /<ok\/>/);
    assert.doesNotMatch(await c.rpc(getSet('<system><ntp/></system>')), /ntp/);
  } finally {
    await dev.close();
  }
});

test('SRX address book: `address NAME PREFIX` in set and text form, the prefix bare inside a block, <ip-prefix> in XML', async () => {
  const { dev, c } = await device('srx');
  try {
    const lines = [
      'set security zones security-zone trust address-book address h1 10.1.0.0/24',
      'set security zones security-zone trust address-book address h2 description two',
      'set security zones security-zone trust address-book address h2 10.2.0.0/24',
    ];
    assert.match(await c.rpc(loadSet(lines.join('\n'))), /<ok\/>/);
    const filter = '<security><zones><security-zone><name>trust</name><address-book/></security-zone></zones></security>';
    assert.deepEqual(setLines(await c.rpc(getSet(filter))), lines);
    const xml = await c.rpc(`<get-configuration database="candidate"><configuration>${filter}</configuration></get-configuration>`);
    assert.match(xml, /<address>\s*<name>h1<\/name>\s*<ip-prefix>10\.1\.0\.0\/24<\/ip-prefix>\s*<\/address>/);
    const text = (/<configuration-text>([\s\S]*?)<\/configuration-text>/.exec(await c.rpc(`<get-configuration database="candidate" format="text"><configuration>${filter}</configuration></get-configuration>`)) ?? assert.fail())[1]!;
    assert.match(text, /\n {16}address h1 10\.1\.0\.0\/24;\n {16}address h2 \{\n {20}description two;\n {20}10\.2\.0\.0\/24;\n {16}\}\n/, text);
    // The text form reads back to the same statements.
    const body = text.replace(/^## .*\n/, '');
    assert.match(await c.rpc(`<load-configuration action="replace" format="text"><configuration-text>${body}</configuration-text></load-configuration>`), /<ok\/>/);
    assert.deepEqual(setLines(await c.rpc(getSet(filter))), lines);
  } finally {
    await dev.close();
  }
});
