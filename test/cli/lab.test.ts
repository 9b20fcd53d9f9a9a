/**
 * Lab commands as users run them: a lab file (YAML) with a mixed fleet dialling the reference
 * NMS and SSH faces; create, start (in the background), list (one table), cli and netconf to
 * a device by name, inventory, stop, destroy (state too).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Harness, MAIN_JS, until, pidAlive } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());
const run = promisify(execFile);

test('a lab: create from YAML, start in the background, list, cli and netconf by device name, inventory, stop, destroy', async () => {
  const { nms, port, dir, certFile } = await h.nmsWithCertFile();
  const labsDir = path.join(dir, 'labs');
  const env = { ...process.env, NCGD_LABS_DIR: labsDir };
  const lab = (...args: string[]) => run(process.execPath, [MAIN_JS, 'lab', ...args], { env, timeout: 60_000 });
  const file = path.join(dir, 'edge.yaml');
  writeFileSync(
    file,
    ['name: edge', 'devices: { mx: 1, srx: 1 }', 'hostname: edge', 'nms:', '  host: 127.0.0.1', `  port: ${port}`, '  cert-file: nms.crt', '  device-id: edge-{n}', '  secret: lab-secret', 'ssh: { port: 0 }', 'users: ["ops:ops-pass"]', ''].join('\n'),
  );
  assert.equal(path.dirname(certFile), dir, 'the cert file is taken relative to the lab file');
  await lab('create', file);
  const labDir = path.join(labsDir, 'edge');
  assert.equal(statSync(labDir).mode & 0o777, 0o700);
  assert.doesNotMatch(readFileSync(path.join(labDir, 'lab.json'), 'utf8'), /lab-secret|ops-pass/, 'lab.json holds no secret');
  await assert.rejects(lab('create', file), /lab edge exists already/);

  const started = await lab('start', 'edge');
  assert.match(started.stdout, /lab edge started: pid \d+, 2 devices/);
  const pid = Number(readFileSync(path.join(labDir, 'pid'), 'utf8'));
  h.defer(() => {
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  await until(() => nms.waitingDevices().size === 2, 30_000, 'both lab devices dialled in');
  assert.deepEqual([...nms.waitingDevices().keys()].sort(), ['edge-1', 'edge-2']);

  const list = (await lab('list')).stdout.trim().split('\n');
  assert.match(list[0], /^LAB\s+DEVICE\s+N\s+PROFILE\s+MODEL\s+SERIAL\s+DEVICE-ID\s+STATE\s+SSH$/);
  assert.equal(list.length, 3);
  assert.match(list[1], /^edge\s+edge-1\s+1\s+mx\s+mx960\s+\S+\s+edge-1\s+connected\s+127\.0\.0\.1:\d+$/);
  assert.match(list[2], /^edge\s+edge-2\s+2\s+srx\s+srx345\s+\S+\s+edge-2\s+connected\s+127\.0\.0\.1:\d+$/);

  const cli = await lab('cli', 'edge', 'edge-2', 'show', 'version');
  assert.match(cli.stdout, /Hostname: edge-2/);
  assert.match(cli.stdout, /Model: srx345/);

  // NETCONF on stdin/stdout, by device number
  const nc = spawn(process.execPath, [MAIN_JS, 'lab', 'netconf', 'edge', '1'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  nc.stdout.on('data', (d) => (out += d));
  const ncExit = new Promise<number | null>((r) => nc.on('exit', (c) => r(c)));
  await until(() => out.includes(']]>]]>'), 20_000, 'the hello');
  nc.stdin.write('<rpc><get-software-information/></rpc>]]>]]><rpc><close-session/></rpc>]]>]]>');
  assert.equal(await ncExit, 0);
  assert.match(out, /<host-name>edge-1<\/host-name>/);

  const inv = await lab('inventory', 'edge', '--format', 'json');
  const parsed = JSON.parse(inv.stdout) as { devices: { hostname: string; ssh: { port: number } }[] };
  assert.deepEqual(parsed.devices.map((d) => d.hostname), ['edge-1', 'edge-2']);

  assert.match((await lab('stop', 'edge')).stdout, /lab edge stopped/);
  await until(() => !pidAlive(pid), 20_000, 'the lab process to end');
  assert.match((await lab('status', 'edge')).stdout, /edge-2\s+2\s+srx\s+srx345\s+-\s+-\s+stopped/);
  await assert.rejects(lab('cli', 'edge', 'edge-1', 'show', 'version'), /lab edge is not running/);

  await lab('destroy', 'edge');
  assert.ok(!existsSync(labDir), 'destroy removes the lab and its state');
  assert.match((await lab('list')).stdout, /no labs in/);
});
