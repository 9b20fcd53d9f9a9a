/**
 * One gRPC connection to one NMS server, on its own TCP/TLS connection. Every pending
 * Initialize gets a connection of its own and its session uses that same connection, because
 * NMSs (Juniper's sample among them) tell sessions apart by the peer address.
 *
 * The device's calls go through the small http2 client (h2-grpc.ts: NcgrpcConnection,
 * BasicConnection), which puts grpc-js's bytes on the wire at a fraction of a grpc-js
 * channel's cost per connection; grpc-js channels (openNcgrpcChannel, openBasicChannel)
 * remain as the reference the tests compare it with.
 */
import * as grpc from '@grpc/grpc-js';
import { oneLine } from '../printable.js';
import { isIP } from 'node:net';
import {
  ncgrpcService,
  basicService,
  ncgrpcMethods,
  basicMethods,
  type BasicAuthRequest,
  type BasicAuthResponse,
  type BasicRpcRequest,
  type BasicRpcResponse,
  type BasicClient,
  type NcgrpcClient,
  type NcgrpcCommandGetRequest,
  type NcgrpcCommandGetResponse,
  type NcgrpcInitializeRequest,
  type NcgrpcInitializeResponse,
  type NcgrpcStatusRequest,
  type NcgrpcStatusResponse,
} from '../wire/protos.js';
import type { ServerConfig } from './config-types.js';
import { serverCredentials } from './tls.js';
import { DuplexCall, H2Channel, dialOf, unaryCall, type ReadyState, type UnaryCall } from './h2-grpc.js';

export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // A private subchannel pool: no connection is shared with another channel to the same target.
  'grpc.use_local_subchannel_pool': 1,
  'grpc.enable_retries': 0,
  // No channelz bookkeeping (call trackers, trace events with their dates) per channel:
  // a fleet of 10,000 idle devices pays for it in memory and nobody reads it.
  'grpc.enable_channelz': 0,
  // A device dials its NMS directly (Junos outbound HTTPS has no proxy setting): no
  // HTTP CONNECT proxy from the environment.
  'grpc.enable_http_proxy': 0,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
};

export type { NcgrpcClient, BasicClient } from '../wire/protos.js';

/** How the device's connections to an NMS are watched: keepalive and the connect bound. */
export interface TransportTiming {
  /** HTTP/2 keepalive ping interval while a call is open; 0: no pings. */
  keepaliveMs: number;
  /** Bound on TCP connect + TLS handshake + the server's HTTP/2 SETTINGS. */
  connectTimeoutMs: number;
}

/** The longest a keepalive ping waits for its answer (gRPC's default keepalive timeout). */
export const MAX_KEEPALIVE_TIMEOUT_MS = 20_000;

/**
 * Channel options with HTTP/2 keepalive: a PING every `keepaliveMs` while a call is open
 * (the pending Initialize or a session), none on an idle connection (gRPC servers count
 * pings without calls as abuse); no answer within min(keepaliveMs, 20 s) drops the
 * connection and fails its calls with UNAVAILABLE.
 */
export function channelOptions(t?: { keepaliveMs?: number }): grpc.ChannelOptions {
  if (!t?.keepaliveMs) return CHANNEL_OPTIONS;
  const ms = Math.round(t.keepaliveMs);
  let options = withKeepalive.get(ms);
  if (!options) {
    // One object per interval, made once: every channel of a fleet opens with the same one.
    options = Object.freeze({
      ...CHANNEL_OPTIONS,
      'grpc.keepalive_time_ms': ms,
      'grpc.keepalive_timeout_ms': Math.round(Math.min(ms, MAX_KEEPALIVE_TIMEOUT_MS)),
      'grpc.keepalive_permit_without_calls': 0,
    });
    if (withKeepalive.size >= 64) withKeepalive.clear();
    withKeepalive.set(ms, options);
  }
  return options;
}
const withKeepalive = new Map<number, grpc.ChannelOptions>();

/**
 * Waits until the channel is READY (TCP connected, TLS handshake done, the server's HTTP/2
 * SETTINGS received), starting it connecting if idle. 'timeout' when that takes longer
 * than `ms`; 'closed' when the channel is shut down first. A connection that fails is
 * left to the call on it (it fails with UNAVAILABLE); grpc-js would retry it, so the wait
 * goes on until READY, the bound or close.
 */
