/**
 * The outbound-HTTPS face, built-in device: an NMS session through the reference NMS
 * (`nms` + `session`) recorded by `--record`, then replayed through the same NMS
 * (`replay --to nms:DEVICE-ID@HOST:OPSPORT`): equal; and its shell session recorded as text.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startNms } from '../../src/cli/commands/nms-commands.js';
import { Harness, loopbackPki, testLogger, until } from '../support/agent-harness.js';
import { finished, runCli, transcripts } from './support.js';

const h = new Harness();
after(() => h.cleanup());

test('a NETCONF session through the reference NMS is recorded on the outbound face and replays equal through it; a csh session is recorded as text', async () => {
  const dir = h.tempDir('ncgd-rec-nms-');
  const pem = await loopbackPki();
  writeFileSync(path.join(dir, 'nms.crt'), pem.cert);
  writeFileSync(path.join(dir, 'nms.key'), pem.key, { mode: 0o600 });
  const nms = await startNms({ port: 0, host: '127.0.0.1', cert: path.join(dir, 'nms.crt'), key: path.join(dir, 'nms.key') }, testLogger);
  h.defer(() => nms.stop());
  const secretFile = path.join(dir, 'secret');
  writeFileSync(secretFile, 'nms-rec-secret\n', { mode: 0o600 });
  const rec = path.join(dir, 'rec');
  const { stderr } = h.cli(['--host', '127.0.0.1', '--port', String(nms.port), '--cert-file', path.join(dir, 'nms.crt'), '--device-id', 'nmsrec', '--secret-file', secretFile, '--hostname', 'nms-rec-mx', '--state-dir', path.join(dir, 'st'), '--record', rec, '--log-format', 'json']);
  await until(() => nms.nms.waitingDevices().has('nmsrec'), 30_000, `the device dialling in (${stderr().slice(-300)})`);
  const ops = `127.0.0.1:${nms.opsPort}`;
  const one = await runCli(['session', '-d', 'nmsrec', '--secret-file', secretFile, '--nms-ops', ops, '--rpc', 'get-software-information', '--rpc', 'get-route-engine-information']);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /<host-name>nms-rec-mx<\/host-name>/);
  await until(() => transcripts(rec).length === 1 && finished(transcripts(rec)[0]), 15_000, 'the transcript');
  const file = transcripts(rec)[0];
  const text = readFileSync(file, 'utf8');
  const meta = JSON.parse(text.split('\n')[0]) as Record<string, string>;
  assert.deepEqual([meta.face, meta.kind, meta.device], ['outbound-https', 'netconf', 'nms-rec-mx']);
  assert.match(meta.backend, /built-in NETCONF server/);
  assert.ok(!text.includes('nms-rec-secret'));

  await until(() => nms.nms.waitingDevices().has('nmsrec'), 30_000, 'the device waiting again');
  const r = await runCli(['replay', file, '--to', `nms:nmsrec@${ops}`, '--secret-file', secretFile, '--quiet']);
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /3 replies equal \(recorded = nmsrec through the nms at 127\.0\.0\.1:\d+\)/);

  await until(() => nms.nms.waitingDevices().has('nmsrec'), 30_000, 'the device waiting again');
  const csh = await runCli(['session', '-d', 'nmsrec', '--secret-file', secretFile, '--nms-ops', ops, '--command', 'echo recorded-$((6*7))']);
  assert.equal(csh.code, 0, csh.stderr);
  await until(() => transcripts(rec).length === 3 && transcripts(rec).every(finished), 15_000, 'the csh transcript');
  const shell = transcripts(rec)
    .map((f) => readFileSync(f, 'utf8'))
    .find((t) => t.includes('"kind":"csh"'));
  assert.ok(shell, 'a csh transcript');
  assert.match(shell, /"dir":"in","data":"echo recorded-\$\(\(6\*7\)\)/);
  assert.match(shell, /"dir":"out","data":"[^"]*recorded-42/);
});
