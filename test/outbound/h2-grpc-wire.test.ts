/**
 * The small http2 gRPC client (src/outbound/h2-grpc.ts) puts on the wire what grpc-js puts
 * there. A plain Node http2 TLS server records, for each call kind the device makes (the
 * status probe, a pending Initialize answered and the session's CommandGet on its
 * connection, an Initialize cancelled, keepalive), what each client sends: TLS server name
 * and ALPN, HTTP/2 SETTINGS, request headers in order, DATA bytes, half-close, RST_STREAM
 * codes, PINGs, GOAWAY. The same scenario is run with a grpc-js client (channel.ts's
 * openNcgrpcChannel, the channel options the device used) and with ours; the records must
 * be equal. Statuses (trailers, trailers-only, HTTP errors, a dropped connection) must
 * reach the caller as grpc-js reports them.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { spawn } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import { openNcgrpcChannel, openNcgrpcConnection, whenReady } from '../../src/outbound/channel.js';
import { sharedServerCredentials } from '../../src/outbound/tls.js';
import { ncgrpcMethods } from '../../src/wire/protos.js';
import { INITIALIZE_METADATA } from '../../src/wire/contract.js';
import { USER_AGENT } from '../../src/outbound/h2-grpc.js';
import type { ServerConfig } from '../../src/outbound/config-types.js';
import { Harness, loopbackPki, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

interface StreamRecord {
  path: string;
  /** Request headers as they came, in order (grpc-timeout's value masked). */
  headers: string[];
  timeout?: string;
  data: Buffer;
  halfClosed: boolean;
  rst?: number;
}

interface SessionRecord {
  servername: string | false;
  alpn: string | false | null;
  settings?: http2.Settings;
  streams: StreamRecord[];
  pings: number;
  goaway?: number;
  closed: boolean;
  /** Bytes in the server's HPACK decoding table after the last request's headers (not compared: ours indexes nothing). */
  tableBytes?: number;
}

type Handler = (stream: http2.ServerHttp2Stream, rec: StreamRecord) => void;

/** A plain http2 TLS server that records what clients send; `handlers` answer by path. */
async function recorder(handlers: Record<string, Handler>): Promise<{ port: number; sessions: SessionRecord[]; live: Set<http2.ServerHttp2Session> }> {
  const pem = await loopbackPki();
  const sessions: SessionRecord[] = [];
  const live = new Set<http2.ServerHttp2Session>();
  const server = http2.createSecureServer({ cert: pem.cert, key: pem.key });
  server.on('session', (session) => {
    const socket = session.socket as TLSSocket;
    const rec: SessionRecord = { servername: (socket as TLSSocket & { servername?: string | false }).servername ?? false, alpn: socket.alpnProtocol, streams: [], pings: 0, closed: false };
    sessions.push(rec);
    live.add(session);
    session.on('remoteSettings', (s) => (rec.settings ??= { ...s }));
    session.on('ping', () => rec.pings++);
    session.on('goaway', (code) => (rec.goaway = code));
    session.on('close', () => {
      rec.closed = true;
      live.delete(session);
    });
    session.on('error', () => {});
  });
  server.on('stream', (stream: http2.ServerHttp2Stream, _headers: http2.IncomingHttpHeaders, _flags: number, raw: string[]) => {
    const session = sessions[sessions.length - 1];
    const headers: string[] = [];
    let timeout: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i] === 'grpc-timeout') {
        timeout = raw[i + 1];
        headers.push(`${raw[i]}: <timeout>`);
      } else if (raw[i] === ':authority') {
        // Each run has a server (a port) of its own: the port is checked, then masked.
        assert.equal(raw[i + 1], `127.0.0.1:${port}`);
        headers.push(`${raw[i]}: 127.0.0.1:<port>`);
      } else headers.push(`${raw[i]}: ${raw[i + 1]}`);
    }
    const path = String(_headers[':path']);
    const rec: StreamRecord = { path, headers, timeout, data: Buffer.alloc(0), halfClosed: false };
    const owner = sessions.find((s) => s === session) ?? session;
    owner.streams.push(rec);
    owner.tableBytes = stream.session?.state.inflateDynamicTableSize;
    stream.on('data', (d: Buffer) => (rec.data = Buffer.concat([rec.data, d])));
    stream.on('end', () => (rec.halfClosed = true));
    stream.on('close', () => (rec.rst = stream.rstCode));
    stream.on('error', () => {});
    handlers[path]?.(stream, rec);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  h.defer(
    () =>
      new Promise<void>((r) => {
        for (const s of live) s.destroy();
        server.close(() => r());
      }),
  );
  return { port, sessions, live };
}

