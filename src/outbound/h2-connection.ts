/**
 * The client side of one HTTP/2 connection (RFC 9113) over an open TLS socket, in plain
 * JavaScript: what the device's gRPC calls need and no more. It replaces Node's http2 session
 * for the device: a fleet keeps thousands of these open, and each of Node's (an nghttp2
 * session, its native stream objects, their external header strings) was freed by the
 * garbage collector's weak callbacks, which made most of a busy fleet thread's full-collection
 * pause. Here a connection is a few plain objects.
 *
 * On the wire it does what Node's http2 client did with the options the device gave it: the
 * preface and one SETTINGS (INITIAL_WINDOW_SIZE 65535), SETTINGS acknowledged, request
 * headers with pseudo-headers first (h2-grpc.ts gives the order; hpack.ts the coding), DATA
 * within the peer's windows and frame size, WINDOW_UPDATE once half a window is read, PING
 * answered, RST_STREAM to cancel, GOAWAY on close; test/outbound/h2-grpc-wire.test.ts compares
 * it with grpc-js on a recording server.
 *
 * Everything the peer sends is checked, and a connection error (a frame too large, a frame
 * out of place, a bad header block, a window overflow) ends the connection with a GOAWAY
 * naming it; the cost of reading stays linear in the bytes read.
 */
import type { Socket } from 'node:net';
import { HeaderDecoder, HeaderEncoder } from './hpack.js';

const DATA = 0x0;
const HEADERS = 0x1;
const RST_STREAM = 0x3;
const SETTINGS = 0x4;
const PUSH_PROMISE = 0x5;
const PING = 0x6;
const GOAWAY = 0x7;
const WINDOW_UPDATE = 0x8;
const CONTINUATION = 0x9;

const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY_FLAG = 0x20;

