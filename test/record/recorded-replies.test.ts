/**
 * A profile's recordings/ (transcripts written by --record) answer the operational requests
 * they hold with the recorded reply body, before templates and built-in handlers; other
 * requests, and configuration operations, are answered live.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EmulatedDevice } from '../../src/junos/device.js';
import { shippedProfilesDir } from '../../src/junos/identity/profile.js';
import { Recorder } from '../../src/record/recorder.js';
import { NetconfPeer } from '../../src/record/netconf-peer.js';
import { CLIENT_HELLO } from '../../src/netconf/framing.js';
import type { ByteSession } from '../../src/session/byte-session.js';
import { Harness, MAIN_JS, until } from '../support/agent-harness.js';
import { finished, runCli, transcripts } from './support.js';

const h = new Harness();
after(() => h.cleanup());

async function ask(session: ByteSession, rpcs: string[]): Promise<string[]> {
  const peer = new NetconfPeer(session);
  peer.send(CLIENT_HELLO);
  await peer.next(10_000);
  const out: string[] = [];
  for (const r of rpcs) out.push(await peer.rpc(`<rpc>${r}</rpc>`, 10_000));
  peer.close();
  return out;
}

test('recorded replies in a profile answer the same requests byte for byte; other requests and configuration reads stay live', async () => {
  const dir = h.tempDir('ncgd-recorded-');
  const field = await EmulatedDevice.create({ profile: 'mx', hostname: 'field-box' });
  h.defer(() => field.close());
  const rec = path.join(dir, 'rec');
  const recorder = new Recorder({ dir: rec });
  const [version, inventory] = await ask(recorder.wrap(field.openNetconf({ user: 'lab' }), { face: 'ssh', kind: 'netconf', device: 'field-box' }), [
    '<get-software-information/>',
    '<get-chassis-inventory><detail/></get-chassis-inventory>',
    '<get-configuration database="committed"><configuration><system><host-name/></system></configuration></get-configuration>',
  ]);
  await until(() => transcripts(rec).length === 1 && finished(transcripts(rec)[0]), 5000, 'the transcript');

  const profile = path.join(dir, 'field-mx');
  cpSync(path.join(shippedProfilesDir(), 'mx'), profile, { recursive: true });
  mkdirSync(path.join(profile, 'recordings'));
  renameSync(transcripts(rec)[0], path.join(profile, 'recordings', readdirSync(rec)[0]));
  const copy = await EmulatedDevice.create({ profile, hostname: 'lab-copy' });
  h.defer(() => copy.close());
  const [v2, inv2, invPlain, conf2] = await ask(copy.openNetconf({ user: 'lab' }), [
    // Whitespace and namespace declarations do not change the request.
    '<get-software-information xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">\n</get-software-information>',
    '<get-chassis-inventory>\n  <detail/>\n</get-chassis-inventory>',
    '<get-chassis-inventory/>',
    '<get-configuration database="committed"><configuration><system><host-name/></system></configuration></get-configuration>',
  ]);
  const body = (r: string) => r.replace(/^<rpc-reply[^>]*>/, '').replace(/<\/rpc-reply>$/, '');
  assert.equal(body(v2), body(version), 'the recorded reply, as it was');
  assert.match(v2, /<host-name>field-box<\/host-name>/);
  assert.equal(body(inv2), body(inventory));
  assert.doesNotMatch(invPlain, /field-box/, 'a request that was not recorded is answered live');
  assert.notEqual(body(invPlain), body(inventory));
  assert.match(conf2, /<host-name>lab-copy<\/host-name>/, 'configuration reads are always live');
});

test('a base:1.1 session (chunked framing) is recorded as decoded messages and replays equal', async () => {
  const dir = h.tempDir('ncgd-rec-11-');
  const profile = path.join(dir, 'mx11');
  cpSync(path.join(shippedProfilesDir(), 'mx'), profile, { recursive: true });
  const pj = JSON.parse(readFileSync(path.join(profile, 'profile.json'), 'utf8')) as { capabilities: string[] };
  pj.capabilities.splice(1, 0, 'urn:ietf:params:netconf:base:1.1');
  writeFileSync(path.join(profile, 'profile.json'), JSON.stringify(pj));
  const device = await EmulatedDevice.create({ profile, hostname: 'chunky' });
  h.defer(() => device.close());
  const rec = path.join(dir, 'rec');
  const recorder = new Recorder({ dir: rec });
  const peer = new NetconfPeer(recorder.wrap(device.openNetconf({ user: 'lab' }), { face: 'ssh', kind: 'netconf', device: 'chunky' }));
  peer.send('<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>');
  await peer.next(10_000);
  const reply = await peer.rpc('<rpc message-id="1"><get-software-information/></rpc>', 10_000);
  assert.match(reply, /<host-name>chunky<\/host-name>/);
  await peer.rpc('<rpc message-id="2"><close-session/></rpc>', 10_000);
  await until(() => transcripts(rec).length === 1 && finished(transcripts(rec)[0]), 5000, 'the transcript');
  const lines = readFileSync(transcripts(rec)[0], 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { dir?: string; msg?: string; type?: string });
  assert.ok(!lines.some((l) => l.type === 'framing-error'), 'the chunked messages decoded');
  assert.ok(lines.some((l) => l.dir === 'in' && l.msg === '<rpc message-id="1"><get-software-information/></rpc>'));
  assert.ok(lines.some((l) => l.dir === 'out' && /^<rpc-reply[^>]*message-id="1"[\s\S]*<host-name>chunky<\/host-name>[\s\S]*<\/rpc-reply>$/.test(l.msg ?? '')));
  const r = await runCli(['replay', transcripts(rec)[0], '--to', `exec:${process.execPath} ${MAIN_JS} netconf --profile ${profile} --hostname chunky --user lab`, '--quiet']);
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /3 replies equal/);
});