/** One gRPC message, length-prefixed. */
function frame(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length + 5);
  out.writeUInt32BE(bytes.length, 1);
  bytes.copy(out, 5);
  return out;
}

const M = ncgrpcMethods();
const serialize = <T>(m: { requestSerialize(v: T): Buffer }, v: T) => m.requestSerialize(v);
/** Encodes a response message (the response type's codec, from the same definitions the server uses). */
function response(kind: 'status' | 'initialize' | 'commandGet', value: object): Buffer {
  const def = (ncgrpcMethods()[kind] as unknown as { responseSerialize(v: object): Buffer });
  return def.responseSerialize(value);
}

type Kind = 'grpc-js' | 'ours';
/** A client of either kind on the enhanced service, as the device opens it. */
function open(kind: Kind, server: ServerConfig, keepaliveMs = 300_000): {
  status(deadline: number): Promise<{ err: grpc.ServiceError | null; resp?: { status: string } }>;
  initialize(): { done: Promise<{ err: grpc.ServiceError | null; resp?: unknown; status?: grpc.StatusObject }>; cancel(): void };
  commandGet(md: grpc.Metadata): grpc.ClientDuplexStream<{ message: string }, { netconf_command?: string }>;
  ready(ms: number): Promise<string>;
  close(): void;
} {
  const creds = sharedServerCredentials(server).creds;
  const c: any = kind === 'grpc-js' ? openNcgrpcChannel(server, undefined, creds, { keepaliveMs }) : openNcgrpcConnection(server, creds, { keepaliveMs });
  return {
    status: (deadline) => new Promise((resolve) => c.NcgrpcServerStatusGet({ req: 'REQ_RUNNING' }, { deadline }, (err: grpc.ServiceError | null, resp?: { status: string }) => resolve({ err, resp }))),
    initialize: () => {
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(INITIALIZE_METADATA)) md.set(k, v);
      let call: any;
      const done = new Promise<{ err: grpc.ServiceError | null; resp?: unknown; status?: grpc.StatusObject }>((resolve) => {
        let got: { err: grpc.ServiceError | null; resp?: unknown } = { err: null };
        call = c.NcgrpcInitialize({ instance_id: '4242', device_id: 'wire-1', secret_key: 'k3y' }, md, (err: grpc.ServiceError | null, resp: unknown) => (got = { err, resp }));
        call.on('status', (status: grpc.StatusObject) => resolve({ ...got, status }));
      });
      return { done, cancel: () => call.cancel() };
    },
    commandGet: (md) => c.NcgrpcCommandGet(md),
    ready: (ms) => whenReady(c, ms),
    close: () => c.close(),
  };
}

function serverConfig(port: number, pem: { cert: string }): ServerConfig {
  return { address: '127.0.0.1', port, trustedCert: pem.cert };
}

/**
 * The records of one client run, without what differs by nature between runs (none expected),
 * and without how the request headers were coded (the session test checks it).
 */
function comparable(sessions: SessionRecord[]): unknown {
  return sessions.map(({ tableBytes: _coding, ...s }) => ({ ...s, streams: s.streams.map((r) => ({ ...r, data: r.data.toString('hex'), timeout: r.timeout?.replace(/^\d+/, 'N') })) }));
}

test('the status probe: same TLS, SETTINGS, headers (grpc-timeout as grpc-js words it), DATA, close', async () => {
  const pem = await loopbackPki();
  const runs: Record<Kind, unknown> = {} as Record<Kind, unknown>;
  for (const kind of ['grpc-js', 'ours'] as Kind[]) {
    const rec = await recorder({
      '/jnx.jet.netconf.Ncgrpc/NcgrpcServerStatusGet': (stream) => {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'grpc-message': '' }));
        stream.end(frame(response('status', { status: 'SUCCESS' })));
      },
    });
    const c = open(kind, serverConfig(rec.port, pem));
    const r = await c.status(Date.now() + 60_000);
    assert.equal(r.err, null, `${kind}: ${r.err?.message}`);
    assert.equal(r.resp?.status, 'SUCCESS');
    c.close();
    await until(() => rec.sessions.every((s) => s.closed), 5000, `${kind}: connection closed`);
    const t = rec.sessions[0].streams[0].timeout ?? '';
    assert.match(t, /^\d+m$/, `${kind}: grpc-timeout in milliseconds`);
    assert.ok(Number(t.slice(0, -1)) > 55_000 && Number(t.slice(0, -1)) <= 60_000, `${kind}: grpc-timeout ${t}`);
    runs[kind] = comparable(rec.sessions);
  }
  assert.deepEqual(runs.ours, runs['grpc-js']);
  const s = (runs.ours as SessionRecord[])[0];
  assert.equal(s.alpn, 'h2');
  // No server name for an IP address (RFC 6066); both clients leave it out.
  assert.equal(s.servername, false);
  assert.ok(s.streams[0].headers.includes(`user-agent: ${USER_AGENT}`));
  assert.deepEqual(
    s.streams[0].headers.map((x) => x.slice(0, x.indexOf(':', 1))),
    [':authority', ':method', ':path', ':scheme', 'grpc-accept-encoding', 'accept-encoding', 'grpc-timeout', 'user-agent', 'content-type', 'te'],
    'header order',
  );
});

