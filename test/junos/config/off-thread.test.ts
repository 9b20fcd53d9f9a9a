/**
 * Large configuration work on the configuration worker gives the answers the same work gives
 * on the calling thread, and stays atomic: a session that changes or locks the candidate
 * while a large load is on the worker is neither lost nor bypassed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConfigDatastore } from '../../../src/junos/config/index.js';
import type { RpcError } from '../../../src/netconf/rpc-error.js';
import { OFF_THREAD_TEXT } from '../../../src/junos/config/off-thread.js';
import { loadSchema } from '../../../src/schema/index.js';
import { parseXml } from '../../../src/netconf/xml.js';
import { unitsConfig } from '../../../bench/config-load.js';

const schema = loadSchema('junos');
const initialConfig = { format: 'text' as const, content: 'system { host-name off; }' };

/** Rejection or answer of a configuration call, as XML (comparable across threads). */
async function outcome(f: () => RpcError[] | Promise<RpcError[]>): Promise<string> {
  try {
    return `ok ${(await f()).map((e) => e.toXml()).join('\n')}`;
  } catch (e) {
    return `error ${(e as RpcError).toXml?.() ?? String(e)}`;
  }
}

test('a large load with bad statements answers the same on the worker as on the calling thread, and loads the same', async () => {
  const big = unitsConfig(6000, 'text');
  assert.ok(big.length >= OFF_THREAD_TEXT, 'large enough to go to the worker');
  for (const [format, text] of [
    ['text', `${big}interfaces { ge-0/0/1 { no-such-statement 1; } }\nsystem { location { building "b-1"; } }\n`],
    ['set', `${unitsConfig(6000, 'set')}set interfaces ge-0/0/1 no-such-statement 1\nset system location building b-1\n`],
  ] as const) {
    const here = await createConfigDatastore({ schema, initialConfig });
    const there = await createConfigDatastore({ schema, initialConfig });
    const s1 = here.openSession(1, 'lab');
    const s2 = there.openSession(1, 'lab');
    const o = { action: format === 'set' ? ('set' as const) : ('merge' as const), format, text };
    const sync = await outcome(() => s1.load(o));
    const off = await outcome(() => s2.loadAsync!(o));
    assert.match(sync, /no-such-statement/);
    assert.equal(off, sync, format);
    assert.equal(s2.getConfiguration({ database: 'candidate', format: 'set' }), s1.getConfiguration({ database: 'candidate', format: 'set' }));
    // a validate and a commit check of the large candidate: the same problems both ways
    assert.equal(await outcome(() => s2.validateAsync!()), await outcome(() => s1.validate()));
    await here.close();
    await there.close();
  }
});

test('a change made by another session while a large load is on the worker is kept; a lock taken meanwhile stops the load', async () => {
  const ds = await createConfigDatastore({ schema, initialConfig });
  const a = ds.openSession(1, 'a');
  const b = ds.openSession(2, 'b');
  const pending = a.loadAsync!({ action: 'merge', format: 'text', text: unitsConfig(6000, 'text') });
  b.load({ action: 'merge', format: 'text', text: 'system { location { building meanwhile; } }' });
  await pending;
  const set = a.getConfiguration({ database: 'candidate', format: 'set' });
  assert.match(set, /set system location building meanwhile/);
  assert.equal(set.split('\n').filter((l) => l.includes(' vlan-id ')).length, 6000);

  a.discardChanges();
  const refused = a.loadAsync!({ action: 'merge', format: 'text', text: unitsConfig(6000, 'text') });
  b.lock('candidate');
  await assert.rejects(refused, (e: RpcError) => e.info.tag === 'lock-denied');
  assert.doesNotMatch(b.getConfiguration({ database: 'candidate', format: 'set' }), / vlan-id /);
  b.unlock('candidate');
  await ds.close();
});

test('a commit of a large candidate checked on the worker commits it; one with problems is refused with them', async () => {
  const ds = await createConfigDatastore({ schema, initialConfig });
  const s = ds.openSession(1, 'lab');
  // vlan-id without vlan-tagging (the generator's tagging left out): refused by the commit checks
  const untagged = unitsConfig(3000, 'text').replace(/^interfaces \{ \S+ \{ flexible-vlan-tagging; \} \}\n/gm, '');
  assert.doesNotMatch(untagged, /vlan-tagging/);
  s.load({ action: 'merge', format: 'text', text: untagged });
  const sync = await outcome(() => s.commit({}).warnings);
  const off = await outcome(async () => (await s.commitAsync!({})).warnings);
  assert.match(sync, /^error .*VLAN-ID can only be specified on tagged ethernet interfaces/s);
  assert.equal(off, sync);
  s.load({ action: 'merge', format: 'text', text: 'interfaces { ge-0/0/0 { vlan-tagging; } }' });
  const r = await s.commitAsync!({ log: 'large' });
  assert.equal(await r.saved, undefined);
  assert.equal(ds.history()[0].log, 'large');
  assert.equal(s.getConfiguration({ database: 'committed', format: 'set' }).split('\n').filter((l) => l.includes(' vlan-id ')).length, 3000);
  await ds.close();
});

test('a large edit-config (XML) answers and edits the same on the worker as on the calling thread', async () => {
  const xml = unitsConfig(3000, 'xml').replace('</interfaces>', '<interface><name>ge-0/0/1</name><unit operation="delete"><name>7</name></unit></interface></interfaces>');
  const here = await createConfigDatastore({ schema, initialConfig });
  const there = await createConfigDatastore({ schema, initialConfig });
  const s1 = here.openSession(1, 'lab');
  const s2 = there.openSession(1, 'lab');
  const sync = await outcome(() => s1.editConfig('candidate', parseXml(xml), 'merge'));
  const off = await outcome(() => s2.editConfigAsync!('candidate', parseXml(xml), 'merge'));
  assert.equal(off, sync);
  const set = s2.getConfiguration({ database: 'candidate', format: 'set' });
  assert.equal(set, s1.getConfiguration({ database: 'candidate', format: 'set' }));
  assert.equal(set.split('\n').filter((l) => l.includes(' vlan-id ')).length, 3000);
  // strict: a create of what exists is refused the same way
  const again = unitsConfig(3000, 'xml').replace('<unit>', '<unit operation="create">');
  const syncErr = await outcome(() => s1.editConfig('candidate', parseXml(again), 'merge'));
  assert.match(syncErr, /^error/);
  assert.equal(await outcome(() => s2.editConfigAsync!('candidate', parseXml(again), 'merge')), syncErr);
  await here.close();
  await there.close();
});
