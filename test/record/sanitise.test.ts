/**
 * The sanitiser on real Junos replies (test/fixtures/captured/): serials, MACs, addresses,
 * host names and secrets replaced consistently; the rest (structure, versions, interface
 * names, default routes, masks) left as it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseXml } from '../../src/netconf/xml.js';
import { Sanitiser } from '../../src/record/sanitise.js';
import { redactSecrets } from '../../src/record/redact.js';
import { REPO_ROOT } from '../support/agent-harness.js';

const fixture = (name: string) => readFileSync(path.join(REPO_ROOT, 'test/fixtures/captured', name), 'utf8');

test('a real configuration, inventory and LLDP table: identities and secrets replaced, consistently, structure kept', () => {
  const config = fixture('srx-show-configuration.xml');
  const inventory = fixture('get-chassis-inventory.xml');
  const lldp = fixture('get-lldp-neighbors-information.xml');
  const s = new Sanitiser();
  for (const t of [inventory, lldp]) {
    for (const m of t.matchAll(/<serial-number>([^<]+)</g)) s.learn(m[1], 'serials');
    for (const m of t.matchAll(/<lldp-remote-system-name>([^<]+)</g)) s.learn(m[1], 'hostnames');
  }
  s.learn('firefly', 'hostnames');
  const [c, i, l] = [config, inventory, lldp].map((t) => s.apply(t));
  for (const gone of ['firefly', 'aaf5fe5f9b88', '$1$kmSqRIU6', '$1$wDDri7eJ', '10.0.0.31', '192.168.2.1', '10.0.0.1', '2c:21:31:a5:17:c0', 'EX9208']) {
    assert.ok(![c, i, l].some((t) => t.includes(gone)), `${gone} is replaced`);
  }
  // What identifies nothing stays.
  for (const kept of ['version 12.1X46-D15.3;', 'route 0.0.0.0/0 next-hop', 'ge-0/0/0 {', '## SECRET-DATA', 'FIREFLY-PERIMETER', 'interface ge-0/0/0.0;']) assert.ok(c.includes(kept) || i.includes(kept), `${kept} is kept`);
  // The same value, the same stand-in; a /24 stays one /24.
  const gw = /next-hop (\S+);/.exec(c)![1];
  const addr = /address (\S+)\/24;/.exec(c)![1];
  assert.equal(gw.split('.').slice(0, 3).join('.'), addr.split('.').slice(0, 3).join('.'), '10.0.0.1 and 10.0.0.31 stay in one /24');
  assert.equal(gw.split('.')[3], '1');
  assert.equal(s.apply('10.0.0.31'), addr, 'consistent across texts');
  assert.match(c, /encrypted-password "\$6\$sanitise\$[A-Za-z0-9]{86}"; ## SECRET-DATA/);
  // Still XML of the same shape.
  assert.equal(parseXml(i).children.length, parseXml(inventory).children.length);
  assert.equal((i.match(/<serial-number>/g) ?? []).length, (inventory.match(/<serial-number>/g) ?? []).length);
  const report = s.report();
  assert.ok(report.serials.replaced >= 1 && report.macs.replaced >= 1 && report.addresses.replaced >= 3 && report.hostnames.replaced >= 2 && report.secrets.replaced === 2, JSON.stringify(report));
  assert.ok(!JSON.stringify(report).includes('aaf5fe5f9b88'), 'the report names stand-ins, not originals');
});

test('--keep leaves categories and single values as they are', () => {
  const config = fixture('srx-show-configuration.xml');
  const s = new Sanitiser(['addresses', 'firefly']);
  s.learn('firefly', 'hostnames');
  const c = s.apply(config);
  assert.ok(c.includes('10.0.0.31/24') && c.includes('host-name firefly;'));
  assert.ok(!c.includes('$1$kmSqRIU6'));
});

test('transcripts: secrets in XML, curly-brace text and set commands are redacted', () => {
  const cases: [string, string][] = [
    ['<encrypted-password>$6$abc$def</encrypted-password>', 'def'],
    ['<secret>$9$Hk5FCtuRhrQF/0BEy</secret>', 'Hk5F'],
    ['authentication-key "$9$xyzabc"; ## SECRET-DATA', 'xyzabc'],
    ['set snmp community Publ1cStr authorization read-only', 'Publ1cStr'],
    ['<community>\n<name>Publ1cStr</name>', 'Publ1cStr'],
    ['pre-shared-key ascii-text "plainpsk";', 'plainpsk'],
  ];
  for (const [text, secret] of cases) assert.ok(!redactSecrets(text).includes(secret), `${text} -> ${redactSecrets(text)}`);
  assert.equal(redactSecrets('<host-name>r1</host-name>'), '<host-name>r1</host-name>');
});
