/**
 * Symbolic links planted in the state directory are refused, never followed: for every
 * path the device writes (the directory itself, rollbacks/, a revision file, rescue.conf,
 * the lock, the former history file, the SSH host key, known_hosts), the link's target is
 * neither written nor re-moded.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConfigDatastore } from '../../../src/junos/config/index.js';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { loadOrCreateHostKey } from '../../../src/ssh/host-key.js';
import { appendOwnFileSync, SymlinkRefusedError } from '../../../src/own-files.js';

const INITIAL = { format: 'text' as const, content: 'system { host-name r1; }\n' };
const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'state-links-'));
  dirs.push(d);
  return d;
}
/** A directory outside the state directory, mode 0755, holding one file `victim` (0644). */
function outside(): { dir: string; file: string; snapshot: () => string } {
  const dir = tempDir();
  fs.chmodSync(dir, 0o755);
  const file = path.join(dir, 'victim');
  fs.writeFileSync(file, 'untouched\n', { mode: 0o644 });
  fs.chmodSync(file, 0o644);
  const snapshot = () =>
    JSON.stringify({
      dirMode: fs.statSync(dir).mode & 0o777,
      names: fs.readdirSync(dir).sort(),
      fileMode: fs.statSync(file).mode & 0o777,
      body: fs.readFileSync(file, 'utf8'),
    });
  return { dir, file, snapshot };
}
const refused = (p: string) => (e: Error) => e instanceof SymlinkRefusedError && e.message.startsWith(`${p} is a symbolic link: refused`);

test('a state directory that is a symbolic link is refused (datastore, lazy device)', async () => {
  const o = outside();
  const before = o.snapshot();
  const link = path.join(tempDir(), 'state');
  fs.symlinkSync(o.dir, link);
  await assert.rejects(createConfigDatastore({ stateDir: link, initialConfig: INITIAL, report: () => {} }), refused(link));
  await assert.rejects(EmulatedDevice.create({ profile: 'mx', stateDir: link, lazy: true }), refused(link));
  assert.equal(o.snapshot(), before);
});

test('STATE/rollbacks as a symbolic link is refused: no revision is written there, its mode is kept', async () => {
  const o = outside();
  const before = o.snapshot();
  const state = tempDir();
  fs.symlinkSync(o.dir, path.join(state, 'rollbacks'));
  await assert.rejects(createConfigDatastore({ stateDir: state, initialConfig: INITIAL, report: () => {} }), refused(path.join(state, 'rollbacks')));
  assert.equal(o.snapshot(), before);
  assert.deepEqual(fs.readdirSync(state).filter((n) => n !== 'rollbacks'), [], 'no lock or temporary file left behind');
});

test('a revision file, rescue.conf and the former history file as links are skipped, never read or re-moded', async () => {
  const o = outside();
  const state = tempDir();
  const ds = await createConfigDatastore({ stateDir: state, initialConfig: INITIAL, report: () => {} });
  const s = ds.openSession(1, 'admin');
  s.applyCliLine('set system host-name second');
  await s.commit({}).saved;
  await ds.close();
  const revs = fs.readdirSync(path.join(state, 'rollbacks')).sort();
  const newest = path.join(state, 'rollbacks', revs[revs.length - 1]);
  fs.copyFileSync(newest, o.file);
  fs.chmodSync(o.file, 0o644);
  fs.rmSync(newest);
  fs.symlinkSync(o.file, newest);
  fs.symlinkSync(o.file, path.join(state, 'rescue.conf'));
  fs.symlinkSync(o.file, path.join(state, 'config-history.json'));
  const before = o.snapshot();
  const reports: string[] = [];
  const again = await createConfigDatastore({ stateDir: state, initialConfig: INITIAL, report: (l) => reports.push(l) });
  const s2 = again.openSession(1, 'admin');
  assert.match(s2.getConfiguration({ database: 'committed', format: 'set' }), /host-name r1/, 'started on the good revision before the link');
  assert.ok(reports.some((l) => l.includes(`${newest} is a symbolic link: refused`)), reports.join('\n'));
  assert.ok(reports.some((l) => l.includes('rescue.conf is a symbolic link: refused')), reports.join('\n'));
  assert.ok(reports.some((l) => l.includes('config-history.json is a symbolic link: refused')), reports.join('\n'));
  // Saving the rescue configuration does not write through the link either.
  await assert.rejects(s2.saveRescue!(), /rescue configuration not saved: .*rescue\.conf: is a symbolic link/);
  // A commit writes its own new file, not the linked one.
  s2.applyCliLine('set system host-name third');
  assert.equal(await s2.commit({}).saved, undefined);
  await again.close();
  assert.equal(o.snapshot(), before);
});

test('a link named lock in the state directory is refused', async () => {
  const o = outside();
  const state = tempDir();
  fs.symlinkSync(o.file, path.join(state, 'lock'));
  const before = o.snapshot();
  await assert.rejects(createConfigDatastore({ stateDir: state, initialConfig: INITIAL, report: () => {} }), refused(path.join(state, 'lock')));
  assert.equal(o.snapshot(), before);
});

test('the SSH host key and known_hosts are never written or re-moded through a link', () => {
  const o = outside();
  const state = tempDir();
  const key = path.join(state, 'ssh_host_ed25519_key');
  fs.symlinkSync(o.file, key);
  const before = o.snapshot();
  assert.throws(() => loadOrCreateHostKey(key), refused(key));
  const dangling = path.join(state, 'ssh_host_ed25519_key-2');
  fs.symlinkSync(path.join(o.dir, 'new-key'), dangling);
  assert.throws(() => loadOrCreateHostKey(dangling));
  const known = path.join(state, 'known_hosts');
  fs.symlinkSync(o.file, known);
  assert.throws(() => appendOwnFileSync(known, 'host ssh-ed25519 AAAA\n'), refused(known));
  assert.equal(o.snapshot(), before);
});
