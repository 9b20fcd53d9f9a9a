/**
 * `profile capture`: a running emulated device with a changed host name, interfaces and
 * release (a profile of its own) captured over its SSH face into a profile; a device on the
 * captured profile answers PyEZ facts, `show interfaces terse` and `show configuration` as
 * the source did (up to the sanitised stand-ins), and no serial, MAC, address or secret of
 * the source is anywhere in the profile.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { shippedProfilesDir } from '../../src/junos/identity/profile.js';
import { Harness } from '../support/agent-harness.js';
import { spawnSshDevice } from '../support/ssh-harness.js';
import { pythonClients, runClient } from '../support/python-clients.js';
import { allFiles, netconfOverSsh, outputText, runCli } from './support.js';

const h = new Harness();
after(() => h.cleanup());

const SOURCE_CONFIG = [
  'set system host-name core-rtr-7',
  'set system domain-name corp.example.com',
  'set system root-authentication encrypted-password "$6$abcdefgh$Qk5mX1yHqzWcB0p7uJ3S9E2rT4vN6aLdF8gH0iKjMnOpQrStUvWxYz1234567890abcdefghijklmnopqrstuv"',
  'set system login user ops class super-user',
  'set system login user ops authentication encrypted-password "$6$zyxwvuts$Bq8fK2mL9xN4pR7sT1vW3yZ5aC6dE8gH0jK2lM4nP6qR8sT0uV2wX4yZ6aB8cD0eF2gH4iJ6kL8mN0pQ2rS4t"',
  'set snmp community s3cretCommunity authorization read-only',
  'set interfaces ge-0/0/1 description uplink-to-isp',
  'set interfaces ge-0/0/1 unit 0 family inet address 203.0.113.9/30',
  'set interfaces ge-0/0/2 disable',
  'set interfaces ge-0/0/3 unit 0 family inet address 192.0.2.17/28',
  'set routing-options static route 0.0.0.0/0 next-hop 203.0.113.10',
];

/** The source's text with every original replaced by its stand-in (the capture's --mapping). */
function mapped(text: string, mapping: { original: string; standIn: string }[]): string {
  let t = text;
  for (const m of [...mapping].sort((a, b) => b.original.length - a.original.length)) {
    const re = new RegExp(`(?<![\\w:-])${m.original.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w:-]|\\.\\d)`, 'g');
    t = t.replace(re, m.standIn);
  }
  return t;
}

