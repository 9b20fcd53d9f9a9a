/**
 * Ansible's interface-family resource modules of junipernetworks.junos (interfaces, l2/l3
 * interfaces, lag_interfaces, vlans, lacp, lacp_interfaces, lldp_global, lldp_interfaces) in
 * every state each has (merged, replaced, overridden, deleted, gathered, rendered, parsed),
 * in one play over one device per profile (qfx by default; any or all seven, see PROFILES).
 * What a real Junos box would answer is the measure: a first apply changes the device and
 * the same apply again does not, gathered gives back what was configured, `show
 * configuration` prints it, replaced touches only the named entries, overridden removes the
 * others and deleted removes them (twice: the second changes nothing).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { Harness } from '../support/agent-harness.js';
import { ansibleProfiles, ansibleReady, describe, runPlaybookOn, startAnsibleDevices, task, type PlaybookRun, type TaskResult } from '../support/ansible.js';

const skip = (await ansibleReady()) ?? false;
const h = new Harness();
/**
 * A switch (every one of these modules applies to it) by default, to keep the suite within
 * its time; NCGD_ANSIBLE_PROFILES=mx,qfx names others, NCGD_ANSIBLE_ALL_PROFILES=1 runs all
 * seven (see ansibleProfiles).
 */
const PROFILES = ansibleProfiles(['qfx']);
/** The host of the tasks that never reach a device (rendered, parsed) and of the XML they read. */
const ONE = PROFILES[0] ?? 'qfx';
let runs: Record<string, PlaybookRun> = {};

/** Free ports of each profile (none in its factory configuration): p1..p6. */
const PORTS: Record<string, string[]> = {
  mx: ['ge-0/0/1', 'ge-0/0/2', 'ge-0/0/3', 'ge-0/0/4', 'ge-0/0/5', 'ge-0/0/6'],
  mx10003: ['et-0/0/0', 'et-0/0/1', 'et-0/0/2', 'et-0/0/3', 'et-0/0/4', 'et-0/0/5'],
  ex: ['ge-0/0/1', 'ge-0/0/2', 'ge-0/0/3', 'ge-0/0/4', 'ge-0/0/5', 'ge-0/0/6'],
  ex9208: ['ge-3/0/1', 'ge-3/0/2', 'ge-3/0/3', 'ge-3/0/4', 'ge-3/0/5', 'ge-3/0/6'],
  qfx: ['xe-0/0/1', 'xe-0/0/2', 'xe-0/0/3', 'xe-0/0/4', 'xe-0/0/5', 'xe-0/0/6'],
  srx: ['ge-0/0/2', 'ge-0/0/3', 'ge-0/0/4', 'ge-0/0/5', 'ge-0/0/6', 'ge-0/0/7'],
  srx4100: ['xe-0/0/2', 'xe-0/0/3', 'xe-0/0/4', 'xe-0/0/5', 'xe-0/0/6', 'xe-0/0/7'],
};

const J = 'junipernetworks.junos.';
/** One module task; a failure is a result (ignore_errors), so one failing module hides none of the others. */
const mod = (name: string, module: string, args: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name, [J + module]: args, ignore_errors: true, ...extra });

