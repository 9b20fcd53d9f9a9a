/**
 * The device's HTTP/2 client connection (src/outbound/h2-connection.ts) and its HPACK
 * (src/outbound/hpack.ts), at the byte seam: a fake socket takes what the connection writes
 * and hands it what a server would send. End to end it is tested against real servers by
 * h2-grpc-wire.test.ts (the same wire as grpc-js) and hostile-nms.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import { Duplex } from 'node:stream';
import { createRequire } from 'node:module';
import { H2Connection, H2Error, type ConnectionSink, type Headers, type StreamSink } from '../../src/outbound/h2-connection.js';
import { HeaderDecoder, HeaderEncoder } from '../../src/outbound/hpack.js';

const require = createRequire(import.meta.url);
const hpack = require('hpack.js') as { compressor: { create(o: { table: { maxSize: number } }): { write(h: { name: string; value: string; huffman?: boolean }[]): void; read(): Buffer | null } } };

/** A socket stand-in: records what is written, emits what the test pushes. */
class FakeSocket extends Duplex {
  written: Buffer[] = [];
  ended = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.written.push(chunk);
    cb();
  }
  override _final(cb: () => void): void {
    this.ended = true;
    cb();
  }
  override _read(): void {}
  /** The frames written since the preface (type, flags, id, payload). */
  frames(): { type: number; flags: number; id: number; payload: Buffer }[] {
    const all = Buffer.concat(this.written);
    assert.equal(all.subarray(0, 24).toString('latin1'), 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    return parseFrames(all.subarray(24));
  }
}

function parseFrames(b: Buffer): { type: number; flags: number; id: number; payload: Buffer }[] {
  const out = [];
  let o = 0;
  while (o + 9 <= b.length) {
    const len = b.readUIntBE(o, 3);
    out.push({ type: b[o + 3], flags: b[o + 4], id: b.readUInt32BE(o + 5) & 0x7fffffff, payload: b.subarray(o + 9, o + 9 + len) });
    o += 9 + len;
  }
  assert.equal(o, b.length, 'whole frames');
  return out;
}

function h2Frame(type: number, flags: number, id: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(id, 5);
  return Buffer.concat([head, payload]);
}

function settings(pairs: [number, number][] = []): Buffer {
  const p = Buffer.alloc(pairs.length * 6);
  pairs.forEach(([k, v], i) => (p.writeUInt16BE(k, i * 6), p.writeUInt32BE(v, i * 6 + 2)));
  return h2Frame(0x4, 0, 0, p);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** A server's header block (hpack.js's compressor, Huffman and the dynamic table as servers use them). */
function serverBlock(compressor: ReturnType<typeof hpack.compressor.create>, fields: [string, string][]): Buffer {
  compressor.write(fields.map(([name, value]) => ({ name, value, huffman: true })));
  const parts: Buffer[] = [];
  for (let c = compressor.read(); c !== null; c = compressor.read()) parts.push(c);
  return Buffer.concat(parts);
}

const tick = () => new Promise((r) => setImmediate(r));

interface Events {
  conn: string[];
  stream: string[];
  data: Buffer[];
  headers: Headers[];
}

function open(): { sock: FakeSocket; conn: H2Connection; ev: Events; sink: StreamSink; connSink: ConnectionSink } {
  const sock = new FakeSocket();
  const ev: Events = { conn: [], stream: [], data: [], headers: [] };
  const connSink: ConnectionSink = {
    onRemoteSettings: () => ev.conn.push('settings'),
    onGoaway: (code) => ev.conn.push(`goaway ${code}`),
    onConnectionClose: (err) => ev.conn.push(`close${err ? ` ${err.message}` : ''}`),
  };
  const sink: StreamSink = {
    onResponse: (h, only) => (ev.stream.push(`response${only ? ' only' : ''}`), ev.headers.push(h)),
    onTrailers: (h) => (ev.stream.push('trailers'), ev.headers.push(h)),
    onData: (d) => (ev.stream.push(`data ${d.length}`), ev.data.push(d)),
    onEnd: () => ev.stream.push('end'),
    onClose: (code, err) => ev.stream.push(`close ${code}${err ? ` ${err.message}` : ''}`),
  };
  const conn = new H2Connection(sock as unknown as net.Socket, connSink);
  return { sock, conn, ev, sink, connSink };
}

