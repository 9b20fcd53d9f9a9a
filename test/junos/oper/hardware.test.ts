/**
 * Hardware as data (profile.json `hardware`, src/junos/identity/hardware.ts): every shipped
 * model has its real ports, `show chassis hardware` lists the same PICs, optics exist on
 * fiber ports only, and a port beyond the PIC is `device ... not found` as on Junos.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { loadProfile } from '../../../src/junos/identity/profile.js';
import { portNames } from '../../../src/junos/identity/hardware.js';
import { TestClient } from '../../support/netconf-client.js';

/** Real port counts of the shipped models (data sheets), first and last port. */
const MODELS: Record<string, { count: number; has: string[]; lacks: string[] }> = {
  mx: { count: 24, has: ['ge-0/0/9', 'ge-0/1/9', 'xe-0/3/1'], lacks: ['ge-0/0/10', 'xe-0/3/2'] },
  ex: { count: 52, has: ['ge-0/0/0', 'ge-0/0/47', 'et-0/1/3'], lacks: ['ge-0/0/48', 'et-0/1/4'] },
  srx: { count: 16, has: ['ge-0/0/0', 'ge-0/0/15'], lacks: ['ge-0/0/16'] },
  qfx: { count: 52, has: ['xe-0/0/0', 'xe-0/0/47', 'et-0/0/48', 'et-0/0/51'], lacks: ['xe-0/0/48', 'et-0/0/52'] },
  mx10003: { count: 18, has: ['et-0/0/5', 'et-1/0/11'], lacks: ['et-0/0/6', 'et-1/0/12'] },
  ex9208: { count: 50, has: ['xe-2/0/9', 'ge-3/0/0', 'ge-3/3/9'], lacks: ['xe-2/0/10', 'ge-3/4/0'] },
  srx4100: { count: 8, has: ['xe-0/0/0', 'xe-0/0/7'], lacks: ['xe-0/0/8'] },
};

for (const [profile, want] of Object.entries(MODELS)) {
  test(`${profile}: its real ports, the same PICs in show chassis hardware, optics on fiber only`, async () => {
    const hw = loadProfile(profile).hardware ?? assert.fail('no hardware');
    assert.equal(portNames(hw).length, want.count);
    const dev = await EmulatedDevice.create({ profile, hostname: `hw-${profile}` });
    const c = new TestClient(dev.openNetconf({ user: 'lab' }));
    await c.open();
    try {
      const terse = await c.rpc('<get-interface-information><terse/></get-interface-information>');
      const physical = [...terse.matchAll(/<name>\n?((?:ge|xe|et|mge)-\d+\/\d+\/\d+)\n?<\/name>/g)].map((m) => m[1]);
      assert.deepEqual([...new Set(physical)].sort(), [...portNames(hw)].sort(), 'show interfaces terse lists exactly the hardware ports');
      for (const name of want.has) assert.doesNotMatch(await c.rpc(`<get-interface-information><interface-name>${name}</interface-name></get-interface-information>`), /rpc-error/, name);
      for (const name of want.lacks) {
        assert.match(await c.rpc(`<get-interface-information><interface-name>${name}</interface-name></get-interface-information>`), new RegExp(`device ${name} not found`), name);
      }
      const inv = await c.rpc('<command format="text">show chassis hardware</command>');
      for (const p of hw) assert.match(inv, new RegExp(`PIC ${p.pic} .*${(p.description ?? '').replace(/[()+/]/g, '.')}`), `${profile} PIC ${p.pic}`);
      const optics = await c.rpc('<get-interface-optics-diagnostics-information/>');
      const withOptics = new Set([...optics.matchAll(/<name>\n?([a-z]+-[\d/]+)\n?<\/name>/g)].map((m) => m[1]));
      for (const p of hw) {
        for (const r of p.ports) {
          const first = `${r.prefix}-${p.fpc}/${p.pic}/${r.from ?? 0}`;
          assert.equal(withOptics.has(first), r.media === 'fiber', `${first} (${r.media}) optics`);
        }
      }
    } finally {
      await dev.close();
    }
  });
}
