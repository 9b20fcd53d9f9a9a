/**
 * Lists of several keys take their keys from the YANG, in every reader and writer: OSPF's
 * `virtual-link` (keys neighbor-id and transit-area, each written after its name as Junos
 * does) loaded in set form, merged, deleted and replaced per entry in XML by ncclient over
 * SSH, and read back in text, set and XML; a `delete` of one entry in set form.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deviceOverSsh, pythonClients, runClient } from '../../support/python-clients.js';
import { ruleFor, keysOf } from '../../../src/junos/config/schema.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-multi-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const vl = (n: string, t: string, inner = '', attr = '') =>
  `<load-configuration action="${attr.includes('replace') ? 'replace' : 'merge'}"><configuration><protocols><ospf><area><name>0.0.0.0</name><virtual-link${attr}><neighbor-id>${n}</neighbor-id><transit-area>${t}</transit-area>${inner}</virtual-link></area></ospf></protocols></configuration></load-configuration>`;
const getSet = '<get-configuration database="candidate" format="set"><configuration><protocols/></configuration></get-configuration>';
const sets = (reply: string) => reply.replace(/<[^>]*>/g, '\n').match(/^set .*$/gm) ?? [];

test('the keys of multi-key lists come from the YANG: keywords where Junos writes them', () => {
  assert.deepEqual(keysOf(ruleFor(['protocols', 'ospf', 'area', 'virtual-link'])), [
    { element: 'neighbor-id', keyword: 'neighbor-id' },
    { element: 'transit-area', keyword: 'transit-area' },
  ]);
  assert.deepEqual(keysOf(ruleFor(['class-of-service', 'schedulers', 'drop-profile-map'])).map((k) => k.element), ['loss-priority', 'protocol']);
  // A first key Junos writes bare: `mac 00:11:22:33:44:55 remote-vtep 192.0.2.1`.
  assert.deepEqual(keysOf(ruleFor(['bridge-domains', 'domain', 'bridge-options', 'static-rvtep-mac', 'mac'])), [{ element: 'mac_addr' }, { element: 'remote-vtep', keyword: 'remote-vtep' }]);
});

test('ncclient over SSH: merge, delete and replace one entry of a two-key list', async (t) => {
  const why = await pythonClients();
  if (why) return t.skip(why);
  const d = await deviceOverSsh('mx');
  try {
    const rpcs = [
      '<load-configuration action="set" format="text"><configuration-set>set protocols ospf area 0.0.0.0 virtual-link neighbor-id 10.0.0.1 transit-area 0.0.0.1\nset protocols ospf area 0.0.0.0 virtual-link neighbor-id 10.0.0.1 transit-area 0.0.0.3</configuration-set></load-configuration>',
      vl('10.0.0.1', '0.0.0.2', '<hello-interval>5</hello-interval>'),
      getSet,
      vl('10.0.0.1', '0.0.0.1', '', ' delete="delete"'),
      vl('10.0.0.1', '0.0.0.2', '<dead-interval>20</dead-interval>', ' replace="replace"'),
      '<load-configuration action="set" format="text"><configuration-set>delete protocols ospf area 0.0.0.0 virtual-link neighbor-id 10.0.0.1 transit-area 0.0.0.3</configuration-set></load-configuration>',
      getSet,
      '<get-configuration database="candidate" format="text"><configuration><protocols/></configuration></get-configuration>',
      '<get-configuration database="candidate"><configuration><protocols/></configuration></get-configuration>',
    ];
    const file = path.join(dir, 'rpcs.json');
    writeFileSync(file, JSON.stringify(rpcs));
    const r = await runClient<string[]>('raw_rpcs.py', [...d.args, file]);
    for (const i of [0, 1, 3, 4, 5]) assert.doesNotMatch(r[i], /<rpc-error>/, `${i}: ${r[i]}`);
    const p = 'set protocols ospf area 0.0.0.0 virtual-link neighbor-id 10.0.0.1';
    assert.deepEqual(sets(r[2]), [`${p} transit-area 0.0.0.1`, `${p} transit-area 0.0.0.3`, `${p} transit-area 0.0.0.2 hello-interval 5`]);
    // The delete took one entry, the replace one entry's contents, the set delete another.
    assert.deepEqual(sets(r[6]), [`${p} transit-area 0.0.0.2 dead-interval 20`]);
    assert.match(r[7], /virtual-link neighbor-id 10\.0\.0\.1 transit-area 0\.0\.0\.2 \{\n\s+dead-interval 20;\n\s+\}/);
    assert.match(r[8], /<virtual-link>\s*<neighbor-id>10\.0\.0\.1<\/neighbor-id>\s*<transit-area>0\.0\.0\.2<\/transit-area>\s*<dead-interval>20<\/dead-interval>\s*<\/virtual-link>/);
  } finally {
    await d.close();
  }
});
