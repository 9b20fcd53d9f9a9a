/**
 * Ansible's junipernetworks.junos routing resource modules (Debian's `ansible`) in every
 * state they have, against a device per profile, over the netconf connection: junos_bgp_global,
 * junos_bgp_address_family, junos_ospfv2, junos_ospf_interfaces, junos_ospfv3,
 * junos_static_routes, junos_routing_instances, junos_prefix_lists, junos_routing_options and
 * the legacy junos_vrf.
 *
 * Each module runs one cycle: merged (changed), merged again (not changed), gathered (exactly
 * what was configured), `show configuration` (Junos text), replaced and overridden (each
 * changed, then not changed a second time, with the module's `after` showing what is left),
 * deleted (changed, then not changed) and a last `show configuration` with nothing left.
 *
 * One play, one device per profile, the `free` strategy: each module's cycle runs on its
 * profile while the other hosts run theirs. By default each module runs on one profile, in
 * turn (together every profile, a few minutes' work on two cores);
 * NCGD_ANSIBLE_ALL_PROFILES=1 runs every module on all seven (seven times the work; the
 * matrix in docs/netconf.md comes from it).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../support/agent-harness.js';
import { ALL_PROFILES, ansibleReady, describe as describeTask, runPlaybookOn, startAnsibleDevices, type PlaybookRun, type TaskResult } from '../support/ansible.js';

const skip = (await ansibleReady()) ?? false;
const h = new Harness();
const FULL = process.env.NCGD_ANSIBLE_ALL_PROFILES === '1';
const J = 'junipernetworks.junos.';

type Json = Record<string, unknown> | unknown[];

interface Cycle {
  key: string;
  module: string;
  /** merged (twice), gathered. */
  merged: Json;
  replaced?: Json;
  overridden?: Json;
  /** Config given to `deleted`; without it the module deletes all it manages. */
  deleted?: Json;
  /** What `show configuration` shows. */
  show: string;
  /** gathered, normalised (see norm()), must equal this. */
  gathered: unknown;
  /** Text after merged. */
  mergedText: RegExp[];
  /** The module's `after` (normalised) following replaced / overridden. */
  afterReplaced?: unknown;
  afterOverridden?: unknown;
  /** Text that must be gone after deleted. */
  deletedGone: RegExp;
  /** Keys (at any depth) other modules' statements add to this module's facts: not compared. */
  ignore?: string[];
  /** Tasks run before the cycle (prerequisites). */
  setup?: Record<string, unknown>[];
}

