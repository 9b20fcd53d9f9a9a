/**
 * cli details as Junos has them: `show` alone (caret at the end, `expecting <command>`),
 * `help` listing monitor, restart, test, ssh, telnet and what they answer, configuration
 * mode `status`, `set system ?` in alphabetical order with the YANG's help, `show cli history` stamping each
 * line with its own time; and ex9208 facts naming re0 in current_re (PyEZ).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { JunosCli } from '../../../src/junos/cli/junos-cli.js';
import { NetconfClient } from '../../../src/junos/cli/netconf-client.js';
import { configurationHelp } from '../../../src/junos/cli/complete.js';
import { serveDeviceSocket } from '../../../src/shell/device-socket.js';
import { loadSchema } from '../../../src/schema/index.js';
import { deviceOverSsh, pythonClients, runClient } from '../../support/python-clients.js';

test('operational and configuration details', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-cli-details-'));
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'details' });
  const socket = await serveDeviceSocket(() => dev.openNetconf({ user: 'lab', client: 'cli' }), path.join(dir, 'd.sock'));
  const client = await NetconfClient.connect(path.join(dir, 'd.sock'));
  let out = '';
  const cli = new JunosCli(client, { write: (x) => void (out += x), readLine: async () => undefined }, 'lab', 'details');
  const run = async (line: string) => {
    out = '';
    await cli.run(line);
    return out;
  };
  try {
    assert.equal(await run('show'), '     ^\nsyntax error, expecting <command>.\n');
    const help = await run('help');
    for (const w of ['monitor', 'restart', 'test', 'ssh', 'telnet']) assert.match(help, new RegExp(`\\n  ${w} +\\S`), w);
    const words = [...help.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(words, [...words].sort(), 'alphabetical');
    assert.equal(await run('restart routing'), 'Routing protocols process started, pid 8433\n');
    assert.equal(await run('ssh 192.0.2.50'), 'ssh: connect to host 192.0.2.50 port 22: Connection refused\n');
    assert.match(await run('telnet 192.0.2.50'), /^Trying 192\.0\.2\.50\.\.\.\ntelnet: Unable|telnet: connect to address 192\.0\.2\.50: Connection refused/);
    await sleep(1100);
    await run('show version');
    const history = (await run('show cli history')).trim().split('\n');
    const times = history.map((l) => l.split(' -- ')[0]);
    assert.notEqual(times[0], times[times.length - 1], `each line has its own time: ${history.join(' | ')}`);
    await run('configure');
    assert.match(await run('status'), /^Users currently editing the configuration:\n {2}lab terminal/);
    const sys = configurationHelp('set system ', [], loadSchema('junos'));
    assert.ok(sys.ok);
    const listed = (sys as { candidates: { word: string }[] }).candidates.map((c) => c.word).filter((w) => /^[a-z]/.test(w));
    assert.ok(listed.length > 50);
    assert.deepEqual(listed, [...listed].sort());
    // Each with its YANG description.
    const cands = (sys as { candidates: { word: string; help: string }[] }).candidates;
    assert.equal(cands.find((c) => c.word === 'host-name')?.help, 'Hostname for this router');
    assert.equal(cands.find((c) => c.word === 'syslog')?.help, 'System logging facility');
  } finally {
    client.close();
    await socket.close();
    await dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PyEZ facts of ex9208: current_re names re0 (dual RE, master)', async (t) => {
  const why = await pythonClients();
  if (why) return t.skip(why);
  const d = await deviceOverSsh('ex9208');
  try {
    const r = await runClient<{ facts: Record<string, unknown> }>('pyez_facts.py', d.args);
    const current = r.facts.current_re as string[];
    assert.ok(Array.isArray(current) && current.includes('re0') && current.includes('master'), JSON.stringify(current));
  } finally {
    await d.close();
  }
});

test('configuration-mode help names 802.3ad as Junos does and takes its bundle as a bare value', () => {
  const schema = loadSchema('junos-ex');
  const eo = configurationHelp('set interfaces ge-0/0/5 ether-options ', [], schema) as { ok: boolean; candidates: { word: string; help: string }[] };
  assert.ok(eo.ok);
  const words = eo.candidates.map((c) => c.word);
  assert.ok(words.includes('802.3ad') && !words.includes('ieee-802.3ad'), words.join(' '));
  assert.equal(eo.candidates.find((c) => c.word === '802.3ad')?.help, 'IEEE 802.3ad');
  const bundle = configurationHelp('set interfaces ge-0/0/5 ether-options 802.3ad ae0 ', [], schema);
  assert.ok(bundle.ok, JSON.stringify(bundle));
  const lacp = configurationHelp('set interfaces ge-0/0/5 ether-options 802.3ad lacp ', [], schema) as { ok: boolean; candidates: { word: string }[] };
  assert.ok(lacp.ok && lacp.candidates.some((c) => c.word === 'force-up'), JSON.stringify(lacp));
});
