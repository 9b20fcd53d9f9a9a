/**
 * Status and logs of a running device process during a live session: `nc-grpc-device status`
 * through the control socket, Prometheus metrics, the log file; no secret anywhere. Also:
 * an unreachable NMS is logged once, not at every walk.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Harness, MAIN_JS, loopbackPki, until } from '../support/agent-harness.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const h = new Harness();
after(() => h.cleanup());

const SECRET = 'status-secret-4242';

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

test('status, metrics and the log file during a live session; no secret in any of them', async () => {
  const pem = await loopbackPki();
  const { nms, port } = await h.nms(pem);
  const dir = h.tempDir();
  const certFile = path.join(dir, 'nms.crt');
  writeFileSync(certFile, pem.cert);
  const control = path.join(dir, 'control.sock');
  const logFile = path.join(dir, 'outbound_https.log');
  const child = spawn(
    process.execPath,
    [MAIN_JS, '--host', '127.0.0.1', '--port', String(port), '--cert-file', certFile, '--device-id', 'status-dev', '--secret', SECRET, '--state-dir', dir, '--control', control, '--metrics-port', '0', '--log-file', logFile, '--log-format', 'json', '--allow-root-shell'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let logs = '';
  child.stderr!.on('data', (d) => (logs += d));
  h.defer(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const s = await nms.requestSession('status-dev', SECRET, 'csh', { timeoutMs: 15_000 });
  await s.waitFor((o) => o.includes('csh session is started'), 5000);
  await until(() => /metrics at/.test(logs), 10_000, 'the metrics port in the log');
  const metricsPort = JSON.parse(logs.split('\n').find((l) => l.includes('metrics at'))!).port as number;

  const json = spawnSync(process.execPath, [MAIN_JS, 'status', '--control', control, '--json'], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(json.status, 0, json.stderr);
  const status = JSON.parse(json.stdout);
  assert.equal(status.clients.length, 1);
  assert.equal(status.clients[0].deviceId, 'status-dev');
  assert.equal(status.clients[0].state, 'connected');
  assert.equal(status.clients[0].server, `127.0.0.1:${port}`);
  assert.deepEqual(status.clients[0].sessions, { netconf: 0, csh: 1 });

  const table = spawnSync(process.execPath, [MAIN_JS, 'status', '--control', control], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /status-dev/);
  assert.match(table.stdout, /connected/);

  const metrics = await get(`http://127.0.0.1:${metricsPort}/metrics`);
  assert.match(metrics, /ncgd_sessions_open\{[^}]*type="csh"[^}]*\} 1/);
  assert.match(metrics, /ncgd_client_connected\{[^}]*device_id="status-dev"[^}]*\} 1/);

  await s.close();
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;
  const fileLogs = readFileSync(logFile, 'utf8');
  assert.match(fileLogs, /session started/);
  for (const text of [logs, fileLogs, json.stdout, table.stdout, metrics]) assert.ok(!text.includes(SECRET), 'a secret leaked');
});

test('an unreachable NMS is retried per waittime and logged once, not at every walk', async () => {
  const refuser = new TcpProxy(undefined);
  await refuser.start();
  h.defer(() => refuser.close());
  const pem = await loopbackPki();
  const dir = h.tempDir();
  writeFileSync(path.join(dir, 'nms.crt'), pem.cert);
  const child = spawn(
    process.execPath,
    [MAIN_JS, '--host', '127.0.0.1', '--port', String(refuser.port), '--cert-file', path.join(dir, 'nms.crt'), '--device-id', 'down', '--secret', SECRET, '--waittime', '1', '--state-dir', dir, '--log-format', 'json'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let logs = '';
  child.stderr!.on('data', (d) => (logs += d));
  h.defer(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const walks = () => refuser.attempts.filter((t, i, all) => i === 0 || t - all[i - 1] > 300).length;
  await until(() => walks() >= 3, 15_000, 'three walks');
  const downLines = logs.split('\n').filter((l) => l.includes('NMS server is down'));
  assert.equal(downLines.length, 1, `logged ${downLines.length} times`);
  child.kill('SIGTERM');
});
