/**
 * The state directory: what a commit writes (one file per revision, only the new one),
 * file modes, damaged or former-format history at start (reported, skipped, never a
 * refusal to start), and what the parsers refuse so nothing unreadable is committed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConfigDatastore } from '../../../src/junos/config/index.js';
import { RpcError } from '../../../src/netconf/rpc-error.js';
import { parseXml } from '../../../src/netconf/xml.js';

const INITIAL = { format: 'text' as const, content: 'system { host-name r1; }\n' };
const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'config-state-'));
  dirs.push(d);
  return d;
}
const mode = (p: string) => fs.statSync(p).mode & 0o777;
const revisionFiles = (dir: string) => fs.readdirSync(path.join(dir, 'rollbacks')).filter((f) => f.endsWith('.conf')).sort();

async function commitHostNames(dir: string, names: string[]): Promise<void> {
  const ds = await createConfigDatastore({ stateDir: dir, initialConfig: INITIAL, report: () => {} });
  const s = ds.openSession(1, 'admin');
  for (const n of names) {
    s.applyCliLine(`set system host-name ${n}`);
    assert.equal(await s.commit({}).saved, undefined);
  }
  await ds.close();
}

async function committedHostName(dir: string, reports: string[] = []): Promise<string | undefined> {
  const ds = await createConfigDatastore({ stateDir: dir, initialConfig: { format: 'text', content: 'system { host-name factory; }' }, report: (l) => reports.push(l) });
  const out = ds.openSession(1, 'ops').getConfiguration({ database: 'committed', format: 'set' });
  await ds.close();
  return /^set system host-name (\S+)$/m.exec(out)?.[1];
}

test('a commit writes only its own revision file; older ones are untouched, the oldest beyond 50 removed', async () => {
  const dir = tempDir();
  const ds = await createConfigDatastore({ stateDir: dir, initialConfig: INITIAL });
  const s = ds.openSession(1, 'admin');
  for (let i = 0; i < 49; i++) {
    s.applyCliLine(`set system host-name r${i}`);
    await s.commit({}).saved;
  }
  const before = new Map(revisionFiles(dir).map((f) => [f, fs.statSync(path.join(dir, 'rollbacks', f))]));
  assert.equal(before.size, 50);
  s.applyCliLine('set system host-name newest');
  await s.commit({}).saved;
  const afterFiles = revisionFiles(dir);
  assert.equal(afterFiles.length, 50);
  const added = afterFiles.filter((f) => !before.has(f));
  const removed = [...before.keys()].filter((f) => !afterFiles.includes(f));
  assert.equal(added.length, 1);
  assert.deepEqual(removed, [[...before.keys()][0]]);
  for (const f of afterFiles.filter((x) => before.has(x))) {
    const st = fs.statSync(path.join(dir, 'rollbacks', f));
    assert.equal(st.ino, before.get(f)!.ino, `${f} was rewritten`);
    assert.equal(st.mtimeMs, before.get(f)!.mtimeMs, `${f} was rewritten`);
  }
  await ds.close();
  assert.equal(await committedHostName(dir), 'newest');
});

test('state directory 0700 (created so, tightened when it exists), state files 0600', async () => {
  const created = path.join(tempDir(), 'new-state');
  await commitHostNames(created, ['a']);
  assert.equal(mode(created), 0o700);
  assert.equal(mode(path.join(created, 'rollbacks')), 0o700);
  for (const f of revisionFiles(created)) assert.equal(mode(path.join(created, 'rollbacks', f)), 0o600);

  const existing = tempDir();
  fs.chmodSync(existing, 0o755);
  fs.writeFileSync(path.join(existing, 'known_hosts'), 'x\n', { mode: 0o644 });
  fs.chmodSync(path.join(existing, 'known_hosts'), 0o644);
  const ds = await createConfigDatastore({ stateDir: existing, initialConfig: INITIAL });
  assert.equal(mode(path.join(existing, 'lock')), 0o600);
  await ds.close();
  assert.equal(mode(existing), 0o700);
  assert.equal(mode(path.join(existing, 'known_hosts')), 0o600);
  for (const f of revisionFiles(existing)) assert.equal(mode(path.join(existing, 'rollbacks', f)), 0o600);
  assert.ok(!fs.existsSync(path.join(existing, 'lock')), 'the lock is released on close');
});

test('damaged revision files are reported in one line each and skipped: the device starts on the newest good one', async () => {
  const dir = tempDir();
  await commitHostNames(dir, ['h1', 'h2', 'h3', 'h4']);
  const files = revisionFiles(dir).map((f) => path.join(dir, 'rollbacks', f));
  // Newest: garbage. Next: one byte changed in the configuration. Next: cut short.
  fs.writeFileSync(files[4], 'garbage\x00\x01');
  const body = fs.readFileSync(files[3], 'utf8');
  fs.writeFileSync(files[3], body.replace('h3', 'hX'));
  fs.writeFileSync(files[2], body.slice(0, Math.floor(body.length / 2)));
  const reports: string[] = [];
  assert.equal(await committedHostName(dir, reports), 'h1');
  assert.equal(reports.length, 3, reports.join('\n'));
  for (const r of reports) assert.doesNotMatch(r, /\n/);
  assert.match(reports[0], /commit-\d+\.conf: skipped: not a revision file/);
  assert.match(reports[1], /skipped: checksum mismatch/);

  // Every file unreadable: the factory configuration, said in one more line.
  for (const f of revisionFiles(dir)) fs.writeFileSync(path.join(dir, 'rollbacks', f), '');
  const all: string[] = [];
  assert.equal(await committedHostName(dir, all), 'factory');
  assert.match(all[all.length - 1], /no readable configuration revision; starting from the factory configuration/);
  // And commits go on from there, surviving a restart.
  await commitHostNames(dir, ['after']);
  assert.equal(await committedHostName(dir), 'after');
});

test('the former config-history.json is migrated; a bad entry in it (one that would stop the device from starting) is skipped', async () => {
  const dir = tempDir();
  const legacy = {
    format: 'nc-grpc-device config history 1',
    revisions: [
      { user: 'lab', time: 3000, client: 'netconf', config: 'configuration {\n    system {\n        host-name doubled;\n    }\n}\n' },
      { user: 'lab', time: 2000, client: 'netconf', log: 'good one', config: 'system {\n    host-name good;\n}\n' },
      { user: 'root', time: 1000, client: 'other', config: 'system {\n    host-name first;\n}\n' },
    ],
  };
  fs.writeFileSync(path.join(dir, 'config-history.json'), JSON.stringify(legacy), { mode: 0o644 });
  fs.chmodSync(path.join(dir, 'config-history.json'), 0o644);
  const reports: string[] = [];
  const ds = await createConfigDatastore({ stateDir: dir, initialConfig: INITIAL, report: (l) => reports.push(l) });
  assert.deepEqual(
    ds.history().map((h) => [h.user, h.time, h.log]),
    [
      ['lab', 2000, 'good one'],
      ['root', 1000, undefined],
    ],
  );
  assert.match(ds.openSession(1, 'x').getConfiguration({ database: 'committed', format: 'set' }), /host-name good/);
  await ds.close();
  assert.equal(reports.length, 1);
  assert.match(reports[0], /config-history\.json: rollback 0: skipped: syntax error: configuration at \[edit\]/);
  assert.ok(!fs.existsSync(path.join(dir, 'config-history.json')));
  assert.equal(mode(path.join(dir, 'config-history.json.migrated')), 0o600);
  assert.equal(revisionFiles(dir).length, 2);
  const again: string[] = [];
  assert.equal(await committedHostName(dir, again), 'good');
  assert.deepEqual(again, []);
});

test('ncclient\'s doubled <configuration> is read as the inner one; what cannot be written back is refused, not committed', async () => {
  const dir = tempDir();
  const ds = await createConfigDatastore({ stateDir: dir, initialConfig: INITIAL });
  const s = ds.openSession(1, 'lab');
  const xml = (x: string) => parseXml(x);
  s.load({ action: 'merge', format: 'xml', xml: xml('<configuration><configuration><system><host-name>from-ncclient</host-name></system></configuration></configuration>') });
  await s.commit({}).saved;
  assert.match(s.getConfiguration({ database: 'committed', format: 'set' }), /^set system host-name from-ncclient$/m);

  const refused = (f: () => unknown): RpcError => {
    try {
      f();
    } catch (e) {
      if (e instanceof RpcError) return e;
      throw e;
    }
    return assert.fail('expected an rpc-error');
  };
  // A `configuration` statement among others, unknown top-level statements, names that are
  // not words, annotations that close early: syntax errors at load.
  for (const bad of [
    () => s.load({ action: 'merge', format: 'xml', xml: xml('<configuration><configuration/><system><host-name>x</host-name></system></configuration>') }),
    () => s.load({ action: 'merge', format: 'xml', xml: xml('<configuration><nonsense/></configuration>') }),
    () => s.load({ action: 'merge', format: 'json', text: '{"configuration":{"configuration":{"system":{"host-name":"x"}}}}' }),
    () => s.load({ action: 'merge', format: 'json', text: '{"configuration":{"system":{"a b":"1"}}}' }),
    () => s.load({ action: 'merge', format: 'json', text: '{"configuration":{"system":{"@":{"comment":"/* a */ b */"},"host-name":"x"}}}' }),
  ]) {
    assert.match(refused(bad).info.message, /^syntax error/);
  }
  // A statement name only the set parser lets through (a quoted word) fails the commit.
  s.applyCliLine('set system "two words" x');
  const e = refused(() => s.commit({}));
  assert.match(e.info.message, /two words.*commit refused/);
  s.discardChanges();
  assert.equal(ds.history().length, 2);
  await ds.close();
  assert.equal(await committedHostName(dir), 'from-ncclient');
});
