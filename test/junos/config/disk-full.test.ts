/**
 * A full file system under the state directory: a commit that cannot be written fails
 * (nothing committed, nothing left behind), and a device whose file system is full at
 * start starts read-only on its last good revision, naming the path. Needs a small file
 * system of its own: a tmpfs mounted by the test, so it runs as root only.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConfigDatastore } from '../../../src/junos/config/index.js';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { RpcError } from '../../../src/netconf/rpc-error.js';
import { child, parseXml, textOf } from '../../../src/netconf/xml.js';
import { TestClient } from '../../support/netconf-client.js';

const INITIAL = { format: 'text' as const, content: 'system { host-name factory; }\n' };
let mnt = '';
let skip: string | false = false;

before(() => {
  if (process.getuid?.() !== 0) {
    skip = 'needs root to mount a small tmpfs';
    return;
  }
  mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0700', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (e) {
    skip = `cannot mount a tmpfs here: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`;
  }
});
after(() => {
  if (mnt && !skip) execFileSync('umount', [mnt]);
  if (mnt) fs.rmSync(mnt, { recursive: true, force: true });
});

/** Fills the file system with one file until it is full; returns a function that frees it. */
function fill(dir: string): () => void {
  const file = path.join(dir, 'filler');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (let i = 0; i < 100_000; i++) fs.writeSync(fd, block);
    assert.fail('the file system never filled');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    fs.closeSync(fd);
  }
  // Small writes can still fit in the last page: take them too.
  const fd2 = fs.openSync(path.join(dir, 'filler2'), 'w');
  try {
    for (let i = 0; i < 4096; i++) fs.writeSync(fd2, Buffer.alloc(1, 1));
  } catch {
    // full
  } finally {
    fs.closeSync(fd2);
  }
  return () => {
    fs.rmSync(file, { force: true });
    fs.rmSync(path.join(dir, 'filler2'), { force: true });
  };
}

const leftovers = (dir: string): string[] =>
  [...fs.readdirSync(dir), ...(fs.existsSync(path.join(dir, 'rollbacks')) ? fs.readdirSync(path.join(dir, 'rollbacks')) : [])].filter((f) => f.endsWith('.tmp'));

const hostName = (s: { getConfiguration(o: { database: 'committed'; format: 'set' }): string }) =>
  /^set system host-name (\S+)$/m.exec(s.getConfiguration({ database: 'committed', format: 'set' }))?.[1];

test('a commit that cannot be written fails, commits nothing and leaves no temporary file', async (t) => {
  if (skip) return t.skip(skip);
  const dir = path.join(mnt, 'commit');
  const reports: string[] = [];
  const ds = await createConfigDatastore({ stateDir: dir, initialConfig: INITIAL, report: (l) => reports.push(l) });
  const s = ds.openSession(1, 'admin');
  s.applyCliLine('set system host-name saved');
  assert.equal(await s.commit({}).saved, undefined);
  const free = fill(mnt);
  try {
    s.applyCliLine('set system host-name lost');
    const failed = await s.commit({}).saved;
    assert.ok(failed instanceof RpcError);
    assert.equal(failed.info.severity ?? 'error', 'error');
    assert.match(failed.info.message, /commit failed: configuration could not be saved \(.*rollbacks\/commit-\d+\.conf: no space left on device\); nothing was committed/);
    assert.equal(hostName(s), 'saved', 'the committed configuration is the one on disk');
    assert.equal(ds.history().length, 2);
    assert.ok(s.hasUncommittedChanges(), 'the candidate keeps the change');
    assert.deepEqual(leftovers(dir), []);
    assert.ok(reports.some((l) => /not saved: .*no space left on device/.test(l)), reports.join('\n'));
  } finally {
    free();
  }
  // With room again, the same commit goes through.
  assert.equal(await s.commit({}).saved, undefined);
  assert.equal(hostName(s), 'lost');
  await ds.close();
  const again = await createConfigDatastore({ stateDir: dir, initialConfig: INITIAL, report: () => {} });
  assert.equal(hostName(again.openSession(1, 'ops')), 'lost');
  await again.close();
});

test('over NETCONF: commit-configuration on a full disk answers an rpc-error, and the session goes on', async (t) => {
  if (skip) return t.skip(skip);
  const dir = path.join(mnt, 'netconf');
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'full', stateDir: dir });
  const c = new TestClient(dev.openNetconf());
  try {
    await c.open();
    const free = fill(mnt);
    try {
      await c.rpc('<load-configuration action="set" format="text"><configuration-set>set system location building full</configuration-set></load-configuration>');
      const r = await c.rpc('<commit-configuration/>');
      const err = child(parseXml(r), 'rpc-error');
      assert.ok(err, r);
      assert.equal(textOf(child(err, 'error-severity')!), 'error');
      assert.match(textOf(child(err, 'error-message')!), /no space left on device/);
      assert.doesNotMatch(r, /commit-success/);
      assert.doesNotMatch(await c.rpc('<get-configuration database="committed"/>'), /building full/);
    } finally {
      free();
    }
    assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/);
  } finally {
    await dev.close();
  }
});

test('a file system full at start: the device starts read-only on its last good revision and names the path', async (t) => {
  if (skip) return t.skip(skip);
  const dir = path.join(mnt, 'start');
  const ds = await createConfigDatastore({ stateDir: dir, initialConfig: INITIAL, report: () => {} });
  const s = ds.openSession(1, 'admin');
  s.applyCliLine('set system host-name last-good');
  assert.equal(await s.commit({}).saved, undefined);
  await ds.close();
  const emptyDir = path.join(mnt, 'start-empty');
  fs.mkdirSync(emptyDir, { mode: 0o700 });
  const free = fill(mnt);
  try {
    const reports: string[] = [];
    const ro = await createConfigDatastore({ stateDir: dir, initialConfig: INITIAL, report: (l) => reports.push(l) });
    const rs = ro.openSession(1, 'admin');
    assert.equal(hostName(rs), 'last-good');
    assert.ok(reports.some((l) => l.includes(`${dir}: no space left on device: starting read-only on the last good revision`)), reports.join('\n'));
    rs.applyCliLine('set system host-name refused');
    const failed = await rs.commit({}).saved;
    assert.match(failed?.info.message ?? '', new RegExp(`commit failed: configuration could not be saved \\(${dir}: no space left on device\\)`));
    assert.equal(hostName(rs), 'last-good');
    await ro.close();
    assert.deepEqual(leftovers(dir), []);
    // Nothing on disk yet, and no room: the factory configuration, read-only.
    const reports2: string[] = [];
    const fresh = await createConfigDatastore({ stateDir: emptyDir, initialConfig: INITIAL, report: (l) => reports2.push(l) });
    assert.equal(hostName(fresh.openSession(1, 'ops')), 'factory');
    assert.ok(reports2.some((l) => l.includes(`${emptyDir}`) && l.includes('no space left on device') && l.includes('read-only')), reports2.join('\n'));
    await fresh.close();
    assert.deepEqual(leftovers(emptyDir), []);
  } finally {
    free();
  }
});
