/**
 * Ansible's junipernetworks.junos security modules (junos_security_zones,
 * junos_security_policies, junos_security_policies_global) in every state on the SRX
 * profiles (srx, srx4100), and what the other families answer (their YANG has no
 * `security zones` or `security policies`: a syntax error, as on MX). One play for all.
 * Also what SRX commit checks refuse through these modules: an interface in two zones, a
 * policy naming a zone that does not exist.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../support/agent-harness.js';
import { ansibleProfiles, ansibleReady, describe, runPlaybookOn, startAnsibleDevices, task, type AnsibleTarget, type PlaybookRun } from '../support/ansible.js';

const skip = (await ansibleReady()) ?? false;
const h = new Harness();
let stop: (() => Promise<void>) | undefined;
let targets: Record<string, AnsibleTarget>;
let runs: Record<string, PlaybookRun>;

/** NCGD_ANSIBLE_ALL_PROFILES=1 adds srx4100 (see ansibleProfiles). */
const PROFILES = ansibleProfiles(['srx', 'mx']).filter((p) => ['srx', 'srx4100', 'mx'].includes(p));
const SRX = "inventory_hostname in ['srx','srx4100']";
const M = 'junipernetworks.junos.';
const t = (name: string, mod: string, args: Record<string, unknown>, extra: Record<string, unknown> = { when: SRX }) => ({ name, [M + mod]: args, ...extra });
const show = (name: string, commands: string[]) => t(name, 'junos_command', { commands });
/** A logical interface of the profile's own port naming. */
const IF = (n: number) => `{{ 'xe' if inventory_hostname == 'srx4100' else 'ge' }}-0/0/${n}.0`;
const ifName = (profile: string, n: number) => `${profile === 'srx4100' ? 'xe' : 'ge'}-0/0/${n}.0`;

// junos_security_zones reads a list of one entry as a string and fails (its issue #586, on
// real SRX alike): every list here has two entries.
const ZONES_A = {
  zones: [
    {
      name: 'trust',
      description: 'inside',
      interfaces: [IF(7), IF(8)],
      host_inbound_traffic: { system_services: [{ name: 'ssh' }, { name: 'ping' }], protocols: [{ name: 'ospf' }, { name: 'bgp' }] },
      address_book: {
        addresses: [{ name: 'h1', ip_prefix: '10.1.0.0/24' }, { name: 'h2', ip_prefix: '10.2.0.0/24' }],
        address_sets: [{ name: 's1', addresses: ['h1', 'h2'] }, { name: 's2', addresses: ['h2', 'h1'] }],
      },
    },
    { name: 'untrust', interfaces: [IF(2), IF(9)], tcp_rst: true },
  ],
};
const ZONES_B = { zones: [{ name: 'trust', interfaces: [IF(3), IF(10)] }] };
const ZONES_C = { zones: [{ name: 'dmz', interfaces: [IF(4), IF(11)] }] };
const policy = (name: string, src: string) => ({
  from_zones: [{ name: 'trust', to_zones: [{ name: 'untrust', policies: [{ name, match: { source_address: { addresses: [src] }, destination_address: { any_ipv4: true }, application: { any: true } }, then: { deny: true, log: { session_close: true } } }] }] }],
});
const POL_A = policy('p1', 'h1');
const POL_B = policy('p2', 'h2');
const GLOBAL_A = { default_policy: 'deny-all', policy_rematch: { enable: true }, policy_stats: { enable: true }, pre_id_default_policy_action: { log: { session_init: true }, session_timeout: { icmp: 10, others: 10 } } };
const GLOBAL_B = { default_policy: 'permit-all' };
const SHOW = ['show configuration security zones', 'show configuration security policies'];

