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

/** An append-only event list that also emits each event under its type name. */
export class NmsEventLog extends EventEmitter {
  readonly events: NmsEvent[] = [];

  record(e: Omit<NmsEvent, 'time'>): NmsEvent {
    const full: NmsEvent = { ...e, time: new Date() };
    this.events.push(full);
    this.emit(full.type, full);
    this.emit('event', full);
    return full;
  }
}
