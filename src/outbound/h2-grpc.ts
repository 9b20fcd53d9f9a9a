/**
 * A small gRPC client for the device's outbound calls: one TCP/TLS/HTTP/2 connection to one
 * NMS server, unary and bidi calls on it, status from trailers, keepalive pings,
 * cancellation. It stands in for a grpc-js channel, whose machinery (resolver, load
 * balancer, subchannel pool, retry and filter stacks, a dozen timers and closures per call)
 * a fleet of thousands of idle devices pays for in CPU at connect and in memory. Its HTTP/2
 * is our own (h2-connection.ts), not Node's http2 session: see there why.
 *
 * What the NMS sees is grpc-js's own: the TCP socket, TLS (the connector of the same
 * grpc-js channel credentials: secure context, ALPN h2, server name, identity check), the
 * HTTP/2 SETTINGS, the request headers in the order Node's http2 sent grpc-js's
 * (pseudo-headers, then the metadata, grpc-accept-encoding, accept-encoding, grpc-timeout,
 * user-agent `grpc-node-js/<version>`, content-type, te), the length-prefixed messages, the
 * half-close, RST_STREAM codes and keepalive PINGs. test/outbound/h2-grpc-wire.test.ts
 * records both clients on a plain http2 server and compares them.
 *
 * The one difference is in how the request headers are coded: the same fields, but none put
 * in HPACK's dynamic table (our encoder's table is 0 bytes, so they go as literals, coded
 * byte for byte as nghttp2 codes them with such a table). A connection carries one session's
 * two or three calls, too few for the table to save much, and its entries are small
 * allocations on both sides that live as long as the connection and are freed by the
 * garbage collector when it goes (one connection per session): a fleet's and an NMS's full
 * collections paid for those frees in their pauses. The SETTINGS stay grpc-js's (a peer's
 * table for what the NMS sends us is the NMS's choice: asking for none made an NMS whose
 * encoder ignores the setting fail).
 *
 * Errors are grpc-js's status codes and texts (UNAVAILABLE "Connection dropped" on a lost
 * connection, CANCELLED "Cancelled on client", ...), so the link code reads them as before.
 */