/** Each module's configuration per state; `again` tasks repeat them. */
const SW = "inventory_hostname in ['ex', 'ex9208', 'qfx']";
const CFG = {
  merged: {
    junos_vlans: [{ name: 'v100', vlan_id: 100, description: 'hundred' }, { name: 'v200', vlan_id: 200 }, { name: 'v300', vlan_id: 300, l3_interface: 'irb.300' }],
    junos_interfaces: [
      { name: '{{ p1 }}', description: 'to core', mtu: 2000, hold_time: { up: 200, down: 100 }, units: [{ name: 0, description: 'core unit' }] },
      { name: '{{ p2 }}', description: 'spare', enabled: false },
    ],
    junos_l3_interfaces: [
      { name: '{{ p1 }}', unit: 0, ipv4: [{ address: '10.40.0.1/24' }, { address: '10.41.0.1/24' }], ipv6: [{ address: '2001:db8:40::1/64' }] },
      { name: '{{ p2 }}', unit: 0, ipv4: [{ address: '10.50.0.1/24' }] },
    ],
    junos_l2_interfaces: [
      { name: '{{ p3 }}', unit: 0, access: { vlan: 'v100' } },
      { name: '{{ p4 }}', unit: 0, trunk: { allowed_vlans: ['v100', 'v200'], native_vlan: '200' } },
    ],
    junos_lag_interfaces: [
      { name: 'ae0', members: [{ member: '{{ p5 }}', link_type: 'primary' }], mode: 'active', link_protection: true },
      { name: 'ae1', members: [{ member: '{{ p6 }}' }], mode: 'passive' },
    ],
    junos_lacp: { system_priority: 63, link_protection: 'non-revertive' },
    junos_lacp_interfaces: [
      { name: 'ae0', period: 'fast', sync_reset: 'enable', system: { priority: 100, mac: { address: '00:00:00:00:00:02' } } },
      { name: '{{ p5 }}', port_priority: 100, force_up: true },
    ],
    junos_lldp_global: { address: '10.1.1.1', enabled: true, hold_multiplier: 5, interval: 60, transmit_delay: 2 },
    junos_lldp_interfaces: [{ name: '{{ p1 }}', enabled: false }, { name: '{{ p2 }}' }],
  },
  replaced: {
    junos_vlans: [{ name: 'v100', vlan_id: 101 }],
    junos_interfaces: [{ name: '{{ p1 }}', description: 'replaced' }],
    junos_l3_interfaces: [{ name: '{{ p1 }}', unit: 0, ipv4: [{ address: '10.42.0.1/24' }] }],
    junos_l2_interfaces: [{ name: '{{ p3 }}', unit: 0, access: { vlan: 'v200' } }],
    junos_lag_interfaces: [{ name: 'ae0', members: [{ member: '{{ p5 }}' }], mode: 'passive' }],
    junos_lacp: { system_priority: 100 },
    junos_lacp_interfaces: [{ name: 'ae0', period: 'slow' }],
    junos_lldp_global: { interval: 120 },
    junos_lldp_interfaces: [{ name: '{{ p2 }}', enabled: false }],
  },
  overridden: {
    // Ports first: a VLAN a port still names cannot go (Junos refuses the commit).
    junos_l2_interfaces: [{ name: '{{ p4 }}', unit: 0, trunk: { allowed_vlans: ['v200'] } }],
    // The switches' factory VLAN `default` (irb.0) stays.
    junos_vlans: `{{ [{'name': 'v200', 'vlan_id': 200, 'description': 'kept'}] + ([{'name': 'default', 'vlan_id': 1, 'l3_interface': 'irb.0'}] if ${SW} else []) }}`,
    junos_interfaces: [{ name: '{{ p2 }}', description: 'only' }],
    junos_l3_interfaces: [{ name: '{{ p2 }}', unit: 0, ipv4: [{ address: '10.43.0.1/24' }] }],
    junos_lag_interfaces: [{ name: 'ae1', members: [{ member: '{{ p6 }}' }], mode: 'active' }],
    junos_lacp_interfaces: [{ name: '{{ p5 }}', port_priority: 200 }],
    junos_lldp_interfaces: [{ name: '{{ p1 }}' }],
  },
  deleted: {
    junos_lacp_interfaces: [{ name: '{{ p5 }}' }],
    junos_lag_interfaces: [{ name: 'ae1' }],
    junos_l2_interfaces: [{ name: '{{ p4 }}', unit: 0 }],
    junos_vlans: [{ name: 'v200' }],
    junos_interfaces: [{ name: '{{ p2 }}' }],
    junos_l3_interfaces: [{ name: '{{ p2 }}', unit: 0 }],
    junos_lacp: undefined,
    junos_lldp_global: undefined,
    junos_lldp_interfaces: [{ name: '{{ p1 }}' }],
  },
} as const;
const MODULES = Object.keys(CFG.merged) as (keyof typeof CFG.merged)[];

/** Everything these modules configure, as `show configuration` prints it. */
const SHOW = ['interfaces', 'vlans', 'chassis aggregated-devices', 'protocols lldp'];
const showAll = (name: string) => mod(name, 'junos_command', { commands: SHOW.map((p) => `show configuration ${p}`) });

