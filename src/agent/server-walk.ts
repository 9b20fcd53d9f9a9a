/**
 * The server walk: which server to try next, by reconnect strategy, and the status probe.
 */
import * as grpc from '@grpc/grpc-js';
import type { ReconnectStrategy, ServerConfig } from './config.js';
import { describeGrpcError, openBasicChannel, openNcgrpcChannel } from './ncgrpc-channel.js';

/**
 * The order of one walk over `count` servers. in-order always starts from the first;
 * sticky starts from the server in use when the connection was lost and goes on down the
 * list (wrapping round), so every server is tried once per walk.
 */
export function walkOrder(count: number, strategy: ReconnectStrategy, lastUsed: number | undefined): number[] {
  const start = strategy === 'sticky' && lastUsed !== undefined && lastUsed < count ? lastUsed : 0;
  return Array.from({ length: count }, (_, k) => (start + k) % count);
}

/** Probe deadline: generous, because a busy NMS queues status probes behind sessions. */
export const PROBE_DEADLINE_MS = 60_000;

export type ProbeResult = { up: true } | { up: false; reason: string };

/**
 * Enhanced: NcgrpcServerStatusGet(REQ_RUNNING) on a channel of its own; up only on SUCCESS.
 * Basic (20.2 has no status RPC): up when a verified TLS connection can be made.
 */
export function probeServer(
  server: ServerConfig,
  protocol: 'enhanced' | 'basic' = 'enhanced',
  deadlineMs = PROBE_DEADLINE_MS,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  if (protocol === 'basic') return probeConnection(server, deadlineMs, signal);
  return new Promise((resolve) => {
    let identity: string | undefined;
    const channel = openNcgrpcChannel(server, (reason) => (identity = reason));
    // Stopping the client ends a probe at once (an unreachable address would hold it to the deadline).
    signal?.addEventListener('abort', () => call.cancel(), { once: true });
    const call: grpc.ClientUnaryCall = channel.NcgrpcServerStatusGet(
      { req: 'REQ_RUNNING' },
      { deadline: Date.now() + deadlineMs },
      (err: grpc.ServiceError | null, resp: { status?: string }) => {
        channel.close();
        if (err) resolve({ up: false, reason: identity ?? describeGrpcError(err) });
        else if (resp?.status !== 'SUCCESS') resolve({ up: false, reason: `status ${resp?.status ?? 'unknown'}` });
        else resolve({ up: true });
      },
    );
  });
}

function probeConnection(server: ServerConfig, deadlineMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let identity: string | undefined;
    const channel = openBasicChannel(server, (reason) => (identity = reason));
    const ch = channel.getChannel();
    let deadline = Date.now() + deadlineMs;
    // On abort the channel shuts down, which wakes the watcher, and the deadline has passed.
    signal?.addEventListener(
      'abort',
      () => {
        deadline = 0;
        channel.close();
      },
      { once: true },
    );
    ch.getConnectivityState(true);
    const watch = () => {
      const state = ch.getConnectivityState(true);
      if (state === grpc.connectivityState.READY) {
        channel.close();
        resolve({ up: true });
      } else if (state === grpc.connectivityState.TRANSIENT_FAILURE || Date.now() >= deadline) {
        channel.close();
        resolve({ up: false, reason: identity ?? (state === grpc.connectivityState.TRANSIENT_FAILURE ? 'connection failed' : 'timed out') });
      } else {
        ch.watchConnectivityState(state, deadline, watch);
      }
    };
    watch();
  });
}
