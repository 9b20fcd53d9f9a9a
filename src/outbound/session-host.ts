/**
 * What a server link needs from its client worker: identity, backends, and a place to
 * keep live sessions (they belong to the worker and outlive the link that opened them).
 */
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log.js';
import type { SessionBackend, SessionKind } from '../session/byte-session.js';
import type { SessionBridge } from './session-bridge.js';
import type { FaultSet } from '../faults/faults.js';
import type { TransportTiming } from './channel.js';

export interface SessionHost {
  readonly deviceId: string;
  readonly secret: string;
  readonly instanceId: string;
  readonly logger: Logger;
  backend(kind: SessionKind): SessionBackend;
  /** Registers a live session; returns the function to call when it is over. */
  track(kind: SessionKind, bridge: SessionBridge): () => void;
  /** Records the last error of this client, for status. */
  noteError(message: string): void;
  /** Records that the link to `server` was lost and why (also the last error), for status. */
  noteLoss(server: string, reason: string): void;
  /** Keepalive and connect bound for the connections the link opens. */
  readonly timing: TransportTiming;
  /** Faults to inject into this client's sessions, when any are configured. */
  readonly faults?: FaultSet;
  /**
   * Keep the next Initialize's connection up in advance from the start (`--preconnect`);
   * otherwise only once the link has opened a session, so an idle device holds one connection.
   */
  readonly preconnect?: boolean;
}

/** How a server link ended: the server went away, or the worker stopped it. */
export type LinkEnd = 'lost' | 'stopped';

export interface ServerLink {
  /** Runs until the server is lost, refuses us (the walk then treats it as down) or stop(). */
  run(): Promise<LinkEnd | 'refused'>;
  stop(): void;
  /** Drops the link as a network failure would (pending calls cancelled); run() resolves 'lost'. */
  drop(): void;
}

/** Copies metadata (the Initialize trailers) for use as invocation metadata. */
export function copyMetadata(from: grpc.Metadata, into: grpc.Metadata): grpc.Metadata {
  for (const [key, values] of Object.entries(from.toJSON() as Record<string, (string | Buffer)[]>)) {
    for (const v of values) into.add(key, v);
  }
  return into;
}
