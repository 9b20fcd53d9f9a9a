/**
 * The device's flags as a shell passes them, by real child processes against the reference
 * NMS: certificate values starting with dashes (`--cert "$(cat server.crt)"`, one-line PEM
 * with markers, a whole JET argument string in one argument), and secrets given other than
 * as a flag (a file, the environment), which keeps them out of /proc/PID/cmdline.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { normalizeArgv } from '../../src/cli/argv.js';
import ssh2 from 'ssh2';
import { Harness, MAIN_JS, loopbackPki, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

function device(args: string[], env: Record<string, string> = {}): { child: ChildProcess; stderr: () => string } {
  const dir = h.tempDir();
  const child = spawn(process.execPath, [MAIN_JS, ...args, '--state-dir', dir, '--log-format', 'json'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let err = '';
  child.stderr!.on('data', (b) => (err += b));
  h.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stderr: () => err };
}

/** The device dialled in, and a csh session through it works. */
async function sessionWorks(nms: Awaited<ReturnType<Harness['nms']>>['nms'], deviceId: string, secret: string, dev: { stderr: () => string }): Promise<void> {
  const s = await nms.requestSession(deviceId, secret, 'csh', { timeoutMs: 15_000 }).catch((err: Error) => {
    throw new Error(`${err.message}; device stderr: ${dev.stderr()}`);
  });
  s.send('echo flags-ok');
  await s.waitFor((o) => o.includes('flags-ok'), 10_000);
  await s.close();
}

