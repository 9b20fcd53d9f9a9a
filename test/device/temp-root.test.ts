/**
 * The process's temp root (src/temp-root.ts): what a device keeps in the temp dir (run
 * directory, cli script, session homes) sits under one `ncgd-<pid>-XXXXXX` directory; a
 * device killed with SIGKILL leaves it behind and the next start removes it; a clean stop
 * removes its own. The sweep touches only roots of its owner whose `live` socket refuses:
 * never a live one, a symbolic link, one without a socket, or one of another owner.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sweepStaleRoots, tempRoot } from '../../src/temp-root.js';
import { cliBinDir } from '../../src/shell/cli-bin.js';
import { resolveSessionUser } from '../../src/shell/user.js';
import { MAIN_JS, until, pidAlive } from '../support/agent-harness.js';

const base = mkdtempSync(path.join(tmpdir(), 'ncgd-temp-root-test-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.pid && pidAlive(c.pid)) c.kill('SIGKILL');
  rmSync(base, { recursive: true, force: true });
});

/** A unix socket file at `p` whose listener is gone: a process that listened was SIGKILLed. */
async function deadSocket(p: string): Promise<void> {
  const c = spawn(process.execPath, ['-e', `require('net').createServer().listen(process.argv[1], () => console.log('up'))`, p], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(c);
  let out = '';
  c.stdout!.on('data', (d) => (out += d));
  await until(() => out.includes('up'), 10_000, 'the listener');
  c.kill('SIGKILL');
  await new Promise((r) => c.once('exit', r));
  assert.ok(lstatSync(p).isSocket(), 'the socket file outlives its process');
}

function rootsIn(dir: string): string[] {
  return readdirSync(dir).filter((n) => /^ncgd-\d+-[A-Za-z0-9]{6}$/.test(n)).sort();
}

test('the sweep removes a dead root and nothing else', async () => {
  const dir = mkdtempSync(path.join(base, 'sweep-'));
  const outside = mkdtempSync(path.join(base, 'outside-'));
  writeFileSync(path.join(outside, 'precious'), 'keep me');

  // Dead: its socket refuses. It holds a link to a file outside, which must survive.
  const dead = path.join(dir, 'ncgd-101-aaaaaa');
  mkdirSync(path.join(dead, 'run-xyz'), { recursive: true });
  await deadSocket(path.join(dead, 'live'));
  symlinkSync(path.join(outside, 'precious'), path.join(dead, 'run-xyz', 'link'));
  symlinkSync(outside, path.join(dead, 'dirlink'));

  // Live: someone listens on its socket (a pid that is long gone in the name changes nothing).
  const live = path.join(dir, 'ncgd-102-bbbbbb');
  mkdirSync(live);
  const net = await import('node:net');
  const server = net.createServer((c) => c.destroy());
  await new Promise<void>((r) => server.listen(path.join(live, 'live'), r));

  // A symbolic link named like a root, to a directory with a dead socket.
  const target = mkdtempSync(path.join(base, 'target-'));
  await deadSocket(path.join(target, 'live'));
  symlinkSync(target, path.join(dir, 'ncgd-103-cccccc'));

  // No socket at all (killed before it listened): left alone.
  mkdirSync(path.join(dir, 'ncgd-104-dddddd'));
  // A name that is not a root's, with a dead socket.
  mkdirSync(path.join(dir, 'ncgd-bin-eeeeee'));
  await deadSocket(path.join(dir, 'ncgd-bin-eeeeee', 'live'));
  // A dead root of another owner (only root can make one).
  const foreign = path.join(dir, 'ncgd-105-ffffff');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    mkdirSync(foreign);
    await deadSocket(path.join(foreign, 'live'));
    chownSync(foreign, 65534, 65534);
  }

  try {
    const removed = await sweepStaleRoots(dir);
    assert.deepEqual(removed, [dead]);
    assert.ok(!existsSync(dead));
    assert.deepEqual(rootsIn(dir), ['ncgd-102-bbbbbb', 'ncgd-103-cccccc', 'ncgd-104-dddddd', ...(asRoot ? ['ncgd-105-ffffff'] : [])]);
    assert.equal(readdirSync(outside).join(','), 'precious', 'what the dead root linked to is untouched');
    assert.ok(lstatSync(path.join(target, 'live')).isSocket(), "the link's target is untouched");
    assert.ok(existsSync(path.join(dir, 'ncgd-bin-eeeeee', 'live')));
  } finally {
    await new Promise((r) => server.close(r));
  }
  assert.deepEqual(await sweepStaleRoots(dir), [], 'a closed server removes its socket file: nothing refuses, nothing is swept');
});

