/**
 * Real automation clients at the emulated cli over the SSH face: Ansible's `network_cli`
 * connection (junipernetworks.junos terminal plugin: `set cli timestamp disable`,
 * `set cli screen-length 0`, `set cli screen-width 1024`, `>`/`#` prompts) running
 * `junos_command`, and PyEZ's StartShell (`start shell`, then a `%` prompt).
 * Each skips with the reason when its client is not installed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { cliBinDir } from '../../../src/shell/cli-bin.js';
import { serveDeviceSocket, type DeviceSocket } from '../../../src/shell/device-socket.js';
import { resolveSessionUser } from '../../../src/shell/user.js';
import { openPtyShell } from '../../../src/shell/pty-session.js';
import { startSshFace, type SshFace } from '../../../src/ssh/server.js';
import { testLogger } from '../../support/agent-harness.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-cli-clients-'));
chmodSync(dir, 0o755);
let device: EmulatedDevice | undefined;
let socket: DeviceSocket | undefined;
let face: SshFace | undefined;

after(async () => {
  await face?.close();
  await socket?.close();
  await device?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function setup(): Promise<SshFace> {
  if (face) return face;
  device = await EmulatedDevice.create({ profile: 'mx', hostname: 'lab-mx', logger: testLogger });
  const socketPath = path.join(dir, 'cli', 'device.sock');
  const dev = device;
  socket = await serveDeviceSocket(() => dev.openNetconf({ user: 'netops', client: 'cli' }), socketPath, { owner: resolveSessionUser('nobody', false), logger: testLogger });
  const cli = path.join(cliBinDir(), 'cli');
  face = await startSshFace({
    host: '127.0.0.1',
    port: 0,
    users: [{ name: 'netops', password: 'pw' }],
    hostKeyPath: path.join(dir, 'host_key'),
    openNetconf: (user, client) => dev.openNetconf({ user, client }),
    openShell: (user, pty) =>
      openPtyShell({ command: [cli], interactive: true, deviceSocket: socketPath, cols: pty?.cols, rows: pty?.rows, env: { USER: user }, logger: testLogger }),
    logger: testLogger,
  });
  return face;
}

function run(file: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

const PY = '/usr/bin/python3';
const ANSIBLE = '/usr/bin/ansible-playbook';
const hasPyModules = (mods: string) => run(PY, ['-c', `import ${mods}`], {}, 30000).then((r) => r.code === 0);

test('Ansible network_cli: junos_command runs show version through the cli', async (t) => {
  if (!existsSync(ANSIBLE)) return t.skip('ansible-playbook is not installed (Debian package ansible)');
  if (!existsSync('/usr/lib/python3/dist-packages/ansible_collections/junipernetworks/junos')) return t.skip('the junipernetworks.junos collection is not installed');
  if (!(await hasPyModules('paramiko'))) return t.skip('network_cli needs paramiko (python3-paramiko) and it is missing');
  const f = await setup();
  const work = path.join(dir, 'ansible');
  mkdirSync(work, { recursive: true });
  writeFileSync(
    path.join(work, 'inv.ini'),
    `[junos]\nr1 ansible_host=127.0.0.1 ansible_port=${f.port} ansible_user=netops ansible_password=pw ansible_connection=ansible.netcommon.network_cli ansible_network_os=junipernetworks.junos.junos\n`,
  );
  writeFileSync(
    path.join(work, 'pb.yml'),
    '- hosts: junos\n  gather_facts: false\n  tasks:\n    - junipernetworks.junos.junos_command:\n        commands: [show version, sh sys upt]\n      register: out\n    - debug: var=out.stdout\n',
  );
  const r = await run(ANSIBLE, ['-i', path.join(work, 'inv.ini'), path.join(work, 'pb.yml')], {
    HOME: work,
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_LOCAL_TEMP: path.join(work, 'tmp'),
    ANSIBLE_PERSISTENT_CONTROL_PATH_DIR: path.join(work, 'pc'),
    ANSIBLE_PERSISTENT_COMMAND_TIMEOUT: '60',
    ANSIBLE_NOCOLOR: '1',
  }, 240000);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /Hostname: lab-mx/);
  assert.match(r.out, /Model: mx960/);
  assert.match(r.out, /Current time:/);
  assert.match(r.out, /failed=0/);
});

test('PyEZ StartShell: start shell gives a % prompt and runs commands as the session user', async (t) => {
  if (!(await hasPyModules('jnpr.junos.utils.start_shell, paramiko'))) return t.skip('PyEZ (python3-junos-eznc) with paramiko is not installed');
  const f = await setup();
  // StartShell reads these four attributes of its Device; old PyEZ uses the port only for 'localhost'.
  const script = [
    'import sys, types',
    'from jnpr.junos.utils.start_shell import StartShell',
    "dev = types.SimpleNamespace(hostname='localhost', _port=int(sys.argv[1]), _auth_user='netops', _auth_password='pw')",
    'ss = StartShell(dev, timeout=30)',
    'ss.open()',
    "ok, out = ss.run('echo hello-$((40+2)); id -un')",
    "print('OK' if ss.last_ok else 'FAILED', repr(out))",
    "ok2, out2 = ss.run('false')",
    "print('FALSE-OK' if ss.last_ok else 'FALSE-FAILED')",
    'ss.close()',
  ].join('\n');
  const r = await run(PY, ['-c', script, String(f.port)], {}, 120000);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /^OK .*hello-42/m);
  assert.match(r.out, /FALSE-FAILED/);
});
