/**
 * The session loop of the enhanced protocol on one live NMS server: exactly one pending
 * NcgrpcInitialize at all times, each on a channel (connection) of its own, never given a
 * deadline, never cancelled or refreshed while the server lives. When an Initialize is
 * answered, the next one is armed at once and the session runs on the answered channel.
 */
import * as grpc from '@grpc/grpc-js';
import type { ServerConfig } from '../config-types.js';
import { connectTimeoutReason, describeGrpcError, describeLoss, openNcgrpcConnection, targetOf, whenReady, type NcgrpcConnection } from '../channel.js';
import type { UnaryCall } from '../h2-grpc.js';
import { sharedServerCredentials } from '../tls.js';
import type { SessionKind } from '../../session/byte-session.js';
import { bridgeWithFaults } from '../faulty-bridge.js';
import { rearmDelayMs } from '../reconnect.js';
import { INITIALIZE_METADATA, MSG_SUBPROCESS_ENDED } from '../../wire/contract.js';
import type { NcgrpcInitializeResponse } from '../../wire/protos.js';
import { copyMetadata, type LinkEnd, type ServerLink, type SessionHost } from '../session-host.js';
import { probeBounds, type ProbeOptions, type ProbeResult } from '../server-walk.js';

/** How long a finished session's RPC may take to close after our half-close. */
const SESSION_CLOSE_GRACE_MS = 30_000;
/**
 * Sessions "come often" when an Initialize is answered within this of going out: only then
 * does the link keep a spare channel (sessions back to back find it ready). A spare whose
 * next Initialize waits longer is closed. A device polled now and then thus holds one
 * connection, like an idle one, not two, and opens one per session, not two.
 */
export const SPARE_IDLE_MS = 5_000;

export class EnhancedServerLink implements ServerLink {
  private stopped = false;
  private pending: { call: UnaryCall; channel: NcgrpcConnection } | undefined;
  private finish: ((end: LinkEnd) => void) | undefined;
  private failures = 0;
  private rearmTimer: NodeJS.Timeout | undefined;
  /** One TLS context for every channel to this server (shared by the whole fleet). */
  private readonly creds: grpc.ChannelCredentials;
  /**
   * The next Initialize's channel, already connecting: when an Initialize is answered the
   * next one goes out at once, without a TCP/TLS handshake in between. It carries no RPC
   * until then. Kept only while sessions come often (SPARE_IDLE_MS; an idle or seldom
   * polled device holds one connection), or always with the host's `preconnect`.
   */
  private spare: NcgrpcConnection | undefined;
  /** Closes the spare when no session came for SPARE_IDLE_MS. */
  private spareTimer: NodeJS.Timeout | undefined;
  /** When the pending Initialize went out (ms), and whether the last answer came within SPARE_IDLE_MS. */
  private armedAt = 0;
  private often = false;

  constructor(
    private readonly server: ServerConfig,
    private readonly host: SessionHost,
    /** The probe's connection, already up: the first Initialize goes out on it. */
    private handoff?: NcgrpcConnection,
  ) {
    this.creds = sharedServerCredentials(server).creds;
  }

  run(): Promise<LinkEnd> {
    return new Promise((resolve) => {
      this.finish = (end) => {
        this.finish = undefined;
        resolve(end);
      };
      this.arm();
    });
  }

  stop(): void {
    this.halt('stopped');
  }

  drop(): void {
    this.halt('lost');
  }