test('Initialize answered, then the session on its connection: same headers, metadata, messages, half-close', async () => {
  const pem = await loopbackPki();
  const runs: Record<Kind, unknown> = {} as Record<Kind, unknown>;
  const tableBytes: Partial<Record<Kind, number>> = {};
  for (const kind of ['grpc-js', 'ours'] as Kind[]) {
    const commands: string[] = [];
    const rec = await recorder({
      '/jnx.jet.netconf.Ncgrpc/NcgrpcInitialize': (stream) => {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'session-id': '77' }));
        stream.on('end', () => stream.end(frame(response('initialize', { session_type: 'NETCONF' }))));
      },
      '/jnx.jet.netconf.Ncgrpc/NcgrpcCommandGet': (stream) => {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.write(frame(response('commandGet', { netconf_command: '<rpc/>', kill_signal: 0 })));
        stream.on('data', (d: Buffer) => commands.push(d.toString('hex')));
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.on('end', () => stream.end());
      },
    });
    const c = open(kind, serverConfig(rec.port, pem));
    const init = c.initialize();
    const r = await init.done;
    assert.equal(r.err, null, `${kind}: ${r.err?.message}`);
    assert.deepEqual(r.resp, { session_type: 'NETCONF' });
    assert.deepEqual(r.status?.metadata.get('session-id'), ['77']);
    const md = new grpc.Metadata();
    md.set('session-id', '77');
    const stream = c.commandGet(md);
    const got: unknown[] = [];
    stream.on('data', (m) => {
      got.push(m);
      stream.write({ message: '<rpc-reply/>' });
      stream.write({ message: 'x'.repeat(70_000) });
      stream.end();
    });
    const status = await new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    assert.equal(status.code, grpc.status.OK);
    assert.equal((got[0] as { netconf_command?: string }).netconf_command, '<rpc/>');
    c.close();
    await until(() => rec.sessions.every((s) => s.closed), 5000, `${kind}: connection closed`);
    assert.equal(rec.sessions.length, 1, `${kind}: the session went on the Initialize's connection`);
    runs[kind] = comparable(rec.sessions);
    tableBytes[kind] = rec.sessions[0].tableBytes;
  }
  assert.deepEqual(runs.ours, runs['grpc-js']);
  // The same header fields, but ours puts none of them in HPACK's dynamic table (the server's
  // decoding table stays empty); grpc-js indexes them.
  assert.equal(tableBytes.ours, 0);
  assert.ok((tableBytes['grpc-js'] ?? 0) > 0, `grpc-js indexes its headers (${tableBytes['grpc-js']} bytes)`);
  const streams = (runs.ours as { streams: { headers: string[]; data: string; halfClosed: boolean }[] }[])[0].streams;
  assert.ok(streams[0].headers.includes('send_data: send_data'));
  assert.ok(streams[1].headers.includes('session-id: 77'));
  assert.equal(streams[0].data, frame(serialize(M.initialize, { instance_id: '4242', device_id: 'wire-1', secret_key: 'k3y' })).toString('hex'));
  assert.ok(streams.every((s) => s.halfClosed));
});

