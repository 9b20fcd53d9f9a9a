/**
 * What the reference NMS saw, as a plain list tests and operators can read: every RPC that
 * arrived, every session opened or closed, every refusal. Secrets never appear here.
 */
import type { ProtocolName } from '../wire/contract.js';
import { EventEmitter } from 'node:events';

export type NmsEventType =
  /** NcgrpcServerStatusGet arrived. */
  | 'status'
  /** NcgrpcInitialize arrived (it is now pending). */
  | 'initialize'
  /** A pending Initialize was answered for an operator's session request. */
  | 'initialize-answered'
  /** A pending Initialize was failed on purpose (ReferenceNms.failInitialize). */
  | 'initialize-failed'
  /** The device cancelled a pending Initialize, or its connection went away. */
  | 'initialize-cancelled'
  /** An operator asked for a session with a secret the device did not send. */
  | 'secret-mismatch'
  /** A session stream is bridged (enhanced CommandGet, or basic GetExecuteCommand). */
  | 'session-open'
  /** A session stream ended. */
  | 'session-close'
  /** A session stream was refused (no conn_type, unknown connection, not authenticated...). */
  | 'stream-rejected'
  /** Two answered Initializes share one connection: a real NMS that keys by peer mixes them up. */
  | 'shared-connection'
  /** Basic InitialHandShake arrived; `ok` tells whether the shared string matched. */
  | 'basic-auth';

export interface NmsEvent {
  type: NmsEventType;
  time: Date;
  /** The gRPC peer address of the call (ip:port of the device's connection). */
  peer: string;
  deviceId?: string;
  instanceId?: string;
  connType?: 'netconf' | 'csh';
  protocol?: ProtocolName;
  ok?: boolean;
  detail?: string;
  /** Invocation metadata of the call (text entries; on 'initialize' and 'session-open'). */
  metadata?: Record<string, string>;
}

/** How many events an NMS keeps by default: a long run, or a fleet of 10,000, stays bounded. */
export const DEFAULT_MAX_EVENTS = 10_000;

/**
 * The event list: the last `maxEvents` events in order (older ones are let go and counted in
 * `dropped`); each event is also emitted under its type name and as 'event'.
 */
export class NmsEventLog extends EventEmitter {
  private kept: NmsEvent[] = [];
  /** Events let go to keep the list bounded. */
  dropped = 0;

  constructor(readonly maxEvents = DEFAULT_MAX_EVENTS) {
    super();
    if (!Number.isInteger(maxEvents) || maxEvents < 1) throw new RangeError('maxEvents must be a whole number of at least 1');
  }

  /** The events kept, oldest first. */
  get events(): readonly NmsEvent[] {
    if (this.kept.length > this.maxEvents) this.trim();
    return this.kept;
  }

  record(e: Omit<NmsEvent, 'time'>): NmsEvent {
    const full: NmsEvent = { ...e, time: new Date() };
    this.kept.push(full);
    // Trimmed in batches (at twice the bound) so that recording stays O(1) on average.
    if (this.kept.length >= 2 * this.maxEvents) this.trim();
    this.emit(full.type, full);
    this.emit('event', full);
    return full;
  }

  private trim(): void {
    const extra = this.kept.length - this.maxEvents;
    this.dropped += extra;
    this.kept = this.kept.slice(extra);
  }
}