const TASKS = [
  // The factory zones hold one interface each: the module fails on them as on a real SRX.
  t('zones gathered factory', 'junos_security_zones', { state: 'gathered' }, { when: SRX, ignore_errors: true }),
  t('second interfaces', 'junos_config', { lines: [`set security zones security-zone trust interfaces ${IF(5)}`, `set security zones security-zone untrust interfaces ${IF(6)}`] }),
  t('zones merged', 'junos_security_zones', { config: ZONES_A, state: 'merged' }),
  t('zones merged again', 'junos_security_zones', { config: ZONES_A, state: 'merged' }),
  t('pol merged', 'junos_security_policies', { config: POL_A, state: 'merged' }),
  t('pol merged again', 'junos_security_policies', { config: POL_A, state: 'merged' }),
  t('global merged', 'junos_security_policies_global', { config: GLOBAL_A, state: 'merged' }),
  t('global merged again', 'junos_security_policies_global', { config: GLOBAL_A, state: 'merged' }),
  t('zones gathered', 'junos_security_zones', { state: 'gathered' }),
  t('pol gathered', 'junos_security_policies', { state: 'gathered' }),
  t('global gathered', 'junos_security_policies_global', { state: 'gathered' }),
  show('show merged', SHOW),
  t('pol replaced', 'junos_security_policies', { config: POL_B, state: 'replaced' }),
  t('pol replaced again', 'junos_security_policies', { config: POL_B, state: 'replaced' }),
  show('show pol replaced', SHOW),
  t('pol overridden', 'junos_security_policies', { config: POL_A, state: 'overridden' }),
  t('pol overridden again', 'junos_security_policies', { config: POL_A, state: 'overridden' }),
  t('pol deleted', 'junos_security_policies', { state: 'deleted' }),
  t('pol deleted again', 'junos_security_policies', { state: 'deleted' }),
  t('global replaced', 'junos_security_policies_global', { config: GLOBAL_B, state: 'replaced' }),
  t('global replaced again', 'junos_security_policies_global', { config: GLOBAL_B, state: 'replaced' }),
  show('show global replaced', SHOW),
  t('global overridden', 'junos_security_policies_global', { config: GLOBAL_A, state: 'overridden' }),
  t('global overridden again', 'junos_security_policies_global', { config: GLOBAL_A, state: 'overridden' }),
  t('global deleted', 'junos_security_policies_global', { state: 'deleted' }),
  t('global deleted again', 'junos_security_policies_global', { state: 'deleted' }),
  show('show policies deleted', SHOW),
  t('zones replaced', 'junos_security_zones', { config: ZONES_B, state: 'replaced' }),
  t('zones replaced again', 'junos_security_zones', { config: ZONES_B, state: 'replaced' }),
  show('show zones replaced', SHOW),
  // What commit refuses: an interface in two zones; a policy to a zone that does not exist.
  t('zone interface twice', 'junos_security_zones', { config: { zones: [{ name: 'untrust', interfaces: [IF(3), IF(12)] }] }, state: 'merged' }, { when: SRX, ignore_errors: true }),
  t('policy to missing zone', 'junos_security_policies', { config: { from_zones: [{ name: 'trust', to_zones: [{ name: 'nowhere', policies: [{ name: 'px', match: { source_address: { any: true }, destination_address: { any: true }, application: { any: true } }, then: { deny: true } }] }] }] }, state: 'merged' }, { when: SRX, ignore_errors: true }),
  t('zones overridden', 'junos_security_zones', { config: ZONES_C, state: 'overridden' }),
  t('zones overridden again', 'junos_security_zones', { config: ZONES_C, state: 'overridden' }),
  show('show zones overridden', SHOW),
  t('zones deleted', 'junos_security_zones', { state: 'deleted' }),
  t('zones deleted again', 'junos_security_zones', { state: 'deleted' }),
  show('show zones deleted', SHOW),
  t('zones rendered', 'junos_security_zones', { config: ZONES_A, state: 'rendered' }, { when: "inventory_hostname == 'srx'" }),
  t('global rendered', 'junos_security_policies_global', { config: GLOBAL_A, state: 'rendered' }, { when: "inventory_hostname == 'srx'" }),
  // Families without security zones and policies.
  t('zones on mx', 'junos_security_zones', { config: ZONES_B, state: 'merged' }, { when: "inventory_hostname == 'mx'", ignore_errors: true }),
  t('global on mx', 'junos_security_policies_global', { config: GLOBAL_B, state: 'merged' }, { when: "inventory_hostname == 'mx'", ignore_errors: true }),
];

before(async () => {
  if (skip) return;
  const devices = await startAnsibleDevices(h, 'ans-sec', PROFILES, { inTurn: true });
  targets = devices.targets;
  stop = devices.stop;
  runs = await runPlaybookOn(targets, TASKS, { timeoutMs: 600_000 });
  process.stderr.write(`ansible-security: ${TASKS.length} tasks on ${PROFILES.length} profiles in ${Object.values(runs)[0]?.ms} ms\n`);
});

after(async () => {
  await stop?.();
  await h.cleanup();
});

function ok(run: PlaybookRun, name: string, changed: boolean): Record<string, unknown> {
  const r = task(run, name);
  assert.equal(r.failed, false, describe(r));
  assert.equal(r.changed, changed, describe(r));
  return r.result;
}
/** What a failed task says: its msg, or what the module printed when it raised (a refused commit). */
const failure = (r: ReturnType<typeof task>) => `${r.msg ?? ''}\n${String(r.result.module_stderr ?? '')}\n${String(r.result.module_stdout ?? '')}`;
const out = (run: PlaybookRun, name: string) => (task(run, name).result.stdout as string[]) ?? assert.fail(describe(task(run, name)));

