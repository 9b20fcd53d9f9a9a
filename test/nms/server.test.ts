/**
 * The reference NMS against a minimal device written on raw grpc-js (real TLS, 127.0.0.1):
 * status, held Initializes, secret check, CommandGet matching, full sessions, basic protocol.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import http2 from 'node:http2';
import { ncgrpcMethods } from '../../src/wire/protos.js';
import { ReferenceNms } from '../../src/nms/server.js';
import { makeSelfSigned, type Pem } from '../../src/nms/pki.js';
import { STOPPING, commandGet, deviceSession, echoDevice, initialize, rawClient, status, until, type RawClient } from '../support/nms-raw-device.js';

let pem: Pem;
let nms: ReferenceNms;
let port: number;
const clients: RawClient[] = [];
const extraNms: ReferenceNms[] = [];

function client(basic = false): RawClient {
  const c = rawClient(port, pem.cert, basic);
  clients.push(c);
  return c;
}

before(async () => {
  pem = await makeSelfSigned({ commonName: 'nms.lab', ipSans: ['127.0.0.1'] });
  nms = new ReferenceNms({ cert: pem.cert, key: pem.key, closeTimeoutMs: 3000 });
  port = await nms.start();
});

after(async () => {
  for (const c of clients) c.close();
  await nms.stop();
  for (const n of extraNms) await n.stop();
});

const count = (type: string, deviceId?: string): number => nms.events.filter((e) => e.type === type && (deviceId === undefined || e.deviceId === deviceId)).length;

test('status probe answers SUCCESS, or FAILURE / an error when told to', async () => {
  const c = client();
  assert.equal(await status(c), 'SUCCESS');
  nms.statusAnswer = 'FAILURE';
  assert.equal(await status(c), 'FAILURE');
  nms.statusAnswer = 'error';
  await assert.rejects(status(c), (e: grpc.ServiceError) => e.code === grpc.status.UNAVAILABLE);
  nms.statusAnswer = 'SUCCESS';
  assert.ok(count('status') >= 3);
});

test('Initialize is held until an operator asks, then answered with session_type and trailing metadata', async () => {
  const c = client();
  let answeredYet = false;
  const { answered } = initialize(c, 'dev-held', 'sec-held', '777');
  answered.then(() => (answeredYet = true), () => {});
  await until(() => nms.pendingInitializes('dev-held') === 1, 5000, 'the pending Initialize');
  // A status round trip on the same connection proves the server is serving while the Initialize is held.
  assert.equal(await status(c), 'SUCCESS');
  assert.equal(answeredYet, false, 'the Initialize must stay pending without an operator request');
  const ev = nms.events.find((e) => e.type === 'initialize' && e.deviceId === 'dev-held');
  assert.equal(ev?.instanceId, '777');
  assert.equal(ev?.metadata?.send_data, 'send_data');
  assert.ok(ev?.peer);
  assert.ok(!JSON.stringify(nms.events).includes('sec-held'), 'the secret is not recorded');

  const sessionP = nms.requestSession('dev-held', 'sec-held', 'netconf', { timeoutMs: 5000 });
  const init = await answered;
  assert.equal(init.sessionType, 'NETCONF');
  assert.equal(init.trailer.get('conn_type')[0], 'netconf');
  assert.ok(String(init.trailer.get('port')[0]).length > 0);
  assert.equal(nms.pendingInitializes('dev-held'), 0);
  const s = commandGet(c, init.trailer);
  echoDevice(s, '<hello/>]]>]]>');
  const session = await sessionP;
  assert.equal(session.deviceId, 'dev-held');
  assert.equal(session.type, 'netconf');
  const opened = nms.events.find((e) => e.type === 'session-open' && e.deviceId === 'dev-held');
  assert.equal(opened?.metadata?.conn_type, 'netconf');
  await session.waitFor((o) => o.includes('<hello/>'), 5000);
  await session.close();
  assert.equal(session.endReason, 'device-closed');
});

test('a wrong secret is refused and the Initialize stays pending', async () => {
  const c = client();
  const { answered } = initialize(c, 'dev-secret', 'right');
  await until(() => nms.pendingInitializes('dev-secret') === 1, 5000, 'the pending Initialize');
  await assert.rejects(nms.requestSession('dev-secret', 'wrong', 'csh', { timeoutMs: 2000 }), /secret mismatch for device dev-secret/);
  assert.equal(nms.pendingInitializes('dev-secret'), 1);
  assert.equal(count('secret-mismatch', 'dev-secret'), 1);
  const sessionP = nms.requestSession('dev-secret', 'right', 'csh', { timeoutMs: 5000 });
  const init = await answered;
  assert.equal(init.sessionType, 'CSH');
  assert.equal(init.trailer.get('conn_type')[0], 'csh');
  const s = commandGet(c, init.trailer);
  echoDevice(s, 'csh session is started');
  const session = await sessionP;
  await session.waitFor((o) => o.includes('csh session is started'), 5000);
  await session.close();
});

test('no device waiting: the request fails with a clear message', async () => {
  await assert.rejects(nms.requestSession('dev-absent', 'x', 'csh', { timeoutMs: 100 }), /no device dev-absent is waiting at the NMS/);
});

test('CommandGet without conn_type metadata is refused', async () => {
  const c = client();
  const s = commandGet(c, new grpc.Metadata());
  const st = await s.status;
  assert.equal(st.code, grpc.status.UNKNOWN);
  assert.match(st.details, /conn_type/);
  assert.ok(nms.events.some((e) => e.type === 'stream-rejected' && /conn_type/.test(e.detail ?? '')));
});

test('CommandGet on another connection than the answered Initialize is refused', async () => {
  const c1 = client();
  const c2 = client();
  const { answered } = initialize(c1, 'dev-conn', 'k');
  await until(() => nms.pendingInitializes('dev-conn') === 1, 5000, 'the pending Initialize');
  const sessionP = nms.requestSession('dev-conn', 'k', 'csh', { timeoutMs: 1500 });
  sessionP.catch(() => {});
  const init = await answered;
  const wrong = commandGet(c2, init.trailer);
  const st = await wrong.status;
  assert.equal(st.code, grpc.status.UNKNOWN);
  assert.match(st.details, /no answered NcgrpcInitialize/);
  // The answered Initialize is still waiting for its stream on the right connection.
  const right = commandGet(c1, init.trailer);
  echoDevice(right, 'csh session is started');
  const session = await sessionP;
  await session.close();
});

test('end to end: commands go down by conn_type, output comes up, close kills and waits for the half-close', async () => {
  const dev = deviceSession(port, pem.cert, 'dev-e2e', 'pw');
  await until(() => nms.pendingInitializes('dev-e2e') === 1, 5000, 'the pending Initialize');
  const opened: string[] = [];
  const onOpen = (e: { deviceId?: string }): void => void opened.push(e.deviceId ?? '');
  nms.on('session-open', onOpen);
  const session = await nms.requestSession('dev-e2e', 'pw', 'csh', { timeoutMs: 5000 });
  const { stream, client: c } = await dev;
  clients.push(c);
  await session.waitFor((o) => o.startsWith('csh session is started'), 5000);
  const messages: string[] = [];
  session.on('message', (m: string) => messages.push(m));
  session.send('show version');
  await session.waitFor((o) => o.includes('echo:show version'), 5000);
  assert.equal(stream.received[0].csh_command, 'show version');
  assert.equal(stream.received[0].kill_signal, '0');
  await session.close();
  const last = stream.received[stream.received.length - 1];
  assert.equal(last.csh_command, 'exit');
  assert.equal(last.kill_signal, '2');
  assert.ok(session.output().endsWith(STOPPING));
  assert.deepEqual(messages, ['echo:show version', STOPPING]);
  assert.equal((await stream.status).code, grpc.status.OK);
  assert.ok(opened.includes('dev-e2e'));
  assert.ok(nms.events.some((e) => e.type === 'session-close' && e.deviceId === 'dev-e2e' && e.detail === 'device-closed'));
  nms.off('session-open', onOpen);
  assert.throws(() => session.send('late'), /has ended/);
});

test('several pending Initializes of one device give concurrent sessions, each on its own connection', async () => {
  const devs = [0, 1, 2].map(() => deviceSession(port, pem.cert, 'dev-multi', 'm'));
  await until(() => nms.pendingInitializes('dev-multi') === 3, 5000, 'three pending Initializes');
  const sessions = [];
  for (let i = 0; i < 3; i++) sessions.push(await nms.requestSession('dev-multi', 'm', 'netconf', { timeoutMs: 5000 }));
  for (const d of await Promise.all(devs)) clients.push(d.client);
  assert.equal(new Set(sessions.map((s) => s.peer)).size, 3);
  for (let i = 0; i < 3; i++) sessions[i].send(`rpc-${i}`);
  for (let i = 0; i < 3; i++) {
    const out = await sessions[i].waitFor((o) => o.includes(`echo:rpc-${i}`), 5000);
    assert.ok(!/echo:rpc-(?!\d)/.test(out) && out.split('echo:').length === 2, 'one echo per session');
  }
  await Promise.all(sessions.map((s) => s.close()));
  assert.ok(count('shared-connection') === 0);
});

test('the device ending its session ends the NMS session; a device that never half-closes is cut after the close timeout', async () => {
  const c = client();
  const { answered } = initialize(c, 'dev-self', 'z');
  const p = nms.requestSession('dev-self', 'z', 'netconf', { timeoutMs: 5000 });
  const init = await answered;
  const s = commandGet(c, init.trailer);
  s.call.write({ message: 'bye' });
  const session = await p;
  s.call.write({ message: STOPPING });
  s.call.end();
  await session.ended;
  assert.equal(session.endReason, 'device-closed');
  assert.equal(session.output(), 'bye' + STOPPING);

  const short = new ReferenceNms({ cert: pem.cert, key: pem.key, closeTimeoutMs: 300 });
  extraNms.push(short);
  const sp = await short.start();
  const c2 = rawClient(sp, pem.cert);
  clients.push(c2);
  const i2 = initialize(c2, 'dev-stuck', 'z');
  const p2 = short.requestSession('dev-stuck', 'z', 'csh', { timeoutMs: 5000 });
  const stuck = commandGet(c2, (await i2.answered).trailer);
  stuck.call.write({ message: 'csh session is started' });
  const s2 = await p2;
  await s2.close();
  assert.equal(s2.endReason, 'close-timeout');
  assert.equal((await stuck.status).code, grpc.status.OK);
  assert.equal(stuck.received[stuck.received.length - 1].kill_signal, '2');
});

test('a cancelled pending Initialize is no longer pending', async () => {
  const c = client();
  const { call } = initialize(c, 'dev-cancel', 'q');
  await until(() => nms.pendingInitializes('dev-cancel') === 1, 5000, 'the pending Initialize');
  call.cancel();
  await until(() => nms.pendingInitializes('dev-cancel') === 0, 5000, 'the cancellation');
  assert.equal(count('initialize-cancelled', 'dev-cancel'), 1);
  await assert.rejects(nms.requestSession('dev-cancel', 'q', 'csh', { timeoutMs: 100 }), /no device dev-cancel/);
});

test('failInitialize answers a pending Initialize with the sample NMS error', async () => {
  const c = client();
  const { answered } = initialize(c, 'dev-fail', 'f');
  await until(() => nms.pendingInitializes('dev-fail') === 1, 5000, 'the pending Initialize');
  assert.equal(nms.failInitialize('dev-fail'), true);
  await assert.rejects(answered, (e: grpc.ServiceError) => e.code === grpc.status.INTERNAL && /Failed to serialize response!/.test(e.details));
  assert.equal(nms.pendingInitializes('dev-fail'), 0);
  assert.equal(nms.failInitialize('dev-fail'), false);
});

function handshake(c: RawClient, s: string): Promise<string> {
  return new Promise((resolve, reject) => c.InitialHandShake({ message_req: s }, (e: grpc.ServiceError | null, r: { message_res: string }) => (e ? reject(e) : resolve(r.message_res))));
}

test('basic: handshake against the shared string, then one NETCONF session per connection with request_id echoed', async () => {
  const bad = client(true);
  assert.equal(await handshake(bad, 'nope'), 'client Auth failed');
  const refused = bad.GetExecuteCommand() as grpc.ClientDuplexStream<any, any>;
  refused.on('error', () => {});
  refused.on('data', () => {});
  const st = await new Promise<grpc.StatusObject>((r) => refused.on('status', r));
  assert.equal(st.code, grpc.status.UNAUTHENTICATED);

  const c = client(true);
  assert.equal(await handshake(c, 'nc_grpc_device'), 'client Auth successful');
  const stream = c.GetExecuteCommand() as grpc.ClientDuplexStream<any, any>;
  const received: any[] = [];
  stream.on('error', () => {});
  stream.on('data', (r: any) => {
    received.push(r);
    stream.write({ request_id: '8', message: `echo:${r.netconf_command}` });
  });
  stream.write({ request_id: '7', message: '<hello/>]]>]]>' });
  const session = await nms.requestBasicSession({ timeoutMs: 5000 });
  assert.equal(session.protocol, 'basic');
  await session.waitFor((o) => o.includes('<hello/>'), 5000);
  session.send('<rpc/>');
  await session.waitFor((o) => o.includes('echo:<rpc/>'), 5000);
  assert.equal(received[0].request_id, '7');
  assert.throws(() => session.kill(2), /no kill signal/);
  await session.close();
  await session.ended;
  assert.equal(count('basic-auth'), 2);
  await assert.rejects(nms.requestBasicSession({ timeoutMs: 100 }), /no basic device session/);
});

test('keepOutputChars: a session keeps only the tail of a long output', async () => {
  const { NmsSession } = await import('../../src/nms/session.js');
  const { EventEmitter } = await import('node:events');
  // A server call stand-in is enough: NmsSession's bookkeeping is what is under test here.
  const call = Object.assign(new EventEmitter(), { write: () => true, end: () => {} });
  const s = new NmsSession(call as never, { messageOf: (m: { message: string }) => m.message } as never, { peer: 'p', type: 'csh', protocol: 'enhanced', keepOutputChars: 10 });
  for (let i = 0; i < 100; i++) call.emit('data', { message: `line-${i}\n` });
  const out = s.output();
  assert.ok(out.length <= 20 && out.endsWith('line-99\n'), JSON.stringify(out));
});

test('stop() closes every connection, those still in their TLS handshake too (grpc-js alone leaves them open)', async () => {
  const other = new ReferenceNms({ cert: pem.cert, key: pem.key });
  extraNms.push(other);
  const otherPort = await other.start();
  const net = await import('node:net');
  // One connection that never starts TLS, one that is fully up (a status probe answered).
  const silent = net.connect(otherPort, '127.0.0.1');
  await new Promise((r) => silent.once('connect', r));
  const up = rawClient(otherPort, pem.cert);
  clients.push(up);
  assert.equal(await status(up), 'SUCCESS');
  const closed = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 5000);
    silent.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  silent.on('error', () => {});
  await other.stop();
  assert.equal(await closed, true, 'the half-open connection was closed by the NMS');
  // Nothing listens any more.
  const refused = await new Promise<string>((resolve) => {
    const s = net.connect(otherPort, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve('connected')));
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
  assert.equal(refused, 'ECONNREFUSED');
});

test('the NMS indexes no header in HPACK\'s dynamic table: its replies leave the device\'s decoding table empty', async () => {
  const body = ncgrpcMethods().status.requestSerialize({ req: 'REQ_RUNNING' } as never);
  const framed = Buffer.alloc(body.length + 5);
  framed.writeUInt32BE(body.length, 1);
  body.copy(framed, 5);
  const session = http2.connect(`https://127.0.0.1:${port}`, { ca: pem.cert, servername: '127.0.0.1' });
  session.on('error', () => {});
  try {
    // Two calls: a table, if there were one, would hold the first reply's headers.
    for (let i = 0; i < 2; i++) {
      const req = session.request({ ':method': 'POST', ':path': '/jnx.jet.netconf.Ncgrpc/NcgrpcServerStatusGet', 'content-type': 'application/grpc', te: 'trailers' });
      let trailers: http2.IncomingHttpHeaders = {};
      let headers: http2.IncomingHttpHeaders = {};
      req.on('response', (h) => (headers = h));
      req.on('trailers', (t) => (trailers = t));
      req.resume();
      req.end(framed);
      await new Promise<void>((resolve, reject) => {
        req.on('close', resolve);
        req.on('error', reject);
      });
      assert.equal(headers[':status'], 200);
      assert.equal(headers['content-type'], 'application/grpc+proto');
      assert.equal(trailers['grpc-status'], '0');
    }
    assert.equal(session.state.inflateDynamicTableSize, 0);
  } finally {
    session.destroy();
  }
});