const CYCLES: Cycle[] = [
  {
    key: 'routing_options',
    module: 'junos_routing_options',
    merged: { autonomous_system: { as_number: '65010', asdot_notation: true }, router_id: '10.255.0.1' },
    replaced: { autonomous_system: { as_number: '65011' }, router_id: '10.255.0.2' },
    overridden: { router_id: '10.255.0.3' },
    show: 'routing-options',
    gathered: { autonomous_system: { as_number: '65010', asdot_notation: true }, router_id: '10.255.0.1' },
    mergedText: [/autonomous-system 65010/, /asdot-notation;/, /router-id 10\.255\.0\.1;/],
    afterReplaced: { autonomous_system: { as_number: '65011' }, router_id: '10.255.0.2' },
    afterOverridden: { router_id: '10.255.0.3' },
    deletedGone: /autonomous-system|router-id/,
  },
  {
    key: 'static_routes',
    module: 'junos_static_routes',
    merged: [
      {
        address_families: [
          { afi: 'ipv4', routes: [{ dest: '198.51.100.0/24', next_hop: [{ forward_router_address: '192.0.2.1' }] }, { dest: '203.0.113.0/24', next_hop: [{ forward_router_address: '192.0.2.2' }] }] },
          { afi: 'ipv6', routes: [{ dest: '2001:db8:1::/48', next_hop: [{ forward_router_address: '2001:db8::1' }] }] },
        ],
      },
    ],
    replaced: [{ address_families: [{ afi: 'ipv4', routes: [{ dest: '198.51.100.0/24', next_hop: [{ forward_router_address: '192.0.2.9' }] }] }] }],
    overridden: [{ address_families: [{ afi: 'ipv4', routes: [{ dest: '192.0.2.128/25', next_hop: [{ forward_router_address: '192.0.2.3' }] }] }] }],
    show: 'routing-options',
    gathered: [
      {
        address_families: [
          { afi: 'ipv4', routes: [{ dest: '198.51.100.0/24', next_hop: [{ forward_router_address: '192.0.2.1' }] }, { dest: '203.0.113.0/24', next_hop: [{ forward_router_address: '192.0.2.2' }] }] },
          { afi: 'ipv6', routes: [{ dest: '2001:db8:1::/48', next_hop: [{ forward_router_address: '2001:db8::1' }] }] },
        ],
      },
    ],
    mergedText: [/static \{\s*route 198\.51\.100\.0\/24 next-hop 192\.0\.2\.1;\s*route 203\.0\.113\.0\/24 next-hop 192\.0\.2\.2;\s*\}/, /rib inet6\.0 \{\s*static \{\s*route 2001:db8:1::\/48 next-hop 2001:db8::1;/],
    afterReplaced: [
      {
        address_families: [
          { afi: 'ipv4', routes: [{ dest: '198.51.100.0/24', next_hop: [{ forward_router_address: '192.0.2.9' }] }, { dest: '203.0.113.0/24', next_hop: [{ forward_router_address: '192.0.2.2' }] }] },
          { afi: 'ipv6', routes: [{ dest: '2001:db8:1::/48', next_hop: [{ forward_router_address: '2001:db8::1' }] }] },
        ],
      },
    ],
    afterOverridden: [{ address_families: [{ afi: 'ipv4', routes: [{ dest: '192.0.2.128/25', next_hop: [{ forward_router_address: '192.0.2.3' }] }] }] }],
    deletedGone: /route /,
  },
  {
    key: 'prefix_lists',
    module: 'junos_prefix_lists',
    merged: [{ name: 'Internal', address_prefixes: ['172.16.1.32', '172.16.3.32'] }, { name: 'Test2', address_prefixes: ['172.16.2.32/32', '10/8'] }],
    replaced: [{ name: 'Internal', address_prefixes: ['172.16.9.0/24'] }],
    overridden: [{ name: 'Only', address_prefixes: ['10.9.9.0/24'] }],
    show: 'policy-options',
    // Items in the order given, as Junos keeps them.
    gathered: [{ name: 'Internal', address_prefixes: ['172.16.1.32/32', '172.16.3.32/32'] }, { name: 'Test2', address_prefixes: ['172.16.2.32/32', '10.0.0.0/8'] }],
    mergedText: [/prefix-list Internal \{\s*172\.16\.1\.32\/32;\s*172\.16\.3\.32\/32;\s*\}/, /prefix-list Test2 \{\s*172\.16\.2\.32\/32;\s*10\.0\.0\.0\/8;\s*\}/],
    afterReplaced: [{ name: 'Internal', address_prefixes: ['172.16.9.0/24'] }, { name: 'Test2', address_prefixes: ['172.16.2.32/32', '10.0.0.0/8'] }],
    afterOverridden: [{ name: 'Only', address_prefixes: ['10.9.9.0/24'] }],
    deletedGone: /prefix-list/,
  },
  {
    key: 'routing_instances',
    module: 'junos_routing_instances',
    setup: [
      {
        name: 'routing_instances policies',
        [`${J}junos_config`]: { lines: ['set policy-options policy-statement imp term t1 then reject', 'set policy-options policy-statement exp term t1 then reject'] },
      },
    ],
    merged: [
      { name: 'vrf1', type: 'vrf', route_distinguisher: '10.58.255.1:37', vrf_imports: ['imp'], vrf_exports: ['exp'], interfaces: [{ name: 'ge-0/0/5.0' }] },
      { name: 'fwd', type: 'forwarding', description: 'Configured by Ansible' },
      { name: 'vr1', type: 'virtual-router' },
    ],
    replaced: [{ name: 'vrf1', type: 'vrf', route_distinguisher: '10.58.255.1:38', vrf_imports: ['imp'], vrf_exports: ['exp'] }],
    overridden: [{ name: 'vr2', type: 'virtual-router', description: 'only' }],
    show: 'routing-instances',
    gathered: [
      { description: 'Configured by Ansible', name: 'fwd', type: 'forwarding' },
      { name: 'vr1', type: 'virtual-router' },
      { interfaces: [{ name: 'ge-0/0/5.0' }], name: 'vrf1', route_distinguisher: '10.58.255.1:37', type: 'vrf', vrf_exports: ['exp'], vrf_imports: ['imp'] },
    ],
    mergedText: [/vrf1 \{\s*instance-type vrf;\s*interface ge-0\/0\/5\.0;\s*route-distinguisher 10\.58\.255\.1:37;\s*vrf-import imp;\s*vrf-export exp;\s*\}/, /fwd \{\s*description "Configured by Ansible";\s*instance-type forwarding;\s*\}/, /vr1 \{\s*instance-type virtual-router;\s*\}/],
    afterReplaced: [
      { description: 'Configured by Ansible', name: 'fwd', type: 'forwarding' },
      { name: 'vr1', type: 'virtual-router' },
      { name: 'vrf1', route_distinguisher: '10.58.255.1:38', type: 'vrf', vrf_exports: ['exp'], vrf_imports: ['imp'] },
    ],
    afterOverridden: [{ description: 'only', name: 'vr2', type: 'virtual-router' }],
    deletedGone: /instance-type/,
  },
  {
    key: 'bgp_global',
    module: 'junos_bgp_global',
    // The module loads protocols bgp and then routing-options, validating after each load:
    // an internal group in the task that first sets the AS fails that first validation
    // (`autonomous system must be configured for an internal peer`), on Junos as here; so
    // the internal group comes with replaced, once the AS is there.
    merged: { as_number: '65010', description: 'bgp by ansible', groups: [{ name: 'ebgp', type: 'external', neighbors: [{ neighbor_address: '192.0.2.9', peer_as: '65020' }] }] },
    replaced: {
      as_number: '65010',
      groups: [
        { name: 'ebgp', type: 'external', peer_as: '65030', neighbors: [{ neighbor_address: '192.0.2.10' }] },
        { name: 'ibgp', type: 'internal', local_address: '10.255.0.1', neighbors: [{ neighbor_address: '10.255.0.2' }] },
      ],
    },
    show: 'protocols bgp',
    gathered: { as_number: '65010', description: 'bgp by ansible', groups: [{ name: 'ebgp', neighbors: [{ neighbor_address: '192.0.2.9', peer_as: '65020' }], type: 'external' }] },
    mergedText: [/description "bgp by ansible";/, /group ebgp \{\s*type external;\s*neighbor 192\.0\.2\.9 \{\s*peer-as 65020;\s*\}\s*\}/],
    afterReplaced: {
      as_number: '65010',
      groups: [
        { name: 'ebgp', neighbors: [{ neighbor_address: '192.0.2.10' }], peer_as: '65030', type: 'external' },
        { local_address: '10.255.0.1', name: 'ibgp', neighbors: [{ neighbor_address: '10.255.0.2' }], type: 'internal' },
      ],
    },
    deletedGone: /group|description/,
  },
  {
    key: 'bgp_address_family',
    module: 'junos_bgp_address_family',
    merged: {
      address_family: [
        { afi: 'inet', af_type: [{ type: 'unicast', prefix_limit: { maximum: 20, limit_threshold: 99 } }, { type: 'labeled-unicast', per_prefix_label: true }] },
        { afi: 'inet6', af_type: [{ type: 'unicast' }] },
      ],
    },
    replaced: { address_family: [{ afi: 'inet', af_type: [{ type: 'unicast', loops: 3 }] }] },
    overridden: { address_family: [{ afi: 'evpn', af_type: [{ type: 'signaling' }] }] },
    show: 'protocols bgp',
    gathered: {
      address_family: [
        { af_type: [{ prefix_limit: { limit_threshold: 99, maximum: 20 }, type: 'unicast' }, { per_prefix_label: true, type: 'labeled-unicast' }], afi: 'inet' },
        { af_type: [{ set: true, type: 'unicast' }], afi: 'inet6' },
      ],
    },
    mergedText: [/family inet \{\s*unicast \{\s*prefix-limit \{\s*maximum 20;\s*teardown 99;\s*\}\s*\}\s*labeled-unicast \{\s*per-prefix-label;\s*\}\s*\}/, /family inet6 \{\s*unicast;\s*\}/],
    afterReplaced: {
      address_family: [
        { af_type: [{ loops: 3, type: 'unicast' }], afi: 'inet' },
        { af_type: [{ set: true, type: 'unicast' }], afi: 'inet6' },
      ],
    },
    afterOverridden: { address_family: [{ af_type: [{ set: true, type: 'signaling' }], afi: 'evpn' }] },
    deletedGone: /family/,
  },
  {
    key: 'ospfv2',
    module: 'junos_ospfv2',
    merged: [
      {
        reference_bandwidth: '10g',
        router_id: '10.255.0.1',
        areas: [
          { area_id: '0.0.0.0', interfaces: [{ name: 'ge-0/0/1.0', metric: 10, priority: 3, timers: { hello_interval: 2, dead_interval: 8 } }, { name: 'lo0.0', passive: true }] },
          { area_id: '0.0.0.100', stub: { default_metric: 100, set: true }, area_range: '10.200.16.0/24', interfaces: [{ name: 'ge-0/0/2.0' }] },
        ],
      },
    ],
    replaced: [{ areas: [{ area_id: '0.0.0.0', interfaces: [{ name: 'ge-0/0/3.0', metric: 20 }] }] }],
    overridden: [{ areas: [{ area_id: '0.0.0.1', interfaces: [{ name: 'ge-0/0/4.0' }] }] }],
    show: 'protocols ospf',
    gathered: [
      {
        areas: [
          { area_id: '0.0.0.0', interfaces: [{ metric: 10, name: 'ge-0/0/1.0', priority: 3, timers: { dead_interval: 8, hello_interval: 2 } }, { name: 'lo0.0', passive: true }] },
          // The module's facts give area_range as the text of a Python list.
          { area_id: '0.0.0.100', area_range: "['10.200.16.0/24']", interfaces: [{ name: 'ge-0/0/2.0' }], stub: { default_metric: 100, set: true } },
        ],
        reference_bandwidth: '10g',
        router_id: '10.255.0.1',
      },
    ],
    afterReplaced: [{ areas: [{ area_id: '0.0.0.0', interfaces: [{ metric: 20, name: 'ge-0/0/3.0' }] }], reference_bandwidth: '10g', router_id: '10.255.0.1' }],
    afterOverridden: [{ areas: [{ area_id: '0.0.0.1', interfaces: [{ name: 'ge-0/0/4.0' }] }], reference_bandwidth: '10g', router_id: '10.255.0.1' }],
    mergedText: [/reference-bandwidth 10g;/, /area 0\.0\.0\.0 \{\s*interface ge-0\/0\/1\.0 \{/, /interface lo0\.0 \{\s*passive;\s*\}/, /area-range 10\.200\.16\.0\/24;/],
    deletedGone: /area/,
  },
  {
    key: 'ospf_interfaces',
    module: 'junos_ospf_interfaces',
    merged: [
      { name: 'ge-0/0/2.0', address_family: [{ afi: 'ipv4', processes: { area: { area_id: '0.0.0.2' }, priority: 3, metric: 5 } }] },
      { name: 'ge-0/0/3.0', address_family: [{ afi: 'ipv4', processes: { area: { area_id: '0.0.0.2' }, passive: true } }] },
    ],
    replaced: [{ name: 'ge-0/0/2.0', address_family: [{ afi: 'ipv4', processes: { area: { area_id: '0.0.0.2' }, metric: 7 } }] }],
    // Kept in one area: the module reads an area left without interfaces as an error
    // (KeyError 'interface'), on Junos as here.
    overridden: [
      { name: 'ge-0/0/4.0', address_family: [{ afi: 'ipv4', processes: { area: { area_id: '0.0.0.2' }, metric: 9 } }] },
      { name: 'ge-0/0/5.0', address_family: [{ afi: 'ipv4', processes: { area: { area_id: '0.0.0.2' } } }] },
    ],
    deleted: [{ name: 'ge-0/0/4.0' }],
    show: 'protocols ospf',
    // The module's facts add routing-options router-id to every interface (left there by other
    // modules' cycles on the same device): not compared.
    ignore: ['router_id'],
    gathered: [
      { address_family: [{ afi: 'ipv4', processes: { area: { area_id: '0.0.0.2' }, metric: 5, priority: 3 } }], name: 'ge-0/0/2.0' },
      { address_family: [{ afi: 'ipv4', processes: { area: { area_id: '0.0.0.2' }, passive: true } }], name: 'ge-0/0/3.0' },
    ],
    afterReplaced: [
      { address_family: [{ afi: 'ipv4', processes: { area: { area_id: '0.0.0.2' }, passive: true } }], name: 'ge-0/0/3.0' },
      { address_family: [{ afi: 'ipv4', processes: { area: { area_id: '0.0.0.2' }, metric: 7 } }], name: 'ge-0/0/2.0' },
    ],
    afterOverridden: [
      { address_family: [{ afi: 'ipv4', processes: { area: { area_id: '0.0.0.2' }, metric: 9 } }], name: 'ge-0/0/4.0' },
      { address_family: [{ afi: 'ipv4', processes: { area: { area_id: '0.0.0.2' } } }], name: 'ge-0/0/5.0' },
    ],
    mergedText: [/area 0\.0\.0\.2 \{\s*interface ge-0\/0\/2\.0 \{\s*priority 3;\s*metric 5;\s*\}\s*interface ge-0\/0\/3\.0 \{\s*passive;\s*\}\s*\}/],
    deletedGone: /ge-0\/0\/4\.0/,
  },
  {
    key: 'ospfv3',
    module: 'junos_ospfv3',
    merged: [{ router_id: '10.255.0.1', areas: [{ area_id: '0.0.0.100', stub: { default_metric: 200, set: true }, interfaces: [{ name: 'ge-0/0/1.0', priority: 3, metric: 5 }] }] }],
    replaced: [{ areas: [{ area_id: '0.0.0.100', interfaces: [{ name: 'ge-0/0/2.0', metric: 6 }] }] }],
    overridden: [{ areas: [{ area_id: '0.0.0.5', interfaces: [{ name: 'ge-0/0/3.0' }] }] }],
    show: 'protocols ospf3',
    gathered: [{ areas: [{ area_id: '0.0.0.100', interfaces: [{ metric: 5, name: 'ge-0/0/1.0', priority: 3 }], stub: { default_metric: 200, set: true } }], router_id: '10.255.0.1' }],
    afterReplaced: [{ areas: [{ area_id: '0.0.0.100', interfaces: [{ metric: 6, name: 'ge-0/0/2.0' }] }], router_id: '10.255.0.1' }],
    afterOverridden: [{ areas: [{ area_id: '0.0.0.5', interfaces: [{ name: 'ge-0/0/3.0' }] }] }],
    mergedText: [/area 0\.0\.0\.100 \{/, /interface ge-0\/0\/1\.0 \{\s*priority 3;\s*metric 5;\s*\}/],
    deletedGone: /area/,
  },
];

/** Sorted keys and lists of objects sorted by their JSON, so that order does not matter; IGNORE keys left out. */
function norm(x: unknown, ignore: readonly string[] = []): unknown {
  if (Array.isArray(x)) {
    const items = x.map((i) => norm(i, ignore));
    return items.every((i) => typeof i === 'string') ? items : [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort()) if (!ignore.includes(k)) out[k] = norm((x as Record<string, unknown>)[k], ignore);
    return out;
  }
  return x;
}

const profilesOf = (i: number): string[] => (FULL ? [...ALL_PROFILES] : [ALL_PROFILES[i % ALL_PROFILES.length]!]);

function tasks(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  CYCLES.forEach((c, i) => {
    const when = `inventory_hostname in ${JSON.stringify(profilesOf(i))}`;
    const add = (name: string, args: Record<string, unknown>, module = c.module) => out.push({ name: `${c.key} ${name}`, [J + module]: args, when, ignore_errors: true });
    for (const s of c.setup ?? []) out.push({ ...s, when, ignore_errors: true });
    add('merged', { config: c.merged, state: 'merged' });
    add('merged again', { config: c.merged, state: 'merged' });
    add('gathered', { state: 'gathered' });
    add('show merged', { commands: [`show configuration ${c.show}`] }, 'junos_command');
    if (c.replaced) {
      add('replaced', { config: c.replaced, state: 'replaced' });
      add('replaced again', { config: c.replaced, state: 'replaced' });
    }
    if (c.overridden) {
      add('overridden', { config: c.overridden, state: 'overridden' });
      add('overridden again', { config: c.overridden, state: 'overridden' });
    }
    add('deleted', c.deleted ? { config: c.deleted, state: 'deleted' } : { state: 'deleted' });
    add('deleted again', c.deleted ? { config: c.deleted, state: 'deleted' } : { state: 'deleted' });
    add('show deleted', { commands: [`show configuration ${c.show}`] }, 'junos_command');
    if (c.key === 'bgp_global') {
      // purged: all of BGP and the AS, whatever the module manages or not.
      add('merged before purge', { config: c.merged, state: 'merged' });
      add('purged', { state: 'purged' });
      add('purged again', { state: 'purged' });
      add('show purged', { commands: ['show configuration routing-options', 'show configuration protocols bgp'] }, 'junos_command');
    }
  });
  // The legacy junos_vrf (present/absent), on the profiles after the last cycle's.
  const when = `inventory_hostname in ${JSON.stringify(VRF_PROFILES)}`;
  const vrf = (name: string, state: string) => out.push({ name: `vrf ${name}`, [`${J}junos_vrf`]: { ...VRF, state }, when, ignore_errors: true });
  const show = (name: string) => out.push({ name: `vrf ${name}`, [`${J}junos_command`]: { commands: ['show configuration routing-instances'] }, when, ignore_errors: true });
  vrf('present', 'present');
  vrf('present again', 'present');
  show('show present');
  vrf('absent', 'absent');
  vrf('absent again', 'absent');
  show('show absent');
  return out;
}

const VRF = { name: 'lvrf', description: 'legacy vrf', interfaces: ['ge-0/0/6.0'], rd: '192.0.2.1:10', target: 'target:65514:113' };
const VRF_PROFILES = FULL ? [...ALL_PROFILES] : [ALL_PROFILES[CYCLES.length % ALL_PROFILES.length]!];

function find(run: PlaybookRun, name: string): TaskResult | undefined {
  return run.tasks.find((t) => t.name === name && !t.skipped);
}

/** The problems of one module's cycle on one profile, as `state: what`; empty when all is as Junos does. */
function checkCycle(c: Cycle, run: PlaybookRun): string[] {
  const bad: string[] = [];
  const t = (n: string): TaskResult | undefined => {
    const r = find(run, `${c.key} ${n}`);
    if (!r) bad.push(`${n}: did not run`);
    else if (r.failed) bad.push(`${n}: failed: ${describeTask(r)}`);
    return r && !r.failed ? r : undefined;
  };
  const changed = (n: string, want: boolean) => {
    const r = t(n);
    if (r && r.changed !== want) bad.push(`${n}: changed=${r.changed}, want ${want}`);
    return r;
  };
  const same = (n: string, got: unknown, want: unknown) => {
    const [a, b] = [JSON.stringify(norm(got, c.ignore)), JSON.stringify(norm(want, c.ignore))];
    if (a !== b) bad.push(`${n}: ${a} != ${b}`);
  };
  changed('merged', true);
  changed('merged again', false);
  const g = t('gathered');
  if (g) same('gathered', g.result.gathered, c.gathered);
  const shown = t('show merged');
  const text = shown ? String((shown.result.stdout as string[] | undefined)?.[0] ?? '') : '';
  for (const re of shown ? c.mergedText : []) if (!re.test(text)) bad.push(`show merged: ${re} not in:\n${text}`);
  for (const s of ['replaced', 'overridden'] as const) {
    if (!c[s]) continue;
    const r = changed(s, true);
    changed(`${s} again`, false);
    const want = s === 'replaced' ? c.afterReplaced : c.afterOverridden;
    if (r && want !== undefined) same(s, r.result.after, want);
  }
  changed('deleted', true);
  changed('deleted again', false);
  if (c.key === 'bgp_global') {
    changed('merged before purge', true);
    changed('purged', true);
    changed('purged again', false);
    const p = t('show purged');
    const out = ((p?.result.stdout as string[] | undefined) ?? []).join('\n');
    if (p && /autonomous-system|group|description/.test(out)) bad.push(`show purged: BGP or the AS left:\n${out}`);
  }
  const gone = t('show deleted');
  const left = gone ? String((gone.result.stdout as string[] | undefined)?.[0] ?? '') : '';
  if (gone && c.deletedGone.test(left)) bad.push(`show deleted: ${c.deletedGone} still in:\n${left}`);
  return bad;
}

let devices: Awaited<ReturnType<typeof startAnsibleDevices>> | undefined;
let runs: Record<string, PlaybookRun> = {};

before(async () => {
  if (skip) return;
  devices = await startAnsibleDevices(h, 'ans-rt');
  runs = await runPlaybookOn(devices.targets, tasks(), { strategy: 'free', timeoutMs: FULL ? 1_800_000 : 600_000 });
});

after(async () => {
  await devices?.stop();
  await h.cleanup();
});

CYCLES.forEach((c, i) => {
  const states = ['merged', 'gathered', ...(c.replaced ? ['replaced'] : []), ...(c.overridden ? ['overridden'] : []), 'deleted', ...(c.key === 'bgp_global' ? ['purged'] : [])];
  test(`${c.module}: ${states.join(', ')} as Junos does (${FULL ? 'every profile' : profilesOf(i).join(', ')})`, { skip }, (t) => {
    const problems: string[] = [];
    for (const p of profilesOf(i)) {
      const bad = checkCycle(c, runs[p]!);
      t.diagnostic(`${p}: ${bad.length ? bad.map((b) => b.split('\n')[0]).join('; ') : 'pass'}`);
      problems.push(...bad.map((b) => `${p} ${b}`));
    }
    assert.deepEqual(problems, []);
  });
});

test(`junos_vrf (legacy): present, absent, each idempotent (${VRF_PROFILES.join(', ')})`, { skip }, (t) => {
  const problems: string[] = [];
  for (const p of VRF_PROFILES) {
    const run = runs[p]!;
    const bad: string[] = [];
    const r = (n: string) => find(run, `vrf ${n}`);
    for (const [n, want] of [['present', true], ['present again', false], ['absent', true], ['absent again', false]] as const) {
      const x = r(n);
      if (!x || x.failed || x.changed !== want) bad.push(`${n}: ${x ? describeTask(x) : 'did not run'}, want changed=${want}`);
    }
    const shown = String((r('show present')?.result.stdout as string[] | undefined)?.[0] ?? '');
    for (const re of [/lvrf \{/, /description "legacy vrf";/, /instance-type vrf;/, /interface ge-0\/0\/6\.0;/, /route-distinguisher 192\.0\.2\.1:10;/, /vrf-target target:65514:113;/]) {
      if (!re.test(shown)) bad.push(`show present: ${re} not in:\n${shown}`);
    }
    if (/lvrf/.test(String((r('show absent')?.result.stdout as string[] | undefined)?.[0] ?? 'lvrf'))) bad.push('show absent: lvrf left');
    t.diagnostic(`${p}: ${bad.length ? bad.map((b) => b.split('\n')[0]).join('; ') : 'pass'}`);
    problems.push(...bad.map((b) => `${p} ${b}`));
  }
  assert.deepEqual(problems, []);
});
