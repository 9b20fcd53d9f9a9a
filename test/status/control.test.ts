import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startControlServer, fetchStatus } from '../../src/status/control.js';
import { StatusError, type AgentStatus } from '../../src/status/types.js';

function sample(): AgentStatus {
  return {
    pid: 4242,
    startedAt: 1_700_000_000_000,
    clients: [
      { name: 'nms1', deviceId: 'dev-1', protocol: 'enhanced', server: '127.0.0.1:4433', state: 'connected', since: 1_700_000_001_000, sessions: { netconf: 2, csh: 1 }, sessionsTotal: 9, lastError: null },
      { name: 'nms2', deviceId: 'dev-2', protocol: 'enhanced', server: null, state: 'waiting', since: 1_700_000_002_000, sessions: { netconf: 0, csh: 0 }, sessionsTotal: 0, lastError: 'connect ECONNREFUSED 127.0.0.1:4434' },
    ],
  };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ncgd-status-'));
}

test('control socket serves the provider status; fetchStatus reads it back', async () => {
  const dir = tempDir();
  const path = join(dir, 'state', 'control.sock');
  let calls = 0;
  const server = await startControlServer(path, () => {
    calls++;
    return sample();
  });
  try {
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const got = await fetchStatus(path);
    assert.deepEqual(got, sample());
    await fetchStatus(path);
    assert.equal(calls, 2, 'each request asks the provider afresh');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only the published fields leave the process (no secret)', async () => {
  const dir = tempDir();
  const path = join(dir, 'control.sock');
  const leaky = sample();
  (leaky.clients[0] as unknown as Record<string, unknown>).config = { secret: 'TOP-SECRET-VALUE' };
  (leaky.clients[0] as unknown as Record<string, unknown>).secret = 'TOP-SECRET-VALUE';
  const server = await startControlServer(path, () => leaky);
  try {
    const raw = await new Promise<string>((resolve, reject) => {
      request({ socketPath: path, path: '/status' }, (res) => {
        let s = '';
        res.on('data', (c) => (s += c));
        res.on('end', () => resolve(s));
      }).on('error', reject).end();
    });
    assert.ok(!raw.includes('TOP-SECRET-VALUE'), raw);
    assert.equal(JSON.parse(raw).clients[0].name, 'nms1');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stale socket file is replaced; a live one is refused', async () => {
  const dir = tempDir();
  const path = join(dir, 'control.sock');
  const first = await startControlServer(path, sample);
  try {
    await assert.rejects(startControlServer(path, sample), (err: Error) => err instanceof StatusError && /already using control socket/.test(err.message));
  } finally {
    await first.close();
  }
  // A dead agent's leftover: a plain file where the socket was.
  writeFileSync(path, '');
  const second = await startControlServer(path, sample);
  try {
    assert.equal((await fetchStatus(path)).pid, 4242);
  } finally {
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fetchStatus names the path when nothing listens there', async () => {
  const dir = tempDir();
  const path = join(dir, 'control.sock');
  try {
    assert.equal(existsSync(path), false);
    await assert.rejects(fetchStatus(path), (err: Error) => err instanceof StatusError && err.message.includes(path) && /no agent is listening/.test(err.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a too-long socket path is a clear error', async () => {
  const path = join(tmpdir(), 'x'.repeat(120), 'control.sock');
  await assert.rejects(startControlServer(path, sample), /too long for a UNIX socket/);
});
