/**
 * A hostile or broken NMS against the device's outbound gRPC client (src/outbound/h2-grpc.ts).
 * Real TLS and HTTP/2 servers on 127.0.0.1 (Node's http2, or hand-written HTTP/2 frames on a
 * TLS socket where Node's server would refuse to misbehave) answer the device's calls with
 * what no gRPC server should send: wrong content-type, HTTP errors with HTML, no or a bad
 * grpc-status, bad length prefixes and compression flags, garbage, huge headers, a flood of
 * tiny frames or PINGs, extreme SETTINGS, GOAWAY and odd RST_STREAM codes, silence, a socket
 * cut mid-frame. Each call ends with one status (grpc-js's code and text where grpc-js has
 * one), within the device's own bounds, and the device (the real agent) reports one line,
 * never the secret, and goes back to its reconnect rule.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import * as grpc from '@grpc/grpc-js';
import { openNcgrpcChannel, openNcgrpcConnection } from '../../src/outbound/channel.js';
import { Agent } from '../../src/outbound/agent.js';
import type { Logger } from '../../src/log.js';
import { sharedServerCredentials } from '../../src/outbound/tls.js';
import { ncgrpcMethods } from '../../src/wire/protos.js';
import type { ServerConfig } from '../../src/outbound/config-types.js';
import { Harness, catBackends, client, loopbackPki, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

const C = http2.constants;
const STATUS_PATH = '/jnx.jet.netconf.Ncgrpc/NcgrpcServerStatusGet';
const INIT_PATH = '/jnx.jet.netconf.Ncgrpc/NcgrpcInitialize';
const CMD_PATH = '/jnx.jet.netconf.Ncgrpc/NcgrpcCommandGet';

/** One gRPC message, length-prefixed (flag 0 unless given). */
function frame(bytes: Buffer, flag = 0): Buffer {
  const out = Buffer.alloc(bytes.length + 5);
  out.writeUInt8(flag, 0);
  out.writeUInt32BE(bytes.length, 1);
  bytes.copy(out, 5);
  return out;
}

/** Encodes a response message with the service's own codec. */
function response(kind: 'status' | 'initialize' | 'commandGet', value: object): Buffer {
  return (ncgrpcMethods()[kind] as unknown as { responseSerialize(v: object): Buffer }).responseSerialize(value);
}
const statusOk = (): Buffer => response('status', { status: 'SUCCESS' });
/** A status answer padded with an unknown field of `n` bytes (skipped by the decoder). */
function paddedStatusOk(n: number): Buffer {
  // Field 15, wire type 2 (length-delimited): tag 0x7a, varint length, bytes.
  const len: number[] = [];
  for (let v = n; ; v >>>= 7) {
    if (v < 0x80) {
      len.push(v);
      break;
    }
    len.push((v & 0x7f) | 0x80);
  }
  return Buffer.concat([statusOk(), Buffer.from([0x7a, ...len]), Buffer.alloc(n, 0x61)]);
}
const GRPC_HEADERS = { ':status': 200, 'content-type': 'application/grpc' };

type Behaviour = (stream: http2.ServerHttp2Stream, session: http2.ServerHttp2Session, path: string) => void;