  /** Cancels the pending Initialize, closes the spare channel and ends run() with `end`. */
  private halt(end: LinkEnd): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.rearmTimer);
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      p.call.cancel();
      p.channel.close();
    }
    this.dropSpare();
    this.finish?.(end);
  }

  private dropSpare(): void {
    clearTimeout(this.spareTimer);
    this.spareTimer = undefined;
    this.spare?.close();
    this.spare = undefined;
    this.handoff?.close();
    this.handoff = undefined;
  }

  private nextChannel(): NcgrpcConnection {
    const timing = this.host.timing;
    const channel = this.handoff ?? this.spare ?? openNcgrpcConnection(this.server, this.creds, timing);
    if (channel === this.handoff) this.handoff = undefined;
    else this.spare = undefined;
    if (this.often || this.host.preconnect) {
      this.spare ??= openNcgrpcConnection(this.server, this.creds, timing);
      this.spare.connect();
      // Kept while sessions come often; with `preconnect` always.
      if (!this.host.preconnect) this.idleSpareAfter(channel);
    }
    return channel;
  }

  /** Closes the spare if the Initialize on `channel` is still unanswered SPARE_IDLE_MS from now. */
  private idleSpareAfter(channel: NcgrpcConnection): void {
    clearTimeout(this.spareTimer);
    this.spareTimer = setTimeout(() => {
      this.spareTimer = undefined;
      if (this.pending?.channel !== channel || !this.spare) return;
      this.spare.close();
      this.spare = undefined;
    }, SPARE_IDLE_MS);
    this.spareTimer.unref();
  }

  /** arm() with nothing of the caller's scope captured (see its use). */
  private readonly rearm = (): void => this.arm();

  /** Issues the one pending Initialize. */
  private arm(): void {
    if (this.stopped) return;
    const log = this.host.logger;
    const channel = this.nextChannel();
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(INITIALIZE_METADATA)) md.set(k, v);
    let response: NcgrpcInitializeResponse | undefined;
    const call: UnaryCall = channel.NcgrpcInitialize(
      { instance_id: this.host.instanceId, device_id: this.host.deviceId, secret_key: this.host.secret },
      md,
      (err, resp) => {
        if (!err) response = resp;
      },
    );
    this.pending = { call, channel };
    this.armedAt = Date.now();
    // The connection must come up within the connect bound (a server that accepts TCP but
    // never completes TLS or never speaks HTTP/2 would hold the Initialize forever). Until
    // then the Initialize has not left the device, so giving it up is safe.
    let abandoned = false;
    const connectMs = this.host.timing.connectTimeoutMs;
    void whenReady(channel, connectMs).then((r) => {
      if (r !== 'timeout' || this.stopped || this.pending?.call !== call) return;
      abandoned = true;
      this.pending = undefined;
      call.cancel();
      channel.close();
      const reason = connectTimeoutReason(connectMs);
      log.warn({ server: targetOf(this.server), reason }, 'connection to NMS lost');
      this.host.noteLoss(targetOf(this.server), reason);
      this.dropSpare();
      this.finish?.('lost');
    });
    call.on('status', (status: grpc.StatusObject) => {
      if (this.pending?.call === call) this.pending = undefined;
      if (this.stopped || abandoned) {
        channel.close();
        return;
      }
      if (status.code === grpc.status.OK && response) {
        this.failures = 0;
        this.often = Date.now() - this.armedAt < SPARE_IDLE_MS;
        const kind: SessionKind = response.session_type === 'CSH' ? 'csh' : 'netconf';
        // Armed from a fresh stack: grpc-js keeps the stack a call was made from (its
        // callerStackError, frames with their receivers) for as long as the call is
        // pending, and from inside this handler that stack holds this call, its channel
        // and so every dead channel before it.
        queueMicrotask(this.rearm);
        void this.startSession(channel, kind, status.metadata);
        return;
      }
      channel.close();
      const reason = describeGrpcError(status, this.host.secret);
      if (status.code === grpc.status.UNAVAILABLE) {
        const why = describeLoss(status, this.host.timing, this.host.secret);
        log.warn({ server: targetOf(this.server), reason: why }, 'connection to NMS lost');
        this.host.noteLoss(targetOf(this.server), why);
        this.dropSpare();
        this.finish?.('lost');
        return;
      }
      // The NMS answered the Initialize with an error (e.g. an unknown session type): re-arm.
      this.failures++;
      this.host.noteError(`${targetOf(this.server)}: Initialize failed: ${reason}`);
      const delay = rearmDelayMs(this.failures);
      log.warn({ server: targetOf(this.server), reason, retryInMs: delay }, 'Initialize failed; re-arming');
      this.rearmTimer = setTimeout(() => this.arm(), delay);
    });
  }

  private async startSession(channel: NcgrpcConnection, kind: SessionKind, trailers: grpc.Metadata): Promise<void> {
    const log = this.host.logger;
    const md = copyMetadata(trailers, new grpc.Metadata());
    const stream = channel.NcgrpcCommandGet(md);
    let closeTimer: NodeJS.Timeout | undefined;
    stream.on('status', () => {
      clearTimeout(closeTimer);
      channel.close();
    });
    // Reported with the session's end (the bridge sees the same error after this listener).
    let failure: string | undefined;
    stream.on('error', (err) => {
      failure = describeGrpcError(err, this.host.secret);
    });
    let session;
    try {
      session = await this.host.backend(kind).open(kind);
    } catch (err) {
      const reason = (err as Error).message;
      log.error({ kind, reason }, 'session could not start');
      this.host.noteError(`${kind} session could not start: ${reason}`);
      stream.write({ message: `error: ${kind} session could not start: ${reason}\n` });
      stream.write({ message: MSG_SUBPROCESS_ENDED });
      stream.end();
      closeTimer = setTimeout(() => stream.cancel(), SESSION_CLOSE_GRACE_MS).unref();
      return;
    }
    log.info({ kind, server: targetOf(this.server) }, 'session started');
    let untrack: () => void = () => {};
    const bridge = bridgeWithFaults(
      stream,
      session,
      {
        kind,
        onClose: (why) => {
          untrack();
          if (failure && why === 'stream-error') log.warn({ kind, why, reason: failure }, 'session ended');
          else log.info({ kind, why }, 'session ended');
          closeTimer = setTimeout(() => stream.cancel(), SESSION_CLOSE_GRACE_MS).unref();
        },
      },
      this.host.faults,
      log,
    );
    if (!bridge.isClosed) untrack = this.host.track(kind, bridge);
  }
}