function stateTasks(state: 'merged' | 'replaced' | 'overridden' | 'deleted'): Record<string, unknown>[] {
  const cfg = CFG[state] as Record<string, unknown>;
  const out: Record<string, unknown>[] = [];
  for (const again of [false, true])
    for (const m of Object.keys(cfg)) {
      const args = cfg[m] === undefined ? { state } : { state, config: cfg[m] };
      out.push(mod(`${m} ${state}${again ? ' again' : ''}`, m, args));
    }
  out.push(showAll(`show ${state}`));
  return out;
}

const RENDER = {
  junos_vlans: [{ name: 'v9', vlan_id: 9 }],
  junos_interfaces: [{ name: 'ge-0/0/9', description: 'r', mtu: 1500 }],
  junos_l3_interfaces: [{ name: 'ge-0/0/9', ipv4: [{ address: '10.9.0.1/24' }] }],
  junos_l2_interfaces: [{ name: 'ge-0/0/9', access: { vlan: 'v9' } }],
  junos_lag_interfaces: [{ name: 'ae9', members: [{ member: 'ge-0/0/9' }], mode: 'active' }],
  junos_lacp: { system_priority: 9 },
  junos_lacp_interfaces: [{ name: 'ae9', period: 'fast' }],
  junos_lldp_global: { interval: 90 },
  junos_lldp_interfaces: [{ name: 'ge-0/0/9', enabled: false }],
};

/**
 * The device's get-configuration reply as `parsed` takes it: without namespaces (the
 * collection's own fixtures are saved so), attributes with a prefix going with them.
 */
const XML_WITHOUT_NAMESPACES = `{{ xml.xml | regex_replace(' (xmlns(:[\\w-]+)?|[\\w-]+:[\\w-]+)="[^"]*"', '') }}`;

const TASKS: Record<string, unknown>[] = [
  { name: 'ports', set_fact: { p1: '{{ ports[inventory_hostname][0] }}', p2: '{{ ports[inventory_hostname][1] }}', p3: '{{ ports[inventory_hostname][2] }}', p4: '{{ ports[inventory_hostname][3] }}', p5: '{{ ports[inventory_hostname][4] }}', p6: '{{ ports[inventory_hostname][5] }}' }, vars: { ports: PORTS } },
  // What the modules take as given: aggregated devices and their ae interfaces, an irb unit for a VLAN.
  mod('setup', 'junos_config', { lines: [
    'set chassis aggregated-devices ethernet device-count 4',
    'set interfaces ae0 description lag-zero',
    'set interfaces ae1 description lag-one',
    'set interfaces irb unit 300 family inet address 10.60.0.1/24',
  ] }),
  ...stateTasks('merged'),
  ...MODULES.map((m) => mod(`${m} gathered`, m, { state: 'gathered' })),
  { ...mod('xml', 'junos_rpc', { rpc: 'get-configuration', output: 'xml' }), register: 'xml', when: `inventory_hostname == '${ONE}'` },
  ...stateTasks('replaced'),
  ...stateTasks('overridden'),
  mod('facts overridden', 'junos_facts', { gather_subset: ['!all', '!min'], gather_network_resources: ['interfaces', 'l2_interfaces', 'l3_interfaces', 'lag_interfaces', 'vlans', 'lacp_interfaces', 'lldp_interfaces'] }),
  ...stateTasks('deleted'),
  // rendered and parsed never reach the device: one host is enough (parsed reads the
  // device's own XML, before the deletes above took it away: see 'xml').
  ...MODULES.map((m) => mod(`${m} rendered`, m, { state: 'rendered', config: RENDER[m] }, { when: `inventory_hostname == '${ONE}'` })),
  ...MODULES.map((m) => mod(`${m} parsed`, m, { state: 'parsed', running_config: XML_WITHOUT_NAMESPACES }, { when: `inventory_hostname == '${ONE}'` })),
];

before(async () => {
  if (skip) return;
  const devices = await startAnsibleDevices(h, 'ans-if', PROFILES);
  try {
    runs = await runPlaybookOn(devices.targets, TASKS, { timeoutMs: 1_800_000 });
  } finally {
    await devices.stop();
  }
  if (process.env.NCGD_ANSIBLE_DUMP) writeFileSync(process.env.NCGD_ANSIBLE_DUMP, JSON.stringify(runs, null, 1));
});