/** A Node http2 TLS server whose every stream gets `behaviour()`. */
async function h2Server(behaviour: () => Behaviour, options: http2.SecureServerOptions = {}): Promise<{ port: number; sessions: () => number; live: Set<http2.ServerHttp2Session>; open: () => number }> {
  const pem = await loopbackPki();
  const live = new Set<http2.ServerHttp2Session>();
  let sessions = 0;
  const server = http2.createSecureServer({ cert: pem.cert, key: pem.key, maxSendHeaderBlockLength: 4 << 20, ...options });
  server.on('session', (s) => {
    sessions++;
    live.add(s);
    s.on('close', () => live.delete(s));
    s.on('error', () => {});
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    behaviour()(stream, stream.session as http2.ServerHttp2Session, String(headers[':path']));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  h.defer(() => new Promise<void>((r) => (live.forEach((s) => s.destroy()), server.close(() => r()))));
  return { port: (server.address() as net.AddressInfo).port, sessions: () => sessions, live, open: () => live.size };
}

/** An HTTP/2 frame: length, type, flags, stream id, payload. */
function h2Frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head.writeUInt8(type, 3);
  head.writeUInt8(flags, 4);
  head.writeUInt32BE(streamId, 5);
  return Buffer.concat([head, payload]);
}
/** HPACK: ":status: 200" (static index 8), "content-type: application/grpc" (literal, indexed name 31). */
const HPACK_200_GRPC = Buffer.concat([Buffer.from([0x88, 0x0f, 0x10, 16]), Buffer.from('application/grpc')]);

/**
 * A TLS server with ALPN h2 that writes HTTP/2 frames by hand: its SETTINGS, then, once the
 * client's preface and first request are in, `script(socket)`.
 */
async function rawH2Server(script: (socket: tls.TLSSocket) => void): Promise<{ port: number; open: () => number }> {
  const pem = await loopbackPki();
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ cert: pem.cert, key: pem.key, ALPNProtocols: ['h2'] }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.write(h2Frame(0x4, 0, 0));
    let seen = Buffer.alloc(0);
    let started = false;
    // Preface (24 bytes), then frames: start once a HEADERS frame (type 1) arrived.
    let at = 24;
    socket.on('data', (d: Buffer) => {
      if (started) return;
      seen = Buffer.concat([seen, d]);
      while (at + 9 <= seen.length && at + 9 + seen.readUIntBE(at, 3) <= seen.length) {
        const len = seen.readUIntBE(at, 3);
        const type = seen[at + 3];
        if (type === 0x4 && !(seen[at + 4] & 1)) socket.write(h2Frame(0x4, 1, 0));
        if (type === 0x1) {
          started = true;
          script(socket);
          return;
        }
        at += 9 + len;
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  h.defer(() => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))));
  return { port: (server.address() as net.AddressInfo).port, open: () => sockets.size };
}

type Kind = 'grpc-js' | 'ours';
interface Outcome {
  code: number | undefined;
  details: string | undefined;
  ms: number;
  resp?: unknown;
}

/** The status probe, as the device makes it, with either client. */
async function probe(kind: Kind, port: number, deadlineMs = 3000): Promise<Outcome> {
  const pem = await loopbackPki();
  const server: ServerConfig = { address: '127.0.0.1', port, trustedCert: pem.cert };
  const creds = sharedServerCredentials(server).creds;
  const c: any = kind === 'grpc-js' ? openNcgrpcChannel(server, undefined, creds, {}) : openNcgrpcConnection(server, creds, {});
  const began = Date.now();
  try {
    return await new Promise<Outcome>((resolve) => {
      c.NcgrpcServerStatusGet({ req: 'REQ_RUNNING' }, { deadline: Date.now() + deadlineMs }, (err: grpc.ServiceError | null, resp?: unknown) =>
        resolve({ code: err ? err.code : 0, details: err?.details, ms: Date.now() - began, resp }),
      );
    });
  } finally {
    c.close();
  }
}

const rstCode = (code: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(code);
  return b;
};

type Server = { port: number; open: () => number };

/** Answers with `headers`, the body `data`, then the trailers `trailers`. */
const answer =
  (headers: http2.OutgoingHttpHeaders, data: Buffer | string, trailers?: http2.OutgoingHttpHeaders): Behaviour =>
  (s) => {
    s.respond(headers, { waitForTrailers: !!trailers });
    if (trailers) s.on('wantTrailers', () => s.sendTrailers(trailers));
    s.end(data);
  };
const OK_TRAILERS = { 'grpc-status': '0' };

interface Case {
  name: string;
  server: () => Promise<Server>;
  /** The status our client reports: code and details. */
  code: grpc.status;
  details: RegExp;
  /**
   * grpc-js reports the same code (and details, unless `codeOnly`). false where grpc-js has no
   * status of its own (it reports code undefined or NaN), or where it too ends at the deadline
   * but then holds its connection (and the test process) forever.
   */
  asGrpcJs: boolean | 'codeOnly';
  /** The probe's deadline for this case (a silent server is bounded by it). */
  deadlineMs?: number;
}

