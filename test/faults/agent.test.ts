/**
 * Fault injection, in-process: an Agent with a FaultSet against the reference NMS over real
 * TLS on 127.0.0.1, sessions on real processes (exec backend) or the built-in NETCONF server.
 * Each fault is observed where an NMS would see it. Delays are checked as lower bounds only.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ExecBackend } from '../../src/backends/exec.js';
import { DeviceNetconfBackend } from '../../src/backends/junos-netconf.js';
import { FaultSet, FaultSpecError, formatFault, parseFault } from '../../src/faults/faults.js';
import { MSG_CSH_STARTED } from '../../src/outbound/session-bridge.js';
import type { SessionBackend, SessionKind } from '../../src/session/byte-session.js';
import { EmulatedDevice } from '../../src/junos/device.js';
import { Agent } from '../../src/outbound/agent.js';
import type { ClientConfig } from '../../src/outbound/config.js';
import { Harness, catBackends, client, pidAlive, testLogger, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

const EOM = ']]>]]>';
const STOPPING = 'Client is stopping';

function faultyAgent(clients: ClientConfig[], backends: Record<SessionKind, SessionBackend>, faults: FaultSet): Agent {
  const agent = new Agent({ config: { clients, protocol: 'enhanced' }, backends, logger: testLogger, faults });
  agent.start();
  h.defer(() => agent.stop());
  return agent;
}

function exec(command: string): ExecBackend {
  return new ExecBackend({ command, logger: testLogger });
}

test('fault specs parse to one canonical form; bad ones give one-line errors', () => {
  for (const spec of ['output-delay=250', 'drop-after=4096', 'stall-after=0', 'no-stop-message', 'rpc-error=commit-configuration', 'rpc-delay=10']) {
    assert.equal(formatFault(parseFault(spec)), spec);
  }
  for (const bad of ['bogus', 'output-delay', 'output-delay=', 'drop-after=-1', 'rpc-delay=1.5', 'no-stop-message=1', 'rpc-error=', 'rpc-error=<x>', 'output-delay=99999999']) {
    assert.throws(() => parseFault(bad), (err: Error) => err instanceof FaultSpecError && !err.message.includes('\n'), bad);
  }
  const set = new FaultSet(['rpc-error=a', 'rpc-delay=5']);
  set.add(['rpc-error=b', 'rpc-delay=7']);
  assert.deepEqual(set.list(), ['rpc-delay=7', 'rpc-error=a', 'rpc-error=b']);
  assert.throws(() => set.change({ clear: true, add: ['output-delay=1', 'nope'] }), FaultSpecError);
  assert.deepEqual(set.list(), ['rpc-delay=7', 'rpc-error=a', 'rpc-error=b'], 'a bad change changes nothing');
  assert.deepEqual(set.change({ clear: true, add: ['no-stop-message'] }), ['no-stop-message']);
});

test('output-delay: every output chunk reaches the NMS no sooner than the delay, in order', async () => {
  const { nms, server } = await h.nms();
  const c = client('odelay', [server]);
  faultyAgent([c], catBackends(), new FaultSet(['output-delay=300']));
  const s = await nms.requestSession(c.deviceId, c.secret, 'csh');
  await s.waitFor((o) => o.includes(MSG_CSH_STARTED), 5000);
  const sent = Date.now();
  s.send('first');
  s.send('second');
  const out = await s.waitFor((o) => o.includes('second'), 10_000);
  assert.ok(Date.now() - sent >= 300, `echo came after ${Date.now() - sent} ms`);
  assert.ok(out.indexOf('first') < out.indexOf('second'), out);
  await s.close();
});

test('drop-after: the RPC is cancelled without the stop message, the process dies, the device re-arms', async () => {
  const { nms, server } = await h.nms();
  const c = client('drop', [server]);
  const bulk = exec(`echo "pid=$$"; head -c 200000 /dev/zero | tr '\\0' x; exec sleep 1000`);
  faultyAgent([c], { netconf: bulk, csh: catBackends().csh }, new FaultSet(['drop-after=5000']));
  const s = await nms.requestSession(c.deviceId, c.secret, 'netconf');
  await s.ended;
  const out = s.output();
  // The device cancels the call; grpc-js sends END_STREAM just before RST_STREAM, so the NMS
  // may record either a cancellation or a bare half-close. Never the stop message.
  assert.ok(s.endReason === 'cancelled' || s.endReason === 'device-closed', String(s.endReason));
  assert.ok(!out.includes(STOPPING), 'no stop message');
  assert.ok(out.length <= 5000, `at most 5000 bytes went up (got ${out.length})`);
  const pid = Number(/pid=(\d+)/.exec(out)?.[1]);
  assert.ok(pid > 0, `the pid line arrived: ${out.slice(0, 40)}`);
  await until(() => !pidAlive(pid), 5000, `pid ${pid} to be killed`);
  await until(() => nms.pendingInitializes(c.deviceId) === 1, 10_000, 'a re-armed Initialize');
  const next = await nms.requestSession(c.deviceId, c.secret, 'csh');
  next.send('still here');
  await next.waitFor((o) => o.includes('still here'), 5000);
  await next.close();
});

test('stall-after: output stops at the byte count, input is still taken, kill still ends it', async () => {
  const { nms, server } = await h.nms();
  const dir = h.tempDir();
  const flag = path.join(dir, 'got-input');
  const c = client('stall', [server]);
  const talker = exec(`echo "pid=$$"; head -c 3000 /dev/zero | tr '\\0' x; read line; echo "$line" > ${flag}; exec sleep 1000`);
  faultyAgent([c], { netconf: talker, csh: talker }, new FaultSet(['stall-after=1000']));
  const s = await nms.requestSession(c.deviceId, c.secret, 'netconf');
  const out = await s.waitFor((o) => o.length >= 1000, 5000);
  const pid = Number(/pid=(\d+)/.exec(out)?.[1]);
  s.send('hello');
  await until(() => existsSync(flag), 5000, 'the process to read its input');
  // The process has written everything long before it read its input.
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(s.output().length, 1000, 'nothing past the stall point');
  assert.equal(s.isEnded, false, 'the session stays open');
  s.kill(9);
  await s.ended;
  assert.equal(s.endReason, 'device-closed');
  assert.equal(s.output().slice(0, 1000), out.slice(0, 1000));
  await until(() => !pidAlive(pid), 5000, `pid ${pid} to exit`);
});

test('no-stop-message: sessions half-close without "Client is stopping"', async () => {
  const { nms, server } = await h.nms();
  const c = client('nostop', [server]);
  faultyAgent([c], { netconf: exec('echo bye'), csh: catBackends().csh }, new FaultSet(['no-stop-message']));
  const ended = await nms.requestSession(c.deviceId, c.secret, 'netconf');
  await ended.ended;
  assert.equal(ended.endReason, 'device-closed');
  assert.equal(ended.output(), 'bye\n');
  const killed = await nms.requestSession(c.deviceId, c.secret, 'csh');
  await killed.waitFor((o) => o.includes(MSG_CSH_STARTED), 5000);
  await killed.close();
  assert.equal(killed.endReason, 'device-closed');
  assert.ok(!killed.output().includes(STOPPING), killed.output());
});

test('rpc-error and rpc-delay through the built-in NETCONF server, changed at run time', async () => {
  const { nms, server } = await h.nms();
  const faults = new FaultSet(['rpc-error=get-software-information']);
  const device = await EmulatedDevice.create({ profile: 'mx', logger: testLogger, faults });
  h.defer(() => device.close());
  const c = client('rpcfault', [server]);
  const nc = new DeviceNetconfBackend(device, 'lab');
  faultyAgent([c], { netconf: nc, csh: nc }, faults);
  const s = await nms.requestSession(c.deviceId, c.secret, 'netconf');
  await s.waitFor((o) => o.includes(EOM), 5000);
  s.send(`<rpc message-id="1"><get-software-information/></rpc>${EOM}`);
  const errOut = await s.waitFor((o) => /message-id="1"[\s\S]*<\/rpc-reply>/.test(o), 5000);
  const reply1 = errOut.slice(errOut.indexOf('message-id="1"'));
  assert.match(reply1, /<rpc-error>[\s\S]*<error-type>application<\/error-type>[\s\S]*<error-tag>operation-failed<\/error-tag>[\s\S]*fault injected: get-software-information/);
  assert.doesNotMatch(reply1, /<software-information>/);
  // The session goes on: another RPC is answered normally.
  s.send(`<rpc message-id="2"><get-system-uptime-information/></rpc>${EOM}`);
  await s.waitFor((o) => /message-id="2"[\s\S]*<system-uptime-information/.test(o), 5000);
  // At run time: the error goes, a delay comes; the live session follows.
  faults.change({ clear: true, add: ['rpc-delay=400'] });
  const sent = Date.now();
  s.send(`<rpc message-id="3"><get-software-information/></rpc>${EOM}`);
  const out = await s.waitFor((o) => /message-id="3"[\s\S]*<\/rpc-reply>/.test(o), 10_000);
  assert.ok(Date.now() - sent >= 400, `reply came after ${Date.now() - sent} ms`);
  assert.match(out.slice(out.indexOf('message-id="3"')), /<software-information>/);
  await s.close();
});

test('drop-connections: live sessions and the pending Initialize are cut; the device reconnects', async () => {
  const { nms, server } = await h.nms();
  const c = client('dropall', [server]);
  const agent = faultyAgent([c], catBackends(), new FaultSet());
  const a = await nms.requestSession(c.deviceId, c.secret, 'csh');
  const b = await nms.requestSession(c.deviceId, c.secret, 'netconf');
  await a.waitFor((o) => o.includes(MSG_CSH_STARTED), 5000);
  await until(() => nms.pendingInitializes(c.deviceId) === 1, 10_000, 'the pending Initialize');
  const cancelledBefore = nms.events.filter((e) => e.type === 'initialize-cancelled').length;
  const initsBefore = nms.events.filter((e) => e.type === 'initialize').length;
  assert.equal(agent.dropConnections(), 2);
  await Promise.all([a.ended, b.ended]);
  // Cancelled by the device (seen as a cancellation or a bare half-close, see drop-after).
  for (const s of [a, b]) assert.ok(s.endReason === 'cancelled' || s.endReason === 'device-closed', String(s.endReason));
  assert.ok(!a.output().includes(STOPPING) && !b.output().includes(STOPPING));
  await until(() => nms.events.filter((e) => e.type === 'initialize-cancelled').length > cancelledBefore, 5000, 'the Initialize to be cancelled');
  await until(() => nms.events.filter((e) => e.type === 'initialize').length > initsBefore, 15_000, 'a new Initialize');
  const again = await nms.requestSession(c.deviceId, c.secret, 'csh', { timeoutMs: 15_000 });
  again.send('back again');
  await again.waitFor((o) => o.includes('back again'), 5000);
  await again.close();
  assert.equal(agent.status().clients[0].state, 'connected');
});