after(() => h.cleanup());

type Rec = Record<string, unknown>;

function t(profile: string, name: string): TaskResult {
  return task(runs[profile]!, name);
}

/** The entry named NAME of a gathered list. */
function entry(list: unknown, name: string): Rec | undefined {
  return (list as Rec[] | undefined)?.find((x) => x.name === name);
}

/** What `show configuration` printed for each of SHOW, by path. */
function shown(profile: string, name: string): Record<string, string> {
  const out = t(profile, name).result.stdout as string[] | undefined;
  return Object.fromEntries(SHOW.map((p, i) => [p, String(out?.[i] ?? '')]));
}

/** The top-level block of statement HEAD in configuration text (`head { ... }` or `head;`), '' when absent. */
function block(text: string, head: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l === `${head} {` || l === `${head};`);
  if (i < 0) return '';
  if (lines[i]!.endsWith(';')) return lines[i]!;
  const j = lines.findIndex((l, k) => k > i && l === '}');
  return lines.slice(i, j + 1).join('\n');
}

/** Runs CHECK for every profile and fails once with every profile's problem. */
function everyProfile(check: (p: string, ports: string[]) => void): void {
  const problems: string[] = [];
  for (const p of PROFILES) {
    try {
      check(p, PORTS[p]!);
    } catch (e) {
      problems.push(`${p}: ${(e as Error).message}`);
    }
  }
  assert.deepEqual(problems, []);
}

/** Every task of STATE changed the device, and the same again did not. */
function changedOnceEach(state: 'merged' | 'replaced' | 'overridden' | 'deleted'): void {
  everyProfile((p) => {
    for (const m of Object.keys(CFG[state])) {
      const first = t(p, `${m} ${state}`);
      const again = t(p, `${m} ${state} again`);
      assert.equal(first.failed || again.failed, false, `${describe(first)} / ${describe(again)}`);
      assert.equal(first.changed, true, `first apply changes: ${describe(first)}`);
      assert.equal(again.changed, false, `the same again does not: ${describe(again)}`);
    }
  });
}

