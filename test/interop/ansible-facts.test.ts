/**
 * Ansible's facts and commands (Debian's `ansible`, junipernetworks.junos) against a device
 * process over its SSH face, checked against what the device says to PyEZ over NETCONF:
 * junos_facts with gather_subset all (and each of default, hardware, config, interfaces) and
 * with gather_network_resources; junos_command with `rpcs` (display text and json) over the
 * netconf connection and with `commands` (text, `| display json`, `| display xml`) over
 * network_cli; and after a host-name committed with junos_hostname, every one of them says
 * the new name. PyEZ reads the same facts as XML and as JSON (`{'format': 'json'}`), which
 * must agree. (`display: xml` in junos_command needs jxmlease, which Debian lacks, so XML
 * is read by PyEZ here.) Few playbooks, each holding many tasks, keep the run short.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Harness } from '../support/agent-harness.js';
import { ansibleReady, describe, runPlaybook, startAnsibleDevice, task, type AnsibleTarget, type PlaybookRun } from '../support/ansible.js';
import { PYTHON, pythonClients, runClient } from '../support/python-clients.js';

const skip = (await ansibleReady()) ?? (await pythonClients()) ?? false;
// network_cli runs over paramiko (Debian's python3-paramiko, a dependency of PyEZ).
const noParamiko = !skip && spawnSync(PYTHON, ['-c', 'import paramiko'], { timeout: 30_000 }).status !== 0;
const h = new Harness();
let stopDevice: (() => Promise<void>) | undefined;
let target: AnsibleTarget;
const timings: string[] = [];
const HOST = 'facts-mx';
const RENAMED = 'facts-renamed';

/** What PyEZ reads (test/clients/pyez_formats.py). */
interface Facts {
  hostname: string;
  model: string;
  version: string;
  serial: string;
  memtotal: number;
  memfree: number;
  re_installed: string[];
  addresses: Record<string, string[]>;
  physical: Record<string, { oper: string; mtu: string; mac: string | null }>;
}
interface Reference {
  xml: Facts;
  json: Facts;
  text: { config: string; version: string };
}

before(async () => {
  if (skip) return;
  ({ target, stop: stopDevice } = await startAnsibleDevice(h, HOST));
});

after(async () => {
  // Figures for the report (CI time), never asserted.
  if (timings.length) console.log(`ansible-playbook runs: ${timings.join(', ')}`);
  await stopDevice?.();
  await h.cleanup();
});

async function play(label: string, tasks: Record<string, unknown>[], connection: 'netconf' | 'network_cli' = 'netconf'): Promise<PlaybookRun> {
  const run = await runPlaybook(target, tasks, { connection });
  timings.push(`${label} ${run.ms} ms`);
  for (const t of run.tasks) assert.equal(t.failed, false, describe(t));
  return run;
}

function reference(): Promise<Reference> {
  return runClient<Reference>('pyez_formats.py', ['127.0.0.1', String(target.port), target.user, target.password]);
}

const facts = (run: PlaybookRun, name: string) => task(run, name).result.ansible_facts as Record<string, unknown>;
const stdout = (run: PlaybookRun, name: string) => task(run, name).result.stdout as unknown[];
const JUNOS = 'junipernetworks.junos';

test('PyEZ: the same facts read as XML and as JSON agree', { skip }, async () => {
  const ref = await reference();
  assert.equal(ref.xml.hostname, HOST);
  assert.ok(Object.keys(ref.xml.physical).length > 5 && ref.xml.addresses['ge-0/0/0.0'], JSON.stringify(ref.xml).slice(0, 500));
  assert.deepEqual(ref.json, ref.xml);
});