const DEADLINE_MS = 1500;
const cases: Case[] = [
  {
    name: 'a 200 with content-type text/html and an HTML body',
    server: () => h2Server(() => answer({ ':status': 200, 'content-type': 'text/html' }, '<html><body>hello</body></html>')),
    code: grpc.status.RESOURCE_EXHAUSTED,
    // "<htm" read as a length prefix, as grpc-js reads it; the content-type says why.
    details: /^Received message larger than max \(1752460652 vs 67108864\) \(the response's content-type is "text\/html", not application\/grpc\)$/,
    asGrpcJs: 'codeOnly',
  },
  {
    name: 'a 502 with an HTML body',
    server: () => h2Server(() => answer({ ':status': 502, 'content-type': 'text/html' }, '<html><body>Bad Gateway</body></html>')),
    code: grpc.status.UNAVAILABLE,
    details: /^Received HTTP status code 502$/,
    asGrpcJs: true,
  },
  {
    name: 'a 404 with content-type application/grpc and an HTML body',
    server: () => h2Server(() => answer({ ':status': 404, 'content-type': 'application/grpc' }, '<html>x</html>')),
    code: grpc.status.UNIMPLEMENTED,
    details: /^Received HTTP status code 404$/,
    asGrpcJs: true,
  },
  {
    name: 'trailers without grpc-status',
    server: () => h2Server(() => answer(GRPC_HEADERS, frame(statusOk()), { 'x-what': 'nothing' })),
    code: grpc.status.UNKNOWN,
    details: /^Received HTTP status code 200$/,
    asGrpcJs: true,
  },
  {
    name: 'a grpc-status that is not a number',
    server: () => h2Server(() => answer(GRPC_HEADERS, frame(statusOk()), { 'grpc-status': 'abc', 'grpc-message': 'weird' })),
    code: grpc.status.UNKNOWN,
    details: /^Received invalid grpc-status "abc": weird$/,
    asGrpcJs: false,
  },
  {
    name: 'a grpc-status gRPC does not define (99)',
    server: () => h2Server(() => answer(GRPC_HEADERS, frame(statusOk()), { 'grpc-status': '99' })),
    code: 99 as grpc.status,
    details: /^$/,
    asGrpcJs: true,
  },
  {
    name: 'a message flagged compressed, no grpc-encoding',
    server: () => h2Server(() => answer(GRPC_HEADERS, frame(statusOk(), 1), OK_TRAILERS)),
    code: grpc.status.INTERNAL,
    details: /^Received compressed message but "grpc-encoding" header was identity$/,
    asGrpcJs: false,
  },
  {
    name: 'a message compressed with an unknown grpc-encoding',
    server: () => h2Server(() => answer({ ...GRPC_HEADERS, 'grpc-encoding': 'snappy' }, frame(statusOk(), 1), OK_TRAILERS)),
    code: grpc.status.INTERNAL,
    details: /^Received message compressed with unsupported compression method snappy$/,
    asGrpcJs: false,
  },
  {
    name: 'grpc-encoding gzip, the message not gzip',
    server: () => h2Server(() => answer({ ...GRPC_HEADERS, 'grpc-encoding': 'gzip' }, frame(Buffer.from('not gzip at all'), 1), OK_TRAILERS)),
    code: grpc.status.INTERNAL,
    details: /^Failed to decompress gzip-encoded message$/,
    asGrpcJs: true,
  },
  {
    name: 'a gzip bomb (100 MB of zeros in 100 KB)',
    server: async () => {
      const bomb = frame((await import('node:zlib')).gzipSync(Buffer.alloc(100 * 1024 * 1024)), 1);
      return h2Server(() => answer({ ...GRPC_HEADERS, 'grpc-encoding': 'gzip' }, bomb, OK_TRAILERS));
    },
    code: grpc.status.RESOURCE_EXHAUSTED,
    details: /^Received message that decompresses to a size larger than 67108864$/,
    asGrpcJs: true,
    // Both inflate up to the 64 MB limit before refusing: more than the usual 1.5 s on a
    // busy two-core machine (grpc-js's own probe once ended at that deadline instead).
    deadlineMs: 10_000,
  },
  {
    name: 'a length prefix claiming 4 GiB',
    server: () => h2Server(() => (s) => (s.respond(GRPC_HEADERS), s.write(Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 1, 2, 3])))),
    code: grpc.status.RESOURCE_EXHAUSTED,
    details: /^Received message larger than max \(4294967295 vs 67108864\)$/,
    asGrpcJs: true,
  },
  {
    name: 'a message one byte over the maximum',
    server: () =>
      h2Server(() => (s) => {
        s.respond(GRPC_HEADERS);
        const prefix = Buffer.alloc(5);
        prefix.writeUInt32BE(64 * 1024 * 1024 + 1, 1);
        s.write(prefix);
      }),
    code: grpc.status.RESOURCE_EXHAUSTED,
    details: /^Received message larger than max \(67108865 vs 67108864\)$/,
    asGrpcJs: true,
  },
  {
    name: 'a message that is not protobuf',
    server: () => h2Server(() => answer(GRPC_HEADERS, frame(Buffer.from('<html>\xff\xff\xff\xff\xff\xff garbage</html>', 'latin1')), OK_TRAILERS)),
    code: grpc.status.INTERNAL,
    details: /^Response message parsing error: /,
    asGrpcJs: true,
  },
  // A header block in more frames than the HTTP/2 layer takes (a HEADERS and 8 CONTINUATIONs)
  // fails the connection at once, in nghttp2's words (grpc-js's layer goes silent instead, and
  // its call waits for the deadline).
  {
    name: 'response headers of 300 KB in one field',
    server: () => h2Server(() => answer({ ...GRPC_HEADERS, 'x-junk': 'a'.repeat(300_000) }, frame(statusOk()), OK_TRAILERS)),
    code: grpc.status.INTERNAL,
    details: /^Received RST_STREAM with code 2 triggered by internal client error: Too many CONTINUATION frames following a HEADER frame$/,
    asGrpcJs: false,
  },
  {
    name: 'trailers of 300 KB in one field',
    server: () => h2Server(() => answer(GRPC_HEADERS, frame(statusOk()), { 'grpc-status': '0', 'x-junk': 'a'.repeat(300_000) })),
    code: grpc.status.INTERNAL,
    details: /^Received RST_STREAM with code 2 triggered by internal client error: Too many CONTINUATION frames following a HEADER frame$/,
    asGrpcJs: false,
  },
  // Within the frame limit, a header list over 64 KiB: that call is reset, the connection kept.
  {
    name: 'response headers of 100 KB in one field, in few frames',
    server: () => h2Server(() => answer({ ...GRPC_HEADERS, 'x-junk': 'a'.repeat(100_000) }, frame(statusOk()), OK_TRAILERS)),
    code: grpc.status.RESOURCE_EXHAUSTED,
    details: /^Bandwidth exhausted or memory limit exceeded$/,
    asGrpcJs: false,
  },
  {
    name: 'response headers of 400 KB in 100 fields',
    server: () => h2Server(() => answer({ ...GRPC_HEADERS, ...Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-junk-${i}`, String(i).repeat(4000).slice(0, 4000)])) }, frame(statusOk()), OK_TRAILERS)),
    code: grpc.status.INTERNAL,
    details: /^Received RST_STREAM with code 2 triggered by internal client error: Too many CONTINUATION frames following a HEADER frame$/,
    asGrpcJs: true,
  },
  {
    name: 'headers, then never anything',
    server: () => h2Server(() => (s) => s.respond(GRPC_HEADERS)),
    code: grpc.status.DEADLINE_EXCEEDED,
    details: /^Deadline exceeded$/,
    asGrpcJs: 'codeOnly',
  },
  {
    name: 'RST_STREAM with code 0xdeadbeef',
    server: () => rawH2Server((sock) => sock.write(Buffer.concat([h2Frame(0x1, 0x4, 1, HPACK_200_GRPC), h2Frame(0x3, 0, 1, rstCode(0xdeadbeef))]))),
    code: grpc.status.INTERNAL,
    details: /^Received RST_STREAM with code 3735928559$/,
    asGrpcJs: true,
  },
  {
    name: 'RST_STREAM PROTOCOL_ERROR',
    server: () => rawH2Server((sock) => sock.write(Buffer.concat([h2Frame(0x1, 0x4, 1, HPACK_200_GRPC), h2Frame(0x3, 0, 1, rstCode(C.NGHTTP2_PROTOCOL_ERROR))]))),
    code: grpc.status.INTERNAL,
    details: /^Received RST_STREAM with code 1$/,
    asGrpcJs: true,
  },
  {
    name: 'GOAWAY (ENHANCE_YOUR_CALM) mid-message, then the connection closed',
    server: () =>
      h2Server(() => (s, session) => {
        s.respond(GRPC_HEADERS);
        s.write(frame(statusOk()).subarray(0, 3));
        session.goaway(C.NGHTTP2_ENHANCE_YOUR_CALM, 0);
        setTimeout(() => session.destroy(), 50);
      }),
    code: grpc.status.RESOURCE_EXHAUSTED,
    details: /^Bandwidth exhausted or memory limit exceeded$/,
    asGrpcJs: true,
  },
  {
    name: 'SETTINGS max concurrent streams 0 and initial window 0',
    server: () => h2Server(() => (s) => s.respond(GRPC_HEADERS), { settings: { maxConcurrentStreams: 0, initialWindowSize: 0 } }),
    code: grpc.status.DEADLINE_EXCEEDED,
    details: /^Deadline exceeded$/,
    asGrpcJs: false,
  },
  {
    name: 'SETTINGS initial window 0 (the request can never be sent)',
    server: () => h2Server(() => (s) => s.respond(GRPC_HEADERS), { settings: { initialWindowSize: 0 } }),
    code: grpc.status.DEADLINE_EXCEEDED,
    details: /^Deadline exceeded$/,
    asGrpcJs: false,
  },
  {
    name: 'the socket closed in the middle of a DATA frame',
    server: () =>
      rawH2Server((sock) => {
        sock.write(h2Frame(0x1, 0x4, 1, HPACK_200_GRPC));
        sock.end(h2Frame(0x0, 0, 1, frame(statusOk())).subarray(0, 12));
      }),
    code: grpc.status.UNAVAILABLE,
    details: /^Connection dropped$/,
    asGrpcJs: true,
  },
  {
    name: 'a flood of 20,000 PINGs',
    server: () => rawH2Server((sock) => sock.write(Buffer.concat(Array.from({ length: 20_000 }, () => h2Frame(0x6, 0, 0, Buffer.alloc(8)))))),
    code: grpc.status.INTERNAL,
    details: /^Received RST_STREAM with code 2 triggered by internal client error: Flooding was detected in this HTTP\/2 session, and it must be closed$/,
    asGrpcJs: true,
  },
];

test('a hostile NMS answering the status probe: one status each, grpc-js\'s where it has one, bounded by the deadline, the connection let go', async () => {
  const rssBefore = process.memoryUsage().rss;
  for (const c of cases) {
    const srv = await c.server();
    const deadline = c.deadlineMs ?? DEADLINE_MS;
    const ours = await probe('ours', srv.port, deadline);
    assert.equal(ours.code, c.code, `${c.name}: ${ours.details}`);
    assert.match(ours.details ?? '', c.details, c.name);
    assert.ok(ours.ms < deadline + 1000, `${c.name}: ${ours.ms} ms, bounded by the ${deadline} ms deadline`);
    // Our connection is gone (a server that never lets its stream go is cut 5 s after close).
    await until(() => srv.open() === 0, 10_000, `${c.name}: our connection closed`);
    if (c.asGrpcJs) {
      const theirs = await probe('grpc-js', srv.port, deadline);
      assert.equal(ours.code, theirs.code, `${c.name}: grpc-js said ${theirs.code} ${theirs.details}`);
      if (c.asGrpcJs === true) assert.equal(ours.details, theirs.details, c.name);
    }
  }
  // No message was ever allocated at its claimed size (4 GiB, 64 MB, a 100 MB bomb).
  const grown = process.memoryUsage().rss - rssBefore;
  assert.ok(grown < 200 * 1024 * 1024, `rss grew ${Math.round(grown / 1048576)} MB`);
});

test('a message split byte by byte, and thousands of tiny DATA frames: the answer arrives whole', async () => {
  for (const n of [0, 20_000]) {
    const message = frame(n ? paddedStatusOk(n) : statusOk());
    const srv = await h2Server(() => (s) => {
      s.respond(GRPC_HEADERS, { waitForTrailers: true });
      s.on('wantTrailers', () => s.sendTrailers(OK_TRAILERS));
      // One DATA frame per byte.
      for (const b of message) s.write(Buffer.from([b]));
      s.end();
    });
    const ours = await probe('ours', srv.port, 20_000);
    assert.equal(ours.code, 0, `${message.length} frames: ${ours.details}`);
    assert.deepEqual(ours.resp, { status: 'SUCCESS' });
    await until(() => srv.open() === 0, 10_000, 'connection closed');
  }
});

/** A debug logger whose records (JSON lines) the test reads. */
function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(line);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, out) as unknown as Logger, lines };
}

test('the device against a hostile NMS: one line per failure, never the secret, its reconnect rule, connected once the NMS behaves', async () => {
  const pem = await loopbackPki();
  const c0 = client('hostile', []);
  const secret = c0.secret;
  let probeMode: 'html' | 'ok' = 'html';
  let initMode: 'bad-status' | 'garbage' | 'session-garbage' | 'huge-headers' | 'hold' = 'bad-status';
  const inits: string[] = [];
  const holding = new Set<http2.ServerHttp2Stream>();
  const held = () => holding.size;
  const srv = await h2Server(() => (s, _session, path) => {
    if (path === STATUS_PATH) {
      if (probeMode === 'html') return answer({ ':status': 200, 'content-type': 'text/html; charset=utf-8' }, '<html><body>Login</body></html>')(s, _session, path);
      return answer(GRPC_HEADERS, frame(statusOk()), OK_TRAILERS)(s, _session, path);
    }
    if (path === INIT_PATH) {
      inits.push(initMode);
      // The NMS echoes the secret back, with a newline, in its grpc-message.
      if (initMode === 'bad-status') return answer(GRPC_HEADERS, frame(response('initialize', { session_type: 'NETCONF' })), { 'grpc-status': 'abc', 'grpc-message': encodeURI(`who is ${secret}?\nline two`) })(s, _session, path);
      if (initMode === 'garbage') return answer(GRPC_HEADERS, frame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])), OK_TRAILERS)(s, _session, path);
      if (initMode === 'session-garbage') {
        initMode = 'hold';
        return answer(GRPC_HEADERS, frame(response('initialize', { session_type: 'NETCONF' })), OK_TRAILERS)(s, _session, path);
      }
      if (initMode === 'huge-headers') {
        initMode = 'hold';
        return answer({ ...GRPC_HEADERS, 'x-junk': 'a'.repeat(300_000) }, Buffer.alloc(0))(s, _session, path);
      }
      holding.add(s);
      s.on('close', () => holding.delete(s));
      return;
    }
    if (path === CMD_PATH) {
      s.respond(GRPC_HEADERS);
      s.write(frame(Buffer.from(`garbage ${secret}`)));
    }
  });
  // First in the list: a server that takes TCP and never speaks TLS.
  // It reads (and drops) what comes, so it sees the device's close.
  const mute = net.createServer((sock) => (sock.on('error', () => {}), sock.resume()));
  const muted = new Set<net.Socket>();
  mute.on('connection', (sock) => (muted.add(sock), sock.on('close', () => muted.delete(sock))));
  await new Promise<void>((r) => mute.listen(0, '127.0.0.1', () => r()));
  h.defer(() => new Promise<void>((r) => (muted.forEach((s) => s.destroy()), mute.close(() => r()))));
  const mutePort = (mute.address() as net.AddressInfo).port;

  const cfg = client('hostile', [
    { address: '127.0.0.1', port: mutePort, trustedCert: pem.cert },
    { address: '127.0.0.1', port: srv.port, trustedCert: pem.cert },
  ]);
  const { logger, lines } = recordingLogger();
  const agent = new Agent({ config: { clients: [cfg], protocol: 'enhanced', keepalive: 1, connectTimeout: 1 }, backends: catBackends(), logger });
  agent.start();
  let stopped = false;
  h.defer(() => (stopped ? undefined : agent.stop()));
  const status = () => agent.status().clients[0];
  const hostile = `127.0.0.1:${srv.port}`;

  // The mute server is down by the connect bound; the HTML page is no gRPC answer.
  await until(() => /text\/html/.test(status().lastError ?? ''), 20_000, 'the HTML answer reported');
  assert.equal(
    status().lastError,
    `${hostile}: RESOURCE_EXHAUSTED: Received message larger than max (1752460652 vs 67108864) (the response's content-type is "text/html; charset=utf-8", not application/grpc)`,
  );
  assert.ok(lines.some((l) => l.includes(`127.0.0.1:${mutePort}`) && l.includes('no connection within 1 s')), 'the mute server logged as down');

  // Up, but the Initialize is answered with a grpc-status that is no number, the secret echoed.
  probeMode = 'ok';
  await until(() => /Initialize failed/.test(status().lastError ?? ''), 20_000, 'the bad Initialize status reported');
  assert.equal(status().lastError, `${hostile}: Initialize failed: UNKNOWN: Received invalid grpc-status "abc": who is [redacted]? line two`);
  // The re-arm rule: again at once, then with a growing pause.
  await until(() => inits.length >= 3, 10_000, 'the Initialize re-armed');

  initMode = 'garbage';
  await until(() => /parsing error/.test(status().lastError ?? ''), 20_000, 'the garbage InitializeResponse reported');
  assert.match(status().lastError ?? '', new RegExp(`^${hostile}: Initialize failed: INTERNAL: Response message parsing error: `));

  // An answered Initialize whose CommandGet brings garbage: the session ends, saying why.
  initMode = 'session-garbage';
  await until(() => lines.some((l) => l.includes('session ended') && l.includes('parsing error')), 20_000, 'the session ended on garbage');
  await until(() => held() === 1 && status().state === 'connected', 20_000, 'an Initialize pending again');
  assert.equal(status().server, hostile);

  // Response headers in more frames than the HTTP/2 layer takes: the connection fails at
  // once, the device says why (one line) and connects again. (A silent connection declared
  // lost by keepalive: test/outbound/dead-nms.test.ts.)
  const before = inits.length;
  initMode = 'huge-headers';
  // The pending Initialize is cancelled by a link drop (as a network failure would be).
  agent.dropConnections();
  await until(() => lines.some((l) => l.includes('Too many CONTINUATION frames')), 30_000, 'the oversized headers reported');
  await until(() => inits.length >= before + 2 && held() === 1 && status().state === 'connected', 30_000, 'connected again');

  // Every record: one line, no stack, never the secret.
  for (const line of lines) {
    assert.ok(!line.includes(secret), `secret in log: ${line}`);
    const rec = JSON.parse(line) as Record<string, unknown>;
    assert.equal(rec.stack, undefined, line);
    assert.equal((rec.err as { stack?: string } | undefined)?.stack, undefined, line);
    for (const v of Object.values(rec)) if (typeof v === 'string') assert.ok(!v.includes('\n'), `a newline in ${line}`);
  }
  assert.ok(!JSON.stringify(agent.status()).includes(secret), 'secret in status');
  await agent.stop();
  stopped = true;
  // No socket is left behind at either server.
  await until(() => srv.open() === 0 && muted.size === 0, 10_000, 'every connection closed after stop').catch((e) => { throw new Error(`${e.message}: ${srv.open()} at the hostile NMS, ${muted.size} at the mute server`); });
});

test('basic protocol: a handshake answer echoing the secret over many lines is reported on one line, redacted, cut short', async () => {
  const pem = await loopbackPki();
  const { basicMethods } = await import('../../src/wire/protos.js');
  const handshake = basicMethods().handshake as unknown as { responseSerialize(v: object): Buffer };
  const c = client('basic-echo', []);
  const srv = await h2Server(() => answer(GRPC_HEADERS, frame(handshake.responseSerialize({ message_res: `denied: ${c.secret}\n${'x'.repeat(5000)}` })), OK_TRAILERS));
  const cfg = { ...c, servers: [{ address: '127.0.0.1', port: srv.port, trustedCert: pem.cert }] };
  const { logger, lines } = recordingLogger();
  const agent = new Agent({ config: { clients: [cfg], protocol: 'basic', connectTimeout: 1 }, backends: catBackends(), logger });
  agent.start();
  h.defer(() => agent.stop());
  await until(() => /to the handshake/.test(agent.status().clients[0].lastError ?? ''), 20_000, 'the refused handshake reported');
  const last = agent.status().clients[0].lastError ?? '';
  assert.match(last, /^127\.0\.0\.1:\d+: NMS answered "denied: \[redacted\] x{270,300}\.\.\. \(5019 characters\)" to the handshake$/);
  for (const line of lines) assert.ok(!line.includes(c.secret), `secret in log: ${line}`);
  assert.ok(lines.some((l) => l.includes('NMS refused the handshake')));
  await agent.stop();
});
