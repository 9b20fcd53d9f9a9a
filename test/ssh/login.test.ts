/**
 * Failed logins on the SSH face, as Junos `system login retry-options` handles them: refusals
 * past the threshold are held back longer and longer, a connection is dropped after the
 * limit, the right password still works, failures are logged once per source address with
 * a counter; and the face listens on 127.0.0.1 unless told otherwise.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger, type Logger } from '../../src/log.js';
import ssh2 from 'ssh2';
import { startSshFace, type SshFace } from '../../src/ssh/server.js';
import { JUNOS_RETRY_DEFAULTS } from '../../src/ssh/login-guard.js';
import { EchoSession, connect } from '../support/ssh-harness.js';
import { MAIN_JS, until } from '../support/agent-harness.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-ssh-login-'));
const faces: SshFace[] = [];
after(async () => {
  for (const f of faces) await f.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A logger whose JSON lines the test reads. */
function memoryLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  let text = '';
  const logger = createLogger({ level: 'debug', format: 'json', destination: { write: (line: string) => void (text += line) } });
  return { logger, lines: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function face(extra: Partial<Parameters<typeof startSshFace>[0]> = {}): Promise<SshFace> {
  const f = await startSshFace({
    port: 0,
    users: [{ name: 'lab', password: 'right-password' }],
    hostKeyPath: path.join(dir, 'ssh_host_ed25519_key'),
    openNetconf: () => new EchoSession('<hello/>]]>]]>'),
    ...extra,
  });
  faces.push(f);
  return f;
}

/** Guesses passwords on one connection until the server stops it; when each guess was offered. */
function guess(port: number, limit: number, username = 'lab'): Promise<{ outcome: string; offeredAt: number[] }> {
  const offeredAt: number[] = [];
  return new Promise((resolve) => {
    const c = new ssh2.Client();
    const done = (outcome: string) => resolve({ outcome, offeredAt });
    c.once('ready', () => {
      c.end();
      done('logged in');
    });
    c.once('error', (e: Error) => done(`error: ${e.message}`));
    c.once('close', () => done('closed'));
    c.connect({
      host: '127.0.0.1',
      port,
      username,
      readyTimeout: 60_000,
      authHandler: (_left, _partial, next) => {
        if (offeredAt.length >= limit) return next(false as never);
        offeredAt.push(Date.now());
        next({ type: 'password', username, password: `guess-${offeredAt.length}` });
      },
    });
  });
}

test('the defaults are Junos retry-options defaults', () => {
  assert.deepEqual(JUNOS_RETRY_DEFAULTS, { triesBeforeDisconnect: 10, backoffThreshold: 2, backoffFactorMs: 5000 });
});

test('wrong passwords: refusals past the threshold are held back longer each time, the connection is dropped at the limit; the right password still works', async () => {
  const log = memoryLogger();
  const factor = 300;
  const f = await face({ logger: log.logger, loginRetry: { backoffFactorMs: factor, backoffThreshold: 2, triesBeforeDisconnect: 4 } });
  const r = await guess(f.port, 20);
  assert.notEqual(r.outcome, 'logged in');
  assert.equal(r.offeredAt.length, 4, `dropped after the fourth refusal (${r.outcome})`);
  const gaps = r.offeredAt.slice(1).map((t, i) => t - r.offeredAt[i]);
  // Failure 1 is answered at once; failure 2 is held back 1 x factor, failure 3 2 x factor.
  // (Lower bounds only: a loaded machine can only make them longer.)
  assert.ok(gaps[1] >= 1 * factor - 20, `second refusal held back ${gaps[1]} ms`);
  assert.ok(gaps[2] >= 2 * factor - 20, `third refusal held back ${gaps[2]} ms`);

  // A new connection from the same address: the source's failures still count, so its
  // first wrong guess is already held back (opening connections does not escape the backoff).
  const t0 = Date.now();
  const again = await guess(f.port, 2, 'guess-user');
  assert.equal(again.offeredAt.length, 2);
  // Its first failure is the source's fifth: held back (5 - 2 + 1) x factor.
  assert.ok(again.offeredAt[1]! - t0 >= 4 * factor - 20, `a new connection's first refusal held back only ${again.offeredAt[1]! - t0} ms`);
  // ...and the right password logs in at once.
  const conn = await connect({ host: '127.0.0.1', port: f.port, username: 'lab', password: 'right-password' });
  conn.end();

  // One line at the first failure from the address, not one per attempt; the total is
  // logged when the face closes (or the address has been quiet for a minute).
  const failedLines = () => log.lines().filter((l) => typeof l.msg === 'string' && /ssh login fail/.test(l.msg as string));
  assert.equal(failedLines().length, 1, JSON.stringify(failedLines()));
  assert.equal(failedLines()[0]!.peer, '127.0.0.1');
  await f.close();
  const lines = failedLines();
  assert.equal(lines.length, 2, JSON.stringify(lines));
  assert.equal(lines[1]!.failures, 6);
  assert.deepEqual(lines[1]!.users, ['lab']);
  assert.equal(lines[1]!.unknownUsers, 2, 'unknown names are counted, not logged');
  assert.ok(!JSON.stringify(log.lines()).includes('guess-'), 'no guessed password or unknown name in the log');
});

test('the SSH face listens on 127.0.0.1 by default, in-process and as a device process', async () => {
  const f = await face();
  assert.equal(f.host, '127.0.0.1');

  const state = mkdtempSync(path.join(dir, 'state-'));
  const child = spawn(process.execPath, [MAIN_JS, '--ssh-port', '0', '--ssh-user', 'lab:lab123', '--state-dir', state, '--log-format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let logs = '';
  child.stderr!.on('data', (d) => (logs += d));
  try {
    await until(() => /SSH face listening/.test(logs), 15_000, 'the SSH face');
    const line = JSON.parse(logs.split('\n').find((l) => l.includes('SSH face listening'))!) as { host: string; port: number };
    assert.equal(line.host, '127.0.0.1');
    // What the kernel says: the listening socket is bound to 127.0.0.1, not 0.0.0.0.
    const hexPort = line.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = readFileSync(`/proc/${child.pid}/net/tcp`, 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && f[1]?.endsWith(`:${hexPort}`))
      .map((f) => f[1]);
    assert.deepEqual(listening, [`0100007F:${hexPort}`]);
  } finally {
    child.kill('SIGKILL');
  }
});
