/**
 * Fleets as users run them (`node dist/src/cli/main.js ...` child processes): a mixed fleet
 * (--devices mx:2,ex:1,srx:1) against the reference NMS, its configuration file without a
 * secret (--secret-file supplies it); SSH fleets on consecutive ports and on an address
 * range, with no NMS; the inventory command's four formats; shards of one fleet as separate
 * processes against one NMS.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ssh2';
import { parse as parseYaml } from 'yaml';
import { Harness, MAIN_JS, until } from '../support/agent-harness.js';
import type { Inventory } from '../../src/status/types.js';

const h = new Harness();
after(() => h.cleanup());
const EOM = ']]>]]>';
const run = promisify(execFile);

function startProcess(args: string[], env: Record<string, string> = {}): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  return h.cli(['--log-format', 'json', ...args], env);
}

async function inventory(stateDir: string, format = 'json'): Promise<string> {
  const { stdout } = await run(process.execPath, [MAIN_JS, 'inventory', '--state-dir', stateDir, '--format', format], { timeout: 20_000 });
  return stdout;
}

/** Waits until the fleet's control socket lists `count` devices. */
async function fleetInventory(stateDir: string, count: number, stderr: () => string): Promise<Inventory> {
  let inv: Inventory | undefined;
  await until(
    async () => {
      try {
        inv = JSON.parse(await inventory(stateDir)) as Inventory;
        return inv.devices.length === count;
      } catch {
        return false;
      }
    },
    30_000,
    `the fleet's inventory (${stderr().slice(-300)})`,
  );
  return inv!;
}

/** Runs one RPC over a device's SSH face (subsystem netconf); returns the reply. */
function sshNetconf(host: string, port: number, rpc: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let out = '';
    const timer = setTimeout(() => {
      conn.end();
      reject(new Error(`timed out at ${host}:${port}; got: ${out.slice(-300)}`));
    }, 20_000);
    conn
      .on('ready', () => {
        conn.subsys('netconf', (err, stream) => {
          if (err) return reject(err);
          let sent = false;
          stream.on('data', (d: Buffer) => {
            out += d.toString();
            if (!sent && out.includes(EOM)) {
              sent = true;
              stream.write(`${rpc}${EOM}`);
            } else if (sent && out.split(EOM).length > 2) {
              clearTimeout(timer);
              conn.end();
              resolve(out.split(EOM)[1]);
            }
          });
        });
      })
      .on('error', reject)
      .connect({ host, port, username: 'lab', password: 'lab123', hostVerifier: () => true });
  });
}

