/**
 * No RPC's text is a generic dump of its XML. Every RPC a device answers, on every shipped
 * profile, asked with `format="text"` over a NETCONF session (what PyEZ sends for
 * `{'format': 'text'}`): each answer is a Junos table or block, or an rpc-error, never
 * lines of `element-name: value` indented by depth. An RPC only a profile template
 * answers prints the profile's rpc/<name>.txt, or says it has no text form.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { MODULES } from '../../../src/junos/rpcs/registry.js';
import { TestClient } from '../../support/netconf-client.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const PROFILES = ['mx', 'mx10003', 'ex', 'ex9208', 'qfx', 'srx', 'srx4100'];
const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-text-forms-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The shape the old generic listing had: most lines `lower-case-element: value` or `element:`. */
function dumpShaped(text: string): boolean {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return /^\s*[a-z][a-z0-9-]*-[a-z0-9-]+:( |$)/.test(lines[0] ?? '');
  const elementLines = lines.filter((l) => /^\s*[a-z][a-z0-9]*(-[a-z0-9]+)+:( |$)/.test(l)).length;
  return elementLines / lines.length >= 0.5;
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

test('the dump detector knows the generic shape and passes Junos blocks', () => {
  assert.ok(dumpShaped('virtual-chassis-information:\n  virtual-chassis-id-information:\n    virtual-chassis-id: 1234\n    virtual-chassis-mode: Enabled'));
  assert.ok(!dumpShaped('Hostname: lab-mx\nModel: mx960\nJunos: 21.4R3.15'));
  assert.ok(!dumpShaped('Interface               Admin Link Proto    Local                 Remote\nge-0/0/0                up    up'));
});

test('every RPC on every profile: its text is a Junos table or block, never a dump of its XML', async () => {
  const walked: Record<string, number> = {};
  for (const profile of PROFILES) {
    const dev = await EmulatedDevice.create({ profile, hostname: `text-${profile}` });
    const c = new TestClient(dev.openNetconf({ user: 'lab' }));
    await c.open();
    const names = new Set([...MODULES.filter((m) => m.text).map((m) => m.name), ...dev.profile.templates.keys()].map((n) => n.split('.')[0]));
    walked[profile] = 0;
    try {
      for (const name of names) {
        const reply = await c.rpc(`<${name} format="text"/>`);
        const out = /<output>\n?([\s\S]*?)<\/output>/.exec(reply)?.[1];
        if (out === undefined) {
          assert.match(reply, /<rpc-error>|<ok\/>|<xnm:error|<error>/, `${profile} ${name}: neither text nor an error: ${reply.slice(0, 300)}`);
          continue;
        }
        walked[profile]++;
        assert.ok(!dumpShaped(unescape(out)), `${profile} ${name} prints a dump of its XML:\n${unescape(out).slice(0, 400)}`);
      }
    } finally {
      await dev.close();
    }
  }
  // Most RPCs answered text on every profile (the rest need parameters, or are not of the family).
  for (const p of PROFILES) assert.ok(walked[p] > 40, `${p}: only ${walked[p]} text answers`);
});

test('an RPC only a profile template answers: its rpc/<name>.txt, else no text form', async () => {
  const prof = path.join(dir, 'mx-own');
  cpSync(path.join(REPO, 'fixtures/profiles/mx'), prof, { recursive: true });
  writeFileSync(path.join(prof, 'rpc/get-pfe-statistics.xml'), '<pfe-statistics><pfe-traffic-statistics><pfe-input-packets>42</pfe-input-packets></pfe-traffic-statistics></pfe-statistics>');
  writeFileSync(path.join(prof, 'rpc/get-service-msp-flow-table-information.xml'), '<service-msp-flow-table-information><flow-count>3</flow-count></service-msp-flow-table-information>');
  writeFileSync(path.join(prof, 'rpc/get-pfe-statistics.txt'), 'Slot 0\n\nPFE Traffic statistics:\n                    Input  packets:                   42 on {{hostname}}\n');
  const dev = await EmulatedDevice.create({ profile: prof, hostname: 'own-1' });
  const c = new TestClient(dev.openNetconf({ user: 'lab' }));
  await c.open();
  try {
    const own = await c.rpc('<get-pfe-statistics format="text"/>');
    assert.match(own, /<output>\nSlot 0\n\nPFE Traffic statistics:\n {20}Input {2}packets: +42 on own-1\n<\/output>/);
    // XML still comes from the XML template.
    assert.match(await c.rpc('<get-pfe-statistics/>'), /<pfe-input-packets>42<\/pfe-input-packets>/);
    const none = await c.rpc('<get-service-msp-flow-table-information format="text"/>');
    assert.match(none, /<error-tag>operation-not-supported<\/error-tag>/);
    assert.match(none, /has no text form in this emulator[\s\S]*rpc\/get-service-msp-flow-table-information\.txt/);
    assert.doesNotMatch(none, /flow-count: 3/);
  } finally {
    await dev.close();
  }
});