export function whenReady(client: grpc.Client | { whenReady(ms: number): Promise<ReadyState> }, ms: number): Promise<ReadyState> {
  if (!(client instanceof grpc.Client)) return client.whenReady(ms);
  const ch = client.getChannel();
  const deadline = Date.now() + ms;
  return new Promise((resolve) => {
    // Only the first look may start connecting: asking a closed channel to connect would
    // wake its resolver again and leave a subchannel behind.
    let first = true;
    const check = (err?: Error) => {
      const state = ch.getConnectivityState(first);
      first = false;
      if (state === grpc.connectivityState.READY) resolve('ready');
      else if (state === grpc.connectivityState.SHUTDOWN) resolve('closed');
      else if (err || Date.now() >= deadline) resolve('timeout');
      else ch.watchConnectivityState(state, deadline, check);
    };
    check();
  });
}

/** One line for a connection that did not come up within the connect bound. */
export function connectTimeoutReason(ms: number): string {
  return `no connection within ${ms / 1000} s (TCP connect, TLS handshake or HTTP/2 settings unanswered)`;
}

export function targetOf(server: ServerConfig): string {
  return server.address.includes(':') ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`;
}

/**
 * The gRPC target a channel dials: an IP address through grpc-js's `ipv4:`/`ipv6:` resolver,
 * which only parses it (the default DNS resolver sets up a resolver channel of its own for
 * every gRPC channel, a cost a fleet pays per connection); a host name through DNS.
 */
export function channelTarget(server: ServerConfig): string {
  const family = isIP(server.address);
  if (family === 4) return `ipv4:${server.address}:${server.port}`;
  if (family === 6) return `ipv6:[${server.address}]:${server.port}`;
  return targetOf(server);
}

/**
 * A grpc-js enhanced-protocol client on a connection of its own (the device itself uses
 * openNcgrpcConnection; this is the reference its wire is held to, and the bench's raw
 * baseline). Pass `creds` to share one TLS context between channels.
 */
export function openNcgrpcChannel(
  server: ServerConfig,
  onIdentityError?: (reason: string) => void,
  creds?: grpc.ChannelCredentials,
  timing?: { keepaliveMs?: number },
): NcgrpcClient {
  const Ctor = ncgrpcService();
  // The service is loaded from its .proto at run time: its methods are as NcgrpcClient declares them.
  const client: grpc.Client = new Ctor(channelTarget(server), creds ?? serverCredentials(server, onIdentityError), channelOptions(timing));
  return client as NcgrpcClient;
}

type Callback<T> = (err: grpc.ServiceError | null, resp?: T) => void;

/**
 * The enhanced service's client on one connection of its own, on the small http2 client
 * (h2-grpc.ts): the wire is grpc-js's, the cost per connection a fraction of a channel's.
 */
export class NcgrpcConnection {
  constructor(private readonly channel: H2Channel) {}

  NcgrpcServerStatusGet(req: NcgrpcStatusRequest, options: { deadline?: number }, cb: Callback<NcgrpcStatusResponse>): UnaryCall {
    return unaryCall(this.channel, ncgrpcMethods().status, req, new grpc.Metadata(), options.deadline, cb);
  }

  NcgrpcInitialize(req: NcgrpcInitializeRequest, md: grpc.Metadata, cb: Callback<NcgrpcInitializeResponse>): UnaryCall {
    return unaryCall(this.channel, ncgrpcMethods().initialize, req, md, undefined, cb);
  }

  /** The device writes NcgrpcCommandGetRequest (output) and reads NcgrpcCommandGetResponse (commands). */
  NcgrpcCommandGet(md: grpc.Metadata = new grpc.Metadata()): DuplexCall<NcgrpcCommandGetRequest, NcgrpcCommandGetResponse> {
    return new DuplexCall(this.channel, ncgrpcMethods().commandGet, md);
  }

  /** Starts connecting now (a spare connection made ahead of its call). */
  connect(): void {
    this.channel.connect();
  }

  whenReady(ms: number): Promise<ReadyState> {
    return this.channel.whenReady(ms);
  }

  close(): void {
    this.channel.close();
  }
}

/** A new enhanced-protocol connection (the small client) to `server`, TLS by `creds`. */
export function openNcgrpcConnection(server: ServerConfig, creds: grpc.ChannelCredentials, timing?: { keepaliveMs?: number }): NcgrpcConnection {
  const ms = Math.round(timing?.keepaliveMs ?? 0);
  return new NcgrpcConnection(new H2Channel(dialOf(server, creds), { timeMs: ms, timeoutMs: Math.round(Math.min(ms, MAX_KEEPALIVE_TIMEOUT_MS)) }));
}

/** The basic (20.2) service's client on one connection of its own, on the small http2 client. */
export class BasicConnection {
  constructor(private readonly channel: H2Channel) {}

  InitialHandShake(req: BasicAuthRequest, cb: Callback<BasicAuthResponse>): UnaryCall {
    return unaryCall(this.channel, basicMethods().handshake, req, new grpc.Metadata(), undefined, cb);
  }

  /** The device writes BasicRpcRequest (output) and reads BasicRpcResponse (commands). */
  GetExecuteCommand(): DuplexCall<BasicRpcRequest, BasicRpcResponse> {
    return new DuplexCall(this.channel, basicMethods().execute, new grpc.Metadata());
  }

  whenReady(ms: number): Promise<ReadyState> {
    return this.channel.whenReady(ms);
  }

  /** Why the connection could not be made (after whenReady said 'failed'). */
  get failure(): string {
    return this.channel.failure;
  }

  close(): void {
    this.channel.close();
  }
}

/** A new basic-protocol connection (the small client) to `server`, TLS by `creds`. */
export function openBasicConnection(server: ServerConfig, creds: grpc.ChannelCredentials, timing?: { keepaliveMs?: number }): BasicConnection {
  const ms = Math.round(timing?.keepaliveMs ?? 0);
  return new BasicConnection(new H2Channel(dialOf(server, creds), { timeMs: ms, timeoutMs: Math.round(Math.min(ms, MAX_KEEPALIVE_TIMEOUT_MS)) }));
}

/** A grpc-js basic-protocol (20.2) client on a connection of its own (the reference; the device uses openBasicConnection). */
export function openBasicChannel(server: ServerConfig, onIdentityError?: (reason: string) => void, timing?: { keepaliveMs?: number }): BasicClient {
  const Ctor = basicService();
  const client: grpc.Client = new Ctor(channelTarget(server), serverCredentials(server, onIdentityError), channelOptions(timing));
  return client as BasicClient;
}

/**
 * `text` with the client's secret replaced: an NMS may echo what the device sent (in a
 * grpc-message, a handshake answer), and no report may show it.
 */
export function withoutSecret(text: string, secret: string): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}

/**
 * One line for a gRPC error, without a stack; a status code gRPC does not define is named
 * UNKNOWN (n). With the client's `secret`, the secret is taken out before the line is cut (a
 * cut could leave part of it): an NMS may echo it.
 */
export function describeGrpcError(err: unknown, secret = ''): string {
  const e = err as Partial<grpc.ServiceError>;
  if (e && typeof e.code === 'number') {
    const name = grpc.status[e.code] ?? `UNKNOWN (status ${e.code})`;
    // grpc-js ends some details with an empty "Resolution note:"; it says nothing.
    const details = (e.details || e.message || '').replace(/\s*Resolution note:\s*$/, '');
    return oneLine(withoutSecret(`${name}: ${details}`, secret));
  }
  return oneLine(withoutSecret((err as Error)?.message ?? String(err), secret));
}

/**
 * Why a link's call failed with UNAVAILABLE, as one line. grpc-js reports a connection
 * that closed and one whose keepalive ping went unanswered alike ("Connection dropped"),
 * so with keepalive on both causes are named.
 */
export function describeLoss(status: { code: number; details?: string }, t: Pick<TransportTiming, 'keepaliveMs'>, secret = ''): string {
  const base = describeGrpcError(status, secret);
  if (!t.keepaliveMs || !/connection dropped/i.test(status.details ?? '')) return base;
  const wait = Math.min(t.keepaliveMs, MAX_KEEPALIVE_TIMEOUT_MS) / 1000;
  return `${base} (closed by the peer or the network, or no answer to a keepalive ping within ${wait} s)`;
}