/** HTTP/2 error codes (the ones this side names). */
export const H2Error = {
  NO_ERROR: 0,
  PROTOCOL_ERROR: 1,
  INTERNAL_ERROR: 2,
  FLOW_CONTROL_ERROR: 3,
  STREAM_CLOSED: 5,
  FRAME_SIZE_ERROR: 6,
  REFUSED_STREAM: 7,
  CANCEL: 8,
  COMPRESSION_ERROR: 9,
  ENHANCE_YOUR_CALM: 11,
  INADEQUATE_SECURITY: 12,
} as const;

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** Our SETTINGS: INITIAL_WINDOW_SIZE 65535 (what the device's Node http2 sessions sent). */
const OUR_SETTINGS = Buffer.from([0, 0, 6, SETTINGS, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0xff, 0xff]);
const SETTINGS_ACK = Buffer.from([0, 0, 0, SETTINGS, ACK, 0, 0, 0, 0]);
/** Frame payloads we accept (SETTINGS_MAX_FRAME_SIZE's default: we never raise it). */
const MAX_FRAME_IN = 16_384;
/** Our receive window (stream and connection): HTTP/2's default, which our SETTINGS restate. */
const WINDOW = 65_535;
/**
 * CONTINUATION frames after one HEADERS: more ends the connection (nghttp2's limit, and its
 * words, which grpc-js reports): a header block is at most 9 frames.
 */
const MAX_CONTINUATIONS = 8;
/** A decoded header list larger than this (HPACK's measure: name, value, 32 a field) resets its stream. */
const MAX_HEADER_LIST = 64 * 1024;
const MAX_WINDOW = 2 ** 31 - 1;
/**
 * Acknowledgements (PING, SETTINGS) queued and not yet taken by a socket that reads: more
 * means the peer floods us (nghttp2's limit and its words, which grpc-js reports).
 */
const MAX_QUEUED_ACKS = 1000;
/** Streams above this id are not opened: the connection says it is gone (grpc-js makes a new one). */
const MAX_STREAM_ID = 2 ** 31 - 1;

/** Response headers or trailers as Node's http2 gives them: lower-case names, :status a number, repeats in arrays. */
export type Headers = Record<string, string | string[] | number | undefined>;

/** What a stream tells its owner. */
export interface StreamSink {
  /** The response's headers (`trailersOnly`: they end the stream, with no DATA). */
  onResponse(headers: Headers, trailersOnly: boolean): void;
  onTrailers(headers: Headers): void;
  onData(chunk: Buffer): void;
  /** The peer ended its side (after the last data and trailers). */
  onEnd(): void;
  /**
   * The stream is over: `code` is the RST_STREAM code (sent or received), NO_ERROR when both
   * sides ended; INTERNAL_ERROR with `error` when the connection failed under it.
   */
  onClose(code: number, error?: Error): void;
}

/** What a connection tells its owner. */
export interface ConnectionSink {
  /** The peer's SETTINGS (first and later ones). */
  onRemoteSettings(): void;
  /** A GOAWAY came: no new streams. */
  onGoaway(code: number): void;
  /** The connection is over (told before its streams are closed). */
  onConnectionClose(error?: Error): void;
}

interface Outgoing {
  chunk: Buffer;
  offset: number;
  cb?: (err?: Error | null) => void;
}

export class H2Stream {
  id = 0;
  /** RST_STREAM code once closed (NO_ERROR for a stream both sides ended). */
  rstCode = H2Error.NO_ERROR as number;
  closed = false;
  localEnded = false;
  private endQueued = false;
  remoteEnded = false;
  private gotResponse = false;
  private paused = false;
  /** Data (and the end) read while paused. */
  private inbox: Buffer[] = [];
  private endPending = false;
  sendWindow = 0;
  private queue: Outgoing[] = [];
  private queuedBytes = 0;
  /** Bytes handed to the reader not yet given back to the peer's window. */
  unacked = 0;
  /** Bytes the peer may still send on this stream. */
  recvWindow = WINDOW;

  constructor(
    private readonly conn: H2Connection,
    /** The request headers, until they are sent (an idle device's waiting call keeps none). */
    public headerFields: readonly (readonly [string, string])[] | undefined,
    readonly sink: StreamSink,
  ) {}

  /** Sends `chunk` as DATA; `cb` once it is handed to the socket. */
  write(chunk: Buffer, cb?: (err?: Error | null) => void): void {
    if (this.closed || this.localEnded || this.endQueued) {
      if (cb) process.nextTick(cb, this.closed ? new Error('The stream is closed') : new Error('write after end'));
      return;
    }
    this.queue.push({ chunk, offset: 0, cb });
    this.queuedBytes += chunk.length;
    this.conn.wantsToSend(this);
  }

  /** Half-closes (END_STREAM after what is queued). */
  end(): void {
    if (this.closed || this.localEnded || this.endQueued) return;
    this.endQueued = true;
    this.conn.wantsToSend(this);
  }

  get writableEnded(): boolean {
    return this.localEnded || this.endQueued;
  }

  /** More than a frame's worth waits to go out. */
  get writableNeedDrain(): boolean {
    return this.queuedBytes > 16_384;
  }

  /** RST_STREAM with `code` (CANCEL to cancel, NO_ERROR to close a finished call). */
  reset(code: number): void {
    if (this.closed) return;
    this.conn.resetStream(this, code);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    while (this.inbox.length > 0 && !this.paused && !this.closed) {
      const chunk = this.inbox.shift()!;
      this.deliver(chunk);
    }
    if (!this.paused && this.inbox.length === 0 && this.endPending) {
      this.endPending = false;
      this.finishRemote();
    }
  }

  /** @internal The DATA the flow-control windows allow now, as frames; true when the stream has more. */
  takeFrames(frames: Buffer[], connWindow: { value: number }, maxFrame: number, cbs: ((err?: Error | null) => void)[]): void {
    while (this.queue.length > 0) {
      const item = this.queue[0];
      const left = item.chunk.length - item.offset;
      const n = Math.min(left, this.sendWindow, connWindow.value, maxFrame);
      if (n <= 0 && left > 0) return;
      const last = n === left;
      const endNow = last && this.endQueued && this.queue.length === 1;
      frames.push(frameHeader(n, DATA, endNow ? END_STREAM : 0, this.id), n === item.chunk.length ? item.chunk : item.chunk.subarray(item.offset, item.offset + n));
      item.offset += n;
      this.sendWindow -= n;
      connWindow.value -= n;
      this.queuedBytes -= n;
      if (last) {
        this.queue.shift();
        if (item.cb) cbs.push(item.cb);
        if (endNow) {
          this.endQueued = false;
          this.localEnded = true;
          this.conn.localEndedStream(this);
          return;
        }
      }
    }
    if (this.endQueued) {
      frames.push(frameHeader(0, DATA, END_STREAM, this.id));
      this.endQueued = false;
      this.localEnded = true;
      this.conn.localEndedStream(this);
    }
  }

  /** @internal */
  get hasOutgoing(): boolean {
    return this.queue.length > 0 || this.endQueued;
  }

  /** @internal Headers arrived for this stream. */
  onHeaders(headers: Headers, endStream: boolean): boolean {
    if (!this.gotResponse) {
      const status = headers[':status'];
      // Informational (1xx) headers come before the response: skipped, as a gRPC client does.
      if (typeof status === 'number' && status >= 100 && status < 200) {
        return !endStream;
      }
      this.gotResponse = true;
      this.sink.onResponse(headers, endStream);
    } else {
      // Trailers must end the stream.
      if (!endStream) return false;
      this.sink.onTrailers(headers);
    }
    if (endStream) this.remoteEnd();
    return true;
  }

  /** @internal A DATA payload (padding removed). */
  onData(chunk: Buffer, endStream: boolean): boolean {
    if (!this.gotResponse) return false;
    if (chunk.length > 0) {
      if (this.paused || this.inbox.length > 0) this.inbox.push(chunk);
      else this.deliver(chunk);
    }
    if (endStream) this.remoteEnd();
    return true;
  }

  private deliver(chunk: Buffer): void {
    this.conn.consumed(this, chunk.length);
    this.sink.onData(chunk);
  }

  private remoteEnd(): void {
    this.remoteEnded = true;
    if (this.paused || this.inbox.length > 0) this.endPending = true;
    else this.finishRemote();
  }

  private finishRemote(): void {
    this.sink.onEnd();
    this.conn.remoteEndedStream(this);
  }

  /** @internal The stream is over: pending writes fail, the sink hears once. */
  onClose(code: number, error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.rstCode = code;
    // An Error (and its stack) only for writes still waiting: most streams close with none.
    let err: Error | undefined;
    for (const item of this.queue) if (item.cb) process.nextTick(item.cb, (err ??= new Error('The stream is closed')));
    this.queue = [];
    this.queuedBytes = 0;
    this.inbox = [];
    this.sink.onClose(code, error);
  }
}

function frameHeader(length: number, type: number, flags: number, id: number): Buffer {
  const b = Buffer.allocUnsafe(9);
  b[0] = (length >>> 16) & 0xff;
  b[1] = (length >>> 8) & 0xff;
  b[2] = length & 0xff;
  b[3] = type;
  b[4] = flags;
  b.writeUInt32BE(id, 5);
  return b;
}

function frame(type: number, flags: number, id: number, payload: Buffer): Buffer {
  const b = Buffer.allocUnsafe(9 + payload.length);
  b[0] = (payload.length >>> 16) & 0xff;
  b[1] = (payload.length >>> 8) & 0xff;
  b[2] = payload.length & 0xff;
  b[3] = type;
  b[4] = flags;
  b.writeUInt32BE(id, 5);
  payload.copy(b, 9);
  return b;
}

class ConnectionError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** The connection a socket carries (set while the connection listens to it). */
const CONNECTION = Symbol('h2Connection');
type OwnedSocket = Socket & { [CONNECTION]?: H2Connection };
function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  this[CONNECTION]?.socketData(chunk);
}
function onSocketDrain(this: OwnedSocket): void {
  this[CONNECTION]?.socketDrained();
}
function onSocketGone(this: OwnedSocket): void {
  this[CONNECTION]?.socketEnded();
}
function onSocketError(this: OwnedSocket, err: Error): void {
  this[CONNECTION]?.socketEnded(err);
}
function ignoreError(): void {}