test('junos_facts (every subset, network resources) and junos_command rpcs text/json over netconf agree with the device', { skip }, async () => {
  const ref = await reference();
  const x = ref.xml;
  const run = await play('netconf facts+rpcs', [
    { name: 'all', [`${JUNOS}.junos_facts`]: { gather_subset: 'all' } },
    ...['default', 'hardware', 'config', 'interfaces'].map((s) => ({ name: s, [`${JUNOS}.junos_facts`]: { gather_subset: s } })),
    {
      name: 'resources',
      [`${JUNOS}.junos_facts`]: { gather_subset: 'min', gather_network_resources: ['hostname', 'interfaces', 'l3_interfaces', 'static_routes', 'vlans'] },
    },
    {
      name: 'rpcs text',
      [`${JUNOS}.junos_command`]: { rpcs: ['get-software-information', 'get-interface-information interface-name=ge-0/0/0 terse=True', 'get-system-memory-information'], display: 'text' },
    },
    { name: 'rpcs json', [`${JUNOS}.junos_command`]: { rpcs: ['get-software-information', 'get-interface-information interface-name=ge-0/0/0 terse=True'], display: 'json' } },
    { name: 'commands json', [`${JUNOS}.junos_command`]: { commands: ['show version', 'show system memory'], display: 'json' } },
  ]);

  const all = facts(run, 'all');
  assert.deepEqual([...(all.ansible_net_gather_subset as string[])].sort(), ['config', 'default', 'hardware', 'interfaces']);
  // default
  for (const f of [all, facts(run, 'default')]) {
    assert.equal(f.ansible_net_hostname, x.hostname);
    assert.equal(f.ansible_net_model, x.model);
    assert.equal(f.ansible_net_version, x.version);
    assert.equal(f.ansible_net_serialnum, x.serial);
    assert.equal(f.ansible_net_system, 'junos');
    assert.equal(f.ansible_net_api, 'netconf');
  }
  // hardware: Junos gives memory in kilobytes, which junos_facts reports unconverted under *_mb.
  const hw = facts(run, 'hardware');
  for (const f of [all, hw]) {
    assert.equal(f.ansible_net_memtotal_mb, x.memtotal);
    assert.equal(f.ansible_net_memfree_mb, x.memfree);
    assert.ok((f.ansible_net_filesystems as string[]).length > 0);
    assert.equal(f.ansible_net_has_2RE, true, 'the mx profile has two routing engines');
    const res = f.ansible_net_routing_engines as Record<string, Record<string, string>>;
    assert.deepEqual(Object.keys(res).sort(), ['0', '1']);
    assert.equal(res['0']!.mastership_state, 'master');
    // The routing engine's installed memory and `show system memory` describe the same RE.
    assert.equal(res['0']!.memory_installed_size, `(${x.memtotal / 1024} MB installed)`);
    assert.deepEqual(Object.values(res).map((r) => r.memory_installed_size), x.re_installed);
    const modules = f.ansible_net_modules as { name: string }[];
    assert.ok(modules.some((m) => m.name === 'Routing Engine 0') && modules.some((m) => /^FPC /.test(m.name)), JSON.stringify(modules).slice(0, 300));
  }
  // config: the committed configuration as text, as the device gives it over NETCONF.
  for (const f of [all, facts(run, 'config')]) {
    assert.equal(String(f.ansible_net_config).trim(), ref.text.config.trim());
    assert.match(String(f.ansible_net_config), new RegExp(`host-name ${HOST};`));
  }
  // interfaces: every physical interface, with its state, MTU and MAC address.
  for (const f of [all, facts(run, 'interfaces')]) {
    const ifs = f.ansible_net_interfaces as Record<string, Record<string, string | null>>;
    assert.deepEqual(Object.keys(ifs).sort(), Object.keys(x.physical).sort());
    for (const [name, p] of Object.entries(x.physical)) {
      assert.equal(ifs[name]!['oper-status'], p.oper, name);
      assert.equal(ifs[name]!.mtu, p.mtu, name);
      assert.equal(ifs[name]!.macaddress, p.mac, name);
    }
    assert.equal(ifs['ge-0/0/0']!.type, 'Ethernet');
  }
  // network resources (from the configuration): the addresses are the ones the device reports up.
  const nr = facts(run, 'resources').ansible_network_resources as Record<string, unknown>;
  assert.deepEqual(nr.hostname, { hostname: HOST });
  assert.ok((nr.interfaces as { name: string }[]).some((i) => i.name === 'ge-0/0/0'));
  const l3 = nr.l3_interfaces as { name: string; unit: string; ipv4?: { address: string }[] }[];
  assert.ok(l3.length >= 2, JSON.stringify(l3));
  for (const u of l3) {
    // A host address (a loopback's /32) is shown as the bare address, as on Junos.
    const up = (x.addresses[`${u.name}.${u.unit}`] ?? []).map((a) => (a.includes('/') ? a : `${a}/32`));
    for (const a of u.ipv4 ?? []) assert.ok(up.includes(a.address), `${u.name}.${u.unit} ${a.address} in ${JSON.stringify(x.addresses)}`);
  }

  // junos_command rpcs, display text: the cli's text, the same as PyEZ's format=text.
  const text = stdout(run, 'rpcs text') as string[];
  assert.equal(text[0], ref.text.version.trim());
  assert.match(text[1]!, /^ge-0\/0\/0\.0\s+up\s+up\s+inet\s+192\.0\.2\.1\/24$/m);
  assert.doesNotMatch(text[1]!, /ge-0\/0\/1/);
  assert.match(text[2]!, new RegExp(`Total memory: +${x.memtotal} Kbytes`));
  // display json: Junos JSON, the same facts.
  const [swj, ifj] = stdout(run, 'rpcs json') as Record<string, { [k: string]: unknown }[]>[];
  const sw = swj!['software-information']![0] as Record<string, { data: string }[]>;
  assert.equal(sw['host-name']![0]!.data, x.hostname);
  assert.equal(sw['junos-version']![0]!.data, x.version);
  const pif = (ifj!['interface-information']![0] as { 'physical-interface': Record<string, unknown>[] })['physical-interface'];
  assert.deepEqual(pif.map((p) => (p.name as { data: string }[])[0]!.data), ['ge-0/0/0']);
  const [verj, memj] = stdout(run, 'commands json') as Record<string, unknown[]>[];
  assert.deepEqual(verj, swj, '`show version` and get-software-information say the same in JSON');
  assert.match(JSON.stringify(memj), new RegExp(`"system-memory-total":\\[\\{"attributes":\\{"junos:format":"${x.memtotal}K"\\},"data":"${x.memtotal}"\\}\\]`));
});

