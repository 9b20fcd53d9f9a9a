/**
 * The server walk: which server to try next, by reconnect strategy, and the bounds of the
 * status probe (each protocol's probe is in protocols/<name>.ts).
 */

export { walkOrder } from './reconnect.js';

/** Probe deadline: generous, because a busy NMS queues status probes behind sessions. */
export const PROBE_DEADLINE_MS = 60_000;
/** Default bound on connecting (TCP, TLS, HTTP/2 settings), separate from the probe deadline. */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Up or down. An up probe asked to `keep` its connection hands it over (`handoff`): the
 * link's first Initialize then goes out on it, without a second TCP/TLS handshake.
 */
export type ProbeResult = { up: true; handoff?: { close(): void } } | { up: false; reason: string };

export interface ProbeOptions {
  /** Deadline of the whole probe (the status RPC); default PROBE_DEADLINE_MS. */
  deadlineMs?: number;
  /** Bound on the connection coming up; default CONNECT_TIMEOUT_MS. */
  connectTimeoutMs?: number;
  /** HTTP/2 keepalive of the probe's channel (0: none). */
  keepaliveMs?: number;
  /** Aborts the probe (the client stops). The probe's listener is removed when it ends. */
  signal?: AbortSignal;
  /** Keep the connection of an up probe for the link (ProbeResult.handoff); the caller closes it. */
  keep?: boolean;
}

/** The probe's two bounds: the whole probe's deadline, and the connect bound within it. */
export function probeBounds(opts: ProbeOptions): { deadlineMs: number; connectMs: number } {
  const deadlineMs = opts.deadlineMs ?? PROBE_DEADLINE_MS;
  return { deadlineMs, connectMs: Math.min(opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, deadlineMs) };
}
