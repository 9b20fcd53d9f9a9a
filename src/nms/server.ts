/**
 * The reference NMS: a gRPC server over TLS (server certificate only, no client
 * certificates) that speaks both outbound-HTTPS protocols the way Juniper's sample NMS does,
 * with bounded waits, clear refusals and an event record a test can assert on.
 */
import * as grpc from '@grpc/grpc-js';
import net from 'node:net';
import { silentLogger, type Logger } from '../log.js';
import { basicService, ncgrpcService } from '../wire/protos.js';
import { PROTOCOL_NAMES, type ProtocolName } from '../wire/contract.js';
import { BASIC_DEFAULT_SECRET, BasicService } from './basic-service.js';
import { EnhancedService, type RequestSessionOptions, type StatusAnswer } from './enhanced-service.js';
import { NmsEventLog, type NmsEvent } from './events.js';
import type { ConnType, NmsSession } from './session.js';

export type { NmsEvent } from './events.js';
export { NmsSession } from './session.js';
export { NmsRequestError } from './enhanced-service.js';

export type NmsProtocol = ProtocolName;

export interface ReferenceNmsOptions {
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Port to bind; 0 (the default) picks a free one. */
  port?: number;
  /** Server certificate and private key, PEM. */
  cert: string;
  key: string;
  logger?: Logger;
  /** Services to serve on the port (default both). */
  protocols?: NmsProtocol[];
  /** Shared string the basic InitialHandShake expects (default `nc_grpc_device`). */
  basicSecret?: string;
  /** Bound on how long a session's close() waits for the device to half-close (default 10 s). */
  closeTimeoutMs?: number;
  /** Each session keeps only about the last N characters of its output (default: all). */
  keepOutputChars?: number;
  /** Events kept in `events` (the newest; default 10,000). */
  maxEvents?: number;
}

export class ReferenceNms {
  /**
   * No channelz bookkeeping: grpc-js keeps, per connection, a registry entry, a call tracker
   * and counters for its channelz service, which this NMS does not serve; an NMS holding
   * thousands of devices' pending Initializes carried them in every full collection.
   */
  private readonly server = new grpc.Server({ 'grpc.enable_channelz': 0 });
  private readonly log: NmsEventLog;
  private readonly enhanced: EnhancedService;
  private readonly basic: BasicService;
  private readonly logger: Logger;
  private boundPort: number | undefined;
  /**
   * The listening socket is ours, not grpc-js's: connections are handed to the gRPC server
   * through its connection injector, and every connection accepted is known here, so stop()
   * closes all of them, including those still in their TLS or HTTP/2 handshake (grpc-js's
   * forceShutdown only knows established sessions; a device's connection caught half-way
   * stayed open on both sides).
   */
  private listener: net.Server | undefined;
  private injector: grpc.ConnectionInjector | undefined;
  private readonly sockets = new Set<net.Socket>();
  private stopping = false;

  constructor(private readonly opts: ReferenceNmsOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.log = new NmsEventLog(opts.maxEvents);
    this.enhanced = new EnhancedService(this.log, this.logger, { closeTimeoutMs: opts.closeTimeoutMs ?? 10_000, keepOutputChars: opts.keepOutputChars });
    this.basic = new BasicService(this.log, this.logger, opts.basicSecret ?? BASIC_DEFAULT_SECRET);
    // The NMS side of each protocol version: its gRPC service and handlers.
    const services: Record<ProtocolName, () => [grpc.ServiceDefinition, grpc.UntypedServiceImplementation]> = {
      enhanced: () => [ncgrpcService().service, this.enhanced.handlers()],
      basic: () => [basicService().service, this.basic.handlers()],
    };
    for (const p of opts.protocols ?? PROTOCOL_NAMES) this.server.addService(...services[p]());
  }

  /** The RPCs and sessions the NMS saw, in order: the last `maxEvents` of them. */
  get events(): readonly NmsEvent[] {
    return this.log.events;
  }

  /** Emits each event under its type: 'status', 'initialize', 'session-open', 'session-close', ... */
  get emitter(): NmsEventLog {
    return this.log;
  }

  on(type: NmsEvent['type'] | 'event', listener: (e: NmsEvent) => void): this {
    this.log.on(type, listener);
    return this;
  }

  off(type: NmsEvent['type'] | 'event', listener: (e: NmsEvent) => void): this {
    this.log.off(type, listener);
    return this;
  }

