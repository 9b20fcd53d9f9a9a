/**
 * A session's signals reach only that session's processes, and every process a session
 * started ends with it. The device runs as users run it: `node dist/src/cli/main.js` as a
 * child process on a real PTY (its own terminal, in the foreground, as in tmux), sessions
 * come from the reference NMS.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pty, { type IPty } from '@lydell/node-pty';
import { MSG_CSH_STARTED } from '../../src/outbound/session-bridge.js';
import type { NmsSession } from '../../src/nms/server.js';
import { Harness, MAIN_JS, loopbackPki, pidAlive, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

interface PtyDevice {
  term: IPty;
  deviceId: string;
  secret: string;
  output: () => string;
  exited: Promise<{ exitCode: number; signal?: number }>;
  isRunning: () => boolean;
}

/** The device on a PTY of its own: session leader, the terminal's foreground process group. */
async function startDeviceOnPty(port: number, name: string, extra: string[] = []): Promise<PtyDevice> {
  const pem = await loopbackPki();
  const dir = h.tempDir();
  const certFile = path.join(dir, 'nms.crt');
  writeFileSync(certFile, pem.cert);
  const deviceId = `iso-${name}`;
  const secret = 'iso-secret';
  const args = [MAIN_JS, '--host', '127.0.0.1', '--port', String(port), '--cert-file', certFile, '--device-id', deviceId, '--secret', secret, '--state-dir', dir, ...extra];
  const term = pty.spawn(process.execPath, args, { name: 'xterm', cols: 120, rows: 40, cwd: dir, env: process.env as Record<string, string> });
  let out = '';
  term.onData((d) => (out += d));
  let running = true;
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) =>
    term.onExit((e) => {
      running = false;
      resolve(e);
    }),
  );
  h.defer(async () => {
    if (!running) return;
    term.kill('SIGKILL');
    await exited;
  });
  return { term, deviceId, secret, output: () => out, exited, isRunning: () => running };
}

async function stopDevice(dev: PtyDevice): Promise<void> {
  dev.term.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([dev.exited, new Promise((_r, reject) => (timer = setTimeout(() => reject(new Error('the device did not stop within 15 s')), 15_000)))]);
  clearTimeout(timer);
}

/** Waits (bounded) for a session's end. */
async function ended(s: NmsSession, ms = 15_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([s.ended, new Promise((_r, reject) => (timer = setTimeout(() => reject(new Error('session did not end')), ms)))]);
  clearTimeout(timer);
}

test('hundreds of csh sessions killed as soon as they open never signal the device itself', async () => {
  const { nms, port } = await h.nms();
  const dev = await startDeviceOnPty(port, 'killfast', ['--allow-root-shell']);
  const ROUNDS = 25;
  const PER_ROUND = 10;
  let opened = 0;
  for (let round = 0; round < ROUNDS && dev.isRunning(); round++) {
    // A few at once: the forks overlap, so some kills land before a child is a session leader.
    const batch = await Promise.all(
      Array.from({ length: PER_ROUND }, async () => {
        const s = await Promise.race([nms.requestSession(dev.deviceId, dev.secret, 'csh', { timeoutMs: 15_000 }), dev.exited.then(() => undefined)]);
        s?.kill(2);
        return s;
      }),
    );
    opened += batch.length;
    await Promise.race([Promise.all(batch.map((s) => s && ended(s))), dev.exited]);
  }
  assert.ok(dev.isRunning(), `the device died after ${opened} sessions; its terminal shows: ${JSON.stringify(dev.output().slice(-600))}`);
  assert.doesNotMatch(dev.output(), /terminating/);
  // Still serving: a shell session works end to end.
  const s = await nms.requestSession(dev.deviceId, dev.secret, 'csh', { timeoutMs: 15_000 });
  await s.waitFor((o) => o.startsWith(MSG_CSH_STARTED), 10_000);
  s.send('echo still-$((6*7))');
  await s.waitFor((o) => o.includes('still-42'), 10_000);
  s.send('exit');
  await ended(s);
  await stopDevice(dev);
  assert.equal(pidAlive(dev.term.pid), false);
});

/** Starts a setsid child and a double-forked setsid daemon in a csh session; their pids. */
async function startEscapees(s: NmsSession): Promise<number[]> {
  s.send(`setsid sh -c 'echo setsid=$$; exec sleep 1000' &`);
  s.send(`sh -c '(setsid sh -c "echo daemon=\\$\\$; exec sleep 1000" &) &'`);
  const out = await s.waitFor((o) => /setsid=\d+\n/.test(o) && /daemon=\d+\n/.test(o), 10_000);
  const pids = [Number(/setsid=(\d+)\n/.exec(out)![1]), Number(/daemon=(\d+)\n/.exec(out)![1])];
  for (const pid of pids) assert.ok(pidAlive(pid), `process ${pid} started`);
  return pids;
}

/** True when the pid is gone or only a zombie (nothing left to run). */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
  } catch {
    return true;
  }
}