import net from 'node:net';
import { isIP } from 'node:net';
import { Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import type { ServerConfig } from './config-types.js';
import { oneLine } from '../printable.js';
import { H2Connection, H2Error, type ConnectionSink, type H2Stream, type Headers, type StreamSink } from './h2-connection.js';

const require = createRequire(import.meta.url);
const GRPC_JS_VERSION = (require('@grpc/grpc-js/package.json') as { version: string }).version;
/** grpc-js's length-prefixed message reader (the same limit checks and errors). */
const { StreamDecoder } = require('@grpc/grpc-js/build/src/stream-decoder.js') as {
  StreamDecoder: new (maxReadMessageLength: number) => { write(data: Buffer): Buffer[] };
};

/** The user-agent grpc-js sends (no primary or secondary agent configured). */
export const USER_AGENT = `grpc-node-js/${GRPC_JS_VERSION}`;
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** How long a closed connection with no call left may take to end before it is destroyed. */
const CLOSE_GRACE_MS = 5_000;
const Status = grpc.status;

/** A method as @grpc/proto-loader defines it (its path and protobuf codecs). */
export interface Method<Req, Res> {
  path: string;
  requestSerialize(value: Req): Buffer;
  responseDeserialize(bytes: Buffer): Res;
}

/** Where and how a connection is made: grpc-js's target authority and its TLS connector. */
export interface Dial {
  /** host:port as grpc-js names the target: the :authority and the session URL. */
  authority: string;
  host: string;
  port: number;
  connector: {
    connect(socket: net.Socket): Promise<{ socket: net.Socket }>;
    /**
     * TCP and TLS in one socket (no plain socket under the TLS one: fewer objects for a
     * connection that waits a minute); `secure` settles when the handshake has (the
     * certificate checked).
     */
    open?(host: string, port: number): { socket: net.Socket; secure: Promise<unknown> };
  };
}

type Connector = ReturnType<grpc.ChannelCredentials['_createSecureConnector']>;
const connectors = new WeakMap<grpc.ChannelCredentials, Map<string, Connector>>();

/**
 * The dial to `server` with `creds`: the secure connector grpc-js would make for a channel
 * to that target (one per credentials and target, shared by every connection).
 */
export function dialOf(server: ServerConfig, creds: grpc.ChannelCredentials): Dial {
  const family = isIP(server.address);
  const authority = family === 6 ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`;
  let byTarget = connectors.get(creds);
  if (!byTarget) connectors.set(creds, (byTarget = new Map()));
  let connector = byTarget.get(authority);
  if (!connector) {
    const scheme = family === 4 ? 'ipv4' : family === 6 ? 'ipv6' : 'dns';
    connector = creds._createSecureConnector({ scheme, path: authority }, {});
    if (byTarget.size >= 64) byTarget.clear();
    byTarget.set(authority, connector);
  }
  return { authority, host: server.address, port: server.port, connector };
}

/** grpc-js's grpc-timeout text for a deadline (ms since the epoch). */
function timeoutText(deadline: number): string {
  const ms = Math.max(deadline - Date.now(), 0);
  for (const [unit, factor] of [['m', 1], ['S', 1000], ['M', 60_000], ['H', 3_600_000]] as const) {
    const amount = ms / factor;
    if (amount < 1e8) return String(Math.ceil(amount)) + unit;
  }
  return '99999999H';
}

/** A gRPC error as grpc-js makes it: an Error with code, details and metadata. */
export function serviceError(status: grpc.StatusObject): grpc.ServiceError {
  return Object.assign(new Error(`${status.code} ${Status[status.code]}: ${status.details}`), status) as grpc.ServiceError;
}

function httpStatusToGrpc(httpStatus: number): grpc.StatusObject {
  const details = `Received HTTP status code ${httpStatus}`;
  let code: grpc.status;
  switch (httpStatus) {
    case 400: code = Status.INTERNAL; break;
    case 401: code = Status.UNAUTHENTICATED; break;
    case 403: code = Status.PERMISSION_DENIED; break;
    case 404: code = Status.UNIMPLEMENTED; break;
    case 429: case 502: case 503: case 504: code = Status.UNAVAILABLE; break;
    default: code = Status.UNKNOWN;
  }
  return { code, details, metadata: new grpc.Metadata() };
}

export type ReadyState = 'ready' | 'timeout' | 'closed' | 'failed';
type State = 'idle' | 'connecting' | 'ready' | 'failed' | 'gone';

export interface Keepalive {
  /** PING interval while a call is open; 0: none. */
  timeMs: number;
  /** How long a PING waits for its answer before the connection is dropped. */
  timeoutMs: number;
}

/** What a call needs from its exchange's owner. */
interface CallListener {
  message(bytes: Buffer): void;
  status(status: grpc.StatusObject): void;
}

/** One connection to one server, opened on first use (or connect()), never reopened. */
export class H2Channel implements ConnectionSink {
  private state: State = 'idle';
  private session: H2Connection | undefined;
  private socket: net.Socket | undefined;
  private lastError = 'Failed to connect';
  /** Calls started before the connection was up. */
  private waiting: Exchange[] = [];
  /** Calls open on the connection (keepalive runs while there are any). */
  private readonly active = new Set<Exchange>();
  private watchers: (() => void)[] = [];
  private closed = false;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private pingDue = false;
  /** Destroys a connection whose graceful close did not complete (shutdown()). */
  private closeTimer: NodeJS.Timeout | undefined;
  /** The connection is gone (closed, failed or a keepalive unanswered): open calls were told. */
  private dropped = false;

  constructor(
    readonly dial: Dial,
    private readonly keepalive: Keepalive = { timeMs: 0, timeoutMs: 20_000 },
  ) {}

  /** Starts connecting, if nothing has yet. */
  connect(): void {
    if (this.state !== 'idle' || this.closed) return;
    this.setState('connecting');
    const fail = (message: string) => this.connectFailed(message);
    if (this.dial.connector.open) {
      const { socket, secure } = this.dial.connector.open(this.dial.host, this.dial.port);
      this.socket = socket;
      secure.then(
        () => this.startSession(socket),
        (err: unknown) => {
          socket.destroy();
          fail(err instanceof Error ? err.message : String(err));
        },
      );
      return;
    }
    const socket = net.connect({ host: this.dial.host, port: this.dial.port });
    this.socket = socket;
    const onTcpError = (err: Error) => fail(err.message);
    const onTcpClose = () => fail('Socket closed');
    socket.once('error', onTcpError);
    socket.once('close', onTcpClose);
    socket.once('connect', () => {
      socket.removeListener('error', onTcpError);
      socket.removeListener('close', onTcpClose);
      if (this.state !== 'connecting') return void socket.destroy();
      socket.setNoDelay();
      this.dial.connector.connect(socket).then(
        (secure) => this.startSession(secure.socket),
        (err: unknown) => {
          socket.destroy();
          fail(err instanceof Error ? err.message : String(err));
        },
      );
    });
  }

  private startSession(tlsSocket: net.Socket): void {
    if (this.state !== 'connecting') return void tlsSocket.destroy();
    this.socket = tlsSocket;
    this.session = new H2Connection(tlsSocket, this);
  }

  /** @internal The server's SETTINGS: the first makes the connection ready. */
  onRemoteSettings(): void {
    if (this.state !== 'connecting') return;
    this.setState('ready');
    const waiting = this.waiting;
    this.waiting = [];
    for (const ex of waiting) this.open(ex);
    if (this.closed && this.active.size === 0) this.shutdown();
  }

  /** @internal A GOAWAY takes no new calls; the open ones run on until the server ends them or the connection closes (as in grpc-js). */
  onGoaway(): void {
    if (this.state === 'ready') this.setState('gone');
  }

  /** @internal The connection is over: before it was up, connecting failed; after, it is lost. */
  onConnectionClose(error?: Error): void {
    clearTimeout(this.closeTimer);
    if (this.state === 'connecting') this.connectFailed(error?.message ?? 'Failed to connect');
    else this.lost();
  }

  private connectFailed(message: string): void {
    if (this.state !== 'connecting') return;
    this.lastError = message;
    this.abandon(`No connection established. Last error: ${message}`);
  }

  /** Gives up the connection being made (state failed): its socket destroyed, the calls waiting for it ended UNAVAILABLE with `details`. */
  private abandon(details: string): void {
    const { session, socket, waiting } = this;
    this.session = undefined;
    this.socket = undefined;
    this.waiting = [];
    this.setState('failed');
    session?.destroy();
    socket?.destroy();
    for (const ex of waiting) ex.endCall({ code: Status.UNAVAILABLE, details, metadata: new grpc.Metadata() });
  }

  /** The connection closed, failed, got a GOAWAY or missed a keepalive answer: no new calls; open ones end UNAVAILABLE. */
  private lost(): void {
    if (this.dropped || (this.state !== 'ready' && this.state !== 'gone')) return;
    this.dropped = true;
    this.setState('gone');
    this.stopKeepalive();
    for (const ex of this.active) ex.onDisconnect();
    // Give the calls a turn to see the close first, then let the connection go.
    const session = this.session;
    if (session && !session.destroyed) setImmediate(() => session.destroy());
  }

  private setState(state: State): void {
    this.state = state;
    const watchers = this.watchers;
    this.watchers = [];
    for (const w of watchers) w();
  }

  /**
   * Waits for the connection (TCP, TLS, the server's SETTINGS), starting it if idle:
   * 'timeout' past `ms`; 'failed' when it could not be made; 'closed' when close() came first.
   */
  whenReady(ms: number): Promise<ReadyState> {
    this.connect();
    return new Promise((resolve) => {
      const settle = (): boolean => {
        if (this.state === 'ready' || this.state === 'gone') return resolve('ready'), true;
        if (this.state === 'failed') return resolve(this.closed ? 'closed' : 'failed'), true;
        if (this.closed && this.state !== 'connecting') return resolve('closed'), true;
        return false;
      };
      if (settle()) return;
      const timer = setTimeout(() => {
        this.watchers = this.watchers.filter((w) => w !== watch);
        resolve(this.closed ? 'closed' : 'timeout');
      }, ms);
      const watch = () => {
        if (settle()) clearTimeout(timer);
        else this.watchers.push(watch);
      };
      this.watchers.push(watch);
    });
  }

  /** The last connect error (TCP, TLS or HTTP/2), once connecting failed. */
  get failure(): string {
    return this.lastError;
  }

  /** True once up (calls go out on it at once). */
  get isReady(): boolean {
    return this.state === 'ready';
  }

  /**
   * No new calls; the connection closes (gracefully, as grpc-js shuts a channel down) and a
   * connection still being made is abandoned. Calls already open run to their end.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.state === 'connecting' || this.state === 'idle') return this.abandon('Channel has been shut down');
    if (this.state === 'ready' || this.state === 'gone') this.shutdown();
    this.notify();
  }

  private notify(): void {
    const watchers = this.watchers;
    this.watchers = [];
    for (const w of watchers) w();
  }

  /** Starts `ex` now (connection up), later (connecting) or fails it (no connection). */
  start(ex: Exchange): void {
    if (this.closed) return ex.endCall({ code: Status.UNAVAILABLE, details: 'Channel has been shut down', metadata: new grpc.Metadata() });
    if (this.state === 'ready') return this.open(ex);
    if (this.state === 'idle' || this.state === 'connecting') {
      this.waiting.push(ex);
      this.connect();
      return;
    }
    if (this.state === 'failed') ex.endCall({ code: Status.UNAVAILABLE, details: `No connection established. Last error: ${this.lastError}`, metadata: new grpc.Metadata() });
    else ex.endCall({ code: Status.UNAVAILABLE, details: 'Connection dropped', metadata: new grpc.Metadata() });
  }

  /** Forgets a call not yet started (cancelled while connecting). */
  unqueue(ex: Exchange): void {
    const i = this.waiting.indexOf(ex);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  private open(ex: Exchange): void {
    const session = this.session!;
    let stream: H2Stream;
    try {
      stream = session.request(ex.headers(this.dial.authority), ex);
    } catch (err) {
      this.lost();
      ex.endCall({ code: Status.UNAVAILABLE, details: (err as Error).message, metadata: new grpc.Metadata() });
      return;
    }
    this.active.add(ex);
    if (this.active.size === 1) this.startKeepalive();
    ex.attach(stream);
  }

  /** The call's status is out: it no longer holds the connection. */
  ended(ex: Exchange): void {
    if (!this.active.delete(ex)) return;
    if (this.active.size === 0 && this.closed && (this.state === 'ready' || this.state === 'gone')) this.shutdown();
  }

  /**
   * The graceful close (GOAWAY, then the socket ends once no stream is open). A server that
   * never lets a stream go (it never opened it: SETTINGS max concurrent streams 0, or it
   * stopped reading) would hold the socket forever: with no call left, the connection is
   * destroyed CLOSE_GRACE_MS later if still there.
   */
  private shutdown(): void {
    const session = this.session;
    if (!session || session.destroyed) return;
    if (!session.closed) session.close();
    if (this.active.size > 0 || this.closeTimer || session.destroyed) return;
    const timer = setTimeout(() => session.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    this.closeTimer = timer;
  }

  private startKeepalive(): void {
    if (this.keepalive.timeMs <= 0 || this.state !== 'ready' || this.active.size === 0) return;
    if (this.pingDue) {
      this.pingDue = false;
      this.ping();
    } else if (!this.keepaliveTimer) {
      this.keepaliveTimer = setTimeout(() => {
        this.keepaliveTimer = undefined;
        this.ping();
      }, this.keepalive.timeMs);
      this.keepaliveTimer.unref();
    }
  }

  private stopKeepalive(): void {
    clearTimeout(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
  }

  /** A keepalive PING, as grpc-js sends it: only while a call is open; no answer in time drops the connection. */
  private ping(): void {
    const session = this.session;
    if (!session || session.destroyed || this.state !== 'ready') return;
    if (this.active.size === 0) {
      this.pingDue = true;
      return;
    }
    this.keepaliveTimer = setTimeout(() => {
      this.keepaliveTimer = undefined;
      this.lost();
    }, this.keepalive.timeoutMs);
    this.keepaliveTimer.unref();
    let sent = false;
    try {
      sent = session.ping((err) => {
        this.stopKeepalive();
        if (err) this.lost();
        else this.startKeepalive();
      });
    } catch {
      sent = false;
    }
    if (!sent) this.lost();
  }
}

/**
 * One call's HTTP/2 stream: headers out, messages both ways, status in; what grpc-js's
 * subchannel call does, for one listener.
 */
export class Exchange implements StreamSink {
  private stream: H2Stream | undefined;
  private decoder: { write(data: Buffer): Buffer[] } | undefined;
  private finalStatus: grpc.StatusObject | undefined;
  private statusOut = false;
  private httpStatus: number | undefined;
  /** The response's grpc-encoding, when the server compresses. */
  private encoding: string | undefined;
  /** The response's content-type (grpc-js does not check it; a failed call names a wrong one). */
  private contentType: string | undefined;
  private readsClosed = false;
  /** The connection's failure under the stream (a socket error, an HTTP/2 protocol error). */
  private internalError: (Error & { code?: string }) | undefined;
  private serverEnded = false;
  private connectionDropped = false;
  /** Writes (and the half-close) made before the stream exists. */
  private queued: { frame?: Buffer; cb?: (err?: Error | null) => void; end?: true }[] = [];
  private deadlineTimer: NodeJS.Timeout | undefined;
  /** Readable side full: the stream is paused until resume(). */
  private held = false;

  constructor(
    private readonly channel: H2Channel,
    private readonly path: string,
    private readonly metadata: grpc.Metadata,
    private readonly listener: CallListener,
    private readonly deadline?: number,
  ) {
    if (deadline !== undefined && Number.isFinite(deadline)) {
      const ms = Math.max(0, deadline - Date.now());
      this.deadlineTimer = setTimeout(() => this.cancelWithStatus(Status.DEADLINE_EXCEEDED, 'Deadline exceeded'), Math.min(ms, 2 ** 31 - 1));
    }
  }

  /**
   * The request headers as Node's http2 sent grpc-js's: the pseudo-headers first (:authority,
   * :method, :path, :scheme), then the metadata, grpc-accept-encoding, accept-encoding,
   * grpc-timeout, user-agent, content-type, te. A repeated metadata key is repeated fields.
   */
  headers(authority: string): [string, string][] {
    const md = this.metadata.clone();
    md.set('grpc-accept-encoding', 'identity,deflate,gzip');
    md.set('accept-encoding', 'identity');
    if (this.deadline !== undefined && Number.isFinite(this.deadline)) md.set('grpc-timeout', timeoutText(this.deadline));
    const fields: [string, string][] = [
      [':authority', authority],
      [':method', 'POST'],
      [':path', this.path],
      [':scheme', 'https'],
    ];
    const map = md.toHttp2Headers();
    for (const name of Object.keys(map)) {
      const value = map[name];
      if (Array.isArray(value)) for (const v of value) fields.push([name, String(v)]);
      else if (value !== undefined) fields.push([name, String(value)]);
    }
    fields.push(['user-agent', USER_AGENT], ['content-type', 'application/grpc'], ['te', 'trailers']);
    return fields;
  }

  start(): void {
    this.channel.start(this);
  }

  attach(stream: H2Stream): void {
    this.stream = stream;
    if (this.finalStatus) {
      // Cancelled while the connection was coming up.
      stream.reset(H2Error.CANCEL);
      this.channel.ended(this);
      return;
    }
    const queued = this.queued;
    this.queued = [];
    for (const q of queued) {
      if (q.frame) stream.write(q.frame, (err?: Error | null) => q.cb && process.nextTick(() => q.cb!(err)));
      if (q.end) stream.end();
    }
    if (this.held) stream.pause();
  }

  /** @internal The response's headers (trailers-only when they end the stream). */
  onResponse(headers: Headers, trailersOnly: boolean): void {
    if (this.statusOut && !this.stream) return;
    this.httpStatus = headers[':status'] as number | undefined;
    const type = headers['content-type'];
    this.contentType = typeof type === 'string' ? type : '';
    const encoding = headers['grpc-encoding'];
    if (typeof encoding === 'string') this.encoding = encoding;
    if (trailersOnly) this.handleTrailers(headers);
  }

  /** @internal */
  onTrailers(headers: Headers): void {
    this.handleTrailers(headers);
  }

  /** @internal */
  onEnd(): void {
    this.readsClosed = true;
    this.maybeOutputStatus();
  }

  /** @internal The stream is over (code: the RST_STREAM code, NO_ERROR when both sides ended). */
  onClose(code: number, error?: Error): void {
    this.serverEnded = true;
    if (error) this.internalError = error;
    process.nextTick(() => this.onStreamClose(code));
  }

  /** Sends one message (framed); `cb` once written. */
  send(message: Buffer, cb?: (err?: Error | null) => void): void {
    const frame = Buffer.allocUnsafe(message.length + 5);
    frame.writeUInt8(0, 0);
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, 5);
    if (this.finalStatus) {
      if (cb) process.nextTick(cb);
      return;
    }
    if (!this.stream) {
      this.queued.push({ frame, cb });
      return;
    }
    this.stream.write(frame, cb && ((err?: Error | null) => process.nextTick(() => cb(err))));
  }

  halfClose(): void {
    if (this.finalStatus) return;
    if (!this.stream) this.queued.push({ end: true });
    else if (!this.stream.writableEnded) this.stream.end();
  }

  /** Stops (true) or restarts reading messages. */
  hold(on: boolean): void {
    this.held = on;
    if (!this.stream || this.statusOut) return;
    if (on) this.stream.pause();
    else this.stream.resume();
  }

  get writeBufferFull(): boolean {
    return !!this.stream && this.stream.writableNeedDrain;
  }

  cancelWithStatus(code: grpc.status, details: string): void {
    this.endCall({ code, details, metadata: new grpc.Metadata() });
  }

  onDisconnect(): void {
    this.connectionDropped = true;
    setImmediate(() => this.endCall({ code: Status.UNAVAILABLE, details: 'Connection dropped', metadata: new grpc.Metadata() }));
  }

  /** @internal */
  onData(data: Buffer): void {
    if (this.statusOut) return;
    let messages: Buffer[];
    try {
      // Made at the first message (a call that waits, as an idle device's does, holds none).
      messages = (this.decoder ??= new StreamDecoder(MAX_MESSAGE_BYTES)).write(data);
    } catch (err) {
      if (this.httpStatus !== undefined && this.httpStatus !== 200) {
        const mapped = httpStatusToGrpc(this.httpStatus);
        this.cancelWithStatus(mapped.code, mapped.details);
      } else this.cancelWithStatus(Status.RESOURCE_EXHAUSTED, (err as Error).message + this.notGrpc());
      return;
    }
    for (const m of messages) {
      if (this.finalStatus && this.finalStatus.code !== Status.OK) return;
      // The decoder keeps the 5-byte prefix: flag (compressed or not) and length.
      let body = m.subarray(5);
      if (m[0] === 1) {
        const out = this.decompress(body);
        if (!Buffer.isBuffer(out)) return this.cancelWithStatus(out.code, out.details);
        body = out;
      }
      this.listener.message(body);
    }
  }

  /**
   * A compressed message, by the response's grpc-encoding (we offer identity, deflate, gzip as
   * grpc-js does), never inflated past the message limit. The statuses are grpc-js's.
   */
  private decompress(body: Buffer): Buffer | grpc.StatusObject {
    const failed = (code: grpc.status, details: string): grpc.StatusObject => ({ code, details, metadata: new grpc.Metadata() });
    const encoding = this.encoding ?? 'identity';
    if (encoding === 'identity') return failed(Status.INTERNAL, 'Received compressed message but "grpc-encoding" header was identity');
    if (encoding !== 'gzip' && encoding !== 'deflate') return failed(Status.INTERNAL, `Received message compressed with unsupported compression method ${oneLine(encoding, 100)}`);
    try {
      const options = { maxOutputLength: MAX_MESSAGE_BYTES };
      return encoding === 'gzip' ? zlib.gunzipSync(body, options) : zlib.inflateSync(body, options);
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return failed(Status.RESOURCE_EXHAUSTED, `Received message that decompresses to a size larger than ${MAX_MESSAGE_BYTES}`);
      return failed(Status.INTERNAL, `Failed to decompress ${encoding}-encoded message`);
    }
  }

  private handleTrailers(headers: Headers): void {
    this.serverEnded = true;
    let metadata: grpc.Metadata;
    try {
      metadata = grpc.Metadata.fromHttp2Headers(headers as Parameters<typeof grpc.Metadata.fromHttp2Headers>[0]);
    } catch {
      metadata = new grpc.Metadata();
    }
    const codes = metadata.get('grpc-status');
    let status: grpc.StatusObject;
    if (codes.length > 0 && typeof codes[0] === 'string') {
      metadata.remove('grpc-status');
      let details = '';
      const messages = metadata.get('grpc-message');
      if (messages.length > 0 && typeof messages[0] === 'string') {
        try {
          details = decodeURI(messages[0]);
        } catch {
          details = messages[0];
        }
        metadata.remove('grpc-message');
      }
      const code = Number(codes[0]);
      // grpc-js passes on NaN for a grpc-status that is no number; gRPC says UNKNOWN.
      if (codes[0].trim() === '' || !Number.isInteger(code) || code < 0) status = { code: Status.UNKNOWN, details: `Received invalid grpc-status "${oneLine(codes[0], 100)}"${details ? `: ${details}` : ''}`, metadata };
      else status = { code, details, metadata };
    } else if (this.httpStatus) {
      status = { ...httpStatusToGrpc(this.httpStatus), metadata };
      if (this.httpStatus === 200) status.details += this.notGrpc();
    } else {
      status = { code: Status.UNKNOWN, details: 'No status information received', metadata };
    }
    this.endCall(status);
  }

  /** " (content-type ...)" when the response was no gRPC response, to say why a call failed. */
  private notGrpc(): string {
    const type = this.contentType;
    if (type === undefined || type.startsWith('application/grpc')) return '';
    return ` (the response's content-type is ${type ? `"${oneLine(type, 100)}"` : 'missing'}, not application/grpc)`;
  }

  private onStreamClose(rstCode: number): void {
    if (this.finalStatus?.code === Status.OK) return;
    let code: grpc.status;
    let details: string;
    switch (rstCode) {
      case H2Error.NO_ERROR:
        if (this.finalStatus) return;
        if (this.httpStatus && this.httpStatus !== 200) ({ code, details } = httpStatusToGrpc(this.httpStatus));
        else {
          code = Status.INTERNAL;
          details = `Received RST_STREAM with code ${rstCode} (Call ended without gRPC status)`;
        }
        break;
      case H2Error.REFUSED_STREAM:
        code = Status.UNAVAILABLE;
        details = 'Stream refused by server';
        break;
      case H2Error.CANCEL:
        if (this.connectionDropped) {
          code = Status.UNAVAILABLE;
          details = 'Connection dropped';
        } else {
          code = Status.CANCELLED;
          details = 'Call cancelled';
        }
        break;
      case H2Error.ENHANCE_YOUR_CALM:
        code = Status.RESOURCE_EXHAUSTED;
        details = 'Bandwidth exhausted or memory limit exceeded';
        break;
      case H2Error.INADEQUATE_SECURITY:
        code = Status.PERMISSION_DENIED;
        details = 'Protocol not secure enough';
        break;
      case H2Error.INTERNAL_ERROR:
        code = Status.INTERNAL;
        if (!this.internalError) details = `Received RST_STREAM with code ${rstCode} (Internal server error)`;
        else if (this.internalError.code === 'ECONNRESET' || this.internalError.code === 'ETIMEDOUT') {
          code = Status.UNAVAILABLE;
          details = this.internalError.message;
        } else details = `Received RST_STREAM with code ${rstCode} triggered by internal client error: ${this.internalError.message}`;
        break;
      default:
        code = Status.INTERNAL;
        details = `Received RST_STREAM with code ${rstCode}`;
    }
    this.endCall({ code, details, metadata: new grpc.Metadata() });
  }

  /** The call's final status (the first, or a later error after an OK): out once reads are done. */
  endCall(status: grpc.StatusObject): void {
    if (!this.finalStatus || this.finalStatus.code === Status.OK) {
      this.finalStatus = status;
      this.maybeOutputStatus();
    }
    if (!this.stream) {
      this.channel.unqueue(this);
      this.queued = [];
      if (!this.statusOut) this.outputStatus();
      return;
    }
    this.destroyStream();
  }

  private maybeOutputStatus(): void {
    if (!this.finalStatus) return;
    if (this.finalStatus.code !== Status.OK || this.readsClosed) this.outputStatus();
  }

  private outputStatus(): void {
    if (this.statusOut) return;
    this.statusOut = true;
    clearTimeout(this.deadlineTimer);
    this.channel.ended(this);
    const status = this.finalStatus!;
    process.nextTick(() => this.listener.status(status));
    // Drain what is left so the stream's closing completes.
    this.stream?.resume();
  }

  private destroyStream(): void {
    const stream = this.stream!;
    if (stream.closed) return;
    if (this.serverEnded) {
      if (!stream.writableEnded) stream.end();
    } else {
      stream.reset(this.finalStatus?.code === Status.OK ? H2Error.NO_ERROR : H2Error.CANCEL);
    }
  }
}

/** A unary call as the link code holds it (grpc-js's ClientUnaryCall): 'status', cancel(). */
export class UnaryCall extends EventEmitter {
  exchange!: Exchange;
  cancel(): void {
    this.exchange.cancelWithStatus(Status.CANCELLED, 'Cancelled on client');
  }
}

/** Starts a unary call on `channel`; `cb` gets the answer or the error, then the call emits 'status'. */
export function unaryCall<Req, Res>(
  channel: H2Channel,
  method: Method<Req, Res>,
  request: Req,
  metadata: grpc.Metadata,
  deadline: number | undefined,
  cb: (err: grpc.ServiceError | null, response?: Res) => void,
): UnaryCall {
  const call = new UnaryCall();
  let response: Res | undefined;
  let got = false;
  let done = false;
  const exchange = new Exchange(
    channel,
    method.path,
    metadata,
    {
      message: (bytes) => {
        if (got) return exchange.cancelWithStatus(Status.UNIMPLEMENTED, 'Too many responses received');
        try {
          response = method.responseDeserialize(bytes);
          got = true;
        } catch (err) {
          exchange.cancelWithStatus(Status.INTERNAL, `Response message parsing error: ${(err as Error).message}`);
        }
      },
      status: (status) => {
        if (done) return;
        done = true;
        if (status.code === Status.OK) {
          if (got) cb(null, response);
          else cb(serviceError({ code: Status.UNIMPLEMENTED, details: 'No message received', metadata: status.metadata }));
        } else cb(serviceError(status));
        call.emit('status', status);
      },
    },
    deadline,
  );
  call.exchange = exchange;
  let bytes: Buffer;
  try {
    bytes = method.requestSerialize(request);
  } catch (err) {
    exchange.cancelWithStatus(Status.INTERNAL, `Request message serialization failure: ${(err as Error).message}`);
    return call;
  }
  exchange.start();
  exchange.send(bytes);
  exchange.halfClose();
  return call;
}

/** A bidi call as grpc-js's ClientDuplexStream: objects in and out, 'status', cancel(). */
export class DuplexCall<Req, Res> extends Duplex {
  private readonly exchange: Exchange;
  private gotStatus = false;

  constructor(channel: H2Channel, private readonly method: Method<Req, Res>, metadata: grpc.Metadata) {
    super({ objectMode: true });
    this.exchange = new Exchange(channel, method.path, metadata, {
      message: (bytes) => {
        let value: Res;
        try {
          value = this.method.responseDeserialize(bytes);
        } catch (err) {
          this.exchange.cancelWithStatus(Status.INTERNAL, `Response message parsing error: ${(err as Error).message}`);
          return;
        }
        if (!this.push(value)) this.exchange.hold(true);
      },
      status: (status) => {
        if (this.gotStatus) return;
        this.gotStatus = true;
        this.push(null);
        if (status.code !== Status.OK) this.emit('error', serviceError(status));
        this.emit('status', status);
      },
    });
    this.exchange.start();
  }

  override _read(): void {
    this.exchange.hold(false);
  }

  override _write(value: Req, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    let bytes: Buffer;
    try {
      bytes = this.method.requestSerialize(value);
    } catch (err) {
      this.exchange.cancelWithStatus(Status.INTERNAL, `Request message serialization failure: ${(err as Error).message}`);
      cb();
      return;
    }
    // Errors of the write show as the call's status, as in grpc-js.
    this.exchange.send(bytes, () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.exchange.halfClose();
    cb();
  }

  cancel(): void {
    this.exchange.cancelWithStatus(Status.CANCELLED, 'Cancelled on client');
  }
}