test('the cli script and a session home sit under the temp root', () => {
  const root = tempRoot();
  assert.match(path.basename(root), new RegExp(`^ncgd-${process.pid}-`));
  assert.equal(lstatSync(root).mode & 0o777, 0o711);
  assert.ok(lstatSync(path.join(root, 'live')).isSocket());
  assert.equal(path.dirname(cliBinDir()), root);
  if (process.getuid?.() === 0) {
    const user = resolveSessionUser('nobody', false);
    assert.equal(path.dirname(user.home), root, 'a user without a writable home gets one under the root');
    assert.equal(lstatSync(user.home).uid, user.uid);
  }
});

/** A device process with its SSH face and TMPDIR=dir; resolves when it listens. */
async function device(dir: string, state: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN_JS, ...extra, '--ssh-port', '0', '--ssh-user', 'lab:lab123', '--state-dir', state, '--log-format', 'json'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TMPDIR: dir },
  });
  children.push(child);
  let logs = '';
  child.stderr!.on('data', (d) => (logs += d));
  await until(() => /SSH faces? listening/.test(logs) && (!extra.includes('--devices') || /fleet started/.test(logs)), 20_000, 'the SSH face');
  return child;
}

test('a device killed with SIGKILL leaves its root; the next start removes it; a clean stop removes its own', async () => {
  const dir = mkdtempSync(path.join(base, 'tmp-'));
  const state = mkdtempSync(path.join(base, 'state-'));
  const first = await device(dir, state);
  const [firstRoot] = rootsIn(dir);
  assert.match(firstRoot ?? '', new RegExp(`^ncgd-${first.pid}-`));
  assert.ok(readdirSync(path.join(dir, firstRoot!)).some((n) => n.startsWith('run-')), 'the run directory is under the root');
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  assert.deepEqual(rootsIn(dir), [firstRoot], 'SIGKILL leaves the root behind');

  const second = await device(dir, state);
  await until(() => !rootsIn(dir).includes(firstRoot!), 10_000, 'the dead root swept');
  const [secondRoot] = rootsIn(dir);
  assert.match(secondRoot ?? '', new RegExp(`^ncgd-${second.pid}-`));
  second.kill('SIGTERM');
  const code = await new Promise((r) => second.once('exit', (c) => r(c)));
  assert.equal(code, 0);
  assert.deepEqual(readdirSync(dir), [], 'a clean stop leaves nothing in the temp dir');
});

test('a fleet on worker threads shares one root, and a clean stop leaves nothing', async () => {
  const dir = mkdtempSync(path.join(base, 'fleet-tmp-'));
  const state = mkdtempSync(path.join(base, 'fleet-state-'));
  const fleet = await device(dir, state, ['--devices', '4', '--threads', '2']);
  await until(() => rootsIn(dir).length === 1 && readdirSync(path.join(dir, rootsIn(dir)[0]!)).filter((n) => n.startsWith('run-')).length === 3, 20_000, "every thread's run directory");
  const [root] = rootsIn(dir);
  assert.match(root!, new RegExp(`^ncgd-${fleet.pid}-`), 'one root, the process\'s');
  fleet.kill('SIGTERM');
  const code = await new Promise((r) => fleet.once('exit', (c) => r(c)));
  assert.equal(code, 0);
  assert.deepEqual(readdirSync(dir), [], 'the threads left nothing behind');
});

test('a temp dir that cannot be written: one line saying so and how to mend it, exit 1, no stack trace', async () => {
  const missing = path.join(base, 'no-such-dir');
  const child = spawn(process.execPath, [MAIN_JS, '--ssh-port', '0', '--ssh-user', 'lab:lab123', '--profile', 'mx'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TMPDIR: missing } });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const code = await new Promise((r) => child.once('exit', (c) => r(c)));
  assert.equal(code, 1);
  const last = err.trim().split('\n').at(-1)!;
  assert.equal(last, `nc-grpc-device: cannot make a private directory in the temp dir ${missing} (ENOENT): set TMPDIR to a writable directory`);
  assert.doesNotMatch(err, /\n\s+at /, 'no stack trace');
  assert.ok(!existsSync(missing), 'nothing made in its place');
});

test('a root whose process is stopped (SIGSTOP) is live: its socket still takes connections', async () => {
  const dir = mkdtempSync(path.join(base, 'stopped-'));
  const root = path.join(dir, 'ncgd-106-gggggg');
  mkdirSync(root);
  const c = spawn(process.execPath, ['-e', `require('net').createServer().listen(process.argv[1], () => console.log('up'))`, path.join(root, 'live')], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(c);
  let out = '';
  c.stdout!.on('data', (d) => (out += d));
  await until(() => out.includes('up'), 10_000, 'the listener');
  c.kill('SIGSTOP');
  try {
    assert.deepEqual(await sweepStaleRoots(dir), []);
    assert.ok(existsSync(root));
  } finally {
    c.kill('SIGKILL');
  }
});
