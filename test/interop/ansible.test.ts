/**
 * Ansible's junipernetworks.junos modules (Debian's `ansible` package) against a device
 * process over its SSH face, with the ansible.netcommon.netconf connection: junos_config is
 * idempotent (the same lines twice: changed, then not changed; check mode without a change
 * says not changed), a bad line or a refused commit fails and leaves nothing behind, junos_interfaces merged twice is not changed the
 * second time, and junos_facts gathers its default facts.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../support/agent-harness.js';
import { ansibleReady, describe, runPlaybook, startAnsibleDevice, task, type AnsibleTarget, type PlaybookRun } from '../support/ansible.js';

const skip = (await ansibleReady()) ?? false;
const h = new Harness();
let stopDevice: (() => Promise<void>) | undefined;
let target: AnsibleTarget;
const timings: string[] = [];

before(async () => {
  if (skip) return;
  ({ target, stop: stopDevice } = await startAnsibleDevice(h, 'ans-mx'));
});

after(async () => {
  // Figures for the report (CI time), never asserted.
  if (timings.length) console.log(`ansible-playbook runs: ${timings.join(', ')}`);
  await stopDevice?.();
  await h.cleanup();
});

async function play(label: string, tasks: Record<string, unknown>[], opts: { check?: boolean } = {}): Promise<PlaybookRun> {
  const run = await runPlaybook(target, tasks, opts);
  timings.push(`${label} ${run.ms} ms`);
  return run;
}

const LINES = ['set system location building ansible-b1', 'set system location floor 3'];

test('junos_config: the same lines twice are changed, then not changed; check mode', { skip }, async () => {
  const run = await play('junos_config', [
    { name: 'first', 'junipernetworks.junos.junos_config': { lines: LINES, comment: 'ansible first' } },
    { name: 'again', 'junipernetworks.junos.junos_config': { lines: LINES, comment: 'ansible again' } },
    { name: 'check same', 'junipernetworks.junos.junos_config': { lines: LINES }, check_mode: true },
    { name: 'check change', 'junipernetworks.junos.junos_config': { lines: ['set system location floor 4'] }, check_mode: true },
    // Check mode discarded its change: the same lines still change nothing.
    { name: 'check same after', 'junipernetworks.junos.junos_config': { lines: LINES }, check_mode: true },
    { name: 'show', 'junipernetworks.junos.junos_command': { commands: ['show configuration system location'] } },
  ]);
  for (const t of run.tasks) assert.equal(t.failed, false, describe(t));
  assert.equal(task(run, 'first').changed, true, describe(task(run, 'first')));
  assert.equal(task(run, 'again').changed, false, 'the same lines again change nothing');
  assert.equal(task(run, 'check same').changed, false, 'check mode without a change says not changed');
  assert.equal(task(run, 'check change').changed, true, 'check mode with a change says changed');
  assert.equal(task(run, 'check same after').changed, false);
  const shown = String((task(run, 'show').result.stdout as string[])[0]);
  assert.match(shown, /building ansible-b1;\s*floor 3;/, 'the first run committed; check mode did not');
});

test('junos_interfaces merged twice: the second is not changed; junos_facts default subsets', { skip }, async () => {
  const config = [{ name: 'ge-0/0/1', description: 'to core (ansible)', mtu: 9192, enabled: true }];
  const run = await play('junos_interfaces+facts', [
    { name: 'merge', 'junipernetworks.junos.junos_interfaces': { config, state: 'merged' } },
    { name: 'merge again', 'junipernetworks.junos.junos_interfaces': { config, state: 'merged' } },
    { name: 'facts', 'junipernetworks.junos.junos_facts': {} },
  ]);
  for (const t of run.tasks) assert.equal(t.failed, false, describe(t));
  assert.equal(task(run, 'merge').changed, true);
  assert.equal(task(run, 'merge again').changed, false, 'merging what is there changes nothing');
  const facts = task(run, 'facts').result.ansible_facts as Record<string, unknown>;
  assert.equal(facts.ansible_net_hostname, 'ans-mx');
  assert.equal(facts.ansible_net_model, 'mx960');
  assert.equal(facts.ansible_net_system, 'junos');
  assert.match(String(facts.ansible_net_version), /^21\.4R/);
  assert.match(String(facts.ansible_net_serialnum), /\w+/);
});

test('junos_config whose commit is refused fails and leaves nothing behind for the next run', { skip }, async () => {
  const run = await play('junos_config refused', [
    // apply-groups naming no group: loads, then validate refuses it.
    { name: 'refused', 'junipernetworks.junos.junos_config': { lines: ['set apply-groups ansible-no-such-group'] }, ignore_errors: true },
    { name: 'next', 'junipernetworks.junos.junos_config': { lines: ['set system location building ansible-b2'] } },
    { name: 'show', 'junipernetworks.junos.junos_command': { commands: ['show configuration | display set'] } },
  ]);
  const refused = task(run, 'refused');
  assert.equal(refused.failed, true, describe(refused));
  // Ansible validates right after the load; the refusal is an rpc-error (as on Junos), which the
  // module reports as a MODULE FAILURE carrying the device's message.
  assert.match(describe(refused), /ansible-no-such-group[\s\S]*configuration check-out failed/);
  const next = task(run, 'next');
  assert.equal(next.failed, false, `unlock discarded the refused change, so the next run commits: ${describe(next)}`);
  assert.equal(next.changed, true);
  const shown = String((task(run, 'show').result.stdout as string[])[0]);
  assert.match(shown, /set system location building ansible-b2/);
  assert.doesNotMatch(shown, /apply-groups/);
});

test('junos_config with a bad line fails and nothing of it is committed', { skip }, async () => {
  const run = await play('junos_config bad line', [
    { name: 'bad', 'junipernetworks.junos.junos_config': { lines: ['set system bogus-statement 1'] }, ignore_errors: true },
    { name: 'show', 'junipernetworks.junos.junos_command': { commands: ['show configuration system | display set'] } },
  ]);
  const bad = task(run, 'bad');
  assert.equal(bad.failed, true, describe(bad));
  assert.match(String(bad.msg), /syntax error|bogus-statement/);
  const shown = String((task(run, 'show').result.stdout as string[])[0]);
  assert.doesNotMatch(shown, /bogus-statement/);
});