const tag = (xml: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

test('a mixed fleet: --devices mx:2,ex:1,srx:1 dials out as four devices, each its own model, host name and serial; the config file has no secret (--secret-file)', async () => {
  const { nms, port, dir, certFile } = await h.nmsWithCertFile();
  const conf = path.join(dir, 'outbound.conf');
  // No `secret` statement, as in the Kubernetes ConfigMap: --secret-file supplies it.
  const oneLine = readFileSync(certFile, 'utf8').replace(/-----[A-Z ]+-----|\s/g, '');
  writeFileSync(conf, `system { services { outbound-https { client nms { device-id mixed; servers 127.0.0.1 { port ${port}; trusted-cert "${oneLine}"; } } } } }\n`);
  const secretFile = path.join(dir, 'secret');
  writeFileSync(secretFile, 'mixed-secret\n', { mode: 0o600 });
  const stateDir = path.join(dir, 'state');
  const dev = startProcess(['--config', conf, '--secret-file', secretFile, '--devices', 'mx:2,ex:1,srx:1', '--hostname', 'lab', '--state-dir', stateDir]);
  await until(() => nms.waitingDevices().size === 4, 30_000, `four devices waiting (${dev.stderr().slice(-300)})`);
  assert.deepEqual([...nms.waitingDevices().keys()].sort(), ['mixed-1', 'mixed-2', 'mixed-3', 'mixed-4']);
  const inv = await fleetInventory(stateDir, 4, dev.stderr);
  const want = [
    ['lab-1', 'mx960'],
    ['lab-2', 'mx960'],
    ['lab-3', 'ex4300-48t'],
    ['lab-4', 'srx345'],
  ];
  const serials = new Set<string>();
  for (let n = 1; n <= 4; n++) {
    const s = await nms.requestSession(`mixed-${n}`, 'mixed-secret', 'netconf', { timeoutMs: 15_000 });
    s.send(`<rpc><get-system-information/></rpc>${EOM}`);
    const out = await s.waitFor((o) => o.includes('</system-information>'), 15_000);
    await s.close();
    assert.equal(tag(out, 'host-name'), want[n - 1][0]);
    assert.equal(tag(out, 'hardware-model'), want[n - 1][1], `device ${n} model`);
    const serial = tag(out, 'serial-number')!;
    serials.add(serial);
    const listed = inv.devices.find((d) => d.n === n)!;
    assert.equal(listed.hostname, want[n - 1][0]);
    assert.equal(listed.serial, serial, 'the inventory lists the serial the device reports');
    assert.deepEqual(listed.deviceIds, [`mixed-${n}`]);
    assert.deepEqual(listed.states, ['connected'], 'dialled in, its Initialize pending');
  }
  assert.equal(serials.size, 4, 'four serial numbers');
  dev.child.kill('SIGTERM');
  assert.equal(await dev.exited, 0);
});

/** A base port with `count` free consecutive ports after it (bounded tries). */
async function freePorts(count: number): Promise<number> {
  const free = (p: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (let i = 0; i < 50; i++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let k = 0; k < count && ok; k++) ok = await free(base + k);
    if (ok) return base;
  }
  throw new Error('no free consecutive ports');
}

test('an SSH fleet with no NMS: device n on port base+n-1, each its own NETCONF server over the netconf subsystem; inventory in four formats', async () => {
  const dir = h.tempDir();
  const base = await freePorts(2);
  const dev = startProcess(['--devices', '2', '--profile', 'ex', '--ssh-port', String(base), '--ssh-user', 'lab:lab123', '--state-dir', dir]);
  const inv = await fleetInventory(dir, 2, dev.stderr);
  assert.deepEqual(inv.devices.map((d) => d.ssh && [d.ssh.host, d.ssh.port]), [['127.0.0.1', base], ['127.0.0.1', base + 1]]);
  const hostnames = [];
  for (const p of [base, base + 1]) hostnames.push(tag(await sshNetconf('127.0.0.1', p, '<rpc><get-software-information/></rpc>'), 'host-name'));
  assert.deepEqual(hostnames, inv.devices.map((d) => d.hostname), 'each port answers as its own device');
  assert.equal(new Set(hostnames).size, 2);
  assert.match(hostnames[1]!, /-2$/);

  const yaml = parseYaml(await inventory(dir, 'ansible-yaml')) as { all: { children: Record<string, { hosts: Record<string, Record<string, unknown>> }> } };
  const hosts = yaml.all.children.ex.hosts;
  assert.deepEqual(Object.keys(hosts), hostnames);
  assert.equal(hosts[hostnames[1]!].ansible_port, base + 1);
  assert.equal(hosts[hostnames[0]!].ansible_host, '127.0.0.1');
  assert.equal(hosts[hostnames[0]!].ansible_network_os, 'junipernetworks.junos.junos');
  assert.equal(hosts[hostnames[0]!].ansible_connection, 'ansible.netcommon.netconf');

  const ini = (await inventory(dir, 'ansible-ini')).trim().split('\n');
  assert.equal(ini[0], '[ex]');
  const vars = Object.fromEntries(ini[2].split(' ').slice(1).map((kv) => kv.split('=')));
  assert.equal(ini[2].split(' ')[0], hostnames[1]);
  assert.equal(vars.ansible_port, String(base + 1));

  const csv = (await inventory(dir, 'csv')).trim().split('\n').map((l) => l.split(','));
  assert.deepEqual(csv[0].slice(0, 3), ['name', 'n', 'profile']);
  assert.deepEqual(csv.slice(1).map((r) => [r[0], r[8]]), [[hostnames[0], String(base)], [hostnames[1], String(base + 1)]]);
  dev.child.kill('SIGTERM');
  assert.equal(await dev.exited, 0);
});

test('an SSH fleet on an address range: device n on 127.0.7.n', async () => {
  const dir = h.tempDir();
  const dev = startProcess(['--devices', 'mx:1,srx:1', '--ssh-port', '0', '--ssh-address-range', '127.0.7.1', '--ssh-user', 'lab:lab123', '--state-dir', dir]);
  const inv = await fleetInventory(dir, 2, dev.stderr);
  assert.deepEqual(inv.devices.map((d) => d.ssh?.host), ['127.0.7.1', '127.0.7.2']);
  const reply = await sshNetconf('127.0.7.2', inv.devices[1].ssh!.port, '<rpc><get-system-information/></rpc>');
  assert.equal(tag(reply, 'hardware-model'), 'srx345');
  dev.child.kill('SIGTERM');
  assert.equal(await dev.exited, 0);
});

test('fleet flags: bad --devices, --shard and --ssh-address-range are one clear line, exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['--devices', 'mx:0', '--ssh-port', '0', '--ssh-user', 'a:b'], /each group is PROFILE:COUNT/],
    [['--devices', 'lots', '--ssh-port', '0', '--ssh-user', 'a:b'], /--devices must be a whole number/],
    [['--devices', '4', '--shard', '4/4', '--ssh-port', '0', '--ssh-user', 'a:b'], /shard index 4 is out of range/],
    [['--devices', '2', '--shard', '0/3', '--ssh-port', '0', '--ssh-user', 'a:b'], /cannot be split into 3 shards/],
    [['--devices', '2', '--ssh-port', '0', '--ssh-address-range', '127.0.0', '--ssh-user', 'a:b'], /--ssh-address-range must be the IPv4 address/],
    [['--devices', '3', '--ssh-port', '65534', '--ssh-user', 'a:b'], /past 65535/],
  ];
  for (const [args, want] of cases) {
    const r = await run(process.execPath, [MAIN_JS, ...args], { timeout: 20_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  }
});

test('shards: three processes of one fleet of 7 (--shard and NCGD_SHARDS) dial one NMS with disjoint ids that cover the fleet, all waiting', async () => {
  const { nms, port, dir, certFile } = await h.nmsWithCertFile();
  const common = ['--host', '127.0.0.1', '--port', String(port), '--cert-file', certFile, '--device-id', 'sh-{n}', '--secret', 's', '--devices', '7'];
  const stateDirs = [0, 1, 2].map((i) => path.join(dir, `shard-${i}`));
  const shards = [
    startProcess([...common, '--shard', '0/3', '--state-dir', stateDirs[0]]),
    startProcess([...common, '--shard', '1/3', '--state-dir', stateDirs[1]]),
    // the third as a StatefulSet pod: its index from the environment
    startProcess([...common, '--state-dir', stateDirs[2]], { NCGD_SHARDS: '3', NCGD_SHARD_INDEX: '2' }),
  ];
  await until(() => nms.waitingDevices().size === 7, 30_000, `seven devices waiting (${shards.map((s) => s.stderr().slice(-200)).join(' | ')})`);
  assert.deepEqual([...nms.waitingDevices().keys()].sort(), ['sh-1', 'sh-2', 'sh-3', 'sh-4', 'sh-5', 'sh-6', 'sh-7']);
  const blocks = [];
  for (const [i, d] of stateDirs.entries()) {
    const inv = await fleetInventory(d, [3, 2, 2][i], shards[i].stderr);
    assert.equal(inv.total, 7);
    assert.equal(inv.shard, `${i}/3`);
    blocks.push(inv.devices.map((x) => x.n));
    for (const x of inv.devices) assert.deepEqual(x.deviceIds, [`sh-${x.n}`], 'ids use the global device number');
  }
  assert.deepEqual(blocks, [[1, 2, 3], [4, 5], [6, 7]]);
  // device 5 (shard 1) answers as itself: host name from its global number
  const s = await nms.requestSession('sh-5', 's', 'netconf', { timeoutMs: 15_000 });
  s.send(`<rpc><get-system-information/></rpc>${EOM}`);
  const out = await s.waitFor((o) => o.includes('</system-information>'), 15_000);
  await s.close();
  assert.equal(tag(out, 'host-name'), 'mx960-5');
  for (const sh of shards) sh.child.kill('SIGTERM');
  for (const sh of shards) assert.equal(await sh.exited, 0);
});