test('a pending Initialize cancelled, the connection closed: RST_STREAM CANCEL, then GOAWAY, as grpc-js', async () => {
  const pem = await loopbackPki();
  const runs: Record<Kind, unknown> = {} as Record<Kind, unknown>;
  for (const kind of ['grpc-js', 'ours'] as Kind[]) {
    let arrived = 0;
    const rec = await recorder({ '/jnx.jet.netconf.Ncgrpc/NcgrpcInitialize': () => arrived++ });
    const c = open(kind, serverConfig(rec.port, pem));
    const init = c.initialize();
    await until(() => arrived === 1 && rec.sessions[0]?.streams[0]?.halfClosed, 5000, `${kind}: Initialize at the server`);
    init.cancel();
    const r = await init.done;
    assert.equal(r.status?.code, grpc.status.CANCELLED);
    assert.equal(r.status?.details, 'Cancelled on client');
    c.close();
    await until(() => rec.sessions.every((s) => s.closed), 5000, `${kind}: connection closed`);
    runs[kind] = comparable(rec.sessions);
  }
  assert.deepEqual(runs.ours, runs['grpc-js']);
  assert.equal((runs.ours as SessionRecord[])[0].streams[0].rst, http2.constants.NGHTTP2_CANCEL);
});

test('a session cancelled while the device is busy: RST_STREAM CANCEL alone, no half-close before it (a cut, not a close)', async () => {
  // Node's stream.close(CANCEL) sends END_STREAM at once and the RST a loop turn later: a
  // server then took a cut call for one the device closed, for as long as the device stayed
  // busy. The client runs in a process of its own, busy 300 ms right after its cancel.
  const pem = await loopbackPki();
  const seen: { closedAtEnd?: boolean; rst?: number } = {};
  const rec = await recorder({
    '/jnx.jet.netconf.Ncgrpc/NcgrpcCommandGet': (stream) => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.write(frame(response('commandGet', { csh_command: 'sleep 20', kill_signal: 0 })));
      // Past the RST, 'end' comes too, but only once the stream is closed.
      stream.on('end', () => (seen.closedAtEnd ??= stream.closed));
      stream.on('close', () => (seen.rst = stream.rstCode));
    },
  });
  const channelJs = new URL('../../src/outbound/channel.js', import.meta.url).href;
  const tlsJs = new URL('../../src/outbound/tls.js', import.meta.url).href;
  const driver = `
    import * as grpc from '@grpc/grpc-js';
    const { openNcgrpcConnection } = await import(${JSON.stringify(channelJs)});
    const { sharedServerCredentials } = await import(${JSON.stringify(tlsJs)});
    const server = { address: '127.0.0.1', port: Number(process.argv[1]), trustedCert: process.env.CERT };
    const c = openNcgrpcConnection(server, sharedServerCredentials(server).creds, { keepaliveMs: 300000 });
    const md = new grpc.Metadata();
    md.set('session-id', '5');
    const call = c.NcgrpcCommandGet(md);
    call.on('error', () => {});
    call.once('data', () => {
      call.cancel();
      const until = Date.now() + 300;
      while (Date.now() < until) {}
      console.log('cancelled');
    });
    call.on('status', (s) => { console.log('status', s.code); c.close(); setTimeout(() => process.exit(0), 100); });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', driver, String(rec.port)], { cwd: new URL('../../..', import.meta.url), env: { ...process.env, CERT: pem.cert }, stdio: ['ignore', 'pipe', 'pipe'] });
  h.defer(() => void (child.exitCode === null && child.kill('SIGKILL')));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  await until(() => seen.rst !== undefined || child.exitCode !== null, 10_000, 'the call to be cut at the server');
  await until(() => child.exitCode !== null, 10_000, 'the client to exit');
  assert.match(out, /cancelled\nstatus 1\n/, out);
  assert.equal(seen.rst, http2.constants.NGHTTP2_CANCEL, out);
  assert.equal(seen.closedAtEnd, true, 'END_STREAM came before the RST: the server saw a half-close');
});

test('keepalive: PINGs while a call is open, at the configured interval', async () => {
  const pem = await loopbackPki();
  const pings: Record<Kind, number> = {} as Record<Kind, number>;
  for (const kind of ['grpc-js', 'ours'] as Kind[]) {
    const rec = await recorder({ '/jnx.jet.netconf.Ncgrpc/NcgrpcInitialize': () => {} });
    const c = open(kind, serverConfig(rec.port, pem), 200);
    const init = c.initialize();
    await until(() => (rec.sessions[0]?.pings ?? 0) >= 3, 5000, `${kind}: three keepalive pings`);
    pings[kind] = rec.sessions[0].pings;
    init.cancel();
    await init.done;
    c.close();
  }
  assert.ok(pings.ours >= 3 && pings['grpc-js'] >= 3);
});

test('statuses reach the caller as grpc-js reports them: trailers-only, HTTP errors, a dropped connection', async () => {
  const pem = await loopbackPki();
  const seen: Record<Kind, unknown[]> = { 'grpc-js': [], ours: [] };
  for (const kind of ['grpc-js', 'ours'] as Kind[]) {
    let mode = 0;
    const rec = await recorder({
      '/jnx.jet.netconf.Ncgrpc/NcgrpcInitialize': (stream) => {
        if (mode === 0) stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '3', 'grpc-message': 'unknown%20session%20type' }, { endStream: true });
        else if (mode === 1) stream.respond({ ':status': 503 }, { endStream: true });
        else if (mode === 2) stream.session?.destroy();
        else stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
      },
    });
    for (mode = 0; mode < 4; mode++) {
      const c = open(kind, serverConfig(rec.port, pem));
      const r = await c.initialize().done;
      seen[kind].push({ code: r.status?.code, details: r.status?.details, err: r.err?.message });
      c.close();
    }
  }
  assert.deepEqual(seen.ours, seen['grpc-js']);
  assert.deepEqual((seen.ours as { code: number }[]).map((s) => s.code), [grpc.status.INVALID_ARGUMENT, grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE]);
});

test('no server: the call fails UNAVAILABLE naming the connect error; connect bound reported as a timeout', async () => {
  const pem = await loopbackPki();
  // A port nothing listens on (bound, then closed).
  const probe = http2.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const c = open('ours', serverConfig(port, pem));
  const r = await c.initialize().done;
  assert.equal(r.status?.code, grpc.status.UNAVAILABLE);
  assert.match(r.status?.details ?? '', /^No connection established\. Last error: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  c.close();
  // A server that takes TCP and never speaks TLS: whenReady says 'timeout' at the bound.
  const net = await import('node:net');
  const held: import('node:net').Socket[] = [];
  const mute = net.createServer((s) => held.push(s));
  await new Promise<void>((r) => mute.listen(0, '127.0.0.1', () => r()));
  h.defer(() => {
    for (const s of held) s.destroy();
    mute.close();
  });
  const d = open('ours', serverConfig((mute.address() as { port: number }).port, pem));
  assert.equal(await d.ready(300), 'timeout');
  d.close();
  assert.equal(await d.ready(300), 'closed');
});

test('basic (20.2): InitialHandShake, then GetExecuteCommand on its connection: the same wire as grpc-js', async () => {
  const pem = await loopbackPki();
  const { openBasicChannel, openBasicConnection } = await import('../../src/outbound/channel.js');
  const { basicMethods } = await import('../../src/wire/protos.js');
  const B = basicMethods() as unknown as Record<'handshake' | 'execute', { responseSerialize(v: object): Buffer }>;
  const runs: Record<Kind, unknown> = {} as Record<Kind, unknown>;
  for (const kind of ['grpc-js', 'ours'] as Kind[]) {
    const rec = await recorder({
      '/management.NetconfRpcApi/InitialHandShake': (stream) => {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.on('end', () => stream.end(frame(B.handshake.responseSerialize({ message_res: 'client Auth successful' }))));
      },
      '/management.NetconfRpcApi/GetExecuteCommand': (stream) => {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.write(frame(B.execute.responseSerialize({ request_id: '1', netconf_command: '<rpc/>' })));
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.on('end', () => stream.end());
      },
    });
    const server = serverConfig(rec.port, pem);
    const c: any = kind === 'grpc-js' ? openBasicChannel(server, undefined, { keepaliveMs: 300_000 }) : openBasicConnection(server, sharedServerCredentials(server).creds, { keepaliveMs: 300_000 });
    const auth = await new Promise<{ err: grpc.ServiceError | null; resp?: { message_res: string } }>((resolve) => c.InitialHandShake({ message_req: 'nc_grpc_device' }, (err: grpc.ServiceError | null, resp?: { message_res: string }) => resolve({ err, resp })));
    assert.equal(auth.err, null);
    assert.equal(auth.resp?.message_res, 'client Auth successful');
    const stream = c.GetExecuteCommand();
    stream.on('data', (m: { request_id: string }) => {
      stream.write({ request_id: m.request_id, message: '<rpc-reply/>' });
      stream.end();
    });
    const status = await new Promise<grpc.StatusObject>((resolve) => stream.on('status', resolve));
    assert.equal(status.code, grpc.status.OK);
    c.close();
    await until(() => rec.sessions.every((s) => s.closed), 5000, `${kind}: connection closed`);
    assert.equal(rec.sessions.length, 1);
    runs[kind] = comparable(rec.sessions);
  }
  assert.deepEqual(runs.ours, runs['grpc-js']);
});
