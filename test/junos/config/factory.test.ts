/**
 * The factory configuration parsed once per profile and copied per device
 * (src/junos/config/factory.ts): every profile's copy for a host name is the tree and stored
 * form a parse of that device's own text gives, in the datastore's and the model's readings;
 * a copy is the device's own (changing it changes no other device's); names that are not
 * plain, and texts that do not parse, go the device's own way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { factoryCopy, factoryTree } from '../../../src/junos/config/factory.js';
import { parseInitial } from '../../../src/junos/config/datastore.js';
import { encodeTree } from '../../../src/junos/config/history-files.js';
import { parseInitialConfig } from '../../../src/junos/oper/model.js';
import { loadProfile } from '../../../src/junos/identity/profile.js';
import { parseText } from '../../../src/junos/config/text.js';
import { ConfigSyntaxError } from '../../../src/junos/config/errors.js';

const profiles = readdirSync(new URL('../../../../fixtures/profiles/', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const NAMES = ['r1', 'bench-fleet-10000', 'core.lab_2', 'x'];

test('every profile: the copy for a name is what parsing that device own text gives (datastore and model)', () => {
  assert.ok(profiles.length >= 5, `profiles found: ${profiles.join(' ')}`);
  for (const name of profiles) {
    const { initialConfig: cfg } = loadProfile(name);
    for (const host of NAMES) {
      const own = cfg.content.replace(/\{\{hostname\}\}/g, host);
      const direct = parseInitial({ format: cfg.format, content: own });
      const copy = factoryCopy(`datastore ${cfg.format}`, cfg.content, (content) => parseInitial({ format: cfg.format, content }), host);
      assert.deepEqual(copy.tree.root, direct.root, `${name} as ${host}`);
      assert.equal(copy.stored, encodeTree(direct), `${name} as ${host}: stored form`);
      assert.ok(!copy.stored.includes('marker'), 'no marker left');
      if (cfg.content.includes('{{hostname}}')) assert.ok(copy.stored.includes(JSON.stringify(host)), `${name}: the name is in`);
      const model = parseInitialConfig(cfg, host);
      const modelDirect = parseInitialConfig({ format: cfg.format, content: own }, 'unused');
      assert.deepEqual(model.root, modelDirect.root, `${name} as ${host}: the model's reading`);
    }
  }
});

test('each copy is its own: changing one changes neither the next copy nor another device', () => {
  const text = 'system { host-name {{hostname}}; services { ssh; } }\ninterfaces { ge-0/0/0 { description "{{hostname}} uplink"; } }\n';
  const a = factoryTree('t', text, parseText, 'a1');
  a.root.children[0].children[0].value = 'changed';
  a.root.children[0].children.push({ name: 'added', kind: 'flag', children: [] });
  const b = factoryTree('t', text, parseText, 'b1');
  assert.equal(b.root.children[0].children[0].value, 'b1');
  assert.equal(b.root.children[0].children.length, 2);
  assert.equal(b.root.children[1].children[0].children[0].value, 'b1 uplink');
  const a2 = factoryTree('t', text, parseText, 'a1');
  assert.equal(a2.root.children[0].children[0].value, 'a1');
});

test('a name that is not plain is put in the text and parsed, as before', () => {
  const text = 'system { host-name "{{hostname}}"; }\n';
  const odd = 'lab router;1';
  const t = factoryTree('q', text, parseText, odd);
  assert.deepEqual(t.root, parseText(text.replace('{{hostname}}', odd)).root);
  assert.equal(t.root.children[0].children[0].value, odd);
});

test('a text that does not parse fails for each device with its own message', () => {
  const text = 'system { host-name {{hostname}}; \n';
  for (const host of ['d1', 'd2']) {
    assert.throws(
      () => factoryTree('broken', text, parseText, host),
      (e: unknown) => e instanceof ConfigSyntaxError && !String((e as Error).message).includes('marker'),
    );
  }
});