test('a host name committed with junos_hostname shows in junos_facts, rpcs and the cli over network_cli', { skip: skip || (noParamiko && 'network_cli needs paramiko (python3-paramiko)') }, async () => {
  const run = await play('netconf hostname', [
    { name: 'rename', [`${JUNOS}.junos_hostname`]: { config: { hostname: RENAMED }, state: 'merged' } },
    { name: 'facts', [`${JUNOS}.junos_facts`]: { gather_subset: 'default', gather_network_resources: ['hostname'] } },
    { name: 'rpcs', [`${JUNOS}.junos_command`]: { rpcs: ['get-software-information'], display: 'text' } },
  ]);
  assert.equal(task(run, 'rename').changed, true);
  const f = facts(run, 'facts');
  assert.equal(f.ansible_net_hostname, RENAMED);
  assert.deepEqual((f.ansible_network_resources as Record<string, unknown>).hostname, { hostname: RENAMED });
  assert.match(String(stdout(run, 'rpcs')[0]), new RegExp(`^Hostname: ${RENAMED}$`, 'm'));

  // network_cli: commands through the emulated cli (junos_command appends `| display FORMAT`).
  const ref = await reference();
  assert.equal(ref.xml.hostname, RENAMED);
  const cli = await play('network_cli commands', [
    { name: 'text', [`${JUNOS}.junos_command`]: { commands: ['show version', 'show interfaces ge-0/0/0 terse', 'show system memory', 'show configuration system host-name'] } },
    { name: 'json', [`${JUNOS}.junos_command`]: { commands: ['show version', 'show interfaces ge-0/0/0 terse'], display: 'json' } },
    { name: 'xml', [`${JUNOS}.junos_command`]: { commands: ['show version'], display: 'xml' } },
  ], 'network_cli');
  const [ver, terse, mem, cfg] = stdout(cli, 'text') as string[];
  // The same text as over NETCONF, character for character.
  assert.equal(ver, ref.text.version.trim());
  assert.match(terse!, /^ge-0\/0\/0\.0\s+up\s+up\s+inet\s+192\.0\.2\.1\/24$/m);
  assert.match(mem!, new RegExp(`Total memory: +${ref.xml.memtotal} Kbytes`));
  assert.equal(cfg, `host-name ${RENAMED};`);
  const [verj, terj] = (stdout(cli, 'json') as string[]).map((s) => JSON.parse(s) as Record<string, { [k: string]: { data: string }[] }[]>);
  assert.equal(verj!['software-information']![0]!['host-name']![0]!.data, RENAMED);
  assert.equal(verj!['software-information']![0]!['product-model']![0]!.data, ref.xml.model);
  assert.match(JSON.stringify(terj), /"ifa-local":\[\{[^\]]*"data":"192\.0\.2\.1\/24"\}\]/);
  const xml = String(stdout(cli, 'xml')[0]);
  assert.match(xml, new RegExp(`<host-name>${RENAMED}</host-name>`));
  assert.match(xml, new RegExp(`<junos-version>${ref.xml.version.replace(/\./g, '\\.')}</junos-version>`));
});
