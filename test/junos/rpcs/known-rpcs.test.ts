/**
 * Known vs unknown RPCs (data/rpcs/<family>.json.gz from Juniper's YANG): an RPC Junos
 * lacks is a syntax error, a real one the emulator does not answer says so plainly, a
 * parameter the real RPC does not take is the Junos syntax error naming it, and a
 * profile template still answers (or overrides) any RPC.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { listShippedProfiles, loadProfile, shippedProfilesDir } from '../../../src/junos/identity/profile.js';
import { knownRpcs } from '../../../src/junos/rpcs/known-rpcs.js';
import { RPC_FAMILIES } from '../../../src/junos/identity/family.js';
import { MODULES } from '../../../src/junos/rpcs/registry.js';
import { child, elements, parseXml, textOf } from '../../../src/netconf/xml.js';
import { stubDatastore, TestClient } from '../../support/netconf-client.js';

async function open(profile: string) {
  const dev = await EmulatedDevice.create({ profile, hostname: `k-${path.basename(profile)}`, datastoreFactory: stubDatastore });
  const c = new TestClient(dev.openNetconf({ user: 'nms' }));
  await c.open();
  return { dev, c };
}

function rpcError(reply: string): { tag: string; message: string; bad: string } {
  const err = elements(parseXml(reply)).find((e) => e.name === 'rpc-error');
  assert.ok(err, `no rpc-error in ${reply}`);
  const info = child(err, 'error-info');
  return {
    tag: textOf(child(err, 'error-tag')!).trim(),
    message: textOf(child(err, 'error-message')!).trim(),
    bad: info && child(info, 'bad-element') ? textOf(child(info, 'bad-element')!).trim() : '',
  };
}

test('every family lists thousands of real RPCs with their parameters', () => {
  for (const f of RPC_FAMILIES) {
    const rpcs = knownRpcs(f);
    assert.ok(rpcs.size > 2000, `${f}: ${rpcs.size}`);
    assert.equal(rpcs.get('get-software-information')?.brief, 'flag', f);
  }
  const junos = knownRpcs('junos');
  assert.equal(junos.get('get-route-information')?.destination, 'leaf');
  assert.equal(junos.get('get-interface-information')?.terse, 'flag'); // an enum value of `level`
  assert.equal(junos.get('file-list')?.detail, 'flag');
  assert.ok(!junos.has('get-chassis-cluster-status'), 'MX has no chassis cluster RPC');
  assert.ok(knownRpcs('junos-es').has('get-chassis-cluster-status'));
});

test("every shipped profile names a family, and every built-in command's parameters are real parameters there", () => {
  for (const name of listShippedProfiles()) {
    const p = loadProfile(name);
    const rpcs = knownRpcs(p.family);
    for (const m of MODULES) {
      const params = rpcs.get(m.name);
      if (!params || !m.handler) continue;
      for (const cli of m.cli ?? []) {
        for (const a of cli.params ?? []) assert.ok(Object.hasOwn(params, a), `${name}: ${cli.words}: <${a}/> is not a parameter of ${m.name}`);
        for (const a of cli.args ?? []) {
          const param = 'flag' in a ? (a.param ?? a.flag) : 'keyword' in a ? (a.param ?? a.keyword) : a.positional;
          assert.ok(Object.hasOwn(params, param) || m.params?.includes(param), `${name}: ${cli.words}: <${param}> is not a parameter of ${m.name}`);
        }
      }
    }
  }
});

test('unknown RPC: syntax error; real but not emulated: operation-not-supported saying so; bad parameter: syntax error naming it', async () => {
  const { dev, c } = await open('mx');
  const unknown = rpcError(await c.rpc('<get-flux-capacitor-status/>'));
  assert.deepEqual(unknown, { tag: 'operation-failed', message: 'syntax error', bad: 'get-flux-capacitor-status' });

  assert.ok(knownRpcs('junos').has('get-rsvp-session-information'));
  const real = rpcError(await c.rpc('<get-rsvp-session-information/>'));
  assert.equal(real.tag, 'operation-not-supported');
  assert.match(real.message, /^RPC get-rsvp-session-information is a Junos RPC that this emulator does not answer; add a reply in the profile's rpc\/ folder/);
  assert.equal(real.bad, 'get-rsvp-session-information');

  const bad = rpcError(await c.rpc('<get-software-information><bogus-knob/></get-software-information>'));
  assert.deepEqual(bad, { tag: 'operation-failed', message: 'syntax error', bad: 'bogus-knob' });
  // The same RPC with real parameters answers.
  assert.equal(elements(parseXml(await c.rpc('<get-software-information><brief/></get-software-information>')))[0].name, 'software-information');
  // A platform's RPC is not the other platform's: chassis cluster is SRX-only.
  assert.equal(rpcError(await c.rpc('<get-chassis-cluster-status/>')).message, 'syntax error');
  await dev.close();
});

test("a profile's rpc/<name>.xml answers a real RPC the code lacks, and an RPC Junos lacks", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ncgd-prof-'));
  try {
    fs.cpSync(path.join(shippedProfilesDir(), 'mx'), dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'rpc', 'get-mpls-lsp-information.xml'), '<mpls-lsp-information>\n<rsvp-session-data/>\n</mpls-lsp-information>\n');
    fs.writeFileSync(path.join(dir, 'rpc', 'get-my-thing.xml'), '<my-thing>{{hostname}}</my-thing>\n');
    const { dev, c } = await open(dir);
    assert.equal(elements(parseXml(await c.rpc('<get-mpls-lsp-information/>')))[0].name, 'mpls-lsp-information');
    assert.equal(textOf(elements(parseXml(await c.rpc('<get-my-thing/>')))[0]).trim(), `k-${path.basename(dir)}`);
    await dev.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
