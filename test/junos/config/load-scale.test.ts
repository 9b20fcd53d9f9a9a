/**
 * Large configuration loads cost near-linear time: thousands of units under one interface
 * (text, set and XML, the XML giving the interface once per unit), then validate and commit
 * with the Junos schema. Each measured as a ratio in the same run: twice the units may cost
 * at most 2.5 times the CPU time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createConfigDatastore } from '../../../src/junos/config/index.js';
import { parseXml } from '../../../src/netconf/xml.js';
import { loadSchema } from '../../../src/schema/index.js';
import { unitsConfig } from '../../../bench/config-load.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const schema = loadSchema('junos');

/** CPU ms of one load + validate + commit of `units` units in `format`. */
async function cost(units: number, format: 'text' | 'set' | 'xml'): Promise<number> {
  const content = unitsConfig(units, format);
  const ds = await createConfigDatastore({ schema, initialConfig: { format: 'text', content: 'system { host-name scale; }' } });
  const s = ds.openSession(1, 'scale');
  gc();
  const t0 = process.cpuUsage();
  s.load({ action: 'merge', format, ...(format === 'xml' ? { xml: parseXml(content) } : { text: content }) });
  assert.deepEqual(s.validate(), []);
  await s.commit({}).saved;
  const used = process.cpuUsage(t0);
  // the units are all there, once each
  const out = s.getConfiguration({ database: 'committed', format: 'set' });
  assert.equal(out.split('\n').filter((l) => l.includes(' vlan-id ')).length, units);
  s.close();
  await ds.close();
  return (used.user + used.system) / 1000;
}

for (const format of ['text', 'set', 'xml'] as const) {
  test(`a load of N then 2N interface units (${format}): at most 2.5 times the CPU time`, async () => {
    await cost(500, format); // warm the compiler
    const n = 4000;
    let t1 = Infinity;
    let t2 = Infinity;
    for (let i = 0; i < 3; i++) {
      t1 = Math.min(t1, await cost(n, format));
      t2 = Math.min(t2, await cost(2 * n, format));
    }
    assert.ok(t2 <= 2.5 * t1, `${format}: ${n} units ${t1.toFixed(0)} ms, ${2 * n} units ${t2.toFixed(0)} ms (ratio ${(t2 / t1).toFixed(2)})`);
  });
}