for (const profile of PROFILES.filter((p) => p !== 'mx')) {
  test(`${profile}: security zones, policies and global policy settings in every state`, { skip }, () => {
    const run = runs[profile]!;
    const i = (n: number) => ifName(profile, n);
    const factory = task(run, 'zones gathered factory');
    assert.equal(factory.failed, true, describe(factory));
    assert.match(factory.msg ?? '', /string indices must be integers/);

    ok(run, 'zones merged', true);
    ok(run, 'zones merged again', false);
    ok(run, 'pol merged', true);
    ok(run, 'pol merged again', false);
    ok(run, 'global merged', true);
    ok(run, 'global merged again', false);
    const zones = ok(run, 'zones gathered', false).gathered as { zones: Record<string, unknown>[] };
    const trust = zones.zones.find((z) => z.name === 'trust')!;
    assert.deepEqual(trust.interfaces, [i(1), i(5), i(7), i(8)]);
    assert.deepEqual(trust.host_inbound_traffic, ZONES_A.zones[0]!.host_inbound_traffic);
    assert.deepEqual(trust.description, 'inside');
    assert.deepEqual(zones.zones.find((z) => z.name === 'untrust'), { name: 'untrust', interfaces: [i(0), i(6), i(2), i(9)], tcp_rst: true });
    assert.deepEqual(ok(run, 'pol gathered', false).gathered, POL_A);
    assert.deepEqual(ok(run, 'global gathered', false).gathered, GLOBAL_A);
    const [zonesText, polText] = out(run, 'show merged');
    assert.match(zonesText!, /security-zone trust \{\n {4}description inside;/);
    assert.match(zonesText!, /address-set s2 \{\n {12}address h2;\n {12}address h1;\n {8}\}/);
    assert.match(zonesText!, new RegExp(`security-zone untrust \\{\\n {4}tcp-rst;\\n {4}interfaces \\{\\n {8}${i(0)};\\n {8}${i(6)};\\n {8}${i(2)};\\n {8}${i(9)};`));
    assert.match(polText!, /from-zone trust to-zone untrust \{\n {4}policy p1 \{\n {8}match \{\n {12}source-address h1;\n {12}destination-address any-ipv4;\n {12}application any;\n {8}\}\n {8}then \{\n {12}deny;\n {12}log \{\n {16}session-close;/);
    assert.match(polText!, /default-policy \{\n {4}deny-all;\n\}\npolicy-rematch;\npolicy-stats;\npre-id-default-policy \{/);

    ok(run, 'pol replaced', true);
    ok(run, 'pol replaced again', false);
    const [, polB] = out(run, 'show pol replaced');
    assert.match(polB!, /policy p2 \{/);
    assert.doesNotMatch(polB!, /policy p1 |default-policy/, 'the module replaces all of security policies');
    ok(run, 'pol overridden', true);
    ok(run, 'pol overridden again', false);
    ok(run, 'pol deleted', true);
    ok(run, 'pol deleted again', false);
    ok(run, 'global replaced', true);
    ok(run, 'global replaced again', false);
    const [, globalB] = out(run, 'show global replaced');
    assert.equal(globalB, 'default-policy {\n    permit-all;\n}');
    ok(run, 'global overridden', true);
    ok(run, 'global overridden again', false);
    ok(run, 'global deleted', true);
    ok(run, 'global deleted again', false);
    assert.equal(out(run, 'show policies deleted')[1], '');

    ok(run, 'zones replaced', true);
    ok(run, 'zones replaced again', false);
    const [zonesB] = out(run, 'show zones replaced');
    // The module sends the same edit for replaced as for overridden (zones deleted, then the
    // given ones), so the other zones go too.
    assert.equal(zonesB, `security-zone trust {\n    interfaces {\n        ${i(3)};\n        ${i(10)};\n    }\n}`);

    const twice = task(run, 'zone interface twice');
    assert.equal(twice.failed, true, describe(twice));
    assert.match(failure(twice), new RegExp(`Interface ${i(3).replace(/[/.]/g, '\\$&')} must be in only one zone`));
    const nowhere = task(run, 'policy to missing zone');
    assert.equal(nowhere.failed, true, describe(nowhere));
    assert.match(failure(nowhere), /Security zone must be defined/);

    ok(run, 'zones overridden', true);
    ok(run, 'zones overridden again', false);
    const [zonesC] = out(run, 'show zones overridden');
    assert.equal(zonesC, `security-zone dmz {\n    interfaces {\n        ${i(4)};\n        ${i(11)};\n    }\n}`);
    ok(run, 'zones deleted', true);
    ok(run, 'zones deleted again', false);
    assert.equal(out(run, 'show zones deleted')[0], '');

    if (profile === 'srx') {
      assert.match(String(ok(run, 'zones rendered', false).rendered), /<nc:address-set><nc:name>s1<\/nc:name><nc:address><nc:name>h1<\/nc:name><\/nc:address>/);
      assert.match(String(ok(run, 'global rendered', false).rendered), /<nc:default-policy><nc:deny-all\/><\/nc:default-policy>/);
    }
  });
}

test('mx: security zones and global policies are not statements of the family (syntax error)', { skip }, () => {
  const run = runs.mx!;
  for (const name of ['zones on mx', 'global on mx']) {
    const r = task(run, name);
    assert.equal(r.failed, true, describe(r));
    assert.match(r.msg ?? '', /syntax error/);
  }
});
