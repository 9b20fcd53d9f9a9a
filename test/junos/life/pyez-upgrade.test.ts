/**
 * A software upgrade as NMS automation runs it, with real PyEZ against a device process on
 * every shipped profile (one mixed fleet, an SSH face each; the dual-RE ones too):
 * SW.install() (storage cleanup, SCP of the package, MD5 checksum, package add),
 * SW.reboot(), reconnect, and facts['version'] is the package's release. The same image on
 * every device is stored once; a package for another platform and a truncated one are
 * refused with Junos's wording; a restarted process keeps the upgraded release.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { Harness, until } from '../../support/agent-harness.js';
import { pythonClients, runClient } from '../../support/python-clients.js';
import { openChannel } from '../../support/ssh-harness.js';
import { EOM } from '../../support/outbound-device.js';

const skip = (await pythonClients()) ?? false;
const h = new Harness();
after(() => h.cleanup());

const PACKAGES: Record<string, string> = {
  mx: 'junos-install-mx-x86-64-22.4R3.25.tgz',
  mx10003: 'junos-install-mx-x86-64-22.4R3.25.tgz',
  ex: 'junos-install-ex-x86-64-22.4R3.25.tgz',
  ex9208: 'junos-install-ex-x86-64-22.4R3.25.tgz',
  qfx: 'jinstall-host-qfx-5e-x86-64-22.4R3.25-secure-signed.tgz',
  srx: 'junos-srxsme-22.4R3.25.tgz',
  srx4100: 'junos-srxentedge-x86-64-22.4R3.25.tgz',
};

interface Upgrade {
  before: string;
  after?: string;
  multi_re: boolean;
  install: boolean;
  bad_install?: boolean;
  pending_version: string;
  reboot: string;
  reboot_reason?: string;
  reconnect_error?: string;
}

async function rpcOver(port: number, body: string): Promise<string> {
  const ch = await openChannel({ host: '127.0.0.1', port, username: 'lab', password: 'lab123' }, { subsystem: 'netconf' });
  await ch.waitFor((o) => o.includes(EOM), 10_000);
  ch.channel.write(`<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>${EOM}<rpc message-id="1">${body}</rpc>${EOM}`);
  const out = await ch.waitFor((o) => o.split(EOM).length > 2, 15_000);
  ch.conn.end();
  return out.split(EOM)[1];
}

test('PyEZ SW.install() + SW.reboot() upgrades every profile; the image is stored once; bad packages are refused', { skip, timeout: 600_000 }, async () => {
  const dir = h.tempDir();
  const work = h.tempDir();
  const image = gzipSync(randomBytes(300_000));
  for (const name of new Set(Object.values(PACKAGES))) writeFileSync(path.join(work, name), image);
  const wrong = path.join(work, 'junos-install-ptx-x86-64-22.4R3.25.tgz');
  writeFileSync(wrong, image);
  const truncated = path.join(work, 'trunc', PACKAGES.mx);
  (await import('node:fs')).mkdirSync(path.dirname(truncated));
  writeFileSync(truncated, image.subarray(0, image.length - 1000));
  const profiles = Object.keys(PACKAGES);
  const args = ['--ssh-port', '0', '--ssh-user', 'lab:lab123', '--devices', profiles.map((p) => `${p}:1`).join(','), '--state-dir', dir, '--boot-time', '1', '--log-format', 'json', '--log-level', 'debug'];
  let proc = h.cli(args);
  await until(() => /SSH faces listening/.test(proc.stderr()), 30_000, 'the fleet');
  const ports = [...proc.stderr().matchAll(/"port":(\d+),"fingerprint"[^\n]*"msg":"ssh face listening"/g)].map((m) => Number(m[1]));
  assert.equal(ports.length, profiles.length);

  for (const [k, profile] of profiles.entries()) {
    const extra = profile === 'mx' ? [wrong] : profile === 'srx' ? [truncated] : [];
    const r = await runClient<Upgrade>('pyez_upgrade.py', [String(ports[k]), 'lab', 'lab123', path.join(work, PACKAGES[profile]), ...extra], 180_000);
    assert.equal(r.reconnect_error, undefined, `${profile}: ${r.reconnect_error}`);
    assert.match(r.before, /^21\.4R3/, profile);
    assert.equal(r.install, true, profile);
    assert.equal(r.pending_version, r.before, `${profile}: the new release waits for the reboot`);
    assert.match(r.reboot, /Shutdown NOW!/, profile);
    assert.equal(r.after, '22.4R3.25', profile);
    assert.equal(r.multi_re, ['mx', 'mx10003', 'ex9208'].includes(profile), profile);
    if (extra.length) assert.equal(r.bad_install, false, `${profile}: the bad package`);
  }
  // Junos's wording for the refused ones, and the text of show version.
  const dev1 = ports[0];
  assert.match(await rpcOver(dev1, '<command format="text">show version</command>'), /Junos: 22\.4R3\.25/);
  assert.match(await rpcOver(dev1, '<request-package-add><package-name>/var/tmp/nope-22.4R1.1.tgz</package-name></request-package-add>'), /error: File does not exist: \/var\/tmp\/nope-22\.4R1\.1\.tgz[\s\S]*<package-result>1<\/package-result>/);
  // One blob for the image, however many devices hold it.
  const blobs = readdirSync(path.join(dir, 'blobs')).filter((n) => statSync(path.join(dir, 'blobs', n)).size === image.length);
  assert.equal(blobs.length, 1);
  assert.equal(statSync(path.join(dir, 'blobs', blobs[0])).nlink, 1 + profiles.length);

  // A restarted emulator keeps the release each device was upgraded to.
  proc.child.kill('SIGTERM');
  await proc.exited;
  proc = h.cli(args);
  await until(() => /SSH faces listening/.test(proc.stderr()), 30_000, 'the fleet again').catch((e: Error) => {
    throw new Error(`${e.message}: ${proc.stderr().slice(-1500)}`);
  });
  const port = Number(/"device":1,"host":"127\.0\.0\.1","port":(\d+)/.exec(proc.stderr())![1]);
  assert.match(await rpcOver(port, '<get-software-information/>'), /<junos-version>22\.4R3\.25<\/junos-version>/);
  // And rolls back to the release before, at the next boot.
  assert.match(await rpcOver(port, '<request-package-rollback/>'), /Junos version '21\.4R3\.15' will become active at next reboot/);
});
