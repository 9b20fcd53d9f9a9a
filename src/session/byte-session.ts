/**
 * What the agent knows of a session: a byte stream in each direction and a kill switch.
 * NETCONF servers, PTY shells, spawned commands and SSH bridges all sit behind this.
 */
import type { EventEmitter } from 'node:events';

export type SessionKind = 'netconf' | 'csh';

export interface SessionEnd {
  /** Exit status of the session's process, when it has one. */
  exitCode: number | null;
  /** Name of the signal that ended it, when one did. */
  signal: string | null;
}

/**
 * Events:
 *  - 'data' (chunk: Buffer): output of the session, in order, as it appears.
 *  - 'end' (info: SessionEnd): emitted exactly once, after the last 'data'.
 *  - 'drain': input is welcome again after write() returned false.
 */
export interface ByteSession extends EventEmitter {
  /**
   * Input to the session (bytes as they came; the caller adds any newline). A session that
   * holds its input back (NETCONF) returns false when the caller should stop reading its
   * source until 'drain'; what is written anyway is still taken. Others return nothing.
   */
  write(data: Buffer | string): boolean | void;
  /** Delivers a signal (number, e.g. 2 or 15) to the session's process group and ends it. */
  kill(signal: number): void;
  /** True once 'end' has been emitted. */
  readonly ended: boolean;
  /**
   * Flow control, where the session can hold its output back (a PTY, a pipe, a NETCONF
   * server that stops handling RPCs): a face pauses a session whose output is not taken
   * fast enough, and resumes it when its transport drains.
   */
  pause?(): void;
  resume?(): void;
}

/** Something that can start sessions of one kind. */
export interface SessionBackend {
  readonly description: string;
  open(kind: SessionKind): Promise<ByteSession>;
}
