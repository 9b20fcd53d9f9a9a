/**
 * Configuration groups: the expansion of apply-groups (precedence, nested levels, patterns,
 * apply-groups-except, inactive groups) and get-configuration inherit="inherit" through the
 * NETCONF RPC layer of an emulated device with its real datastore.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandGroups, parseText, renderText } from '../../../src/junos/config/index.js';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { escapeText } from '../../../src/netconf/xml.js';
import { TestClient } from '../../support/netconf-client.js';

/** The expanded form of a text configuration, as text (no header). */
function expanded(text: string): string {
  return renderText(expandGroups(parseText(text))).trim();
}

/** Normalises hand-written expected text: four-space indents from the template's two. */
function conf(text: string): string {
  return renderText(parseText(text)).trim();
}

test('root apply-groups: own statements win, the first group listed wins, leaf-lists collect', () => {
  const input = `
    groups {
      first { system { host-name from-first; domain-name first.example; name-server { 1.1.1.1; } } }
      second { system { domain-name second.example; time-zone UTC; services { netconf { ssh; } } } snmp { location lab; } }
    }
    apply-groups [ first second ];
    system { host-name r1; name-server { 8.8.8.8; } }
  `;
  assert.equal(
    expanded(input),
    conf(`
      system {
        host-name r1;
        name-server { 8.8.8.8; 1.1.1.1; }
        domain-name first.example;
        time-zone UTC;
        services { netconf { ssh; } }
      }
      snmp { location lab; }
    `),
  );
});

test('nested apply-groups: only that level inherits, and it beats a group applied above', () => {
  const input = `
    groups {
      standard { interfaces { <t3-*> { description standard; mtu 4470; } } system { host-name std; } }
      northwest { interfaces { <t3-*> { description northwest; } } system { host-name nw; } }
    }
    apply-groups standard;
    interfaces {
      t3-0/0/0 { apply-groups northwest; }
      t3-0/0/1;
    }
  `;
  assert.equal(
    expanded(input),
    conf(`
      interfaces {
        t3-0/0/0 { description northwest; mtu 4470; }
        t3-0/0/1 { description standard; mtu 4470; }
      }
      system { host-name std; }
    `),
  );
  // Applied below the root only: nothing above that level is inherited.
  const below = `
    groups { g { system { host-name nope; services { ssh; } } } }
    system { services { apply-groups g; telnet; } }
  `;
  assert.equal(expanded(below), conf('system { services { telnet; ssh; } }'));
});

test('patterns: <ge-*> and <*> reach existing entries only; exact names beat patterns', () => {
  const input = `
    groups {
      jumbo {
        interfaces {
          ge-0/0/1 { mtu 1500; }
          <ge-*> { mtu 9192; unit <*> { family inet { mtu 9000; } } }
          "<xe-[0-1]/*>" { description fast; }
          "<xe-[!0-1]/*>" { description other; }
        }
      }
    }
    apply-groups jumbo;
    interfaces {
      ge-0/0/0 { unit 0 { family inet { address 10.0.0.1/24; } } unit 5; }
      ge-0/0/1 { description uplink; }
      xe-1/0/0;
      xe-2/0/0;
      lo0 { unit 0; }
    }
  `;
  assert.equal(
    expanded(input),
    conf(`
      interfaces {
        ge-0/0/0 {
          unit 0 { family inet { address 10.0.0.1/24; mtu 9000; } }
          unit 5 { family inet { mtu 9000; } }
          mtu 9192;
        }
        ge-0/0/1 { description uplink; mtu 1500; }
        xe-1/0/0 { description fast; }
        xe-2/0/0 { description other; }
        lo0 { unit 0; }
      }
    `),
  );
  // A pattern matching nothing leaves no empty container behind.
  assert.equal(expanded('groups { g { interfaces { <ge-*> { mtu 9192; } } } } apply-groups g; system { host-name r1; }'), conf('system { host-name r1; }'));
  // A pattern also reaches an entry that another group adds.
  assert.equal(
    expanded('groups { a { interfaces { ge-0/0/9 { description added; } } } b { interfaces { <ge-*> { mtu 9192; } } } } apply-groups [ a b ];'),
    conf('interfaces { ge-0/0/9 { description added; mtu 9192; } }'),
  );
});

test('apply-groups-except stops a group at that level and below, not elsewhere', () => {
  const input = `
    groups { mtu { interfaces { <*> { mtu 9192; } } } desc { interfaces { <*> { description lab; } } } }
    apply-groups [ mtu desc ];
    interfaces {
      ae0-member-0 { apply-groups-except mtu; }
      ge-0/0/0;
    }
  `;
  assert.equal(
    expanded(input),
    conf(`
      interfaces {
        ae0-member-0 { description lab; }
        ge-0/0/0 { mtu 9192; description lab; }
      }
    `),
  );
});

test('inactive groups, apply-groups and group statements are left out; an inactive own statement stays and wins', () => {
  const input = `
    groups {
      inactive: off { system { location { building b1; } } }
      on { system { inactive: domain-name skipped.example; time-zone UTC; host-name from-group; } }
      late { snmp { contact me; } }
    }
    apply-groups [ off on ];
    inactive: apply-groups late;
    system { inactive: host-name r1; }
  `;
  assert.equal(expanded(input), conf('system { inactive: host-name r1; time-zone UTC; }'));
});

