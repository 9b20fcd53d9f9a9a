/**
 * `session` as a script tool, by real processes: an `nms`, a device dialling it, and
 * `session` run through a shell with piped input, one-shot --command/--rpc, `| head -1`,
 * and --list. Output is never lost at end of input; failures are one line and non-zero.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAIN_JS, until } from '../support/agent-harness.js';

const EOM = ']]>]]>';
const procs: ChildProcess[] = [];
let dir: string;
let opsPort = 0;
let secretFile: string;
let stateDir: string;
const DEVICE = 'tool-dev';

function start(args: string[]): { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NCGD_LOG_FORMAT: 'json' } });
  procs.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  return { child, out: () => out, err: () => err, exited };
}

/** Runs a shell command line (bounded) and gives its exit status and output. */
function sh(line: string, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', line], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${line}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function session(args: string): string {
  return `'${process.execPath}' '${MAIN_JS}' session -d ${DEVICE} --secret-file '${secretFile}' --nms-ops 127.0.0.1:${opsPort} ${args}`;
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ncgd-session-tool-'));
  secretFile = path.join(dir, 'secret');
  writeFileSync(secretFile, 'tool-secret\n', { mode: 0o600 });
  const certs = start(['certs', '--host', '127.0.0.1', '--out', dir]);
  assert.equal(await certs.exited, 0, certs.err());
  const nms = start(['nms', '--port', '0', '--host', '127.0.0.1', '--cert', path.join(dir, 'server.crt'), '--key', path.join(dir, 'server.key')]);
  await until(() => /operator port/.test(nms.out()) || nms.child.exitCode !== null, 15_000, 'the nms to listen');
  const m = /listening on 127\.0\.0\.1:(\d+); operator port 127\.0\.0\.1:(\d+)/.exec(nms.out());
  assert.ok(m, nms.err());
  opsPort = Number(m[2]);
  stateDir = path.join(dir, 'state');
  const dev = start(['--host', '127.0.0.1', '--port', m[1], '--cert-file', path.join(dir, 'server.crt'), '--device-id', DEVICE, '--secret-file', secretFile, '--state-dir', stateDir, '--hostname', 'tool-mx']);
  await until(() => /NMS is up/.test(dev.err()) || dev.child.exitCode !== null, 15_000, 'the device to reach the NMS');
});