/** One HTTP/2 client connection on `socket` (TLS already up, ALPN h2). */
export class H2Connection {
  /** GOAWAY sent (close() or an error): no new streams. */
  closed = false;
  destroyed = false;
  private goawayReceived = false;
  private readonly streams = new Map<number, H2Stream>();
  /** Streams waiting for a slot under the peer's MAX_CONCURRENT_STREAMS. */
  private waitingStreams: H2Stream[] = [];
  /** Streams with DATA or an end to send. */
  private sending = new Set<H2Stream>();
  private nextId = 1;
  /** The highest stream id the server promised (PUSH_PROMISE), each refused: its frames are read and dropped. */
  private maxPromised = 0;
  private readonly encoder = new HeaderEncoder();
  private readonly decoder = new HeaderDecoder();
  // The peer's settings.
  private peerMaxStreams = Infinity;
  private peerInitialWindow = WINDOW;
  private peerMaxFrame = 16_384;
  private readonly connSendWindow = { value: WINDOW };
  private connRecvWindow = WINDOW;
  private connUnacked = 0;
  private gotSettings = false;
  // Reading.
  private chunks: Buffer[] = [];
  private have = 0;
  /** A header block being collected (HEADERS or PUSH_PROMISE, then CONTINUATIONs). */
  private block: { id: number; parts: Buffer[]; size: number; continuations: number; endStream: boolean; push: boolean } | undefined;
  // Writing.
  private out: Buffer[] = [];
  private outCbs: ((err?: Error | null) => void)[] = [];
  private flushScheduled = false;
  private socketFull = false;
  /** PING and SETTINGS acknowledgements since the socket last took everything. */
  private queuedAcks = 0;
  private pings: { payload: Buffer; cb: (err: Error | null) => void }[] = [];
  private pingCount = 0;
  private closeError: Error | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly sink: ConnectionSink,
  ) {
    // The socket's listeners are the module's functions, shared by every connection (an idle
    // device's connection then holds no closures of its own); each finds its connection here.
    (socket as OwnedSocket)[CONNECTION] = this;
    socket.on('data', onSocketData);
    socket.on('drain', onSocketDrain);
    socket.on('end', onSocketGone);
    socket.on('close', onSocketGone);
    socket.on('error', onSocketError);
    this.send(PREFACE);
    this.send(OUR_SETTINGS);
    // A socket that closed between its handshake and here says so no more: over at once.
    if (socket.destroyed) process.nextTick(() => this.socketGone());
  }

  /** Opens a stream with `fields` as its request headers (pseudo-headers first). */
  request(fields: readonly (readonly [string, string])[], sink: StreamSink): H2Stream {
    if (this.closed || this.destroyed || this.goawayReceived) throw new Error('The session has been closed');
    const stream = new H2Stream(this, fields, sink);
    if (this.streams.size >= this.peerMaxStreams) this.waitingStreams.push(stream);
    else this.openStream(stream);
    return stream;
  }

  private openStream(stream: H2Stream): void {
    if (this.nextId > MAX_STREAM_ID) {
      process.nextTick(() => stream.onClose(H2Error.REFUSED_STREAM));
      return;
    }
    stream.id = this.nextId;
    this.nextId += 2;
    stream.sendWindow = this.peerInitialWindow;
    this.streams.set(stream.id, stream);
    const block = this.encoder.encode(stream.headerFields ?? []);
    stream.headerFields = undefined;
    // The block in frames of at most the peer's frame size: HEADERS, then CONTINUATIONs.
    let offset = 0;
    let type = HEADERS;
    do {
      const n = Math.min(this.peerMaxFrame, block.length - offset);
      const last = offset + n === block.length;
      this.send(frame(type, last ? END_HEADERS : 0, stream.id, block.subarray(offset, offset + n)));
      offset += n;
      type = CONTINUATION;
    } while (offset < block.length);
    if (stream.hasOutgoing) this.wantsToSend(stream);
  }

  /** A keepalive PING; `cb` with its answer (or an error when the connection ends first). False when it could not be sent. */
  ping(cb: (err: Error | null) => void): boolean {
    if (this.destroyed) return false;
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(++this.pingCount >>> 0, 4);
    this.pings.push({ payload, cb });
    this.send(frame(PING, 0, 0, payload));
    return true;
  }

  /** Graceful close: GOAWAY, no new streams; the socket ends once no stream is open. */
  close(): void {
    if (this.closed || this.destroyed) return;
    this.closed = true;
    this.sendGoaway(H2Error.NO_ERROR);
    this.maybeEnd();
  }

  /** Ends at once: the socket destroyed, open streams closed (CANCEL). */
  destroy(error?: Error): void {
    if (this.destroyed) return;
    if (error) this.closeError ??= error;
    this.finish(true);
  }

  /** @internal */
  wantsToSend(stream: H2Stream): void {
    if (stream.id === 0) return;
    this.sending.add(stream);
    this.schedule();
  }

  /** @internal */
  resetStream(stream: H2Stream, code: number): void {
    if (stream.id === 0) {
      const i = this.waitingStreams.indexOf(stream);
      if (i >= 0) this.waitingStreams.splice(i, 1);
      process.nextTick(() => stream.onClose(code));
      return;
    }
    if (!this.destroyed) {
      const payload = Buffer.allocUnsafe(4);
      payload.writeUInt32BE(code >>> 0, 0);
      this.send(frame(RST_STREAM, 0, stream.id, payload));
    }
    this.closeStream(stream, code);
  }

  /** @internal The reader took `n` bytes: the windows open again once half is read. */
  consumed(stream: H2Stream, n: number): void {
    stream.unacked += n;
    if (stream.unacked >= WINDOW / 2 && !stream.remoteEnded && !stream.closed) {
      this.sendWindowUpdate(stream.id, stream.unacked);
      stream.recvWindow += stream.unacked;
      stream.unacked = 0;
    }
    this.connConsumed(n);
  }

  private connConsumed(n: number): void {
    this.connUnacked += n;
    if (this.connUnacked >= WINDOW / 2) {
      this.sendWindowUpdate(0, this.connUnacked);
      this.connRecvWindow += this.connUnacked;
      this.connUnacked = 0;
    }
  }

  private sendWindowUpdate(id: number, increment: number): void {
    if (this.destroyed) return;
    const payload = Buffer.allocUnsafe(4);
    payload.writeUInt32BE(increment, 0);
    this.send(frame(WINDOW_UPDATE, 0, id, payload));
  }

  /** @internal */
  localEndedStream(stream: H2Stream): void {
    if (stream.remoteEnded) process.nextTick(() => this.closeStream(stream, H2Error.NO_ERROR));
  }

  /** @internal */
  remoteEndedStream(stream: H2Stream): void {
    if (stream.localEnded) this.closeStream(stream, H2Error.NO_ERROR);
  }

  private closeStream(stream: H2Stream, code: number): void {
    if (stream.closed) return;
    this.streams.delete(stream.id);
    this.sending.delete(stream);
    stream.onClose(code);
    // A slot is free for a waiting stream.
    while (this.waitingStreams.length > 0 && this.streams.size < this.peerMaxStreams && !this.destroyed) this.openStream(this.waitingStreams.shift()!);
    this.maybeEnd();
  }

  private maybeEnd(): void {
    if (!this.closed || this.destroyed || this.streams.size > 0 || this.waitingStreams.length > 0) return;
    this.flush();
    this.socket.end();
  }

  private sendGoaway(code: number): void {
    const payload = Buffer.alloc(8);
    // The last stream the peer opened: none (a gRPC server opens none).
    payload.writeUInt32BE(code >>> 0, 4);
    this.send(frame(GOAWAY, 0, 0, payload));
  }

  private send(buf: Buffer): void {
    this.out.push(buf);
    this.schedule();
  }

  private schedule(): void {
    if (this.flushScheduled || this.destroyed) return;
    this.flushScheduled = true;
    process.nextTick(() => this.pump());
  }

  /** Writes what is queued: control frames, then DATA the windows allow. */
  private pump(): void {
    this.flushScheduled = false;
    if (this.destroyed) return;
    if (!this.socketFull && this.sending.size > 0 && this.connSendWindow.value >= 0) {
      for (const stream of this.sending) {
        stream.takeFrames(this.out, this.connSendWindow, this.peerMaxFrame, this.outCbs);
        if (!stream.hasOutgoing) this.sending.delete(stream);
      }
    }
    this.flush();
  }

  private flush(): void {
    if (this.out.length === 0 || this.destroyed) return;
    const out = this.out.length === 1 ? this.out[0] : Buffer.concat(this.out);
    this.out = [];
    const cbs = this.outCbs;
    this.outCbs = [];
    const ok = this.socket.write(out, cbs.length === 0 ? undefined : (err?: Error | null) => {
      for (const cb of cbs) cb(err ?? null);
    });
    if (!ok) this.socketFull = true;
    else this.queuedAcks = 0;
  }

  // Reading.

  private read(chunk: Buffer): void {
    if (this.destroyed) return;
    this.chunks.push(chunk);
    this.have += chunk.length;
    try {
      this.parse();
    } catch (err) {
      if (err instanceof ConnectionError) this.connectionError(err.code, err.message);
      else this.connectionError(H2Error.INTERNAL_ERROR, (err as Error).message);
    }
  }

  /** Takes whole frames out of what was read; a partial frame waits (one copy when it completes). */
  private parse(): void {
    while (this.have >= 9 && !this.destroyed) {
      let head = this.chunks[0];
      if (head.length < 9) head = this.gather(9);
      const length = (head[0] << 16) | (head[1] << 8) | head[2];
      if (length > MAX_FRAME_IN) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, `the server sent an HTTP/2 frame of ${length} bytes (at most ${MAX_FRAME_IN})`);
      if (this.have < 9 + length) return;
      if (head.length < 9 + length) head = this.gather(9 + length);
      const type = head[3];
      const flags = head[4];
      const id = head.readUInt32BE(5) & 0x7fffffff;
      const payload = head.subarray(9, 9 + length);
      // Take the frame off what was read before acting on it.
      if (head.length === 9 + length) this.chunks.shift();
      else this.chunks[0] = head.subarray(9 + length);
      this.have -= 9 + length;
      this.frame(type, flags, id, payload);
    }
  }

  /** The first `n` bytes read, as one buffer at the head of the list. */
  private gather(n: number): Buffer {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const c = this.chunks.shift()!;
      parts.push(c);
      got += c.length;
    }
    const joined = Buffer.concat(parts, got);
    this.chunks.unshift(joined);
    return joined;
  }

  private frame(type: number, flags: number, id: number, payload: Buffer): void {
    if (!this.gotSettings && (type !== SETTINGS || flags & ACK)) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'the server did not start its HTTP/2 connection with SETTINGS');
    if (this.block && type !== CONTINUATION) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'the server interrupted an HTTP/2 header block with another frame');
    switch (type) {
      case DATA:
        return this.onData(flags, id, payload);
      case HEADERS:
        return this.onHeadersFrame(flags, id, payload, false);
      case PUSH_PROMISE:
        return this.onHeadersFrame(flags, id, payload, true);
      case CONTINUATION:
        return this.onContinuation(flags, id, payload);
      case RST_STREAM: {
        if (id === 0 || payload.length !== 4) throw new ConnectionError(id === 0 ? H2Error.PROTOCOL_ERROR : H2Error.FRAME_SIZE_ERROR, 'bad RST_STREAM');
        if (id >= this.nextId) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'RST_STREAM on an idle stream');
        const stream = this.streams.get(id);
        if (stream) this.closeStream(stream, payload.readUInt32BE(0));
        return;
      }
      case SETTINGS:
        return this.onSettings(flags, id, payload);
      case PING: {
        if (id !== 0) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'PING on a stream');
        if (payload.length !== 8) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, 'PING not 8 bytes');
        if (flags & ACK) {
          const i = this.pings.findIndex((p) => p.payload.equals(payload));
          if (i >= 0) this.pings.splice(i, 1)[0].cb(null);
        } else {
          this.countAck();
          this.send(frame(PING, ACK, 0, payload));
        }
        return;
      }
      case GOAWAY:
        return this.onGoaway(id, payload);
      case WINDOW_UPDATE:
        return this.onWindowUpdate(id, payload);
      default:
        // PRIORITY and frame types we do not know: ignored.
        return;
    }
  }

  private onSettings(flags: number, id: number, payload: Buffer): void {
    if (id !== 0) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'SETTINGS on a stream');
    if (flags & ACK) {
      if (payload.length !== 0) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, 'SETTINGS ACK with a payload');
      return;
    }
    if (payload.length % 6 !== 0) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, 'SETTINGS not a multiple of 6 bytes');
    for (let o = 0; o < payload.length; o += 6) {
      const key = payload.readUInt16BE(o);
      const value = payload.readUInt32BE(o + 2);
      switch (key) {
        case 2:
          if (value > 1) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'SETTINGS_ENABLE_PUSH not 0 or 1');
          break;
        case 3:
          this.peerMaxStreams = value;
          break;
        case 4: {
          if (value > MAX_WINDOW) throw new ConnectionError(H2Error.FLOW_CONTROL_ERROR, 'SETTINGS_INITIAL_WINDOW_SIZE too large');
          const delta = value - this.peerInitialWindow;
          this.peerInitialWindow = value;
          for (const stream of this.streams.values()) {
            stream.sendWindow += delta;
            if (stream.sendWindow > MAX_WINDOW) throw new ConnectionError(H2Error.FLOW_CONTROL_ERROR, 'a stream window overflowed');
          }
          break;
        }
        case 5:
          if (value < 16_384 || value > 16_777_215) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'SETTINGS_MAX_FRAME_SIZE out of range');
          this.peerMaxFrame = value;
          break;
        default:
        // HEADER_TABLE_SIZE (our encoder indexes nothing), MAX_HEADER_LIST_SIZE, unknown: nothing to do.
      }
    }
    this.countAck();
    this.send(SETTINGS_ACK);
    this.gotSettings = true;
    for (const stream of this.streams.values()) if (stream.hasOutgoing) this.sending.add(stream);
    while (this.waitingStreams.length > 0 && this.streams.size < this.peerMaxStreams) this.openStream(this.waitingStreams.shift()!);
    this.schedule();
    this.sink.onRemoteSettings();
  }

  private onWindowUpdate(id: number, payload: Buffer): void {
    if (payload.length !== 4) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, 'WINDOW_UPDATE not 4 bytes');
    const increment = payload.readUInt32BE(0) & 0x7fffffff;
    if (id === 0) {
      if (increment === 0) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'WINDOW_UPDATE of 0');
      this.connSendWindow.value += increment;
      if (this.connSendWindow.value > MAX_WINDOW) throw new ConnectionError(H2Error.FLOW_CONTROL_ERROR, 'the connection window overflowed');
      for (const stream of this.streams.values()) if (stream.hasOutgoing) this.sending.add(stream);
      this.schedule();
      return;
    }
    if (id >= this.nextId) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'WINDOW_UPDATE on an idle stream');
    const stream = this.streams.get(id);
    if (!stream) return;
    if (increment === 0 || stream.sendWindow + increment > MAX_WINDOW) return this.resetStream(stream, increment === 0 ? H2Error.PROTOCOL_ERROR : H2Error.FLOW_CONTROL_ERROR);
    stream.sendWindow += increment;
    if (stream.hasOutgoing) this.wantsToSend(stream);
  }

  private onGoaway(id: number, payload: Buffer): void {
    if (id !== 0) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'GOAWAY on a stream');
    if (payload.length < 8) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, 'GOAWAY shorter than 8 bytes');
    const lastId = payload.readUInt32BE(0) & 0x7fffffff;
    const code = payload.readUInt32BE(4);
    this.goawayReceived = true;
    // Streams the server never took are refused (a caller may try them elsewhere).
    for (const stream of [...this.streams.values()]) if (stream.id > lastId) this.closeStream(stream, H2Error.REFUSED_STREAM);
    for (const stream of this.waitingStreams.splice(0)) process.nextTick(() => stream.onClose(H2Error.REFUSED_STREAM));
    this.sink.onGoaway(code);
    if (this.destroyed) return;
    if (code === H2Error.NO_ERROR) this.close();
    else {
      // As Node's http2 did: the open streams end with the GOAWAY's code.
      this.closeError ??= new Error(`Session closed with error code ${code}`);
      this.finish(true, code);
    }
  }

  private onData(flags: number, id: number, payload: Buffer): void {
    if (id === 0) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'DATA on stream 0');
    const length = payload.length;
    if (length > this.connRecvWindow) throw new ConnectionError(H2Error.FLOW_CONTROL_ERROR, 'DATA beyond the connection window');
    this.connRecvWindow -= length;
    const body = this.unpad(flags, payload);
    const stream = this.streams.get(id);
    if (!stream) {
      if (id % 2 === 0 ? id > this.maxPromised : id >= this.nextId) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'DATA on an idle stream');
      // A stream closed here: the bytes still count against the connection's window.
      this.connConsumed(length);
      return;
    }
    if (stream.remoteEnded) return this.resetStream(stream, H2Error.STREAM_CLOSED);
    if (length > stream.recvWindow) return this.resetStream(stream, H2Error.FLOW_CONTROL_ERROR);
    stream.recvWindow -= length;
    // Padding counts against the windows but is nobody's to read: given back at once.
    const padding = length - body.length;
    if (padding > 0) {
      stream.unacked += padding;
      this.connConsumed(padding);
    }
    if (!stream.onData(body, (flags & END_STREAM) !== 0)) this.resetStream(stream, H2Error.PROTOCOL_ERROR);
  }

  private countAck(): void {
    if (++this.queuedAcks > MAX_QUEUED_ACKS) throw new ConnectionError(H2Error.ENHANCE_YOUR_CALM, 'Flooding was detected in this HTTP/2 session, and it must be closed');
  }

  private unpad(flags: number, payload: Buffer): Buffer {
    if (!(flags & PADDED)) return payload;
    if (payload.length < 1) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, 'padded frame with no pad length');
    const pad = payload[0];
    if (pad >= payload.length) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'padding longer than the frame');
    return payload.subarray(1, payload.length - pad);
  }

  private onHeadersFrame(flags: number, id: number, payload: Buffer, push: boolean): void {
    if (id === 0) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'header block on stream 0');
    const refusedPush = id % 2 === 0 && id <= this.maxPromised && !push;
    if (!refusedPush && (id % 2 === 0 || id >= this.nextId)) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'headers on a stream this side did not open');
    let body = this.unpad(flags, payload);
    if (push) {
      // The promised stream's id, then the block: refused, the block still decoded (HPACK state).
      if (body.length < 4) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, 'PUSH_PROMISE too short');
      const promised = body.readUInt32BE(0) & 0x7fffffff;
      if (promised === 0 || promised % 2 !== 0 || promised <= this.maxPromised) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'PUSH_PROMISE of a stream id not new and even');
      this.maxPromised = promised;
      const rst = Buffer.alloc(4);
      rst.writeUInt32BE(H2Error.REFUSED_STREAM, 0);
      this.send(frame(RST_STREAM, 0, promised, rst));
      body = body.subarray(4);
    } else if (flags & PRIORITY_FLAG) {
      if (body.length < 5) throw new ConnectionError(H2Error.FRAME_SIZE_ERROR, 'HEADERS priority too short');
      body = body.subarray(5);
    }
    this.block = { id, parts: [body], size: body.length, continuations: 0, endStream: !push && (flags & END_STREAM) !== 0, push };
    if (flags & END_HEADERS) this.endBlock();
  }

  private onContinuation(flags: number, id: number, payload: Buffer): void {
    const block = this.block;
    if (!block || block.id !== id) throw new ConnectionError(H2Error.PROTOCOL_ERROR, 'CONTINUATION out of place');
    if (++block.continuations > MAX_CONTINUATIONS) throw new ConnectionError(H2Error.ENHANCE_YOUR_CALM, 'Too many CONTINUATION frames following a HEADER frame');
    block.size += payload.length;
    block.parts.push(payload);
    if (flags & END_HEADERS) this.endBlock();
  }

  private endBlock(): void {
    const block = this.block!;
    this.block = undefined;
    let fields: [string, string][];
    try {
      fields = this.decoder.decode(block.parts.length === 1 ? block.parts[0] : Buffer.concat(block.parts, block.size));
    } catch (err) {
      throw new ConnectionError(H2Error.COMPRESSION_ERROR, `the server sent a header block that is not valid HPACK (${(err as Error).message})`);
    }
    if (block.push) return;
    const stream = this.streams.get(block.id);
    if (!stream) return;
    let listSize = 0;
    for (const [name, value] of fields) listSize += name.length + value.length + 32;
    if (listSize > MAX_HEADER_LIST) return this.resetStream(stream, H2Error.ENHANCE_YOUR_CALM);
    if (stream.remoteEnded) return this.resetStream(stream, H2Error.STREAM_CLOSED);
    const headers: Headers = Object.create(null);
    for (const [name, value] of fields) {
      if (name === ':status') {
        const status = Number(value);
        if (headers[':status'] !== undefined || !/^[0-9]{3}$/.test(value)) return this.resetStream(stream, H2Error.PROTOCOL_ERROR);
        headers[':status'] = status;
        continue;
      }
      if (name.length === 0 || /[A-Z]/.test(name)) return this.resetStream(stream, H2Error.PROTOCOL_ERROR);
      const had = headers[name];
      if (had === undefined) headers[name] = value;
      else if (Array.isArray(had)) had.push(value);
      else headers[name] = [had as string, value];
    }
    if (!stream.onHeaders(headers, block.endStream)) this.resetStream(stream, H2Error.PROTOCOL_ERROR);
  }

  private connectionError(code: number, message: string): void {
    if (this.destroyed) return;
    this.closeError ??= new Error(message);
    if (!this.closed) {
      this.closed = true;
      this.sendGoaway(code);
    }
    this.flush();
    this.finish(false);
  }

  /** @internal Bytes from the socket. */
  socketData(chunk: Buffer): void {
    this.read(chunk);
  }

  /** @internal The socket took everything queued. */
  socketDrained(): void {
    this.socketFull = false;
    this.queuedAcks = 0;
    this.pump();
  }

  /** @internal The socket ended, closed or failed (`err`). */
  socketEnded(err?: Error): void {
    if (err) this.closeError ??= err;
    this.socketGone();
  }

  private socketGone(): void {
    if (this.destroyed) return;
    this.finish(true);
  }

  /** Over: streams closed (CANCEL), pings failed, the socket let go, the owner told. */
  private finish(destroySocket: boolean, streamCode?: number): void {
    this.destroyed = true;
    this.closed = true;
    this.chunks = [];
    this.have = 0;
    this.out = [];
    const cbs = this.outCbs;
    this.outCbs = [];
    let goneError: Error | undefined;
    const gone = (): Error => (goneError ??= new Error('The connection is closed'));
    for (const cb of cbs) process.nextTick(cb, gone());
    const streams = [...this.streams.values(), ...this.waitingStreams];
    this.streams.clear();
    this.waitingStreams = [];
    this.sending.clear();
    const pings = this.pings;
    this.pings = [];
    const socket = this.socket;
    socket.removeListener('data', onSocketData);
    socket.removeListener('drain', onSocketDrain);
    socket.removeListener('end', onSocketGone);
    socket.removeListener('close', onSocketGone);
    // An error after this is the socket's last word: swallowed.
    socket.removeListener('error', onSocketError);
    socket.on('error', ignoreError);
    (socket as OwnedSocket)[CONNECTION] = undefined;
    if (destroySocket) socket.destroy();
    else {
      // The GOAWAY goes out, then the socket: at once, or after a grace if the peer stops reading.
      socket.end(() => socket.destroy());
      setTimeout(() => socket.destroy(), 1_000).unref();
    }
    // The owner first (it marks its calls' connection as dropped), then the streams: CANCEL
    // for a connection that ended, INTERNAL_ERROR with the error for one that failed.
    const error = this.closeError;
    this.sink.onConnectionClose(error);
    const code = streamCode ?? (error ? H2Error.INTERNAL_ERROR : H2Error.CANCEL);
    for (const stream of streams) stream.onClose(code, error);
    for (const p of pings) p.cb(gone());
  }
}
