/**
 * Small things a newcomer notices, as real processes: --help names every shipped profile; an
 * SSH-only device's status shows its SSH face (port, users, sessions) and its "listening" is
 * logged once; a client with one server does not talk of "the next one"; a single device's
 * metrics carry its profile.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Harness, MAIN_JS, REPO_ROOT, until } from '../support/agent-harness.js';
import { openChannel, spawnSshDevice } from '../support/ssh-harness.js';
import { freePort } from '../support/tcp-proxy.js';

const h = new Harness();
after(() => h.cleanup());

function cli(args: string[]) {
  return spawnSync(process.execPath, [MAIN_JS, ...args], { encoding: 'utf8', timeout: 30_000 });
}

test('--help names every shipped profile', () => {
  const help = cli(['--help']);
  assert.equal(help.status, 0, help.stderr);
  const shipped = readdirSync(path.join(REPO_ROOT, 'fixtures/profiles')).filter((n) => !n.includes('.'));
  assert.ok(shipped.length >= 7, shipped.join(' '));
  const profileLine = help.stdout.replace(/\s+/g, ' ');
  for (const p of shipped) assert.match(profileLine, new RegExp(`Device profile: [^\\]]*\\b${p}\\b`), `--help lists ${p}`);
});

test('an SSH-only device: status shows its SSH face, users and sessions; listening is logged once', async () => {
  const state = path.join(h.tempDir('ncgd-ssh-status-'), 'state');
  const metricsPort = await freePort();
  const dev = await spawnSshDevice(h, ['--ssh-user', 'ops:ops-pw', '--state-dir', state, '--metrics-port', String(metricsPort)]);
  let logs = '';
  dev.child.stderr!.on('data', (d) => (logs += d));
  const nc = await openChannel({ host: '127.0.0.1', port: dev.port, username: 'ops', password: 'ops-pw' }, { subsystem: 'netconf' });
  h.defer(() => void nc.conn.end());
  await nc.waitFor((o) => o.includes(']]>]]>'), 10_000);
  const r = cli(['status', '--state-dir', state]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^SSH face on 127\\.0\\.0\\.1:${dev.port} \\(netconf subsystem and cli\\), users ops, 1 session open$`, 'm'));
  assert.match(r.stdout, /no outbound-https client \(no NMS configured\)/);
  assert.doesNotMatch(r.stdout, /ops-pw/);
  const json = JSON.parse(cli(['status', '--state-dir', state, '--json']).stdout) as { ssh: { port: number; users: string[]; sessions: number } };
  assert.deepEqual(json.ssh, { faces: 1, host: '127.0.0.1', port: dev.port, users: ['ops'], sessions: 1 });
  // The page's data on the metrics port shows the SSH face too (no NMS needed).
  const ui = await new Promise<string>((resolve, reject) => {
    http.get(`http://127.0.0.1:${metricsPort}/ui/state`, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  assert.deepEqual((JSON.parse(ui) as { ssh: unknown }).ssh, json.ssh);
  await new Promise((res) => setTimeout(res, 200));
  const all = logs;
  assert.ok((all.match(/listening/g) ?? []).length <= 1, 'nothing more is logged as listening');
});

test('session with no nms listening: one line saying where it looked and how to point it elsewhere', async () => {
  const port = await freePort();
  const r = spawnSync(process.execPath, [MAIN_JS, 'session', '--list'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, NCGD_NMS_OPS: `127.0.0.1:${port}` } });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`cannot reach the NMS operator port 127\\.0\\.0\\.1:${port}: ECONNREFUSED \\(\\$NCGD_NMS_OPS; is \`nc-grpc-device nms\` running\\?`));
});

test('one server down: "trying again in N s" (not "the next one"); metrics carry the profile, never an empty one', async () => {
  const dir = h.tempDir('ncgd-one-server-');
  const certs = spawnSync(process.execPath, [MAIN_JS, 'certs', '--host', '127.0.0.1', '--out', dir], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(certs.status, 0, certs.stderr);
  const [nmsPort, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [MAIN_JS, '--host', '127.0.0.1', '--port', String(nmsPort), '--cert-file', path.join(dir, 'server.crt'), '--device-id', 'solo', '--secret', 's', '--waittime', '7', '--profile', 'srx', '--metrics-port', String(metricsPort), '--log-format', 'json'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  h.defer(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let logs = '';
  child.stderr!.on('data', (d) => (logs += d));
  await until(() => /NMS server is down/.test(logs), 20_000, 'the walk to fail');
  assert.match(logs, /NMS server is down; trying again in 7 s/);
  assert.doesNotMatch(logs, /trying the next one/);
  const metrics = await new Promise<string>((resolve, reject) => {
    http.get(`http://127.0.0.1:${metricsPort}/metrics`, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
  assert.match(metrics, /ncgd_devices\{state="waiting",profile="srx"\} 1|ncgd_devices\{state="probing",profile="srx"\} 1/);
  assert.doesNotMatch(metrics, /profile=""/);
});