/** A connection past the server's (empty) SETTINGS. */
async function openReady(): Promise<ReturnType<typeof open>> {
  const opened = open();
  opened.sock.push(settings());
  await tick();
  return opened;
}

const FIELDS: [string, string][] = [
  [':authority', '127.0.0.1:32767'],
  [':method', 'POST'],
  [':path', '/UserAuthenticationService/Initialize'],
  [':scheme', 'https'],
  ['grpc-accept-encoding', 'identity,deflate,gzip'],
  ['accept-encoding', 'identity'],
  ['grpc-timeout', '19999m'],
  ['user-agent', 'grpc-node-js/1.14.7'],
  ['content-type', 'application/grpc'],
  ['te', 'trailers'],
];

test('header blocks: byte for byte what nghttp2 codes for a client whose table is 0 bytes', async () => {
  // The block Node's http2 client (maxDeflateDynamicTableSize 0, as the device used) sends.
  const server = net.createServer();
  const got = new Promise<Buffer>((resolve) => {
    server.on('connection', (s) => {
      let all = Buffer.alloc(0);
      s.on('data', (d: Buffer) => {
        all = Buffer.concat([all, d]);
        const frames = all.length > 24 ? parseFrames(all.subarray(24, 24 + framesLength(all.subarray(24)))) : [];
        const headers = frames.find((f) => f.type === 0x1);
        if (headers) resolve(headers.payload), s.destroy();
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const session = http2.connect(`http://127.0.0.1:${port}`, { maxDeflateDynamicTableSize: 0, settings: { initialWindowSize: 65535 } });
  session.on('error', () => {});
  const req = session.request(Object.fromEntries(FIELDS));
  req.on('error', () => {});
  const nodeBlock = await got;
  session.destroy();
  server.close();
  assert.deepEqual(new HeaderEncoder().encode(FIELDS).toString('hex'), nodeBlock.toString('hex'));
  // Only the first block of a connection carries the table size update.
  const enc = new HeaderEncoder();
  enc.encode(FIELDS);
  assert.equal(enc.encode(FIELDS)[0], nodeBlock[1]);
});

function framesLength(b: Buffer): number {
  let o = 0;
  while (o + 9 <= b.length && o + 9 + b.readUIntBE(o, 3) <= b.length) o += 9 + b.readUIntBE(o, 3);
  return o;
}

test('HPACK: every byte value round-trips through our encoder and hpack.js; a broken block is an error', () => {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');
  const fields: [string, string][] = [['x-all', all], ['x-text', 'Hello, world: a/b?c=d'], ['x-empty', ''], ['x-long', 'z'.repeat(5000)]];
  const block = new HeaderEncoder().encode(fields);
  assert.deepEqual(new HeaderDecoder().decode(block), fields);
  const dec = new HeaderDecoder();
  assert.throws(() => dec.decode(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])));
  // The decoder is spent after an error (its table can no longer be trusted).
  assert.throws(() => dec.decode(new HeaderEncoder().encode(fields)));
});

test('a connection: preface and SETTINGS first, SETTINGS acknowledged, a call with flow control, trailers, close', async () => {
  const { sock, conn, ev, sink } = open();
  await tick();
  assert.deepEqual(sock.frames().map((f) => [f.type, f.payload.toString('hex')]), [[0x4, '00040000ffff']]);
  // The server allows 100 bytes a stream at first.
  sock.push(settings([[4, 100]]));
  await tick();
  assert.deepEqual(ev.conn, ['settings']);
  const stream = conn.request(FIELDS, sink);
  stream.write(Buffer.alloc(250, 1));
  stream.end();
  await tick();
  let frames = sock.frames();
  assert.deepEqual(frames.slice(1).map((f) => [f.type, f.flags, f.id, f.payload.length]), [
    [0x4, 1, 0, 0],
    [0x1, 0x4, 1, new HeaderEncoder().encode(FIELDS).length],
    [0x0, 0, 1, 100],
  ]);
  assert.deepEqual(new HeaderDecoder().decode(frames[2].payload), FIELDS);
  // A WINDOW_UPDATE lets the rest go, END_STREAM on the last DATA.
  sock.push(h2Frame(0x8, 0, 1, u32(1000)));
  await tick();
  frames = sock.frames();
  assert.deepEqual(frames.slice(4).map((f) => [f.type, f.flags, f.payload.length]), [[0x0, 1, 150]]);
  // The answer: headers, two DATA, trailers.
  const comp = hpack.compressor.create({ table: { maxSize: 4096 } });
  sock.push(h2Frame(0x1, 0x4, 1, serverBlock(comp, [[':status', '200'], ['content-type', 'application/grpc']])));
  sock.push(h2Frame(0x0, 0, 1, Buffer.from('abc')));
  sock.push(h2Frame(0x0, 0x8, 1, Buffer.concat([Buffer.from([2]), Buffer.from('de'), Buffer.alloc(2)])));
  sock.push(h2Frame(0x1, 0x5, 1, serverBlock(comp, [['grpc-status', '0'], ['x-two', 'a'], ['x-two', 'b']])));
  await tick();
  assert.deepEqual(ev.stream, ['response', 'data 3', 'data 2', 'trailers', 'end', 'close 0']);
  assert.equal(ev.headers[0][':status'], 200);
  assert.deepEqual(ev.headers[1]['x-two'], ['a', 'b']);
  // Graceful close: GOAWAY (NO_ERROR), then the socket ends.
  conn.close();
  await tick();
  const last = sock.frames().at(-1)!;
  assert.deepEqual([last.type, last.payload.toString('hex')], [0x7, '0000000000000000']);
  assert.ok(sock.ended);
});

test('what the server sends is read in any split, at a cost linear in its size', async () => {
  const { sock, conn, ev, sink } = await openReady();
  conn.request(FIELDS, sink).end();
  const comp = hpack.compressor.create({ table: { maxSize: 4096 } });
  const bytes = Buffer.concat([
    h2Frame(0x1, 0x4, 1, serverBlock(comp, [[':status', '200']])),
    ...Array.from({ length: 4 }, () => h2Frame(0x0, 0, 1, Buffer.alloc(16_384, 7))),
    h2Frame(0x1, 0x5, 1, serverBlock(comp, [['grpc-status', '0']])),
  ]);
  // One byte at a time: each frame is joined once, when its last byte comes.
  for (const b of bytes) sock.push(Buffer.from([b]));
  await tick();
  assert.equal(Buffer.concat(ev.data).length, 4 * 16_384);
  assert.ok(ev.data.every((d) => d.length === 16_384), 'each DATA frame whole, in one piece');
  assert.deepEqual(ev.stream.slice(-3), ['trailers', 'end', 'close 0']);
  // The window given back once half of it was read (connection and stream).
  const updates = sock.frames().filter((f) => f.type === 0x8);
  assert.ok(updates.some((f) => f.id === 0) && updates.some((f) => f.id === 1), 'WINDOW_UPDATE for the connection and the stream');
});

test('a paused stream keeps the server to its window: no WINDOW_UPDATE until it reads again', async () => {
  const { sock, conn, ev, sink } = await openReady();
  const stream = conn.request(FIELDS, sink);
  stream.pause();
  const comp = hpack.compressor.create({ table: { maxSize: 4096 } });
  sock.push(h2Frame(0x1, 0x4, 1, serverBlock(comp, [[':status', '200']])));
  for (let i = 0; i < 3; i++) sock.push(h2Frame(0x0, 0, 1, Buffer.alloc(16_000)));
  await tick();
  assert.equal(ev.data.length, 0);
  assert.equal(sock.frames().filter((f) => f.type === 0x8).length, 0);
  stream.resume();
  await tick();
  assert.equal(ev.data.length, 3);
  assert.ok(sock.frames().some((f) => f.type === 0x8 && f.id === 1), 'the window reopened once read');
});

test('PINGs: answered with the same payload; ours answered in turn; a flood ends the connection in nghttp2\'s words', async () => {
  const { sock, conn, ev, sink } = await openReady();
  const payload = Buffer.from('12345678');
  sock.push(h2Frame(0x6, 0, 0, payload));
  await tick();
  const ack = sock.frames().find((f) => f.type === 0x6 && f.flags === 1)!;
  assert.equal(ack.payload.toString(), '12345678');
  let answered: Error | null | undefined;
  assert.ok(conn.ping((err) => (answered = err)));
  await tick();
  const ours = sock.frames().filter((f) => f.type === 0x6 && f.flags === 0).at(-1)!;
  sock.push(h2Frame(0x6, 1, 0, ours.payload));
  await tick();
  assert.equal(answered, null);
  conn.request(FIELDS, sink);
  sock.push(Buffer.concat(Array.from({ length: 1001 }, () => h2Frame(0x6, 0, 0, payload))));
  await tick();
  assert.deepEqual(ev.conn.slice(-1), ['close Flooding was detected in this HTTP/2 session, and it must be closed']);
  assert.deepEqual(ev.stream, [`close ${H2Error.INTERNAL_ERROR} Flooding was detected in this HTTP/2 session, and it must be closed`]);
  const goaway = sock.frames().find((f) => f.type === 0x7)!;
  assert.equal(goaway.payload.readUInt32BE(4), H2Error.ENHANCE_YOUR_CALM);
});

test('protocol errors end the connection with a GOAWAY naming them', async () => {
  const cases: { name: string; bytes: (comp: ReturnType<typeof hpack.compressor.create>) => Buffer; code: number; message: RegExp }[] = [
    { name: 'no SETTINGS first', bytes: () => h2Frame(0x6, 0, 0, Buffer.alloc(8)), code: H2Error.PROTOCOL_ERROR, message: /did not start its HTTP\/2 connection with SETTINGS/ },
    { name: 'a frame over 16 KiB', bytes: () => Buffer.concat([settings(), h2Frame(0x0, 0, 1, Buffer.alloc(16_385))]), code: H2Error.FRAME_SIZE_ERROR, message: /frame of 16385 bytes/ },
    { name: 'nine CONTINUATIONs', bytes: () => Buffer.concat([settings(), h2Frame(0x1, 0, 1, Buffer.from([0x88])), ...Array.from({ length: 9 }, () => h2Frame(0x9, 0, 1, Buffer.from([0x88])))]), code: H2Error.ENHANCE_YOUR_CALM, message: /^Too many CONTINUATION frames following a HEADER frame$/ },
    { name: 'a header block cut by another frame', bytes: () => Buffer.concat([settings(), h2Frame(0x1, 0, 1, Buffer.from([0x88])), h2Frame(0x6, 0, 0, Buffer.alloc(8))]), code: H2Error.PROTOCOL_ERROR, message: /interrupted/ },
    { name: 'HPACK garbage', bytes: () => Buffer.concat([settings(), h2Frame(0x1, 0x4, 1, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]))]), code: H2Error.COMPRESSION_ERROR, message: /not valid HPACK/ },
    { name: 'headers on a stream never opened', bytes: (c) => Buffer.concat([settings(), h2Frame(0x1, 0x4, 3, serverBlock(c, [[':status', '200']]))]), code: H2Error.PROTOCOL_ERROR, message: /did not open/ },
    { name: 'a window past 2^31-1', bytes: () => Buffer.concat([settings(), h2Frame(0x8, 0, 0, u32(0x7fffffff))]), code: H2Error.FLOW_CONTROL_ERROR, message: /overflowed/ },
    { name: 'SETTINGS_MAX_FRAME_SIZE out of range', bytes: () => settings([[5, 100]]), code: H2Error.PROTOCOL_ERROR, message: /MAX_FRAME_SIZE/ },
  ];
  for (const c of cases) {
    const { sock, conn, ev, sink } = open();
    conn.request(FIELDS, sink);
    sock.push(c.bytes(hpack.compressor.create({ table: { maxSize: 4096 } })));
    await tick();
    const goaway = sock.frames().find((f) => f.type === 0x7);
    assert.ok(goaway, `${c.name}: a GOAWAY`);
    assert.equal(goaway.payload.readUInt32BE(4), c.code, c.name);
    const closed = ev.conn.find((e) => e.startsWith('close'));
    assert.match(closed?.slice(6) ?? '', c.message, c.name);
    assert.ok(conn.destroyed, c.name);
    assert.throws(() => conn.request(FIELDS, sink), /closed/, `${c.name}: no new stream`);
  }
});

test('GOAWAY from the server: with an error the open streams end with its code; without, they run to their end', async () => {
  {
    const { sock, conn, ev, sink } = await openReady();
    conn.request(FIELDS, sink);
    await tick();
    sock.push(h2Frame(0x7, 0, 0, Buffer.concat([u32(1), u32(H2Error.ENHANCE_YOUR_CALM)])));
    await tick();
    assert.deepEqual(ev.conn, ['settings', 'goaway 11', 'close Session closed with error code 11']);
    assert.deepEqual(ev.stream, ['close 11 Session closed with error code 11']);
  }
  {
    const { sock, conn, ev, sink } = await openReady();
    conn.request(FIELDS, sink).end();
    conn.request(FIELDS, sink);
    await tick();
    // Stream 1 taken, stream 3 not: 3 is refused, 1 finishes, then the connection ends.
    sock.push(h2Frame(0x7, 0, 0, Buffer.concat([u32(1), u32(0)])));
    await tick();
    assert.deepEqual(ev.stream, [`close ${H2Error.REFUSED_STREAM}`]);
    const comp = hpack.compressor.create({ table: { maxSize: 4096 } });
    sock.push(h2Frame(0x1, 0x5, 1, serverBlock(comp, [[':status', '200'], ['grpc-status', '0']])));
    await tick();
    assert.deepEqual(ev.stream.slice(1), ['response only', 'end', 'close 0']);
    assert.ok(sock.ended, 'the socket ended once no stream was open');
  }
});

test('a cancelled stream sends RST_STREAM alone; the server\'s late frames for it are read and dropped', async () => {
  const { sock, conn, ev, sink } = await openReady();
  const stream = conn.request(FIELDS, sink);
  stream.write(Buffer.from('hello'));
  stream.reset(H2Error.CANCEL);
  await tick();
  assert.deepEqual(sock.frames().slice(2).map((f) => [f.type, f.id]), [[0x1, 1], [0x3, 1]]);
  assert.deepEqual(ev.stream, [`close ${H2Error.CANCEL}`]);
  const comp = hpack.compressor.create({ table: { maxSize: 4096 } });
  sock.push(h2Frame(0x1, 0x4, 1, serverBlock(comp, [[':status', '200']])));
  sock.push(h2Frame(0x0, 0, 1, Buffer.alloc(1000)));
  await tick();
  assert.equal(conn.destroyed, false);
  assert.deepEqual(ev.stream, [`close ${H2Error.CANCEL}`]);
});

test('a server push is refused: RST_STREAM REFUSED_STREAM, its block decoded (the table stays in step), its frames dropped', async () => {
  const { sock, conn, ev, sink } = await openReady();
  conn.request(FIELDS, sink).end();
  const comp = hpack.compressor.create({ table: { maxSize: 4096 } });
  sock.push(h2Frame(0x5, 0x4, 1, Buffer.concat([u32(2), serverBlock(comp, [[':method', 'GET'], [':path', '/pushed'], ['x-indexed', 'by the push']])])));
  sock.push(h2Frame(0x1, 0x4, 2, serverBlock(comp, [[':status', '200'], ['x-indexed', 'by the push']])));
  sock.push(h2Frame(0x0, 0x1, 2, Buffer.from('pushed body')));
  sock.push(h2Frame(0x1, 0x5, 1, serverBlock(comp, [[':status', '200'], ['grpc-status', '0'], ['x-indexed', 'by the push']])));
  await tick();
  assert.equal(conn.destroyed, false);
  const rst = sock.frames().find((f) => f.type === 0x3)!;
  assert.deepEqual([rst.id, rst.payload.readUInt32BE(0)], [2, H2Error.REFUSED_STREAM]);
  assert.deepEqual(ev.stream, ['response only', 'end', 'close 0']);
  assert.equal(ev.headers[0]['x-indexed'], 'by the push');
});

test('a socket already closed when the connection is made: the connection ends at once, its owner told', async () => {
  const sock = new FakeSocket();
  sock.destroy();
  await tick();
  const events: string[] = [];
  const conn = new H2Connection(sock as unknown as net.Socket, {
    onRemoteSettings: () => events.push('settings'),
    onGoaway: () => events.push('goaway'),
    onConnectionClose: () => events.push('close'),
  });
  await tick();
  assert.deepEqual(events, ['close']);
  assert.ok(conn.destroyed);
});