after(async () => {
  for (const c of procs) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  for (const c of procs) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('piped csh input: the output of a command still running at end of input is printed', async () => {
  const r = await sh(`echo 'cli -c "show version"' | ${session('')}`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Hostname: tool-mx/);
  assert.match(r.stdout, /Client is stopping/);
});

test('piped csh input: a command silent for longer than any idle time still has its output; exit is sent after the input', async () => {
  const r = await sh(`printf 'sleep 3; echo bar\\n' | ${session('')}`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^bar\r?$/m);
  assert.match(r.stderr, /session ended \(device-closed\)/);
});

test('piped csh input: the wait for the device to end the session is bounded by --wait (exit 1, one line)', async () => {
  const r = await sh(`printf 'sleep 30\\n' | ${session('--wait 2')}`);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /gave up waiting after 2 s for the device to end the session after exit/);
  assert.match(r.stderr, /did not end the session within --wait 2 s/);
});

test('session under load: four piped sessions at once beside a busy process each get all their output', async () => {
  const hog = spawn(process.execPath, ['-e', 'const end = Date.now() + 8000; while (Date.now() < end) {}'], { stdio: 'ignore' });
  procs.push(hog);
  try {
    const runs = await Promise.all([1, 2, 3, 4].map((n) => sh(`printf 'echo start-${n}; sleep 2; echo done-${n}\\n' | ${session('')}`)));
    runs.forEach((r, i) => {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^start-${i + 1}\\r?$[\\s\\S]*^done-${i + 1}\\r?$`, 'm'));
    });
  } finally {
    hog.kill('SIGKILL');
  }
});

test('a cut connection (fault drop-connections) exits 1 with "connection lost", and status records the loss', async () => {
  const run = sh(`printf 'echo before-cut; sleep 20; echo after\\n' | ${session('')}`);
  // the session is open once its first output came; then cut it from the device side
  await until(async () => {
    const l = await sh(session('--list --json'));
    return /"sessions":\[\{/.test(l.stdout);
  }, 15_000, 'the session to open');
  await new Promise((r) => setTimeout(r, 500));
  const drop = await sh(`'${process.execPath}' '${MAIN_JS}' fault drop-connections --state-dir '${stateDir}'`);
  assert.equal(drop.code, 0, drop.stderr);
  const r = await run;
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /before-cut/);
  assert.match(r.stderr, /session ended \(connection lost\)/);
  assert.match(r.stderr, /connection lost: the session with the device was cut/);
  assert.doesNotMatch(r.stderr, /device-closed/);
  const st = await sh(`'${process.execPath}' '${MAIN_JS}' status --state-dir '${stateDir}' --device ${DEVICE}`);
  assert.match(st.stdout, /last lost .* ago: connection dropped \(fault drop-connections, 1 session cut\)/, st.stdout + st.stderr);
  // the device dials back: later sessions work
  await until(async () => {
    const l = await sh(session('--list --json'));
    return l.stdout.includes(`"${DEVICE}"`);
  }, 30_000, 'the device to come back');
});

test('piped NETCONF input: end of input waits for a reply to every <rpc> sent', async () => {
  const rpcs = `<rpc message-id="1"><get-software-information/></rpc>${EOM}\\n<rpc message-id="2"><get-system-uptime-information/></rpc>${EOM}\\n`;
  const r = await sh(`printf '${rpcs}' | ${session('--type netconf')}`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /<rpc-reply[^>]*message-id="1"[\s\S]*<\/rpc-reply>/);
  assert.match(r.stdout, /<rpc-reply[^>]*message-id="2"[\s\S]*<\/rpc-reply>/);
});

test('one-shot --command: only the commands\' output, exit 0, nothing on stderr', async () => {
  const r = await sh(session(`--command 'echo one' --command 'sleep 1.5; echo two' -c 'cli -c "show version" | head -1'`));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 2), ['one', 'two']);
  assert.match(lines[2], /Hostname: tool-mx/);
  assert.equal(lines.length, 4, JSON.stringify(r.stdout));
});

test('one-shot --rpc: the replies only; an rpc-error exits 1 with one line', async () => {
  const ok = await sh(session(`--rpc get-software-information --rpc '<get-system-uptime-information/>'`));
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((ok.stdout.match(/<rpc-reply/g) ?? []).length, 2);
  assert.match(ok.stdout, /<software-information>/);
  assert.doesNotMatch(ok.stdout, /<hello/);
  assert.equal(ok.stderr, '');
  const bad = await sh(session(`--rpc '<no-such-rpc/>'`));
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /<rpc-error>/);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /^nc-grpc-device: the device answered with an rpc-error: /);
});

test('one-shot failures are one line, exit 1: no such device (naming those waiting), NMS unreachable', async () => {
  const none = await sh(`'${process.execPath}' '${MAIN_JS}' session -d nope --secret x --timeout 1 --command true --nms-ops 127.0.0.1:${opsPort}`);
  assert.equal(none.code, 1);
  assert.equal(none.stderr, `nc-grpc-device: no device nope is waiting at the NMS after 1 s; waiting: ${DEVICE}\n`);
  const down = await sh(`'${process.execPath}' '${MAIN_JS}' session -d x --secret x --command true --nms-ops 127.0.0.1:1`);
  assert.equal(down.code, 1);
  assert.equal(down.stderr.trim().split('\n').length, 1);
  assert.match(down.stderr, /cannot reach the NMS operator port 127\.0\.0\.1:1/);
});

test('| head -1: the first line, no EPIPE and no stack trace', async () => {
  const errFile = path.join(dir, 'head.err');
  const r = await sh(`${session(`--command 'seq 1 200000'`)} 2>'${errFile}' | head -1`);
  assert.equal(r.stdout, '1\n');
  assert.equal(readFileSync(errFile, 'utf8'), '');
  // The session was closed: the device is waiting for the next one.
  const again = await sh(session(`--command 'echo again'`));
  assert.equal(again.stdout, 'again\n', again.stderr);
});

test('--list: a readable table, --json for machines', async () => {
  const table = await sh(`'${process.execPath}' '${MAIN_JS}' session --list --nms-ops 127.0.0.1:${opsPort}`);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^DEVICE\s+STATE\s+TYPE\s+PEER\n/);
  assert.match(table.stdout, new RegExp(`\\n${DEVICE}\\s+waiting \\(1 Initialize\\)\\n`));
  const json = await sh(`'${process.execPath}' '${MAIN_JS}' session --list --json --nms-ops 127.0.0.1:${opsPort}`);
  assert.deepEqual(JSON.parse(json.stdout).waiting, { [DEVICE]: 1 });
});

test('--list --device: that device; when it is not there, exit 1 and the whole list', async () => {
  const one = await sh(`'${process.execPath}' '${MAIN_JS}' session --list -d ${DEVICE} --nms-ops 127.0.0.1:${opsPort}`);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, new RegExp(`\\n${DEVICE}\\s+waiting`));
  const none = await sh(`'${process.execPath}' '${MAIN_JS}' session --list -d no-such-dev --nms-ops 127.0.0.1:${opsPort}`);
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'no device no-such-dev is waiting or in a session; all devices:\n');
  assert.match(none.stdout, new RegExp(`\\n${DEVICE}\\s+waiting`));
});