function oneLine(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

test('--cert takes a PEM whatever it starts with: "$(cat server.crt)", one line with markers, -cert JET spelling, a JET string in one argument', async () => {
  const pem = await loopbackPki();
  const { nms, port } = await h.nms(pem);
  const body = oneLine(pem.cert);
  const forms: [string, string[]][] = [
    ['flags-pem', ['--host', '127.0.0.1', '--port', String(port), '--cert', pem.cert, '--device-id', 'flags-pem', '--secret', 's1']],
    ['flags-markers', ['-host', '127.0.0.1', '-port', String(port), '-cert', `-----BEGIN CERTIFICATE-----${body}-----END CERTIFICATE-----`, '-device-id', 'flags-markers', '-secret', 's1']],
    ['flags-jet', [`-host 127.0.0.1 -port ${port} -cert -----BEGIN CERTIFICATE----- ${body} -----END CERTIFICATE----- -device-id flags-jet`, '--secret', 's1']],
    // A secret that starts with a dash is a secret, not a flag.
    ['flags-dash', ['--host', '127.0.0.1', '--port', String(port), '--cert', pem.cert, '--device-id', 'flags-dash', '--secret', '-dash-secret']],
  ];
  for (const [deviceId, args] of forms) {
    const dev = device(args);
    await sessionWorks(nms, deviceId, deviceId === 'flags-dash' ? '-dash-secret' : 's1', dev);
    assert.doesNotMatch(dev.stderr(), /Unknown argument/);
    dev.child.kill('SIGTERM');
  }
});

test('normalizeArgv binds free-text values that start with a dash, and leaves everything else alone', () => {
  assert.deepEqual(normalizeArgv(['--cert', '-----BEGIN X', '--port', '1']), ['--cert=-----BEGIN X', '--port', '1']);
  assert.deepEqual(normalizeArgv(['-cert', '-----BEGIN X']), ['--cert=-----BEGIN X']);
  assert.deepEqual(normalizeArgv(['--secret', 'plain', '--device-id', 'd']), ['--secret', 'plain', '--device-id', 'd']);
  assert.deepEqual(normalizeArgv(['session', '-sk', '-x', '-d', '-dev']), ['session', '--secret=-x', '--device=-dev']);
  assert.deepEqual(normalizeArgv(['session', '--command', '-ls', '--list']), ['session', '--command=-ls', '--list']);
  assert.deepEqual(normalizeArgv(['--', '--cert', '-x']), ['--', '--cert', '-x']);
});

test('--secret-file and NCGD_SECRET: the secret works and is not in /proc/PID/cmdline; the flag form is flagged in --help', async () => {
  const pem = await loopbackPki();
  const { nms, port } = await h.nms(pem);
  const dir = h.tempDir();
  const certFile = path.join(dir, 'nms.crt');
  writeFileSync(certFile, pem.cert);
  const secretFile = path.join(dir, 'secret');
  writeFileSync(secretFile, 'file-secret-123\n', { mode: 0o600 });
  const base = ['--host', '127.0.0.1', '--port', String(port), '--cert-file', certFile];

  const fromFile = device([...base, '--device-id', 'flags-file', '--secret-file', secretFile]);
  await sessionWorks(nms, 'flags-file', 'file-secret-123', fromFile);
  const cmdline = readFileSync(`/proc/${fromFile.child.pid}/cmdline`, 'utf8');
  assert.ok(!cmdline.includes('file-secret-123'), cmdline);
  fromFile.child.kill('SIGTERM');

  const fromEnv = device([...base, '--device-id', 'flags-env'], { NCGD_SECRET: 'env-secret-456' });
  await sessionWorks(nms, 'flags-env', 'env-secret-456', fromEnv);
  assert.ok(!readFileSync(`/proc/${fromEnv.child.pid}/cmdline`, 'utf8').includes('env-secret-456'));
  // Sessions do not inherit it.
  const s = await nms.requestSession('flags-env', 'env-secret-456', 'csh', { timeoutMs: 15_000 });
  s.send('echo "inherited=[$NCGD_SECRET]"');
  const out = await s.waitFor((o) => o.includes('inherited=['), 10_000);
  assert.match(out, /inherited=\[\]/);
  await s.close();
  fromEnv.child.kill('SIGTERM');

  const both = spawnSync(process.execPath, [MAIN_JS, ...base, '--device-id', 'x', '--secret', 'a', '--secret-file', secretFile], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(both.status, 2);
  assert.equal(both.stderr.trim(), 'nc-grpc-device: give either --secret or --secret-file, not both');

  const help = spawnSync(process.execPath, [MAIN_JS, '--help'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, COLUMNS: '200' } });
  assert.match(help.stdout.replace(/\s+/g, ' '), /--secret .*visible to other local users in the process list: prefer --secret-file or NCGD_SECRET/);
  assert.match(help.stdout.replace(/\s+/g, ' '), /--ssh-user .*visible to other local users/);
});

test('NCGD_SSH_USER and --ssh-user-file: logins the SSH face accepts, absent from the command line', async () => {
  const dir = h.tempDir();
  const usersFile = path.join(dir, 'users');
  writeFileSync(usersFile, '# logins\nfileuser:file-pass-1\n', { mode: 0o600 });
  const dev = device(['--ssh-port', '0', '--ssh-host', '127.0.0.1', '--ssh-user-file', usersFile], { NCGD_SSH_USER: 'envuser:env-pass-2' });
  await until(() => /SSH face listening/.test(dev.stderr()), 15_000, 'the SSH face');
  const line = JSON.parse(dev.stderr().split('\n').find((l) => l.includes('SSH face listening'))!) as { users: string[]; port: number };
  assert.deepEqual(line.users, ['fileuser', 'envuser']);
  const login = (username: string, password: string): Promise<boolean> =>
    new Promise((resolve) => {
      const c = new ssh2.Client();
      c.on('error', () => resolve(false));
      c.once('ready', () => {
        resolve(true);
        c.end();
      });
      c.connect({ host: '127.0.0.1', port: line.port, username, password, readyTimeout: 10_000 });
    });
  assert.equal(await login('fileuser', 'file-pass-1'), true);
  assert.equal(await login('envuser', 'env-pass-2'), true);
  assert.equal(await login('envuser', 'wrong'), false);
  const cmdline = readFileSync(`/proc/${dev.child.pid}/cmdline`, 'utf8');
  assert.ok(!cmdline.includes('pass'), cmdline);
  dev.child.kill('SIGTERM');
});
