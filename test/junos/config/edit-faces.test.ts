/**
 * Junos edit semantics over every face (test/support/junos-edit-face-checks.ts): partial
 * loads, schema-shaped XML, keyless deletes; over outbound HTTPS, stdio, SSH with ncclient,
 * and the cli's `load set terminal` / `load merge terminal` (`load complete (1 errors)`).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Harness, MAIN_JS } from '../../support/agent-harness.js';
import { outboundDeviceSession, rpc } from '../../support/outbound-device.js';
import { repliesOf, stdioExchange } from '../../support/config-exchange.js';
import { EDIT_FACE_RPCS, checkEditFaceReplies } from '../../support/junos-edit-face-checks.js';
import { deviceOverSsh, pythonClients, runClient } from '../../support/python-clients.js';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { JunosCli } from '../../../src/junos/cli/junos-cli.js';
import { NetconfClient } from '../../../src/junos/cli/netconf-client.js';
import { serveDeviceSocket } from '../../../src/shell/device-socket.js';

const h = new Harness();
after(() => h.cleanup());

test('outbound HTTPS: partial load, schema-shaped XML, keyless deletes', async () => {
  const { s } = await outboundDeviceSession(h, { name: 'edit-faces', hostname: 'edit-out', user: 'nmsuser' });
  const replies: string[] = [];
  for (const body of EDIT_FACE_RPCS) replies.push(await rpc(s, body));
  checkEditFaceReplies(replies, 'outbound');
  await s.close();
});

test('stdio netconf (child process): the same', async () => {
  const { code, out } = await stdioExchange(MAIN_JS, EDIT_FACE_RPCS, (f) => h.defer(f));
  assert.equal(code, 0, out.slice(-500));
  checkEditFaceReplies(repliesOf(out), 'stdio');
});

test('SSH with ncclient: the same', async (t) => {
  const why = await pythonClients();
  if (why) return t.skip(why);
  const d = await deviceOverSsh('mx');
  const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-edit-faces-'));
  try {
    const file = path.join(dir, 'rpcs.json');
    writeFileSync(file, JSON.stringify(EDIT_FACE_RPCS));
    const replies = await runClient<string[]>('raw_rpcs.py', [...d.args, file]);
    checkEditFaceReplies(replies, 'ssh/ncclient');
  } finally {
    await d.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cli: load set|merge terminal keeps the good statements and says load complete (1 errors)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-edit-faces-cli-'));
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'edit-cli' });
  const socket = await serveDeviceSocket(() => dev.openNetconf({ user: 'lab', client: 'cli' }), path.join(dir, 'cli', 'device.sock'));
  const client = await NetconfClient.connect(path.join(dir, 'cli', 'device.sock'));
  let out = '';
  let input: string[] = [];
  const cli = new JunosCli(client, { write: (x) => void (out += x), readLine: async () => input.shift() }, 'lab', 'edit-cli');
  try {
    await cli.run('configure');
    input = ['set snmp location lab-9', 'set system bogus-statement 1', 'set interfaces ge-0/0/4 unit 0 family inet address 10.4.0.1/24', 'set interfaces ge-0/0/4 unit 0 family inet address 10.5.0.1/24'];
    out = '';
    await cli.run('load set terminal');
    assert.match(out, /^\[Type \^D at a new line to end input\]\n/);
    // As Junos 25.4 prints a bad line of `load set terminal`: place and token, then a bare `load complete`.
    assert.match(out, /^terminal:2:\(11\) syntax error: bogus-statement\n/m);
    assert.match(out, /\nload complete\n$/);
    input = ['interfaces { ge-0/0/4 { unit 0 { family inet { delete: address; } } } }', 'routing-options { autonomous-system 65030; nonsense; }'];
    out = '';
    await cli.run('load merge terminal');
    assert.match(out, /terminal:2:\(\d+\) syntax error: nonsense\n  \[edit routing-options\]\n    'nonsense;'\n      syntax error\nload complete \(1 errors\)\n$/);
    out = '';
    await cli.run('show | display set');
    assert.match(out, /set snmp location lab-9/);
    assert.match(out, /set routing-options autonomous-system 65030/);
    assert.doesNotMatch(out, /10\.[45]\.0\.1|bogus|nonsense/);
    out = '';
    await cli.run('show routing-options | display xml');
    assert.match(out, /<as-number>65030<\/as-number>/);
    out = '';
    await cli.run('status');
    assert.match(out, /^Users currently editing the configuration:\n/);
    // load override with errors: the candidate is the good part of the input, what it keeps
    // of a refused statement included (Junos keeps `topology default` when `metric` is refused).
    input = ['system {', '    host-name over-cli;', '    bogus-stmt;', '}', 'protocols {', '    ospf {', '        topology default {', '            metric 65450;', '        }', '    }', '}'];
    out = '';
    await cli.run('load override terminal');
    assert.equal(out, [
      '[Type ^D at a new line to end input]',
      'terminal:3:(14) syntax error: bogus-stmt', '  [edit system]', "    'bogus-stmt;'", '      syntax error',
      'terminal:8:(18) syntax error: metric', '  [edit protocols ospf topology default]', "    'metric 65450;'", '      syntax error',
      'load complete (2 errors)', '',
    ].join('\n'));
    out = '';
    await cli.run('show | display set');
    assert.equal(out.match(/^set .*$/gm)?.join('\n'), 'set system host-name over-cli\nset protocols ospf topology default');
    // load set keeps the words of a line before the refused one, as Junos 25.4 does.
    input = ['set protocols ospf topology default metric 65450'];
    await cli.run('rollback 0');
    out = '';
    await cli.run('load set terminal');
    assert.equal(out, '[Type ^D at a new line to end input]\nterminal:1:(36) syntax error: metric\nload complete\n');
    out = '';
    await cli.run('show | compare');
    assert.match(out, /\+ {3}protocols \{\n\+ {7}ospf \{\n\+ {11}topology default;/);
  } finally {
    client.close();
    await socket.close();
    await dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