test('setsid children and double-forked daemons end with their session, and with the device', async () => {
  const { nms, port } = await h.nms();
  const dev = await startDeviceOnPty(port, 'escape', ['--allow-root-shell']);
  const first = await nms.requestSession(dev.deviceId, dev.secret, 'csh', { timeoutMs: 15_000 });
  const ended1 = await startEscapees(first);
  first.send('exit');
  await ended(first);
  await until(() => ended1.every(gone), 5000, `processes ${ended1} to end with their session`);

  const second = await nms.requestSession(dev.deviceId, dev.secret, 'csh', { timeoutMs: 15_000 });
  const left = await startEscapees(second);
  // The device stops with the session still open.
  await stopDevice(dev);
  await until(() => left.every(gone), 5000, `processes ${left} to end with the device`);
});

test('the cli device socket admits only the session user and root', { skip: process.getuid?.() === 0 ? false : 'needs root to act as other uids' }, async () => {
  const { nms, port } = await h.nms();
  const dev = await startDeviceOnPty(port, 'sock');
  const s = await nms.requestSession(dev.deviceId, dev.secret, 'csh', { timeoutMs: 15_000 });
  await s.waitFor((o) => o.startsWith(MSG_CSH_STARTED), 10_000);
  s.send('echo "sock=$NCGD_DEVICE_SOCKET"; id -u');
  const out = await s.waitFor((o) => /sock=(\S+)\n(\d+)\n/.test(o), 10_000);
  const [, socketPath, uidText] = /sock=(\S+)\n(\d+)\n/.exec(out)!;
  const sessionUid = Number(uidText);
  assert.equal(sessionUid, Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })), 'sessions run as nobody');
  // Connects as `uid` and reports 'hello' (a NETCONF hello came) or the error code.
  const connectAs = (uid: number): string => {
    const script = `const s=require('net').connect(process.argv[1]);let b='';s.on('data',d=>{b+=d;if(b.includes('<hello')){console.log('hello');process.exit(0)}});s.on('error',e=>{console.log(e.code);process.exit(0)});setTimeout(()=>{console.log('timeout');process.exit(0)},5000)`;
    return execFileSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', process.execPath, '-e', script, socketPath], { encoding: 'utf8', timeout: 15_000 }).trim();
  };
  const other = Number(execFileSync('id', ['-u', 'daemon'], { encoding: 'utf8' }));
  assert.notEqual(other, sessionUid);
  assert.equal(connectAs(other), 'EACCES', 'another uid must not reach the device');
  assert.equal(connectAs(sessionUid), 'hello', 'the session user reaches the device');
  assert.equal(connectAs(0), 'hello', 'root reaches the device');
  const dir = statSync(path.dirname(socketPath));
  assert.equal(dir.mode & 0o777, 0o700, 'private directory');
  assert.equal(dir.uid, sessionUid, 'the directory belongs to the session user');
  assert.equal(statSync(socketPath).mode & 0o777, 0o600);
  // And the session's own cli works.
  s.send('cli -c "show version" | head -3');
  await s.waitFor((o) => /Hostname: /.test(o), 10_000);
  s.send('exit');
  await ended(s);
  await stopDevice(dev);
});

test('--shell-uid-range: each device of a fleet runs its shells as a uid of its own; one cannot signal or reach the other', { skip: process.getuid?.() === 0 ? false : 'needs root to act as other uids' }, async () => {
  const { nms, port } = await h.nms();
  const dev = await startDeviceOnPty(port, 'uid', ['--devices', '2', '--shell-uid-range', '200001-200010']);
  const open = async (n: number) => {
    const s = await nms.requestSession(`${dev.deviceId}-${n}`, dev.secret, 'csh', { timeoutMs: 20_000 });
    await s.waitFor((o) => o.startsWith(MSG_CSH_STARTED), 10_000);
    s.send('echo "sock=$NCGD_DEVICE_SOCKET uid=$(id -u) logname=$LOGNAME pid=$$"');
    const out = await s.waitFor((o) => /sock=\S+ uid=\d+ logname=\S+ pid=\d+\n/.test(o), 10_000);
    const [, sock, uid, logname, pid] = /sock=(\S+) uid=(\d+) logname=(\S+) pid=(\d+)\n/.exec(out)!;
    return { s, sock, uid: Number(uid), logname, pid: Number(pid) };
  };
  const one = await open(1);
  const two = await open(2);
  assert.equal(one.uid, 200001);
  assert.equal(two.uid, 200002);
  assert.equal(one.logname, 'nobody');
  // device 1's shell can neither signal device 2's shell nor reach its cli socket
  one.s.send(`kill -0 ${two.pid} 2>/dev/null; echo "kill=$?"; ls ${path.dirname(two.sock)} >/dev/null 2>&1; echo "ls=$?"`);
  const out = await one.s.waitFor((o) => /kill=\d+\n[\s\S]*ls=\d+\n/.test(o), 10_000);
  assert.match(out, /kill=1\n/);
  assert.match(out, /ls=[12]\n/);
  assert.equal(statSync(path.dirname(two.sock)).uid, 200002);
  // each one's own cli works
  for (const x of [one, two]) {
    x.s.send('cli -c "show version" | head -3');
    await x.s.waitFor((o) => /Hostname: /.test(o), 15_000);
    x.s.send('exit');
    await ended(x.s);
  }
  await stopDevice(dev);
});
