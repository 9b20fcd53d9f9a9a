/**
 * Live reload of a --config file (SIGHUP and file change), asserted at the NMS: which changes
 * restart a client (its sessions get the stop message, a new Initialize arrives) and which
 * apply live (nothing dropped); a bad file is refused and the running configuration stays.
 * Also: no secret ever appears in the device's logs.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { ReferenceNms } from '../../src/nms/server.js';
import { MSG_TERMINATION } from '../../src/outbound/session-bridge.js';
import { Harness, MAIN_JS, loopbackPki, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

interface ClientSpec {
  name: string;
  deviceId: string;
  secret: string;
  waittime?: number;
}

function writeConfig(file: string, certFile: string, port: number, clients: ClientSpec[]): void {
  const json = {
    clients: clients.map((c) => ({
      name: c.name,
      'device-id': c.deviceId,
      secret: c.secret,
      waittime: c.waittime ?? 5,
      'reconnect-strategy': 'in-order',
      servers: [{ address: '127.0.0.1', port, 'trusted-cert-file': certFile }],
    })),
  };
  // Replace atomically, as editors do.
  writeFileSync(file + '.tmp', JSON.stringify(json, null, 2));
  renameSync(file + '.tmp', file);
}

const count = (nms: ReferenceNms, type: string, deviceId: string) => nms.events.filter((e) => e.type === type && e.deviceId === deviceId).length;

test('reload: timers apply live, identity changes restart only that client, bad files are refused', async () => {
  const pem = await loopbackPki();
  const { nms, port } = await h.nms(pem);
  const dir = h.tempDir();
  const certFile = path.join(dir, 'nms.crt');
  writeFileSync(certFile, pem.cert);
  const file = path.join(dir, 'device.json');
  const a: ClientSpec = { name: 'a', deviceId: 'reload-a', secret: 'alpha-secret-123' };
  const b: ClientSpec = { name: 'b', deviceId: 'reload-b', secret: 'bravo-secret-456' };
  writeConfig(file, certFile, port, [a, b]);
  const child = spawn(process.execPath, [MAIN_JS, '--config', file, '--state-dir', dir, '--log-format', 'json', '--log-level', 'debug', '--allow-root-shell'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let logs = '';
  child.stderr!.on('data', (d) => (logs += d));
  h.defer(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  const sa = await nms.requestSession(a.deviceId, a.secret, 'csh', { timeoutMs: 15_000 });
  const sb = await nms.requestSession(b.deviceId, b.secret, 'csh', { timeoutMs: 15_000 });
  await sa.waitFor((o) => o.includes('csh session is started'), 5000);
  await until(() => nms.pendingInitializes(a.deviceId) === 1 && nms.pendingInitializes(b.deviceId) === 1, 10_000, 'pending Initializes');

  // 1. Only waittime changes (file change): nothing is dropped.
  const cancelledA = count(nms, 'initialize-cancelled', a.deviceId);
  writeConfig(file, certFile, port, [{ ...a, waittime: 7 }, b]);
  await until(() => /"updated":\["a"\]/.test(logs), 10_000, 'the reload to be applied');
  assert.equal(count(nms, 'initialize-cancelled', a.deviceId), cancelledA, 'a timer change must not drop the pending Initialize');
  sa.send('echo alive-after-timer-change');
  await sa.waitFor((o) => o.includes('alive-after-timer-change'), 5000);

  // 2. b's secret changes (SIGHUP): b restarts, its session gets the stop message; a is untouched.
  const b2 = { ...b, secret: 'bravo-secret-789' };
  writeConfig(file, certFile, port, [{ ...a, waittime: 7 }, b2]);
  child.kill('SIGHUP');
  await sb.ended;
  assert.ok(sb.output().endsWith(MSG_TERMINATION), sb.output());
  const sb2 = await nms.requestSession(b.deviceId, b2.secret, 'csh', { timeoutMs: 15_000 });
  await sb2.waitFor((o) => o.includes('csh session is started'), 5000);
  sa.send('echo a-survived');
  await sa.waitFor((o) => o.includes('a-survived'), 5000);

  // 3. A broken file is refused; everything keeps running.
  writeFileSync(file, '{"clients": [ this is not json');
  child.kill('SIGHUP');
  await until(() => /configuration rejected/.test(logs), 10_000, 'the rejection to be logged');
  sa.send('echo a-after-bad-file');
  await sa.waitFor((o) => o.includes('a-after-bad-file'), 5000);
  assert.equal(sa.isEnded, false);

  // 4. Client b is removed, client c is added.
  const c: ClientSpec = { name: 'c', deviceId: 'reload-c', secret: 'charlie-secret-000' };
  writeConfig(file, certFile, port, [{ ...a, waittime: 7 }, c]);
  child.kill('SIGHUP');
  await sb2.ended;
  assert.ok(sb2.output().endsWith(MSG_TERMINATION));
  const sc = await nms.requestSession(c.deviceId, c.secret, 'csh', { timeoutMs: 15_000 });
  await sc.waitFor((o) => o.includes('csh session is started'), 5000);

  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;
  for (const secret of [a.secret, b.secret, b2.secret, c.secret]) {
    assert.ok(!logs.includes(secret), `the logs contain the secret ${secret}`);
  }
  assert.ok(logs.length > 0, 'the device logged');
});
