/**
 * The state directory with real processes: one process per directory (the second exits 2
 * with one line naming the holder, whatever its mode; a dead holder's lock is taken over),
 * a device SIGKILLed during commits always restarts on a good configuration, ncclient's
 * doubled <configuration> no longer bricks the directory, and a device without
 * --state-dir says that its commits are not kept.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Harness, MAIN_JS, loopbackPki, until } from '../../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());
const EOM = ']]>]]>';

function netconfOnce(dir: string | undefined, rpcs: string[]) {
  const args = [MAIN_JS, 'netconf', '--profile', 'mx', ...(dir ? ['--state-dir', dir] : [])];
  return spawnSync(process.execPath, args, { input: rpcs.map((r) => `<rpc>${r}</rpc>${EOM}`).join(''), encoding: 'utf8', timeout: 30_000 });
}

function committedSet(dir: string): string {
  const r = netconfOnce(dir, ['<get-configuration database="committed" format="set"/>']);
  assert.equal(r.status, 0, `restart failed: ${r.stderr}`);
  return r.stdout;
}

interface Live {
  child: ChildProcess;
  out(): string;
  err(): string;
}

/** A `netconf` process holding the directory, its input kept open. */
async function holdWithNetconf(dir: string): Promise<Live> {
  const child = spawn(process.execPath, [MAIN_JS, 'netconf', '--profile', 'mx', '--state-dir', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  h.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  await until(() => out.includes('</hello>') || child.exitCode !== null, 15_000, 'the hello');
  assert.ok(out.includes('</hello>'), err);
  return { child, out: () => out, err: () => err };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

test('a second process on a state directory exits 2 with one line naming the holder, in every mode; a dead holder\'s lock is taken over', async () => {
  const dir = h.tempDir();
  const holder = await holdWithNetconf(dir);
  const pid = holder.child.pid!;

  const second = netconfOnce(dir, ['<get-configuration/>']);
  assert.equal(second.status, 2, second.stderr);
  assert.equal(second.stdout, '');
  const lines = second.stderr.trim().split('\n');
  assert.equal(lines.length, 1, second.stderr);
  assert.match(lines[0], new RegExp(`state directory .* is in use by pid ${pid} \\(nc-grpc-device netconf \\(stdio session\\)`));

  const ssh = spawnSync(process.execPath, [MAIN_JS, '--ssh-port', '0', '--ssh-host', '127.0.0.1', '--ssh-user', 'lab:lab123', '--state-dir', dir, '--log-format', 'json'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(ssh.status, 2, ssh.stderr);
  assert.match(ssh.stderr.trim().split('\n').pop()!, new RegExp(`in use by pid ${pid} `));

  // The holder dies without a word (SIGKILL): its lock stays behind, stale, and is taken over.
  holder.child.kill('SIGKILL');
  await exited(holder.child);
  assert.ok(fs.existsSync(path.join(dir, 'lock')));
  const next = await holdWithNetconf(dir);
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'lock'), 'utf8'));
  assert.equal(lock.pid, next.child.pid);
  next.child.stdin!.end();
  await exited(next.child);
  assert.ok(!fs.existsSync(path.join(dir, 'lock')), 'released at exit');

  // An SSH-only device holds it too, and names itself.
  const dev = spawn(process.execPath, [MAIN_JS, '--ssh-port', '0', '--ssh-host', '127.0.0.1', '--ssh-user', 'lab:lab123', '--state-dir', dir, '--log-format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  h.defer(() => {
    if (dev.exitCode === null && dev.signalCode === null) dev.kill('SIGKILL');
  });
  let logs = '';
  dev.stderr!.on('data', (d) => (logs += d));
  await until(() => /SSH face listening/.test(logs), 15_000, 'the SSH face');
  const third = netconfOnce(dir, ['<get-configuration/>']);
  assert.equal(third.status, 2);
  assert.match(third.stderr, new RegExp(`in use by pid ${dev.pid} \\(nc-grpc-device \\(SSH face\\)\\)`));
  dev.kill('SIGTERM');
  await exited(dev);
});

test('a fleet locks its directory and each member\'s; a second fleet, or a session on a member, exits 2 naming it', async () => {
  const dir = h.tempDir();
  const certFile = path.join(dir, 'nms.crt');
  fs.writeFileSync(certFile, (await loopbackPki()).cert);
  // The NMS port is closed: the fleet keeps dialling, which is all this needs.
  const args = [MAIN_JS, '--host', '127.0.0.1', '--port', '9', '--cert-file', certFile, '--device-id', 'lab-{n}', '--secret', 'x', '--waittime', '5', '--devices', '2', '--log-format', 'json'];
  const fleet = spawn(process.execPath, [...args, '--state-dir', path.join(dir, 'fleet')], { stdio: ['ignore', 'ignore', 'pipe'] });
  h.defer(() => {
    if (fleet.exitCode === null && fleet.signalCode === null) fleet.kill('SIGKILL');
  });
  let logs = '';
  fleet.stderr!.on('data', (d) => (logs += d));
  await until(() => /fleet started/.test(logs), 20_000, 'the fleet');
  const second = spawnSync(process.execPath, [...args, '--state-dir', path.join(dir, 'fleet'), '--control', path.join(dir, 'c2.sock')], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(second.status, 2, second.stderr);
  assert.match(second.stderr, new RegExp(`in use by pid ${fleet.pid} \\(nc-grpc-device fleet of 2\\)`));
  const member = netconfOnce(path.join(dir, 'fleet', 'device-2'), ['<get-configuration/>']);
  assert.equal(member.status, 2, member.stderr);
  assert.match(member.stderr, new RegExp(`in use by pid ${fleet.pid} \\(nc-grpc-device fleet, device 2\\)`));
  fleet.kill('SIGTERM');
  await exited(fleet);
});

test('a device SIGKILLed at any moment during commits restarts on a good configuration (bounded loop)', async () => {
  const dir = h.tempDir();
  let acknowledged = -1;
  let n = 0;
  for (let round = 0; round < 6; round++) {
    const live = await holdWithNetconf(dir);
    const sent: number[] = [];
    // A stream of load + commit; killed after a few replies, at a varying moment.
    for (let i = 0; i < 40; i++) {
      n++;
      sent.push(n);
      live.child.stdin!.write(
        `<rpc><load-configuration action="set" format="text"><configuration-set>set system location building b${n}\nset interfaces ge-0/0/${n % 48} description "round ${round} commit ${n}"</configuration-set></load-configuration></rpc>${EOM}` +
          `<rpc><commit-configuration><log>c${n}</log></commit-configuration></rpc>${EOM}`,
      );
    }
    const want = 1 + (round % 4);
    await until(() => (live.out().match(/<commit-success\/>/g) ?? []).length >= want, 30_000, 'commits');
    await new Promise((r) => setTimeout(r, round * 7));
    live.child.kill('SIGKILL');
    await exited(live.child);
    const done = (live.out().match(/<commit-success\/>/g) ?? []).length;
    if (done > 0) acknowledged = sent[done - 1];
    const set = committedSet(dir);
    const building = Number(/^set system location building b(\d+)$/m.exec(set)?.[1] ?? -1);
    assert.ok(building >= acknowledged, `restart lost an acknowledged commit: has b${building}, acknowledged b${acknowledged}`);
    assert.ok(building <= n, 'a commit from nowhere');
  }
  const left = fs.readdirSync(path.join(dir, 'rollbacks'));
  assert.ok(left.every((f) => /^commit-\d{10}\.conf$/.test(f) || f.endsWith('.tmp')), left.join(' '));
});

test('ncclient\'s load_configuration with a <configuration> element: committed as the inner one, and the device restarts', () => {
  const dir = h.tempDir();
  const r = netconfOnce(dir, [
    '<load-configuration action="merge" format="xml"><configuration><configuration><system><location><building>from-ncclient</building></location></system></configuration></configuration></load-configuration>',
    '<commit-configuration/>',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /<commit-success\/>/);
  assert.match(committedSet(dir), /^set system location building from-ncclient$/m);
});

test('without --state-dir the device says at start that commits are kept in memory only', () => {
  const r = netconfOnce(undefined, ['<get-configuration/>']);
  assert.equal(r.status, 0);
  assert.match(r.stderr, /no --state-dir: commits are kept in memory only/);
});

test('a commit confirmed survives a SIGKILL: still pending after the restart, and rolled back at the next start once its time ran out', async () => {
  const dir = h.tempDir();
  let r = netconfOnce(dir, ['<load-configuration action="set" format="text"><configuration-set>set system location building before</configuration-set></load-configuration>', '<commit-configuration/>']);
  assert.equal(r.status, 0, r.stderr);

  // Base NETCONF commit confirmed, 3 s; the device is SIGKILLed before anyone confirms.
  const live = await holdWithNetconf(dir);
  live.child.stdin!.write(
    `<rpc><load-configuration action="set" format="text"><configuration-set>set system location building risky</configuration-set></load-configuration></rpc>${EOM}` +
      `<rpc><commit><confirmed/><confirm-timeout>3</confirm-timeout></commit></rpc>${EOM}`,
  );
  await until(() => /<ok\/>\s*<\/rpc-reply>/.test(live.out().split('</load-configuration-results>').pop() ?? ''), 15_000, 'the confirmed commit');
  live.child.kill('SIGKILL');
  await exited(live.child);

  // Restarted at once: the risky configuration is active and the wait goes on (the process says so).
  r = netconfOnce(dir, ['<get-configuration database="committed" format="set"/>']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^set system location building risky$/m);
  assert.match(r.stderr, /commit confirmed by \S+ still waits for its confirmation: rollback in [1-3] s/);

  // Down past the deadline: the next start rolls it back before serving anything.
  await new Promise((res) => setTimeout(res, 3200));
  r = netconfOnce(dir, ['<get-configuration database="committed" format="set"/>', '<get-commit-information/>']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /was not confirmed in time; rolled back at start/);
  assert.match(r.stdout, /^set system location building before$/m);
  assert.match(r.stdout, /<comment>commit confirmed rollback<\/comment>/);
  assert.match(committedSet(dir), /^set system location building before$/m);
});