/**
 * The enhanced probe: NcgrpcServerStatusGet(REQ_RUNNING) on a channel of its own; up only
 * on SUCCESS. A connection that is not up within the connect bound (a server that accepts TCP but
 * never completes TLS, or never speaks HTTP/2) makes the server down at that bound; a
 * connected server gets the whole probe deadline to answer.
 */
export function probeEnhanced(server: ServerConfig, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const { deadlineMs, connectMs } = probeBounds(opts);
  const signal = opts.signal;
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ up: false, reason: 'stopped' });
    const began = Date.now();
    const shared = sharedServerCredentials(server);
    let connectTimedOut = false;
    const channel = openNcgrpcConnection(server, shared.creds, opts);
    // Stopping the client ends a probe at once (an unreachable address would hold it to the
    // deadline). The listener goes when the probe ends: the signal lives as long as the client.
    const onAbort = () => call.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const call: UnaryCall = channel.NcgrpcServerStatusGet(
      { req: 'REQ_RUNNING' },
      { deadline: Date.now() + deadlineMs },
      (err, resp) => {
        signal?.removeEventListener('abort', onAbort);
        const identity = err || connectTimedOut ? shared.identityError(began) : undefined;
        if (opts.keep && !connectTimedOut && !err && resp?.status === 'SUCCESS' && !signal?.aborted) return resolve({ up: true, handoff: channel });
        channel.close();
        if (connectTimedOut) resolve({ up: false, reason: identity ?? connectTimeoutReason(connectMs) });
        else if (err) resolve({ up: false, reason: identity ?? describeGrpcError(err) });
        else if (resp?.status !== 'SUCCESS') resolve({ up: false, reason: `status ${resp?.status ?? 'unknown'}` });
        else resolve({ up: true });
      },
    );
    // Resolves 'closed' at the latest when the callback above closes the channel.
    void whenReady(channel, connectMs).then((r) => {
      if (r !== 'timeout') return;
      connectTimedOut = true;
      call.cancel();
    });
  });
}
