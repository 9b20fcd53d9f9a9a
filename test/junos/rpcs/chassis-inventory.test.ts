/**
 * `show chassis hardware` (get-chassis-inventory) follows the profile's hardware data on
 * every shipped profile: one PIC per hardware row under its FPC with its description, one
 * `Xcvr N` per fiber port (N the port number), the chassis frame from the template; read
 * by PyEZ's ModuleTable and XcvrTable over SSH, and printed by the cli as Junos' table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProfile } from '../../../src/junos/identity/profile.js';
import { deviceOverSsh, pythonClients, runClient } from '../../support/python-clients.js';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { TestClient } from '../../support/netconf-client.js';

const PROFILES = ['mx', 'mx10003', 'ex', 'ex9208', 'qfx', 'srx', 'srx4100'];

/** What the hardware data says the inventory holds: PICs and the transceivers of fiber ports. */
function expected(profile: string): { pics: [string, string, string][]; xcvrs: string[] } {
  const hw = loadProfile(profile).hardware ?? [];
  const pics = hw.map((h) => [`FPC ${h.fpc}`, `PIC ${h.pic}`, h.description ?? ''] as [string, string, string]);
  const xcvrs = hw.flatMap((h) => h.ports.filter((r) => r.media === 'fiber').flatMap((r) => Array.from({ length: r.count }, (_, i) => `FPC ${h.fpc}/PIC ${h.pic}/Xcvr ${(r.from ?? 0) + i}`)));
  return { pics, xcvrs };
}

test('every profile: PyEZ ModuleTable and XcvrTable see the hardware data', async (t) => {
  const why = await pythonClients();
  if (why) return t.skip(why);
  for (const profile of PROFILES) {
    const want = expected(profile);
    assert.ok(want.pics.length > 0, profile);
    const d = await deviceOverSsh(profile);
    try {
      const got = await runClient<{ modules: [string, string][]; xcvrs: string[][] }>('pyez_inventory.py', d.args);
      const pics = got.modules.filter(([n]) => /^PIC \d+$/.test(n));
      assert.deepEqual(pics.map(([n, desc]) => `${n} ${desc}`).sort(), want.pics.map(([, p, desc]) => `${p} ${desc}`).sort(), profile);
      assert.deepEqual(got.xcvrs.map((x) => x.slice(0, 3).join('/')).sort(), [...want.xcvrs].sort(), profile);
      for (const x of got.xcvrs) assert.match(x[3], /^(SFP|QSFP|XFP)/, `${profile} ${x.join(' ')}`);
    } finally {
      await d.close();
    }
  }
});

test('the cli table nests transceivers under their PIC, and the frame stays the template\'s', async () => {
  const dev = await EmulatedDevice.create({ profile: 'mx10003', hostname: 'inv-1' });
  const c = new TestClient(dev.openNetconf({ user: 'lab' }));
  await c.open();
  try {
    const out = await c.rpc('<command format="text">show chassis hardware</command>');
    assert.match(out, /\n {2}FPC 0 .*\n(?: {4}.*\n)*? {4}PIC 0 +BUILTIN +BUILTIN +MRATE-6xQSFPP-XGE-XLGE-CGE\n {6}Xcvr 0 /);
    assert.equal(out.match(/^ {6}Xcvr \d+ /gm)?.length, 18);
    assert.match(out, /Routing Engine 0/);
    const xml = await c.rpc('<get-chassis-inventory/>');
    assert.equal(xml.match(/<chassis-sub-sub-module>\s*<name>Xcvr/g)?.length, 18);
  } finally {
    await dev.close();
  }
});
