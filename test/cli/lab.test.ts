/**
 * Lab commands as users run them: a lab file (YAML) with a mixed fleet dialling the reference
 * NMS and SSH faces; create, start (in the background), list (one table), cli and netconf to
 * a device by name, inventory, stop, destroy (state too).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
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

test('lab up FILE with startup configs: one step; credentials, exec, save, Nornir and CSV inventories, ports kept across restarts, cli on a stopped lab exits 1, down', async () => {
  const dir = h.tempDir('ncgd-lab-up-');
  const labsDir = path.join(dir, 'labs');
  const env = { ...process.env, NCGD_LABS_DIR: labsDir };
  const lab = (...args: string[]) => run(process.execPath, [MAIN_JS, 'lab', ...args], { env, timeout: 90_000 });
  writeFileSync(path.join(dir, 'base.set'), 'set system location building lab-b1\nset system ntp server 192.0.2.123\n');
  writeFileSync(path.join(dir, 'r2.conf'), 'system {\n    domain-name r2.example.net;\n}\n');
  const file = path.join(dir, 'pair.yaml');
  writeFileSync(file, ['name: pair', 'devices: 2', 'hostname: r', 'nms: none', 'ssh: { port: 0 }', 'metrics: 0', 'configs:', '  all: base.set', '  r-2: r2.conf', ''].join('\n'));

  const up = await lab('up', file);
  const labDir = path.join(labsDir, 'pair');
  const pid = () => Number(readFileSync(path.join(labDir, 'pid'), 'utf8'));
  const first = pid();
  h.defer(() => {
    for (const p of [first, Number(existsSync(path.join(labDir, 'pid')) ? pid() : 0)]) if (p && pidAlive(p)) process.kill(p, 'SIGKILL');
  });
  assert.match(up.stdout, /lab pair started: pid \d+, 2 devices, .*startup configuration committed on 2 devices/);
  assert.match(up.stdout, /^pair\s+r-1\s+1\s+mx\s+.*\s+up\s+127\.0\.0\.1:\d+$/m, 'up prints the lab table');
  const pageUrl = /lab pair page: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(up.stdout)?.[1];
  assert.ok(pageUrl, up.stdout);
  const fetchText = (url: string) =>
    new Promise<string>((resolve, reject) => {
      http.get(url, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
  assert.match(await fetchText(pageUrl), /<title>nc-grpc-device<\/title>/);
  assert.equal((JSON.parse(await fetchText(`${pageUrl}ui/state`)) as { ssh: { faces: number } }).ssh.faces, 2);

  // The random password can be shown; the inventory says where it is, or carries it when asked.
  const creds = (await lab('credentials', 'pair')).stdout.trim().split('\n');
  assert.equal(creds.length, 1);
  assert.match(creds[0], /^lab:\S{8,}$/);
  const yaml = (await lab('inventory', 'pair')).stdout;
  assert.match(yaml, /^# password of lab: nc-grpc-device lab credentials pair/);
  assert.doesNotMatch(yaml, /ansible_password/);
  const withPassword = (await lab('inventory', 'pair', '--format', 'ansible-ini', '--with-password')).stdout;
  assert.ok(withPassword.includes(`ansible_password=${creds[0].slice(4)}`), withPassword);
  const nornir = (await lab('inventory', 'pair', '--format', 'nornir')).stdout;
  assert.match(nornir, /^"r-1":\n {2}hostname: "127\.0\.0\.1"\n {2}port: \d+\n {2}username: "lab"\n {2}platform: junos\n/m);
  const csv = (await lab('inventory', 'pair', '--format', 'csv')).stdout.trim().split('\n');
  assert.match(csv[1], /^r-1,1,mx,mx960,\S+,,up,127\.0\.0\.1,\d+$/);

  // exec runs on every device; the startup configuration is committed there.
  const ex = await lab('exec', 'pair', 'show', 'configuration', 'system');
  assert.match(ex.stdout, /=== r-1 ===\n[\s\S]*location \{\n\s+building lab-b1;[\s\S]*=== r-2 ===\n[\s\S]*domain-name r2\.example\.net;/);
  assert.doesNotMatch(ex.stdout.split('=== r-2 ===')[0], /domain-name/, 'r-1 did not get r-2 file');

  const saveDir = path.join(dir, 'saved');
  const saved = await lab('save', 'pair', '--out', saveDir);
  assert.match(saved.stdout, /wrote .*r-1\.conf\nwrote .*r-2\.conf/);
  assert.match(readFileSync(path.join(saveDir, 'r-2.conf'), 'utf8'), /domain-name r2\.example\.net;/);
  assert.equal(statSync(path.join(saveDir, 'r-1.conf')).mode & 0o077, 0);

  // Ports stay the same across a stop and a start (port: 0 was pinned at the first start).
  const ports = async () => (JSON.parse((await lab('inventory', 'pair', '--format', 'json')).stdout) as { devices: { ssh: { port: number } }[] }).devices.map((d) => d.ssh.port);
  const before = await ports();
  await lab('stop', 'pair');
  await until(() => !pidAlive(first), 20_000, 'the lab process to end');
  const stopped = await lab('cli', 'pair', 'r-1', 'show', 'version').then(
    () => -1,
    (e: { code?: number; stderr?: string }) => {
      assert.match(e.stderr ?? '', /lab pair is not running/);
      return e.code;
    },
  );
  assert.equal(stopped, 1, 'cli on a stopped lab: a runtime error, not a usage error');
  const again = await lab('start', 'pair');
  assert.doesNotMatch(again.stdout, /startup configuration/, 'the startup configuration is applied once');
  assert.ok(again.stdout.includes(`lab pair page: ${pageUrl}`), 'the page keeps its port');
  assert.deepEqual(await ports(), before);

  assert.match((await lab('down', file)).stdout, /lab pair stopped and removed/);
  assert.ok(!existsSync(labDir));
});