  /** How NcgrpcServerStatusGet answers from now on (SUCCESS by default). */
  set statusAnswer(a: StatusAnswer) {
    this.enhanced.statusAnswer = a;
  }

  get statusAnswer(): StatusAnswer {
    return this.enhanced.statusAnswer;
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  /** Binds and serves; resolves with the bound port. */
  start(): Promise<number> {
    const host = this.opts.host ?? '127.0.0.1';
    const creds = nmsCredentials(this.opts.cert, this.opts.key);
    const target = host.includes(':') ? `[${host}]:${this.opts.port ?? 0}` : `${host}:${this.opts.port ?? 0}`;
    const injector = this.server.createConnectionInjector(creds);
    this.injector = injector;
    const listener = net.createServer({ noDelay: true }, (socket) => {
      if (this.stopping) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      injector.injectConnection(socket);
    });
    this.listener = listener;
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(new Error(`cannot listen on ${target}: ${err.message}`));
      listener.once('error', onError);
      listener.listen(this.opts.port ?? 0, host, () => {
        listener.off('error', onError);
        listener.on('error', (err) => this.logger.warn({ reason: err.message }, 'NMS listener error'));
        const port = (listener.address() as net.AddressInfo).port;
        this.boundPort = port;
        this.logger.info({ host, port }, 'NMS listening');
        resolve(port);
      });
    });
  }

  /**
   * Answers a pending NcgrpcInitialize of `deviceId` (waiting up to timeoutMs for one) and
   * resolves with the session once the device opened its NcgrpcCommandGet. Rejects with
   * "secret mismatch for device X" when the device sent another secret (its Initialize
   * stays pending).
   */
  requestSession(deviceId: string, secret: string, type: ConnType, opts?: RequestSessionOptions): Promise<NmsSession> {
    return this.enhanced.requestSession(deviceId, secret, type, opts);
  }

  /** The next basic (20.2) session from an authenticated device connection. */
  requestBasicSession(opts?: { timeoutMs?: number }): Promise<NmsSession> {
    return this.basic.requestSession(opts);
  }

  /**
   * Fails the oldest pending Initialize of `deviceId` with a gRPC error, by default the
   * INTERNAL "Failed to serialize response!" Juniper's sample sends for an unknown session
   * type. Returns false when none is pending.
   */
  failInitialize(deviceId: string, error?: { code: grpc.status; details: string }): boolean {
    return this.enhanced.failInitialize(deviceId, error);
  }

  /** Pending Initializes, of one device or of all. */
  pendingInitializes(deviceId?: string): number {
    return this.enhanced.pendingCount(deviceId);
  }

  /** TCP connections accepted and still open (of every device). */
  connectionCount(): number {
    return this.sockets.size;
  }

  /** Device ids with pending Initializes and how many each. */
  waitingDevices(): Map<string, number> {
    return this.enhanced.waitingDevices();
  }

  /** Basic session streams no operator has taken yet. */
  waitingBasicSessions(): number {
    return this.basic.waitingCount();
  }

  /** Sessions currently open (both protocols). */
  sessions(): NmsSession[] {
    return [...this.enhanced.sessions(), ...this.basic.sessions()];
  }

  /** Drops every call and connection at once, handshakes in progress included. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.enhanced.stop();
    this.basic.stop();
    this.injector?.destroy();
    this.server.forceShutdown();
    this.listener?.close();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

/**
 * The NMS's TLS credentials, its HTTP/2 server set to index nothing in HPACK's dynamic table
 * (Node's maxDeflateDynamicTableSize 0: every header goes out as a literal, which any HTTP/2
 * peer decodes). With a table, each connection's header table is freed only when V8 collects
 * the connection's session object: an NMS serving a session a connection, thousands a minute,
 * pays for it inside its full collections' pauses, which every session in flight waits on,
 * and so does the device (its decoder table holds what the NMS indexed). The device's own
 * encoder indexes nothing for the same reason (src/outbound/h2-grpc.ts).
 */
function nmsCredentials(cert: string, key: string): grpc.ServerCredentials {
  const creds = grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(cert), private_key: Buffer.from(key) }], false);
  const options = { ...creds._getConstructorOptions(), maxDeflateDynamicTableSize: 0 };
  creds._getConstructorOptions = () => options;
  return creds;
}
