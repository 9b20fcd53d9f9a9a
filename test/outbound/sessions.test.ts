/**
 * The agent against the reference NMS over real TLS on 127.0.0.1: sessions, concurrency,
 * secrets, kill_signal. Sessions run real processes through the exec backend.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ExecBackend } from '../../src/backends/exec.js';
import { MSG_CSH_STARTED, MSG_SUBPROCESS_ENDED } from '../../src/outbound/session-bridge.js';
import { SPARE_IDLE_MS } from '../../src/outbound/protocols/enhanced.js';
import { Harness, catBackends, client, pidAlive, testLogger, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

test('a csh session carries commands down and output up, and ends with the stop message', async () => {
  const { nms, server } = await h.nms();
  const c = client('echo', [server]);
  h.agent([c], catBackends());
  const s = await nms.requestSession(c.deviceId, c.secret, 'csh');
  await s.waitFor((out) => out.includes(MSG_CSH_STARTED), 5000);
  s.send('hello over grpc');
  await s.waitFor((out) => out.includes('hello over grpc'), 5000);
  await s.close();
  assert.match(s.output(), /Client is stopping,/);
});

test('ten concurrent sessions each arrive on a connection of their own', async () => {
  const { nms, server } = await h.nms();
  const c = client('ten', [server]);
  h.agent([c], catBackends());
  const sessions = [];
  for (let i = 0; i < 10; i++) sessions.push(await nms.requestSession(c.deviceId, c.secret, 'netconf'));
  const peers = new Set(sessions.map((s) => s.peer));
  assert.equal(peers.size, 10, `peers: ${[...peers].join(', ')}`);
  await Promise.all(
    sessions.map(async (s, i) => {
      s.send(`ping-${i}`);
      await s.waitFor((out) => out.includes(`ping-${i}`), 5000);
      assert.ok(!s.output().includes(`ping-${(i + 1) % 10}`), 'output of another session leaked in');
    }),
  );
  await Promise.all(sessions.map((s) => s.close()));
});

test('the NMS refuses a wrong secret and the device stays available', async () => {
  const { nms, server } = await h.nms();
  const c = client('secret', [server]);
  h.agent([c], catBackends());
  await assert.rejects(nms.requestSession(c.deviceId, 'not-the-secret', 'csh', { timeoutMs: 5000 }), /secret/i);
  const s = await nms.requestSession(c.deviceId, c.secret, 'csh');
  await s.waitFor((out) => out.includes(MSG_CSH_STARTED), 5000);
  await s.close();
});

test('kill_signal ends the session and its process group', async () => {
  const { nms, server } = await h.nms();
  const backend = new ExecBackend({ command: 'echo "pid=$$"; exec sleep 1000', logger: testLogger });
  const c = client('kill', [server]);
  h.agent([c], { netconf: backend, csh: backend });
  const s = await nms.requestSession(c.deviceId, c.secret, 'csh');
  const out = await s.waitFor((o) => /pid=\d+/.test(o), 5000);
  const pid = Number(/pid=(\d+)/.exec(out)![1]);
  assert.ok(pidAlive(pid));
  s.kill(2);
  await s.waitFor((o) => o.includes(MSG_SUBPROCESS_ENDED), 5000);
  await until(() => !pidAlive(pid), 5000, `pid ${pid} to exit`);
  await s.ended;
});

test('a session whose process exits on its own sends the stop message and half-closes', async () => {
  const { nms, server } = await h.nms();
  const backend = new ExecBackend({ command: 'echo bye', logger: testLogger });
  const c = client('exit', [server]);
  h.agent([c], { netconf: backend, csh: backend });
  const s = await nms.requestSession(c.deviceId, c.secret, 'netconf');
  await s.ended;
  const out = s.output();
  assert.ok(out.indexOf('bye') < out.indexOf(MSG_SUBPROCESS_ENDED), out);
});

test('multi-byte UTF-8 output is never split across messages', async () => {
  const { nms, server } = await h.nms();
  // 3000 three-byte characters written by a real process in odd-sized pieces.
  const backend = new ExecBackend({ command: `node -e "const s='€'.repeat(3000);const b=Buffer.from(s);let i=0;const t=setInterval(()=>{process.stdout.write(b.subarray(i,i+7));i+=7;if(i>=b.length)clearInterval(t)},0)"`, logger: testLogger });
  const c = client('utf8', [server]);
  h.agent([c], { netconf: backend, csh: backend });
  const s = await nms.requestSession(c.deviceId, c.secret, 'netconf');
  await s.ended;
  // A split character would reach the NMS as replacement characters in two messages.
  assert.equal(s.output(), '€'.repeat(3000) + MSG_SUBPROCESS_ENDED);
});

test('concurrent session requests for one device each get their own session', async () => {
  const { nms, server } = await h.nms();
  const c = client('parallel', [server]);
  h.agent([c], catBackends());
  const sessions = await Promise.all(Array.from({ length: 5 }, () => nms.requestSession(c.deviceId, c.secret, 'csh', { timeoutMs: 15_000 })));
  assert.equal(new Set(sessions.map((s) => s.peer)).size, 5);
  assert.equal(nms.events.filter((e) => e.type === 'shared-connection').length, 0);
  await Promise.all(sessions.map((s) => s.close()));
});

test('an Initialize failed by the NMS (the sample\'s "Failed to serialize response!") is re-armed', async () => {
  const { nms, server } = await h.nms();
  const c = client('rearm', [server]);
  h.agent([c], catBackends());
  await until(() => nms.pendingInitializes(c.deviceId) === 1, 10_000, 'the first Initialize');
  const before = nms.events.filter((e) => e.type === 'initialize').length;
  assert.ok(nms.failInitialize(c.deviceId));
  await until(() => nms.events.filter((e) => e.type === 'initialize').length > before && nms.pendingInitializes(c.deviceId) === 1, 10_000, 'a re-armed Initialize');
  const s = await nms.requestSession(c.deviceId, c.secret, 'csh');
  await s.waitFor((o) => o.includes(MSG_CSH_STARTED), 5000);
  await s.close();
});

test('a spare connection is kept while sessions come back to back, and closed once they stop: a seldom polled device holds one connection', async () => {
  const { nms, server } = await h.nms();
  const c = client('spare', [server]);
  h.agent([c], catBackends());
  const session = async () => {
    const s = await nms.requestSession(c.deviceId, c.secret, 'netconf');
    s.send('x');
    await s.waitFor((out) => out.includes('x'), 5000);
    await s.close();
  };
  for (let i = 0; i < 3; i++) await session();
  // Back to back: the pending Initialize's connection and the spare for the next one.
  await until(() => nms.connectionCount() === 2 && nms.pendingInitializes(c.deviceId) === 1, 5000, 'pending + spare');
  // No session for a while: the spare goes.
  await until(() => nms.connectionCount() === 1, SPARE_IDLE_MS + 5000, 'the spare closed');
  // A session after a pause (a poll) opens no spare: still one connection after it.
  await session();
  await until(() => nms.pendingInitializes(c.deviceId) === 1, 5000, 're-armed');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(nms.connectionCount(), 1, 'one connection after a seldom session');
});
