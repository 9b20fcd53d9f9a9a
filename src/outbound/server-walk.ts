/**
 * The server walk: which server to try next, by reconnect strategy, and the status probe.
 */
import * as grpc from '@grpc/grpc-js';
import type { ServerConfig } from './config.js';
import { connectTimeoutReason, describeGrpcError, openBasicChannel, openNcgrpcChannel, whenReady } from './channel.js';

export { walkOrder } from './reconnect.js';

/** Probe deadline: generous, because a busy NMS queues status probes behind sessions. */
export const PROBE_DEADLINE_MS = 60_000;
/** Default bound on connecting (TCP, TLS, HTTP/2 settings), separate from the probe deadline. */
export const CONNECT_TIMEOUT_MS = 10_000;

export type ProbeResult = { up: true } | { up: false; reason: string };

export interface ProbeOptions {
  /** Deadline of the whole probe (the status RPC); default PROBE_DEADLINE_MS. */
  deadlineMs?: number;
  /** Bound on the connection coming up; default CONNECT_TIMEOUT_MS. */
  connectTimeoutMs?: number;
  /** HTTP/2 keepalive of the probe's channel (0: none). */
  keepaliveMs?: number;
  /** Aborts the probe (the client stops). The probe's listener is removed when it ends. */
  signal?: AbortSignal;
}

/**
 * Enhanced: NcgrpcServerStatusGet(REQ_RUNNING) on a channel of its own; up only on SUCCESS.
 * Basic (20.2 has no status RPC): up when a verified TLS connection can be made.
 * A connection that is not up within the connect bound (a server that accepts TCP but
 * never completes TLS, or never speaks HTTP/2) makes the server down at that bound; a
 * connected server gets the whole probe deadline to answer.
 */
export function probeServer(server: ServerConfig, protocol: 'enhanced' | 'basic' = 'enhanced', opts: ProbeOptions = {}): Promise<ProbeResult> {
  const deadlineMs = opts.deadlineMs ?? PROBE_DEADLINE_MS;
  const connectMs = Math.min(opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, deadlineMs);
  const signal = opts.signal;
  if (protocol === 'basic') return probeConnection(server, connectMs, opts);
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ up: false, reason: 'stopped' });
    let identity: string | undefined;
    let connectTimedOut = false;
    const channel = openNcgrpcChannel(server, (reason) => (identity = reason), undefined, opts);
    // Stopping the client ends a probe at once (an unreachable address would hold it to the
    // deadline). The listener goes when the probe ends: the signal lives as long as the client.
    const onAbort = () => call.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const call: grpc.ClientUnaryCall = channel.NcgrpcServerStatusGet(
      { req: 'REQ_RUNNING' },
      { deadline: Date.now() + deadlineMs },
      (err: grpc.ServiceError | null, resp: { status?: string }) => {
        signal?.removeEventListener('abort', onAbort);
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

function probeConnection(server: ServerConfig, connectMs: number, opts: ProbeOptions): Promise<ProbeResult> {
  const signal = opts.signal;
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ up: false, reason: 'stopped' });
    let identity: string | undefined;
    const channel = openBasicChannel(server, (reason) => (identity = reason), opts);
    const ch = channel.getChannel();
    let deadline = Date.now() + connectMs;
    // On abort the channel shuts down, which wakes the watcher, and the deadline has passed.
    const onAbort = () => {
      deadline = 0;
      channel.close();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (result: ProbeResult) => {
      signal?.removeEventListener('abort', onAbort);
      channel.close();
      resolve(result);
    };
    const watch = () => {
      // Never ask a closed (aborted) channel to connect: its resolver would wake again.
      const state = ch.getConnectivityState(deadline !== 0);
      if (state === grpc.connectivityState.READY) done({ up: true });
      else if (state === grpc.connectivityState.TRANSIENT_FAILURE) done({ up: false, reason: identity ?? 'connection failed' });
      else if (Date.now() >= deadline) done({ up: false, reason: identity ?? connectTimeoutReason(connectMs) });
      else ch.watchConnectivityState(state, deadline, watch);
    };
    watch();
  });
}
