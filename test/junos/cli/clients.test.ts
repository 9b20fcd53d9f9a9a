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
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliSshLab } from '../../support/ssh-harness.js';

const lab = cliSshLab({ prefix: 'ncgd-cli-clients-' });
after(() => lab.close());

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
  const { face: f, dir } = await lab.start();
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
  const { face: f } = await lab.start();
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