test('groups re0/re1 apply only on their routing engine; the input tree is left alone', () => {
  const input = 'groups { re0 { system { host-name r-re0; } } re1 { system { host-name r-re1; } } } apply-groups [ re0 re1 ];';
  const tree = parseText(input);
  const before = renderText(tree);
  assert.equal(renderText(expandGroups(tree)).trim(), conf('system { host-name r-re0; }'));
  assert.equal(renderText(expandGroups(tree, { routingEngine: 're1' })).trim(), conf('system { host-name r-re1; }'));
  assert.equal(renderText(tree), before);
});

const CONFIG = [
  'groups {',
  '    common {',
  '        system {',
  '            domain-name lab.example;',
  '            services { netconf { ssh; } }',
  '        }',
  '        interfaces { <ge-*> { mtu 9192; } }',
  '    }',
  '}',
  'apply-groups common;',
  'system { host-name g1; }',
  'interfaces { ge-0/0/0 { unit 0; } }',
].join('\n');

test('get-configuration inherit="inherit" answers the expanded configuration in every format', async () => {
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'grp' });
  try {
    const c = new TestClient(dev.openNetconf());
    await c.open();
    const load = await c.rpc(`<load-configuration action="override" format="text"><configuration-text>${escapeText(CONFIG)}</configuration-text></load-configuration>`);
    assert.match(load, /<ok\/>/);
    assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/);

    // Without inherit: as written.
    const plain = await c.rpc('<get-configuration database="committed" format="set"/>');
    assert.match(plain, /set apply-groups common/);
    assert.doesNotMatch(plain, /set interfaces ge-0\/0\/0 mtu/);

    const xml = await c.rpc('<get-configuration database="committed" inherit="inherit"/>');
    assert.doesNotMatch(xml, /<groups>|<apply-groups>/);
    assert.match(xml, /<system>\s*<host-name>g1<\/host-name>\s*<domain-name>lab\.example<\/domain-name>\s*<services>\s*<netconf>\s*<ssh\/>/);
    assert.match(xml, /<interface>\s*<name>ge-0\/0\/0<\/name>\s*<unit>\s*<name>0<\/name>\s*<\/unit>\s*<mtu>9192<\/mtu>\s*<\/interface>/);
    assert.doesNotMatch(xml, /junos:group=/);

    const text = await c.rpc('<get-configuration database="committed" inherit="inherit" format="text"/>');
    assert.match(text, /<configuration-text>[\s\S]*system \{\n {4}host-name g1;\n {4}domain-name lab\.example;\n {4}services \{\n {8}netconf \{\n {12}ssh;/);
    assert.doesNotMatch(text, /groups|<ge-\*>/);

    const set = await c.rpc('<get-configuration database="committed" inherit="inherit" format="set"/>');
    const lines = /<configuration-set>([\s\S]*)<\/configuration-set>/.exec(set)?.[1].trim().split('\n') ?? [];
    assert.deepEqual(lines, [
      'set system host-name g1',
      'set system domain-name lab.example',
      'set system services netconf ssh',
      'set interfaces ge-0/0/0 unit 0',
      'set interfaces ge-0/0/0 mtu 9192',
    ]);

    const json = await c.rpc('<get-configuration database="committed" inherit="defaults" format="json"/>');
    const doc = JSON.parse(/<rpc-reply[^>]*>([\s\S]*)<\/rpc-reply>/.exec(json)?.[1] ?? '') as { configuration: Record<string, unknown> };
    assert.equal(doc.configuration.groups, undefined);
    assert.deepEqual((doc.configuration.system as Record<string, unknown>)['domain-name'], 'lab.example');
    assert.deepEqual((doc.configuration.interfaces as { interface: unknown[] }).interface, [{ name: 'ge-0/0/0', unit: [{ name: '0' }], mtu: '9192' }]);

    // PyEZ's fact query: a filter applies to the expanded configuration.
    const facts = await c.rpc('<get-configuration database="committed" inherit="inherit"><configuration><system><domain-name/></system></configuration></get-configuration>');
    assert.match(facts, /<configuration[^>]*>\s*<system>\s*<domain-name>lab\.example<\/domain-name>\s*<\/system>\s*<\/configuration>/);

    // groups="groups": inherited statements name their group.
    const marked = await c.rpc('<get-configuration database="committed" inherit="inherit" groups="groups"><configuration><interfaces/></configuration></get-configuration>');
    assert.match(marked, /<mtu junos:group="common">9192<\/mtu>/);
    assert.match(marked, /<interface>\s*<name>ge-0\/0\/0/);

    const bad = await c.rpc('<get-configuration inherit="everything"/>');
    assert.match(bad, /<rpc-error>[\s\S]*invalid inherit: everything/);
  } finally {
    await dev.close();
  }
});

test('a commit naming an undefined group still fails', async () => {
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'grp2' });
  try {
    const c = new TestClient(dev.openNetconf());
    await c.open();
    assert.match(await c.rpc('<load-configuration action="set" format="text"><configuration-set>set apply-groups nowhere</configuration-set></load-configuration>'), /<ok\/>/);
    assert.match(await c.rpc('<commit-configuration/>'), /<rpc-error>[\s\S]*apply-group 'nowhere' is not defined/);
  } finally {
    await dev.close();
  }
});
