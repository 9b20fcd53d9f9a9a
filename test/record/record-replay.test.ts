/**
 * Recording sessions (`--record DIR`) and replaying them (`replay TRANSCRIPT --to TARGET`),
 * with real processes and real clients: a PyEZ session over the SSH face recorded and
 * replayed against the same device (no diff) and after a commit (a diff naming the changed
 * element); an NMS session over outbound HTTPS bridged by `--netconf-backend ssh://` to a
 * second emulated device, recorded and replayed against that device; secrets never written;
 * transcripts bounded per file and per directory.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EmulatedDevice } from '../../src/junos/device.js';
import { encodeMessage } from '../../src/netconf/framing.js';
import { Recorder } from '../../src/record/recorder.js';
import { diffLines, flattenReply } from '../../src/record/compare.js';
import { Harness, until } from '../support/agent-harness.js';
import { openChannel, spawnSshDevice } from '../support/ssh-harness.js';
import { openPtyShell } from '../../src/shell/pty-session.js';
import { pythonClients, runClient } from '../support/python-clients.js';
import { finished, netconfOverSsh, runCli, transcripts } from './support.js';

const h = new Harness();
after(() => h.cleanup());
const EOM = ']]>]]>';
const HELLO = '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>';

test('a PyEZ session recorded on the SSH face replays equal against the same device, and after a commit the diff names the changed element', async (t) => {
  const why = await pythonClients();
  if (why) return t.skip(why);
  const dir = h.tempDir('ncgd-rec-');
  const rec = path.join(dir, 'rec');
  const kh = path.join(dir, 'known_hosts');
  const { port } = await spawnSshDevice(h, ['--ssh-user', 'lab:Rec0rd!pw', '--profile', 'mx', '--state-dir', path.join(dir, 'st'), '--record', rec]);
  const facts = await runClient<{ facts: Record<string, unknown> }>('pyez_facts.py', ['127.0.0.1', String(port), 'lab', 'Rec0rd!pw']);
  assert.equal(facts.facts.hostname, 'mx960-1');
  await until(() => transcripts(rec).length === 1 && finished(transcripts(rec)[0]), 10_000, 'the transcript of the PyEZ session');
  const file = transcripts(rec)[0];
  assert.equal(statSync(file).mode & 0o777, 0o600, 'a transcript is private');
  assert.equal(statSync(rec).mode & 0o777, 0o700);
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    { type: lines[0].type, face: lines[0].face, kind: lines[0].kind, user: lines[0].user, device: lines[0].device },
    { type: 'session', face: 'ssh', kind: 'netconf', user: 'lab', device: 'mx960-1' },
  );
  assert.ok(lines.some((l) => l.dir === 'in' && String(l.msg).includes('<get-route-engine-information')), 'decoded NMS messages');
  assert.ok(lines.some((l) => l.dir === 'out' && String(l.msg).includes('<route-engine-information')), 'decoded device replies');
  assert.ok(lines.every((l, i) => i === 0 || typeof l.t === 'number'), 'every entry has its time offset');
  assert.equal(lines.at(-1)!.type, 'end');
  assert.ok(!readFileSync(file, 'utf8').includes('Rec0rd!pw'), 'the login password is never written');

  const target = `ssh://lab@127.0.0.1:${port}`;
  const same = await runCli(['replay', file, '--to', target, '--known-hosts', kh, '--quiet'], { NCGD_PASSWORD: 'Rec0rd!pw' });
  assert.equal(same.code, 0, `replay against the same device: ${same.stdout}${same.stderr}`);
  assert.match(same.stdout, /^\d+ replies equal/m);

  // A commit on the device: the replayed replies now differ where the host name is.
  const [load, commit] = await netconfOverSsh(port, 'lab', 'Rec0rd!pw', [
    '<load-configuration action="set" format="text"><configuration-set>set system host-name renamed-rtr</configuration-set></load-configuration>',
    '<commit-configuration/>',
  ]);
  assert.match(load, /<ok\/>|load-success/);
  assert.match(commit, /commit-success/);
  const changed = await runCli(['replay', file, '--to', target, '--known-hosts', kh, '--quiet'], { NCGD_PASSWORD: 'Rec0rd!pw' });
  assert.equal(changed.code, 1, `replay after the commit: ${changed.stdout}${changed.stderr}`);
  assert.match(changed.stdout, /host-name: "mx960-1" -> "renamed-rtr"/, changed.stdout);
  assert.match(changed.stdout, /replies differ/);

});

test('an outbound-HTTPS NETCONF session bridged with --netconf-backend ssh:// to a second emulated device is recorded, and replays equal against that device', async () => {
  const dir = h.tempDir('ncgd-rec-bridge-');
  const { port: realPort } = await spawnSshDevice(h, ['--ssh-user', 'ops:Br1dge!pw', '--profile', 'ex', '--hostname', 'far-ex', '--state-dir', path.join(dir, 'far')]);
  const { nms, port, certFile } = await h.nmsWithCertFile();
  const rec = path.join(dir, 'rec');
  const secretFile = path.join(dir, 'secret');
  writeFileSync(secretFile, 'rec-secret\n', { mode: 0o600 });
  const { stderr } = h.cli(
    ['--host', '127.0.0.1', '--port', String(port), '--cert-file', certFile, '--device-id', 'rec-1', '--secret-file', secretFile, '--state-dir', path.join(dir, 'near'), '--netconf-backend', `ssh://ops:Br1dge!pw@127.0.0.1:${realPort}`, '--record', rec, '--log-format', 'json'],
  );
  await until(() => nms.waitingDevices().has('rec-1'), 30_000, `the device dialling in (${stderr().slice(-300)})`);
  const s = await nms.requestSession('rec-1', 'rec-secret', 'netconf', { timeoutMs: 15_000 });
  await s.waitFor((o) => o.includes(EOM), 15_000);
  s.send(`${HELLO}${EOM}<rpc><get-software-information/></rpc>${EOM}<rpc><get-chassis-inventory/></rpc>${EOM}`);
  await s.waitFor((o) => o.includes('</chassis-inventory>'), 15_000);
  await s.close();
  await until(() => transcripts(rec).length === 1 && finished(transcripts(rec)[0]), 15_000, 'the transcript of the bridged session');
  const file = transcripts(rec)[0];
  const text = readFileSync(file, 'utf8');
  const meta = JSON.parse(text.split('\n')[0]) as Record<string, string>;
  assert.equal(meta.face, 'outbound-https');
  assert.equal(meta.kind, 'netconf');
  assert.match(meta.backend, /ops@127\.0\.0\.1/, 'the bridge target is named');
  assert.ok(!text.includes('Br1dge!pw') && !text.includes('rec-secret'), 'neither the bridge password nor the device secret is written');
  assert.match(text, /<host-name>far-ex<\/host-name>/, 'the far device answered through the bridge');

  const r = await runCli(['replay', file, '--to', `ssh://ops@127.0.0.1:${realPort}`, '--known-hosts', path.join(dir, 'kh'), '--quiet'], { NCGD_PASSWORD: 'Br1dge!pw' });
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /3 replies equal/, 'hello and two RPCs');
  // Against another kind of device, the diff shows the differing values.
  const other = await runCli(['replay', file, '--to', 'stdio:mx', '--quiet']);
  assert.equal(other.code, 1);
  assert.match(other.stdout, /product-model: "ex4300-48t" -> "mx960"/, other.stdout);
  const json = await runCli(['replay', file, '--to', 'stdio:mx', '--quiet', '--json']);
  assert.equal(json.code, 1);
  const result = JSON.parse(json.stdout) as { equal: boolean; exchanges: { rpc: string; equal: boolean; diff: string[] }[] };
  assert.equal(result.equal, false);
  assert.deepEqual(result.exchanges.map((e) => e.rpc), ['hello', 'get-software-information', 'get-chassis-inventory']);
  assert.ok(result.exchanges[1].diff.some((d) => d.includes('product-model')));

  // --update-profile turns the differing operational replies into templates of a profile.
  const prof = h.tempDir('ncgd-upd-');
  writeFileSync(path.join(prof, 'profile.json'), '{}');
  const upd = await runCli(['replay', file, '--to', 'stdio:mx', '--quiet', '--update-profile', prof]);
  assert.equal(upd.code, 1);
  assert.match(upd.stdout, /wrote 2 reply template/, upd.stdout);
  assert.match(readFileSync(path.join(prof, 'rpc', 'get-chassis-inventory.xml'), 'utf8').split('\n')[0], /^<chassis-inventory/);
  assert.match(readFileSync(path.join(prof, 'rpc', 'get-software-information.xml'), 'utf8'), /<host-name>far-ex<\/host-name>/);
});

test('transcripts are bounded per file (then truncated) and per directory (oldest removed), and never hold secrets', async () => {
  const dir = h.tempDir('ncgd-rec-bound-');
  const device = await EmulatedDevice.create({ profile: 'mx', hostname: 'bound-mx' });
  h.defer(() => device.close());
  const recorder = new Recorder({ dir, maxFileBytes: 8192, maxTotalBytes: 16384 });
  const session = async (rpcs: string[]) => {
    const s = recorder.wrap(device.openNetconf({ user: 'lab', client: 'test' }), { face: 'ssh', kind: 'netconf', device: device.hostname, user: 'lab' });
    let out = '';
    s.on('data', (b: Buffer) => (out += b.toString()));
    const ended = new Promise((r) => s.once('end', r));
    s.write(encodeMessage(HELLO, 'eom'));
    for (const r of rpcs) s.write(encodeMessage(`<rpc>${r}</rpc>`, 'eom'));
    s.write(encodeMessage('<rpc><close-session/></rpc>', 'eom'));
    await ended;
    return out;
  };
  // Secrets on the way in and out: none reaches the file.
  const secretOut = await session([
    '<load-configuration action="set" format="text"><configuration-set>set system root-authentication encrypted-password "$6$abcdefgh$Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6"\nset snmp community TopSecretCommunity authorization read-only\nset system services outbound-https client c1 secret "$9$Hk5FCtuRhrQF/0BEy"</configuration-set></load-configuration>',
    '<commit-configuration/>',
    '<get-configuration database="committed" format="text"/>',
  ]);
  assert.match(secretOut, /TopSecretCommunity/, 'the device itself answered with the secrets');
  await until(() => transcripts(dir).length === 1 && finished(transcripts(dir)[0]), 5000, 'the first transcript');
  const first = readFileSync(transcripts(dir)[0], 'utf8');
  for (const secret of ['$6$abcdefgh', 'TopSecretCommunity', '$9$Hk5FCtuRhrQF']) assert.ok(!first.includes(secret), `${secret} is not in the transcript`);
  assert.match(first, /\[redacted\]/);
  assert.match(first, /"dir":"out","data":"<!-- session end at [^"]*-->/, "Junos's unframed session-end comment is kept");

  // Big replies: each transcript stops at 8 KiB with a truncated line, then its end.
  for (let i = 0; i < 8; i++) {
    await session(['<get-interface-information/>', '<get-configuration/>']);
    await until(() => transcripts(dir).every(finished), 5000, 'the transcripts to be finished');
    const files = transcripts(dir);
    const sizes = files.map((f) => statSync(f).size);
    assert.ok(sizes.every((n) => n <= 8192), `every transcript within 8 KiB: ${sizes.join(', ')}`);
    assert.ok(sizes.reduce((a, b) => a + b, 0) <= 16384, `the directory within 16 KiB: ${sizes.join(', ')}`);
  }
  const last = readFileSync(transcripts(dir).at(-1)!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type?: string });
  assert.equal(last.at(-2)!.type, 'truncated');
  assert.equal(last.at(-1)!.type, 'end');
  assert.ok(transcripts(dir).length < 9, 'the oldest transcripts were removed');
});

test('the comparison normalises volatile values and names the element that differs', () => {
  const a = '<rpc-reply message-id="1"><route-engine-information><route-engine><slot>0</slot><up-time junos:seconds="10">10 seconds</up-time><model>RE-A</model></route-engine></route-engine-information></rpc-reply>';
  const b = '<rpc-reply message-id="7"><route-engine-information><route-engine><slot>0</slot><up-time junos:seconds="99">1 minute, 39 seconds</up-time><model>RE-B</model></route-engine></route-engine-information></rpc-reply>';
  const d = diffLines(flattenReply(a), flattenReply(b));
  assert.deepEqual(d.lines, ['rpc-reply/route-engine-information/route-engine[0]/model: "RE-A" -> "RE-B"']);
  assert.deepEqual(diffLines(flattenReply(a), flattenReply(a.replace('message-id="1"', 'message-id="2"'))).lines, []);
});

test('a shell session is recorded as text, and what is typed at a password prompt is never written', async () => {
  const dir = h.tempDir('ncgd-rec-pty-');
  const recorder = new Recorder({ dir });
  const shell = openPtyShell({ command: ['/bin/sh', '-c', 'stty -echo; printf "Password: "; read x; stty echo; echo; echo "got ${#x} characters"; read y; echo "said $y"'], interactive: true });
  const s = recorder.wrap(shell, { face: 'outbound-https', kind: 'csh', device: 'pty-box' });
  let out = '';
  s.on('data', (b: Buffer) => (out += b.toString()));
  const ended = new Promise((r) => s.once('end', r));
  await until(() => out.includes('Password:'), 10_000, 'the password prompt');
  s.write('Hunter2Secret\r');
  await until(() => out.includes('got 13 characters'), 10_000, 'the shell to read the password');
  s.write('hello-there\r');
  await ended;
  await until(() => transcripts(dir).length === 1 && finished(transcripts(dir)[0]), 5000, 'the transcript');
  const text = readFileSync(transcripts(dir)[0], 'utf8');
  assert.ok(!text.includes('Hunter2Secret'), 'the typed password is not in the transcript');
  assert.match(text, /"dir":"in","data":"\[redacted\]\\r"/);
  assert.match(text, /got 13 characters/);
  assert.match(text, /"dir":"in","data":"hello-there\\r"/, 'input after the password line is recorded');
  assert.equal((JSON.parse(text.split('\n')[0]) as { kind: string }).kind, 'csh');
});

test('SSH logins are recorded: a `ssh box "command"` as a command session, an interactive login as a shell session', async () => {
  const dir = h.tempDir('ncgd-rec-sshcli-');
  const rec = path.join(dir, 'rec');
  const { port } = await spawnSshDevice(h, ['--ssh-user', 'ops:Cl1!pw', '--profile', 'mx', '--hostname', 'cli-box', '--state-dir', path.join(dir, 'st'), '--record', rec]);
  const exec = await openChannel({ host: '127.0.0.1', port, username: 'ops', password: 'Cl1!pw' }, { exec: 'show system uptime' });
  await exec.closed;
  exec.conn.end();
  assert.match(exec.output(), /Current time:/);
  const shell = await openChannel({ host: '127.0.0.1', port, username: 'ops', password: 'Cl1!pw' }, { shell: true });
  await shell.waitFor((o) => /ops@cli-box> $/.test(o), 15_000);
  shell.channel.write('show version | match Hostname\r');
  await shell.waitFor((o) => /Hostname: cli-box[\s\S]*ops@cli-box> $/.test(o), 15_000);
  shell.channel.write('exit\r');
  await shell.closed;
  shell.conn.end();
  await until(() => transcripts(rec).length === 2 && transcripts(rec).every(finished), 15_000, 'two transcripts');
  const metas = transcripts(rec).map((f) => JSON.parse(readFileSync(f, 'utf8').split('\n')[0]) as Record<string, string>);
  const command = metas.find((m) => m.kind === 'command');
  assert.deepEqual([command?.face, command?.command, command?.user, command?.device], ['ssh', 'show system uptime', 'ops', 'cli-box']);
  const login = transcripts(rec).find((f) => readFileSync(f, 'utf8').includes('"kind":"shell"'))!;
  const text = readFileSync(login, 'utf8');
  assert.match(text, /"dir":"in","data":"show version \| match Hostname\\r"/);
  assert.match(text, /Hostname: cli-box/);
});
