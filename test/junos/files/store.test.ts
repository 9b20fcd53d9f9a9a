/**
 * The device file system on its own (real files in a temporary state directory): device
 * paths never escape, symbolic links are refused, the storage bound holds, the same bytes
 * on two devices are stored once and the blob goes with the last name, cleanup empties
 * /var/tmp, generated files are read-only.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeviceFiles, FileError, devicePath } from '../../../src/junos/files/store.js';

const base = mkdtempSync(path.join(tmpdir(), 'ncgd-files-test-'));
after(() => rmSync(base, { recursive: true, force: true }));

const store = (name: string, capacityBytes = 1 << 20) =>
  new DeviceFiles({ dir: path.join(base, name, 'files'), blobs: path.join(base, 'blobs'), capacityBytes, virtual: () => new Map([['/var/log/messages', 'Dec  5 11:00:00  r1 mgd[1]: hello\n']]) });

test('device paths: normalised, relative to a directory, never above /', () => {
  assert.equal(devicePath('../../../etc/passwd', '/var/home/lab'), '/etc/passwd');
  assert.equal(devicePath('x.tgz', '/var/tmp'), '/var/tmp/x.tgz');
  assert.equal(devicePath('~/a', '/var/home/lab'), '/var/home/lab/a');
  assert.equal(devicePath('/var/tmp/'), '/var/tmp');
  assert.throws(() => devicePath('a\0b'), FileError);
  assert.throws(() => devicePath('a'.repeat(2000)), FileError);
});

test('writes only where Junos lets a user write; generated files are read-only', async () => {
  const f = store('d1');
  await f.write('/var/tmp/a.txt', Buffer.from('hello'));
  assert.equal((await f.read('/var/tmp/a.txt')).toString(), 'hello');
  for (const p of ['/etc/passwd', '/config/juniper.conf', '/var/log/messages', '/x']) {
    await assert.rejects(f.write(p, Buffer.from('x')), (e: FileError) => e.code === 'EACCES', p);
  }
  await assert.rejects(f.remove('/var/log/messages'), (e: FileError) => e.code === 'EACCES');
  assert.match((await f.read('/var/log/messages')).toString(), /hello/);
  assert.deepEqual((await f.list('/var/log')).map((e) => e.name), ['messages']);
  await assert.rejects(f.list('/nope'), (e: FileError) => e.code === 'ENOENT');
});

test('a symbolic link planted in the tree is never followed', async () => {
  const f = store('d2');
  await f.write('/var/tmp/ok', Buffer.from('1'));
  const real = path.join(base, 'd2', 'files', 'var', 'tmp');
  mkdirSync(path.join(base, 'outside'), { recursive: true });
  symlinkSync(path.join(base, 'outside'), path.join(real, 'link'));
  await assert.rejects(f.write('/var/tmp/link/evil', Buffer.from('x')), (e: FileError) => e.code === 'EACCES');
  await assert.rejects(f.stat('/var/tmp/link'), (e: FileError) => e.code === 'EACCES');
  assert.deepEqual(readdirSync(path.join(base, 'outside')), []);
  // The listing leaves it out.
  assert.deepEqual((await f.list('/var/tmp')).map((e) => e.name), ['ok']);
});

test('the storage bound: an announced size, a stream that grows past it, a copy', async () => {
  const f = store('d3', 10_000);
  await assert.rejects(f.writer('/var/tmp/big', 20_000), (e: FileError) => e.code === 'ENOSPC');
  const w = await f.writer('/var/tmp/grow');
  await w.write(Buffer.alloc(6000));
  await assert.rejects(w.write(Buffer.alloc(6000)), (e: FileError) => e.code === 'ENOSPC');
  assert.equal(await f.stat('/var/tmp/grow'), undefined);
  await f.write('/var/tmp/six', Buffer.alloc(6000, 1));
  await assert.rejects(f.copy('/var/tmp/six', '/var/tmp/six2'), (e: FileError) => e.code === 'ENOSPC');
  assert.equal(await f.usage(), 6000);
  // Replacing a file frees the old one's share first.
  await f.write('/var/tmp/six', Buffer.alloc(9000, 2));
  assert.equal(await f.usage(), 9000);
  // No half-written file is left in the blob store.
  assert.deepEqual(readdirSync(path.join(base, 'blobs')).filter((n) => n.startsWith('.incoming')), []);
});

test('the same bytes on two devices are stored once; the blob goes with the last name', async () => {
  const a = store('fa');
  const b = store('fb');
  const image = Buffer.alloc(200_000, 7);
  await a.write('/var/tmp/junos.tgz', image);
  await b.write('/var/tmp/junos.tgz', image);
  await b.copy('/var/tmp/junos.tgz', '/var/tmp/copy.tgz');
  const blobs = () => readdirSync(path.join(base, 'blobs')).filter((n) => /^[0-9a-f]{64}$/.test(n));
  const sha = blobs().find((n) => statSync(path.join(base, 'blobs', n)).size === 200_000)!;
  assert.ok(sha);
  assert.equal(statSync(path.join(base, 'blobs', sha)).nlink, 4);
  assert.equal(await a.checksum('/var/tmp/junos.tgz', 'sha256'), sha);
  await a.remove('/var/tmp/junos.tgz');
  await b.remove('/var/tmp/junos.tgz');
  assert.ok(blobs().includes(sha));
  await b.cleanup(false);
  assert.ok(!blobs().includes(sha), 'the blob went with the last name');
  assert.equal(await b.usage(), 0);
});

test('rename, mkdir, rmdir and cleanup', async () => {
  const f = store('d5');
  await f.mkdir('/var/tmp/dir');
  await f.write('/var/tmp/dir/x', Buffer.from('x'));
  await f.rename('/var/tmp/dir/x', '/var/tmp/y');
  await assert.rejects(f.rmdir('/var/tmp'), (e: FileError) => e.code === 'EACCES');
  await f.rmdir('/var/tmp/dir');
  await assert.rejects(f.rename('/var/tmp/y', '/etc/y'), (e: FileError) => e.code === 'EACCES');
  assert.deepEqual((await f.cleanup(true)).map((e) => e.path), ['/var/tmp/y']);
  assert.ok(await f.stat('/var/tmp/y'));
  await f.cleanup(false);
  assert.equal(await f.stat('/var/tmp/y'), undefined);
});