test('merged: each module changes the device once, gathered gives back what was merged, show configuration prints it', { skip }, () => {
  changedOnceEach('merged');
  everyProfile((p, [p1, p2, p3, p4, p5, p6]) => {
    const g = (m: string) => {
      const r = t(p, `${m} gathered`);
      assert.equal(r.failed, false, describe(r));
      return r.result.gathered;
    };
    const vlans = g('junos_vlans');
    assert.deepEqual(entry(vlans, 'v100'), { name: 'v100', vlan_id: 100, description: 'hundred' });
    assert.deepEqual(entry(vlans, 'v300'), { name: 'v300', vlan_id: 300, l3_interface: 'irb.300' });
    const ifs = g('junos_interfaces');
    assert.deepEqual(entry(ifs, p1!), { name: p1, description: 'to core', enabled: true, mtu: 2000, hold_time: { up: 200, down: 100 }, units: [{ name: 0, description: 'core unit' }] });
    assert.deepEqual(entry(ifs, p2!), { name: p2, description: 'spare', enabled: false });
    const l3 = g('junos_l3_interfaces');
    assert.deepEqual(entry(l3, p1!), { name: p1, unit: '0', ipv4: [{ address: '10.40.0.1/24' }, { address: '10.41.0.1/24' }], ipv6: [{ address: '2001:db8:40::1/64' }] });
    assert.deepEqual(entry(l3, p2!), { name: p2, unit: '0', ipv4: [{ address: '10.50.0.1/24' }] });
    const l2 = g('junos_l2_interfaces');
    assert.deepEqual(entry(l2, p3!), { name: p3, unit: 0, enhanced_layer: true, access: { vlan: 'v100' } });
    assert.deepEqual(entry(l2, p4!), { name: p4, unit: 0, enhanced_layer: true, trunk: { allowed_vlans: ['v100', 'v200'], native_vlan: '200' } });
    const lag = g('junos_lag_interfaces');
    assert.deepEqual(entry(lag, 'ae0'), { name: 'ae0', mode: 'active', link_protection: true, members: [{ member: p5, link_type: 'primary' }] });
    assert.deepEqual(entry(lag, 'ae1'), { name: 'ae1', mode: 'passive', members: [{ member: p6 }] });
    assert.deepEqual(g('junos_lacp'), { system_priority: 63, link_protection: 'non-revertive' });
    const lacpIf = g('junos_lacp_interfaces');
    assert.deepEqual(entry(lacpIf, 'ae0'), { name: 'ae0', period: 'fast', sync_reset: 'enable', system: { priority: 100, mac: { address: '00:00:00:00:00:02' } } });
    assert.deepEqual(entry(lacpIf, p5!), { name: p5, port_priority: 100, force_up: true });
    assert.deepEqual(g('junos_lldp_global'), { address: '10.1.1.1', hold_multiplier: 5, interval: 60, transmit_delay: 2 });
    assert.deepEqual(g('junos_lldp_interfaces'), [{ name: p1, enabled: false }, { name: p2 }]);

    const s = shown(p, 'show merged');
    const i = s.interfaces!;
    assert.match(block(i, p1!), /^ {4}hold-time up 200 down 100;$/m);
    assert.match(block(i, p1!), /^ {4}mtu 2000;$/m);
    assert.match(block(i, p2!), /^ {4}disable;$/m);
    assert.match(block(i, p3!), /interface-mode access;\n {12}vlan \{\n {16}members v100;/);
    assert.match(block(i, p4!), /members \[ v100 v200 \];[\s\S]*\n {4}native-vlan-id 200;/);
    assert.match(block(i, p5!), /^ {8}802\.3ad ae0 \{$/m, 'LAG membership as Junos writes it');
    assert.match(block(i, p6!), /^ {8}802\.3ad ae1;$/m);
    assert.match(block(i, 'ae0'), /lacp \{\n {12}active;\n {12}periodic fast;/);
    assert.match(s.vlans!, /^v300 \{\n {4}vlan-id 300;\n {4}l3-interface irb\.300;\n\}$/m);
    assert.match(s['chassis aggregated-devices']!, /lacp \{\n {8}system-priority 63;\n {8}link-protection \{\n {12}non-revertive;/);
    assert.match(s['protocols lldp']!, /^management-address 10\.1\.1\.1;$/m);
    assert.match(s['protocols lldp']!, new RegExp(`^interface ${p1} \\{\\n {4}disable;\\n\\}\\ninterface ${p2};$`, 'm'));
  });
});

test('replaced: only the named entries are replaced, the rest stays', { skip }, () => {
  changedOnceEach('replaced');
  everyProfile((p, [p1, p2, p3, p4, p5]) => {
    const s = shown(p, 'show replaced');
    const i = s.interfaces!;
    const one = block(i, p1!);
    assert.match(one, /description replaced;/);
    assert.match(one, /address 10\.42\.0\.1\/24;/);
    assert.doesNotMatch(one, /mtu|hold-time|core unit|10\.40|10\.41|2001:db8/, 'the rest of what was merged is gone');
    assert.match(block(i, p2!), /description spare;\n {4}disable;[\s\S]*address 10\.50\.0\.1\/24;/, 'an interface not named keeps its configuration');
    assert.match(block(i, p3!), /members v200;/);
    assert.match(block(i, p4!), /members \[ v100 v200 \];/);
    assert.match(block(i, p5!), /^ {8}802\.3ad ae0 \{$/m);
    assert.doesNotMatch(block(i, p5!), /primary/);
    assert.match(block(i, 'ae0'), /lacp \{\n {12}passive;\n {12}periodic slow;\n {8}\}/);
    assert.doesNotMatch(block(i, 'ae0'), /link-protection|sync-reset|system-id|system-priority/);
    assert.match(s.vlans!, /^v100 \{\n {4}vlan-id 101;\n\}$/m);
    assert.match(s.vlans!, /^v200 \{/m);
    assert.match(s['chassis aggregated-devices']!, /lacp \{\n {8}system-priority 100;\n {4}\}/);
    assert.equal(s['protocols lldp']!.trim(), `advertisement-interval 120;\ninterface ${p1} {\n    disable;\n}\ninterface ${p2} {\n    disable;\n}`);
  });
});

test('overridden: the named entries are all that is left of each resource', { skip }, () => {
  changedOnceEach('overridden');
  everyProfile((p, [p1, p2, , p4, p5, p6]) => {
    const f = t(p, 'facts overridden');
    assert.equal(f.failed, false, describe(f));
    const r = (f.result.ansible_facts as Rec).ansible_network_resources as Rec;
    const described = (r.interfaces as Rec[]).filter((x) => x.description !== undefined);
    assert.deepEqual(described, [{ name: p2, description: 'only', enabled: true }]);
    // As on Junos, removing a unit's last address keeps its `family inet;` (a presence
    // statement), which the facts list as an entry without addresses.
    const addressed = (r.l3_interfaces as Rec[]).filter((x) => x.ipv4 !== undefined || x.ipv6 !== undefined);
    assert.deepEqual(addressed, [{ name: p2, unit: '0', ipv4: [{ address: '10.43.0.1/24' }] }]);
    assert.deepEqual(r.l2_interfaces, [{ name: p4, unit: 0, enhanced_layer: true, trunk: { allowed_vlans: ['v200'] } }]);
    assert.deepEqual(r.lag_interfaces, [{ name: 'ae1', mode: 'active', members: [{ member: p6 }] }]);
    assert.deepEqual(r.lacp_interfaces, [{ name: p5, port_priority: 200 }]);
    assert.deepEqual(r.lldp_interfaces, [{ name: p1 }]);
    const vlans = [{ name: 'v200', vlan_id: 200, description: 'kept' }, ...(['ex', 'ex9208', 'qfx'].includes(p) ? [{ name: 'default', vlan_id: 1, l3_interface: 'irb.0' }] : [])];
    assert.deepEqual(new Set((r.vlans as Rec[]).map((v) => JSON.stringify(v, Object.keys(v).sort()))), new Set(vlans.map((v) => JSON.stringify(v, Object.keys(v).sort()))));
    const s = shown(p, 'show overridden');
    assert.doesNotMatch(s.interfaces!, /10\.40|10\.42|10\.50|bundle|802\.3ad ae0/);
    assert.equal(s['protocols lldp']!.trim(), `advertisement-interval 120;\ninterface ${p1};`);
  });
});

test('deleted: each module removes what it names, a second deleted changes nothing', { skip }, () => {
  changedOnceEach('deleted');
  everyProfile((p, [, p2, , p4, p5, p6]) => {
    const s = shown(p, 'show deleted');
    const i = s.interfaces!;
    assert.doesNotMatch(block(i, p2!), /description|address/);
    // What the module named goes; the emptied `family ethernet-switching;` stays, as on Junos.
    assert.doesNotMatch(block(i, p4!), /interface-mode|members|native-vlan-id/);
    assert.doesNotMatch(block(i, p5!) + block(i, p6!), /802\.3ad|lacp/);
    assert.doesNotMatch(block(i, 'ae1'), /aggregated-ether-options/);
    assert.doesNotMatch(s.vlans!, /v200/);
    assert.doesNotMatch(s['chassis aggregated-devices']!, /lacp/);
    assert.match(s['chassis aggregated-devices']!, /device-count 4;/, 'what the modules do not manage stays');
    assert.equal(s['protocols lldp']!.trim(), '');
  });
});

test('rendered gives the XML the module would send; parsed reads the device\'s own XML back', { skip }, () => {
  const r = (m: string) => t(ONE, `${m} rendered`).result.rendered as string;
  assert.match(r('junos_lag_interfaces'), /<nc:ether-options><nc:ieee-802\.3ad><nc:bundle>ae9<\/nc:bundle>/);
  assert.match(r('junos_lldp_interfaces'), /<nc:interface><nc:name>ge-0\/0\/9<\/nc:name><nc:disable\/><\/nc:interface>/);
  for (const m of MODULES) assert.equal(t(ONE, `${m} rendered`).failed, false, describe(t(ONE, `${m} rendered`)));
  for (const m of MODULES) {
    const parsed = t(ONE, `${m} parsed`);
    assert.equal(parsed.failed, false, describe(parsed));
    assert.deepEqual(parsed.result.parsed, t(ONE, `${m} gathered`).result.gathered, `${m}: parsed from the device's XML is what gathered read`);
  }
});
