/**
 * Dead, frozen or silent NMSs: the connect bound (TCP + TLS + HTTP/2 settings) moves the
 * walk on from a server that accepts TCP and never speaks, or completes TLS and never
 * speaks HTTP/2; HTTP/2 keepalive finds an NMS whose process was stopped (SIGSTOP) and the
 * device fails over, with status saying why. Small bounds (1 s) keep the tests short; the
 * assertions are on order and occurrence, the waits only bound the test.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { Agent } from '../../src/outbound/agent.js';
import { transportTiming, type ClientConfig } from '../../src/outbound/config.js';
import { parseAgentConfigText } from '../../src/outbound/junos-config.js';
import { channelOptions } from '../../src/outbound/channel.js';
import { agentConfigOf } from '../../src/device/options.js';
import { withDefaults } from '../../src/device/settings.js';
import { Harness, catBackends, client, loopbackPki, pidAlive, testLogger, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

const NMS_CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/nms-cli.js');

function startAgent(clients: ClientConfig[], timing: { keepalive?: number; connectTimeout?: number }, protocol: 'enhanced' | 'basic' = 'enhanced'): Agent {
  const agent = new Agent({ config: { clients, protocol, ...timing }, backends: catBackends(), logger: testLogger });
  agent.start();
  h.defer(() => agent.stop());
  return agent;
}

/** A listener on 127.0.0.1 that takes connections and never says a word; counts them. */
async function silentServer(make: (onSocket: (s: net.Socket) => void) => net.Server): Promise<{ port: number; accepted: () => number }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = make((s) => {
    accepted++;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  h.defer(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, accepted: () => accepted };
}

for (const kind of ['accepts TCP, never speaks', 'completes TLS, never speaks HTTP/2'] as const) {
  test(`a server that ${kind} is down after the connect bound; the next server is reached`, async () => {
    const pem = await loopbackPki();
    const silent =
      kind === 'accepts TCP, never speaks'
        ? await silentServer((on) => net.createServer(on))
        : await silentServer((on) => tls.createServer({ cert: pem.cert, key: pem.key, ALPNProtocols: ['h2'] }, on));
    const b = await h.nms(pem);
    const c = client(`silent-${kind.split(' ')[0]}`, [{ address: '127.0.0.1', port: silent.port, trustedCert: pem.cert }, b.server], { waittime: 30 });
    const agent = startAgent([c], { connectTimeout: 1 });
    // Without a connect bound the probe of the silent server holds the walk for 60 s.
    await until(() => b.nms.pendingInitializes(c.deviceId) === 1, 20_000, 'the device at the second server');
    assert.ok(silent.accepted() >= 1, 'the silent server was tried first');
    const st = agent.status().clients[0];
    assert.equal(st.state, 'connected');
    assert.equal(st.server, `127.0.0.1:${b.port}`);
    assert.match(st.lastError ?? '', new RegExp(`127\\.0\\.0\\.1:${silent.port}: no connection within 1 s`));
  });
}

test('basic protocol: a server that accepts TCP and never speaks is down after the connect bound', async () => {
  const pem = await loopbackPki();
  const silent = await silentServer((on) => net.createServer(on));
  const b = await h.nms(pem);
  const c = client('silent-basic', [{ address: '127.0.0.1', port: silent.port, trustedCert: pem.cert }, b.server], { waittime: 30, secret: 'nc_grpc_device' });
  const agent = startAgent([c], { connectTimeout: 1 }, 'basic');
  await until(() => b.nms.events.some((e) => e.type === 'basic-auth' && e.ok === true), 20_000, 'the handshake at the second server');
  assert.ok(silent.accepted() >= 1, 'the silent server was tried first');
  assert.equal(agent.status().clients[0].server, `127.0.0.1:${b.port}`);
  assert.match(agent.status().clients[0].lastError ?? '', /no connection within 1 s/);
});

test('a server that answers the probe, then goes silent, loses the next pending Initialize at the connect bound', async () => {
  const pem = await loopbackPki();
  const a = await h.nms(pem);
  const b = await h.nms(pem);
  // In front of A: the first connection (the status probe, kept for the first Initialize) is
  // forwarded, later ones hang.
  const pairs = new Set<net.Socket>();
  let connections = 0;
  const front = net.createServer((s) => {
    connections++;
    pairs.add(s);
    s.on('error', () => {});
    s.on('close', () => pairs.delete(s));
    if (connections > 1) return;
    const up = net.connect(a.port, '127.0.0.1');
    pairs.add(up);
    up.on('error', () => {});
    s.pipe(up).pipe(s);
    s.on('close', () => up.destroy());
    up.on('close', () => s.destroy());
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
  h.defer(() => new Promise<void>((r) => (pairs.forEach((s) => s.destroy()), front.close(() => r()))));
  const frontPort = (front.address() as net.AddressInfo).port;
  const c = client('goes-silent', [{ address: '127.0.0.1', port: frontPort, trustedCert: pem.cert }, b.server], { waittime: 30 });
  const agent = startAgent([c], { connectTimeout: 1 });
  // The probe's connection carries the first Initialize: one connection for an idle device.
  await until(() => a.nms.pendingInitializes(c.deviceId) === 1, 20_000, 'the device at A');
  assert.equal(connections, 1, 'probe and first Initialize share one connection');
  // A session takes it; the next Initialize needs a new connection, which hangs.
  const session = await a.nms.requestSession(c.deviceId, c.secret, 'netconf');
  h.defer(() => session.close().catch(() => {}));
  await until(() => b.nms.pendingInitializes(c.deviceId) === 1, 20_000, 'the device at the second server');
  assert.equal(a.nms.pendingInitializes(c.deviceId), 0, 'no second Initialize reached A');
  assert.ok(connections >= 3, `${connections} connections to A's front: probe + Initialize, next Initialize, next probe`);
  const loss = agent.status().clients[0].lastLoss;
  assert.ok(loss, 'status records the lost link');
  assert.equal(loss.server, `127.0.0.1:${frontPort}`);
  assert.match(loss.reason, /no connection within 1 s/);
});

test('keepalive: an NMS process stopped with SIGSTOP is declared lost, status says so, the device fails over', async () => {
  const pem = await loopbackPki();
  const dir = h.tempDir('ncgd-frozen-');
  writeFileSync(path.join(dir, 'server.crt'), pem.cert);
  writeFileSync(path.join(dir, 'server.key'), pem.key, { mode: 0o600 });
  const child = spawn(process.execPath, [NMS_CLI, 'nms', '--port', '0', '--host', '127.0.0.1', '--cert', path.join(dir, 'server.crt'), '--key', path.join(dir, 'server.key'), '--log-format', 'json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid!;
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  h.defer(async () => {
    if (!pidAlive(pid)) return;
    process.kill(pid, 'SIGCONT');
    process.kill(pid, 'SIGKILL');
    await until(() => child.exitCode !== null || child.signalCode !== null, 5000, 'the stopped NMS to exit').catch(() => {});
  });
  await until(() => /listening on 127\.0\.0\.1:\d+/.test(out) || child.exitCode !== null, 15_000, 'the NMS child to listen');
  const portA = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
  assert.ok(portA, `the NMS child did not start: ${out}`);
  const b = await h.nms(pem);

  const c = client('frozen', [{ address: '127.0.0.1', port: portA, trustedCert: pem.cert }, b.server], { waittime: 30 });
  const agent = startAgent([c], { keepalive: 1, connectTimeout: 1 });
  // The device's Initialize is pending at A (A logs it), and keepalive pings are answered.
  await until(() => out.includes('device waiting (Initialize pending)'), 15_000, 'the Initialize pending at the NMS child');
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(agent.status().clients[0].state, 'connected');
  assert.equal(agent.status().clients[0].server, `127.0.0.1:${portA}`);
  assert.equal(b.nms.pendingInitializes(c.deviceId), 0, 'the device stays at A while A answers');

  process.kill(pid, 'SIGSTOP');
  await until(() => b.nms.pendingInitializes(c.deviceId) === 1, 20_000, 'the device at the second NMS');
  const st = agent.status().clients[0];
  assert.equal(st.state, 'connected');
  assert.equal(st.server, `127.0.0.1:${b.port}`);
  assert.ok(st.lastLoss, 'status records the lost link');
  assert.equal(st.lastLoss.server, `127.0.0.1:${portA}`);
  assert.match(st.lastLoss.reason, /keepalive ping/);
  // Walking again, the frozen A (its kernel still accepts TCP) was down by the connect bound.
  assert.match(st.lastError ?? '', new RegExp(`127\\.0\\.0\\.1:${portA}: no connection within 1 s`));
  assert.ok(pidAlive(pid), 'A is only stopped');
});

test('keepalive and connect-timeout: defaults, JSON keys, flags, bad values', async () => {
  const pem = await loopbackPki();
  assert.deepEqual(transportTiming({}), { keepaliveMs: 300_000, connectTimeoutMs: 10_000 });
  const opts = channelOptions(transportTiming({}));
  assert.equal(opts['grpc.keepalive_time_ms'], 300_000);
  assert.equal(opts['grpc.keepalive_timeout_ms'], 20_000);
  assert.equal(opts['grpc.keepalive_permit_without_calls'], 0);
  assert.equal(channelOptions({ keepaliveMs: 1500 })['grpc.keepalive_timeout_ms'], 1500);
  assert.equal(channelOptions(transportTiming({ keepalive: 0 }))['grpc.keepalive_time_ms'], undefined);

  const json = (extra: string) =>
    `{${extra}"clients":[{"name":"a","device-id":"d","secret":"s","servers":[{"address":"127.0.0.1","port":4433,"trusted-cert":${JSON.stringify(pem.cert)}}]}]}`;
  const cfg = parseAgentConfigText(json('"keepalive": 0.5, "connect-timeout": 2, '), 'lab.json');
  assert.equal(cfg.keepalive, 0.5);
  assert.equal(cfg.connectTimeout, 2);
  assert.throws(() => parseAgentConfigText(json('"keepalive": "soon", '), 'lab.json'), /^ConfigError: lab\.json: keepalive must be seconds/);
  assert.throws(() => parseAgentConfigText(json('"connect-timeout": 0, '), 'lab.json'), /lab\.json: connect-timeout must be seconds between 0\.1 and 3600$/);

  const flags = { host: '127.0.0.1', cert: pem.cert, deviceId: 'd', secret: 's' };
  assert.equal(agentConfigOf(withDefaults({ ...flags, keepalive: 0, connectTimeout: 3 }))?.keepalive, 0);
  assert.equal(agentConfigOf(withDefaults({ ...flags, connectTimeout: 3 }))?.connectTimeout, 3);
  assert.throws(() => agentConfigOf(withDefaults({ ...flags, keepalive: NaN })), /^ConfigError: --keepalive must be seconds/);
});
