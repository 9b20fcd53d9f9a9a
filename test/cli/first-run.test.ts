/**
 * What a newcomer meets first, as real child processes: --version of this package wherever it
 * runs, `certs` output that works as pasted, `nms` in a directory without certificates,
 * `check` of an example left cut short, `status --wait` that gives up with one line.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAIN_JS, REPO_ROOT } from '../support/agent-harness.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'ncgd-first-run-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [MAIN_JS, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NCGD_LOG_FORMAT: 'json', ...env } });
}

test('--version prints this package version, also from inside another project', () => {
  const own = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const other = tempDir();
  writeFileSync(path.join(other, 'package.json'), JSON.stringify({ name: 'someone-else', version: '9.9.9' }));
  const r = run(['--version'], other);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), own);
});

test('certs prints what to run next, and its Junos set line passes check as pasted', () => {
  const dir = tempDir();
  const r = run(['certs', '--host', '127.0.0.1'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ {2}nc-grpc-device nms$/m, 'in the directory certs wrote to, nms needs no flag');
  assert.match(r.stdout, /--host 127\.0\.0\.1 --port 8443 --cert-file server\.crt/);
  const set = r.stdout.split('\n').find((l) => l.trim().startsWith('set system services outbound-https'));
  assert.ok(set, r.stdout);
  writeFileSync(path.join(dir, 'nms.set'), `${set.trim().replace('SECRET', 'lab-secret')}\n`);
  const c = run(['check', '--config', 'nms.set'], dir);
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /127\.0\.0\.1:8443/);

  const elsewhere = run(['certs', '--host', '192.0.2.10', '--out', 'pki'], dir);
  assert.equal(elsewhere.status, 0, elsewhere.stderr);
  assert.match(elsewhere.stdout, /nc-grpc-device nms --cert pki\/server\.crt --key pki\/server\.key --host 0\.0\.0\.0/);
});

test('nms where no certificate is: one line saying how to make one', () => {
  const r = run(['nms', '--port', '0'], tempDir());
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /cannot read the certificate server\.crt: ENOENT \(make it with `nc-grpc-device certs --host 127\.0\.0\.1`/);
});

test('check of a certificate left cut short ("MIIB...") says so', () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'cut.set'), 'set system services outbound-https client c device-id d secret s servers 192.0.2.10 port 443 trusted-cert "MIIB..."\n');
  const r = run(['check', '--config', 'cut.set'], dir);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cut\.set:1: .*trusted-cert is cut short/);
});

test('status --wait gives up at --timeout with exit 1 and one final line', () => {
  const dir = tempDir();
  const r = run(['status', '--state-dir', dir, '--wait', 'connected', '--timeout', '1'], dir);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /timed out after 1s waiting for connected: the agent is not answering yet/);
});
