/**
 * Ansible's junipernetworks.junos resource modules in the states that send Junos edits
 * the earlier tests did not: `deleted` and `replaced` send `<address delete="delete"/>` (a
 * list named without a key, which removes every entry), and junos_bgp_global reads
 * `autonomous-system` as the YANG writes it (`<as-number>` inside).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../support/agent-harness.js';
import { ansibleReady, describe, runPlaybook, startAnsibleDevice, task, type AnsibleTarget } from '../support/ansible.js';

const skip = (await ansibleReady()) ?? false;
const h = new Harness();
let stopDevice: (() => Promise<void>) | undefined;
let target: AnsibleTarget;

before(async () => {
  if (skip) return;
  ({ target, stop: stopDevice } = await startAnsibleDevice(h, 'ans-res'));
});

after(async () => {
  await stopDevice?.();
  await h.cleanup();
});

test('junos_l3_interfaces: merged, replaced, deleted change the device, and a second deleted changes nothing', { skip }, async () => {
  const two = [{ name: 'ge-0/0/3', unit: 0, ipv4: [{ address: '10.30.0.1/24' }, { address: '10.31.0.1/24' }] }];
  const run = await runPlaybook(target, [
    { name: 'merged', 'junipernetworks.junos.junos_l3_interfaces': { config: two, state: 'merged' } },
    { name: 'replaced', 'junipernetworks.junos.junos_l3_interfaces': { config: [{ name: 'ge-0/0/3', unit: 0, ipv4: [{ address: '10.32.0.1/24' }] }], state: 'replaced' } },
    { name: 'after replace', 'junipernetworks.junos.junos_command': { commands: ['show configuration interfaces ge-0/0/3'] } },
    { name: 'deleted', 'junipernetworks.junos.junos_l3_interfaces': { config: [{ name: 'ge-0/0/3', unit: 0 }], state: 'deleted' } },
    { name: 'deleted again', 'junipernetworks.junos.junos_l3_interfaces': { config: [{ name: 'ge-0/0/3', unit: 0 }], state: 'deleted' } },
    { name: 'after delete', 'junipernetworks.junos.junos_command': { commands: ['show configuration interfaces ge-0/0/3'] } },
  ]);
  for (const t of run.tasks) assert.equal(t.failed, false, describe(t));
  assert.equal(task(run, 'merged').changed, true, describe(task(run, 'merged')));
  assert.equal(task(run, 'replaced').changed, true, describe(task(run, 'replaced')));
  const replaced = String((task(run, 'after replace').result.stdout as string[])[0]);
  assert.match(replaced, /address 10\.32\.0\.1\/24;/);
  assert.doesNotMatch(replaced, /10\.30\.0\.1|10\.31\.0\.1/, 'replaced removed the other addresses');
  assert.equal(task(run, 'deleted').changed, true, describe(task(run, 'deleted')));
  assert.doesNotMatch(String((task(run, 'after delete').result.stdout as string[])[0]), /address/);
  assert.equal(task(run, 'deleted again').changed, false, 'nothing left to delete');
});

test('junos_bgp_global: merged and gathered read the AS as Junos writes it; merged twice is not changed', { skip }, async () => {
  const config = { as_number: '65010', groups: [{ name: 'ebgp', type: 'external', neighbors: [{ neighbor_address: '192.0.2.9', peer_as: '65020' }] }] };
  const run = await runPlaybook(target, [
    { name: 'merged', 'junipernetworks.junos.junos_bgp_global': { config, state: 'merged' } },
    { name: 'merged again', 'junipernetworks.junos.junos_bgp_global': { config, state: 'merged' } },
    { name: 'gathered', 'junipernetworks.junos.junos_bgp_global': { state: 'gathered' } },
    { name: 'json', 'junipernetworks.junos.junos_command': { commands: ['show configuration routing-options | display json'] } },
  ]);
  for (const t of run.tasks) assert.equal(t.failed, false, describe(t));
  assert.equal(task(run, 'merged').changed, true, describe(task(run, 'merged')));
  assert.equal(task(run, 'merged again').changed, false, describe(task(run, 'merged again')));
  const gathered = task(run, 'gathered').result.gathered as Record<string, unknown>;
  assert.equal(String(gathered.as_number), '65010', JSON.stringify(gathered));
  assert.match(JSON.stringify((task(run, 'json').result.stdout as unknown[])[0]), /"autonomous-system":\[\{"as-number":\[\{"data":"65010"\}\]\}\]/);
});
