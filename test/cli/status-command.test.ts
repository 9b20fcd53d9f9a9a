import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDuration, formatStatus } from '../../src/cli/commands/status-command.js';
import { startControlServer } from '../../src/status/control.js';
import type { AgentStatus } from '../../src/status/types.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const now = 1_700_000_100_000;
const status: AgentStatus = {
  pid: 4242,
  startedAt: now - 3_725_000,
  clients: [
    { name: 'nms1', deviceId: 'dev-1', protocol: 'enhanced', server: '127.0.0.1:4433', state: 'connected', since: now - 42_000, sessions: { netconf: 2, csh: 1 }, sessionsTotal: 9, lastError: null },
    { name: 'backup', deviceId: 'dev-1b', protocol: 'enhanced', server: null, state: 'waiting', since: now - 185_000, sessions: { netconf: 0, csh: 0 }, sessionsTotal: 0, lastError: 'connect ECONNREFUSED\n127.0.0.1:4434' },
  ],
};

test('durations read naturally', () => {
  assert.equal(formatDuration(42_000), '42s');
  assert.equal(formatDuration(185_000), '3m 5s');
  assert.equal(formatDuration(3_725_000), '1h 2m');
  assert.equal(formatDuration(90_000_000), '1d 1h');
  assert.equal(formatDuration(-5), '0s');
});

test('the status table has a header and one aligned row per client', () => {
  const text = formatStatus(status, now);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], 'agent pid 4242, up 1h 2m, 2 clients');
  assert.match(lines[1], /^CLIENT\s+DEVICE-ID\s+PROTOCOL\s+SERVER\s+STATE\s+SINCE\s+SESSIONS\s+LAST ERROR$/);
  assert.equal(lines.length, 4);
  assert.match(lines[2], /^nms1\s+dev-1\s+enhanced\s+127\.0\.0\.1:4433\s+connected\s+42s ago\s+netconf 2, csh 1 \(total 9\)\s+-$/);
  assert.match(lines[3], /^backup\s+dev-1b\s+enhanced\s+-\s+waiting\s+3m 5s ago\s+netconf 0, csh 0 \(total 0\)\s+connect ECONNREFUSED 127\.0\.0\.1:4434$/);
  // Columns line up: the STATE column starts at the same offset in every row.
  const col = lines[1].indexOf('STATE');
  assert.equal(lines[2].indexOf('connected'), col);
  assert.equal(lines[3].indexOf('waiting'), col);
});

/**
 * Runs the status command in a child process through yargs, failing the way the CLI does
 * (one line on stderr); independent of the rest of the CLI.
 */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const driver = `
    import yargs from 'yargs';
    import { statusCommand } from './dist/src/cli/commands/status-command.js';
    import { reportFatal, UsageError } from './dist/src/errors.js';
    try {
      await yargs(process.argv.slice(1)).command(statusCommand).strict().exitProcess(false)
        .fail((msg, err) => { throw err ?? new UsageError(msg); }).parseAsync();
    } catch (err) { reportFatal(err); }
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', driver, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('nc-grpc-device status reads a live control socket (table, JSON, --state-dir)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncgd-statuscmd-'));
  const server = await startControlServer(join(dir, 'control.sock'), () => status);
  try {
    const table = await runCli(['status', '--control', join(dir, 'control.sock')]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^agent pid 4242, up /);
    assert.match(table.stdout, /^nms1\s+dev-1\s+enhanced\s+127\.0\.0\.1:4433\s+connected\s/m);

    const json = await runCli(['status', '--state-dir', dir, '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), status);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nc-grpc-device status with nothing listening: one clear line, non-zero exit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ncgd-statuscmd-'));
  try {
    const r = await runCli(['status', '--state-dir', dir]);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^nc-grpc-device: no agent is listening on .*control\.sock .*\n$/);
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--control and --state-dir together is a usage error', async () => {
  const r = await runCli(['status', '--control', '/tmp/x.sock', '--state-dir', '/tmp']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^nc-grpc-device: .*mutually exclusive.*\n$/);
});