test('a running device with its own host name, interfaces and release is captured into a profile that answers as it did, with none of its serials, MACs, addresses or secrets', async (t) => {
  const dir = h.tempDir('ncgd-capture-');
  // The source: an MX of a release of its own, configured differently.
  const srcProfile = path.join(dir, 'src-profile');
  cpSync(path.join(shippedProfilesDir(), 'mx'), srcProfile, { recursive: true });
  const pj = JSON.parse(readFileSync(path.join(srcProfile, 'profile.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(srcProfile, 'profile.json'), JSON.stringify({ ...pj, release: '22.2R1.9', xmlRelease: '22.2R0' }));
  const { port } = await spawnSshDevice(h, ['--ssh-user', 'lab:Capt!ure1', '--profile', srcProfile, '--state-dir', path.join(dir, 'src-state')]);
  const [load, commit] = await netconfOverSsh(port, 'lab', 'Capt!ure1', [
    `<load-configuration action="set" format="text"><configuration-set>${SOURCE_CONFIG.join('\n').replace(/&/g, '&amp;').replace(/</g, '&lt;')}</configuration-set></load-configuration>`,
    '<commit-configuration/>',
  ]);
  assert.doesNotMatch(load, /rpc-error/, load);
  assert.match(commit, /commit-success/);

  const out = path.join(dir, 'captured');
  const mappingFile = path.join(dir, 'mapping.json');
  const cap = await runCli(['profile', 'capture', `ssh://lab@127.0.0.1:${port}`, '--out', out, '--known-hosts', path.join(dir, 'kh'), '--mapping', mappingFile], { NCGD_PASSWORD: 'Capt!ure1' });
  assert.equal(cap.code, 0, cap.stderr);
  assert.match(cap.stdout, /captured host-1 \(mx960, Junos 22\.2R1\.9\)/);
  assert.match(cap.stderr, /get-chassis-inventory\.xml: \d+ bytes/, 'progress per RPC');
  const profile = JSON.parse(readFileSync(path.join(out, 'profile.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(profile.release, '22.2R1.9');
  assert.equal(profile.model, 'mx960');
  assert.deepEqual(profile.capabilities, pj.capabilities, 'the hello capabilities');
  assert.equal((profile.routingEngines as unknown[]).length, 2);
  assert.equal(statSync(path.join(out, 'config.txt')).mode & 0o777, 0o600);
  const report = JSON.parse(readFileSync(path.join(out, 'capture-report.json'), 'utf8')) as { replaced: Record<string, { replaced: number }> };
  for (const c of ['serials', 'macs', 'addresses', 'hostnames', 'secrets']) assert.ok(report.replaced[c].replaced > 0, `${c} replaced`);
  const mapping = JSON.parse(readFileSync(mappingFile, 'utf8')) as { category: string; original: string; standIn: string }[];

  // Nothing of the source's identity or secrets is in the profile.
  const [inventory, interfaces] = await netconfOverSsh(port, 'lab', 'Capt!ure1', ['<get-chassis-inventory/>', '<get-interface-information/>']);
  const serials = [...inventory.matchAll(/<serial-number>([^<]+)</g)].map((m) => m[1]).filter((s) => s.length > 3 && s !== 'BUILTIN');
  const macs = [...interfaces.matchAll(/<(?:current-physical-address|hardware-physical-address)>([^<]+)</g)].map((m) => m[1].trim());
  assert.ok(serials.length >= 3 && macs.length >= 3, 'the source has serials and MACs');
  const forbidden = [...serials, ...macs, '203.0.113.9', '203.0.113.10', '192.0.2.17', 'core-rtr-7', 'corp.example.com', 's3cretCommunity', '$6$abcdefgh', '$6$zyxwvuts'];
  for (const { file, text } of allFiles(out)) {
    for (const f of forbidden) assert.ok(!text.toLowerCase().includes(f.toLowerCase()), `${path.relative(out, file)} holds ${f}`);
  }

  // A device on the captured profile answers as the source did.
  const hostname = mapping.find((m) => m.original === 'core-rtr-7')!.standIn;
  const { port: port2 } = await spawnSshDevice(h, ['--ssh-user', 'lab:Capt!ure1', '--profile', out, '--hostname', hostname, '--state-dir', path.join(dir, 'copy-state')]);
  const ask = ['<command format="text">show interfaces terse</command>', '<get-configuration database="committed" format="text"/>', '<get-software-information/>'];
  const [srcTerse, srcConfig] = await netconfOverSsh(port, 'lab', 'Capt!ure1', ask);
  const [copyTerse, copyConfig, copyVersion] = await netconfOverSsh(port2, 'lab', 'Capt!ure1', ask);
  assert.match(copyVersion, /<junos-version>22\.2R1\.9<\/junos-version>/);
  assert.equal(outputText(copyTerse), mapped(outputText(srcTerse), mapping), 'show interfaces terse');
  const config = (r: string) => outputText(r).replace(/^## Last commit:.*\n/m, '');
  assert.equal(config(copyConfig), mapped(config(srcConfig), mapping), 'show configuration');

  const why = await pythonClients();
  if (why) return t.diagnostic(`PyEZ facts not compared: ${why}`);
  const [a, b] = await Promise.all([
    runClient<{ facts: Record<string, unknown> }>('pyez_facts.py', ['127.0.0.1', String(port), 'lab', 'Capt!ure1']),
    runClient<{ facts: Record<string, unknown> }>('pyez_facts.py', ['127.0.0.1', String(port2), 'lab', 'Capt!ure1']),
  ]);
  const comparable = (f: Record<string, unknown>, map?: typeof mapping) => {
    const { RE0, RE1, serialnumber, ...rest } = f;
    const re = (r: unknown) => ({ ...(r as Record<string, unknown>), up_time: '' });
    const text = JSON.stringify({ ...rest, RE0: re(RE0), RE1: re(RE1) });
    assert.ok(typeof serialnumber === 'string' && serialnumber.length > 3);
    return JSON.parse(map ? mapped(text, map) : text) as unknown;
  };
  assert.deepEqual(comparable(b.facts), comparable(a.facts, mapping), 'PyEZ facts');
  assert.notEqual(b.facts.serialnumber, a.facts.serialnumber, 'the serial number is not the source\'s');
  assert.equal(b.facts.version, '22.2R1.9');
});

test('a capture is bounded in size: what the bound leaves out is listed, and the profile still runs', async () => {
  const dir = h.tempDir('ncgd-capture-bound-');
  const out = path.join(dir, 'small');
  const cap = await runCli(['profile', 'capture', 'stdio:mx', '--out', out, '--max-bytes', '40k', '--quiet']);
  assert.equal(cap.code, 0, cap.stderr);
  assert.match(cap.stdout, /skipped \(time or size bound\): .*get-/);
  const report = JSON.parse(readFileSync(path.join(out, 'capture-report.json'), 'utf8')) as { skipped: string[]; bytes: number };
  assert.ok(report.skipped.length > 10, 'the bound left RPCs out');
  const total = allFiles(out).reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  assert.ok(total < 3 * 40 * 1024, `the profile stays near the bound (${total} bytes)`);
  // Still a profile the emulator runs.
  const { port } = await spawnSshDevice(h, ['--ssh-user', 'lab:Capt!ure1', '--profile', out, '--state-dir', path.join(dir, 'st')]);
  const [version] = await netconfOverSsh(port, 'lab', 'Capt!ure1', ['<get-software-information/>']);
  assert.match(version, /<product-model>mx960<\/product-model>/);
  // An existing capture is not written over without --force.
  const again = await runCli(['profile', 'capture', 'stdio:mx', '--out', out, '--quiet']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /not empty \(give --force/);
});
