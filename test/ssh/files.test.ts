/**
 * The device's file system over the SSH face of a device process, with real clients: the
 * ssh2 SFTP client and OpenSSH's sftp and scp (classic -O and SFTP mode) when installed.
 * Uploads land, download the same bytes, checksum over NETCONF agrees; escapes, read-only
 * places, a planted symbolic link and a file past the storage are refused.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { SFTPWrapper } from 'ssh2';
import { Harness, REPO_ROOT } from '../support/agent-harness.js';
import { connect, openChannel, spawnSshDevice } from '../support/ssh-harness.js';
import { EOM } from '../support/outbound-device.js';

const h = new Harness();
after(() => h.cleanup());

async function nc(port: number, body: string): Promise<string> {
  const ch = await openChannel({ host: '127.0.0.1', port, username: 'lab', password: 'lab123' }, { subsystem: 'netconf' });
  await ch.waitFor((o) => o.includes(EOM), 10_000);
  ch.channel.write(`<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>${EOM}<rpc message-id="1">${body}</rpc>${EOM}`);
  const out = await ch.waitFor((o) => o.split(EOM).length > 2, 15_000);
  ch.conn.end();
  return out.split(EOM)[1];
}

const call = <T>(f: (cb: (err: Error | null | undefined, v?: T) => void) => void) =>
  new Promise<T>((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v as T))));

test('SFTP and scp on the SSH face: within the device, bounded, no symbolic links', async () => {
  // A profile with 1 MiB of storage, so the bound can be reached.
  const profile = path.join(h.tempDir(), 'small-mx');
  cpSync(path.join(REPO_ROOT, 'fixtures/profiles/mx'), profile, { recursive: true });
  const pj = JSON.parse(readFileSync(path.join(profile, 'profile.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(profile, 'profile.json'), JSON.stringify({ ...pj, storageMB: 1 }));
  const dir = h.tempDir();
  const work = h.tempDir();
  const keyFile = path.join(work, 'key');
  const haveOpenSsh = existsSync('/usr/bin/scp') && existsSync('/usr/bin/sftp') && spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]).status === 0;
  const args = ['--ssh-user', 'lab:lab123', '--profile', profile, '--state-dir', dir, ...(haveOpenSsh ? ['--ssh-authorized-keys', `${keyFile}.pub`] : [])];
  const { port } = await spawnSshDevice(h, args);

  const conn = await connect({ host: '127.0.0.1', port, username: 'lab', password: 'lab123' });
  try {
    const sftp = await call<SFTPWrapper>((cb) => conn.sftp(cb));
    assert.equal(await call<string>((cb) => sftp.realpath('.', cb)), '/var/home/lab');
    const data = randomBytes(200_000);
    const local = path.join(work, 'img.tgz');
    writeFileSync(local, data);
    await call((cb) => sftp.fastPut(local, '/var/tmp/img.tgz', cb));
    const back = path.join(work, 'back.tgz');
    await call((cb) => sftp.fastGet('/var/tmp/img.tgz', back, cb));
    assert.ok(readFileSync(back).equals(data));
    const md5 = createHash('md5').update(data).digest('hex');
    assert.match(await nc(port, '<get-checksum-information><path>/var/tmp/img.tgz</path></get-checksum-information>'), new RegExp(`<checksum>${md5}</checksum>`));
    const names = (await call<{ filename: string }[]>((cb) => sftp.readdir('/var/log', cb))).map((e) => e.filename);
    assert.deepEqual(names, ['messages']);
    const code = (e: unknown) => (e as { code?: number }).code;
    const { STATUS_CODE } = ssh2.utils.sftp;
    for (const p of ['../../../../etc/evil', '/config/evil', '/var/log/messages']) {
      await assert.rejects(call((cb) => sftp.writeFile(p, 'x', cb)), (e) => code(e) === STATUS_CODE.PERMISSION_DENIED, p);
    }
    assert.ok(!existsSync('/etc/evil'));
    // Past the storage (1 MiB, 200 kB used).
    const big = path.join(work, 'big.bin');
    writeFileSync(big, randomBytes(900_000));
    await assert.rejects(call((cb) => sftp.fastPut(big, '/var/tmp/big.bin', cb)), /No space left on device/);
    assert.doesNotMatch(await nc(port, '<file-list><path>/var/tmp</path></file-list>'), /big\.bin/);
    // A symbolic link planted in the state directory is refused, not followed.
    mkdirSync(path.join(work, 'outside'));
    symlinkSync(path.join(work, 'outside'), path.join(dir, 'files', 'var', 'tmp', 'out'));
    await assert.rejects(call((cb) => sftp.writeFile('/var/tmp/out/x', 'x', cb)), (e) => code(e) === STATUS_CODE.PERMISSION_DENIED);
    assert.ok(!existsSync(path.join(work, 'outside', 'x')));
    await call((cb) => sftp.unlink('/var/tmp/img.tgz', cb));
  } finally {
    conn.end();
  }

  if (haveOpenSsh) {
    const o = ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-i', keyFile, '-P', String(port)];
    const small = path.join(work, 'small.bin');
    writeFileSync(small, randomBytes(50_000));
    for (const mode of [['-O'], []]) {
      const up = spawnSync('scp', [...mode, ...o, small, `lab@127.0.0.1:/var/tmp/s${mode.length}.bin`], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(up.status, 0, `scp ${mode.join(' ')}: ${up.stderr}`);
      const down = path.join(work, `d${mode.length}.bin`);
      const get = spawnSync('scp', [...mode, ...o, `lab@127.0.0.1:/var/tmp/s${mode.length}.bin`, down], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(get.status, 0, get.stderr);
      assert.ok(readFileSync(down).equals(readFileSync(small)));
    }
    const escape = spawnSync('scp', ['-O', ...o, small, 'lab@127.0.0.1:/etc/x'], { encoding: 'utf8', timeout: 30_000 });
    assert.notEqual(escape.status, 0);
    assert.match(escape.stderr, /Permission denied/);
    const batch = path.join(work, 'batch');
    writeFileSync(batch, 'cd /var/tmp\nls\n');
    const ls = spawnSync('sftp', ['-b', batch, ...o.map((a) => (a === '-P' ? '-P' : a)), 'lab@127.0.0.1'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(ls.status, 0, ls.stderr);
    assert.match(ls.stdout, /s0\.bin/);
    // The same bytes under two names: stored once.
    assert.match(await nc(port, '<file-list><path>/var/tmp</path></file-list>'), /s1\.bin/);
    const { readdirSync, statSync } = await import('node:fs');
    assert.equal(readdirSync(path.join(dir, 'blobs')).filter((n) => statSync(path.join(dir, 'blobs', n)).size === 50_000).length, 1);
  }
});
