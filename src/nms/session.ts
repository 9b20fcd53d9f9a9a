/**
 * One operator-side session on the reference NMS: a gRPC bidi stream from a device, seen as
 * text messages coming in and commands going out. The same class serves the enhanced
 * (NcgrpcCommandGet) and the basic (GetExecuteCommand) streams; a small codec says how a
 * message is read and how a command, a kill and the operator's leaving are written.
 */
import { EventEmitter } from 'node:events';
import type * as grpc from '@grpc/grpc-js';
import type { ProtocolName } from '../wire/contract.js';

export type ConnType = 'netconf' | 'csh';

export interface SessionCodec<Req, Resp> {
  /** The text of one message from the device. */
  messageOf(req: Req): string;
  /** The response carrying one operator command. */
  command(text: string): Resp;
  /** The response carrying a kill signal, or undefined if the protocol has none. */
  kill?(signal: number): Resp;
  /**
   * How the operator leaves: 'kill' sends kill(2) and waits for the device to half-close
   * (enhanced); 'end' ends the RPC from the server side at once (basic).
   */
  leave: 'kill' | 'end';
}

export interface NmsSessionInfo {
  peer: string;
  type: ConnType;
  protocol: ProtocolName;
  deviceId?: string;
  /** Bound on how long close() waits for the device to half-close. */
  closeTimeoutMs?: number;
  /** Keep only about the last N characters of output (default: all), for long bulk sessions. */
  keepOutputChars?: number;
}

/**
 * How long a device's half-close waits for a sign that the connection was cut instead. The
 * RPC's status waits as long, and a device's next session may wait on it: 100 ms cut the
 * one-device session rate to 0.4x of raw grpc-js; a cut's cancel follows within a few ms.
 */
const HALF_CLOSE_SETTLE_MS = 15;

export type SessionEndReason =
  /** The device half-closed its side (the normal end). */
  | 'device-closed'
  /** The operator closed and the device did not half-close in time: the NMS ended the RPC. */
  | 'close-timeout'
  /** The NMS ended the RPC (basic close, NMS stop). */
  | 'nms-ended'
  /** The connection went away or the device cancelled the call. */
  | 'cancelled';

export class NmsSession extends EventEmitter {
  readonly peer: string;
  readonly type: ConnType;
  readonly protocol: ProtocolName;
  readonly deviceId: string | undefined;
  /** Resolves when the session is over, whichever side ended it. */
  readonly ended: Promise<void>;
  endReason: SessionEndReason | undefined;

  /** Output so far, as received (output() joins it into one piece). */
  private chunks: string[] = [];
  private keptChars = 0;
  private readonly keepChars: number;
  private isOver = false;
  private resolveEnded!: () => void;
  private readonly closeTimeoutMs: number;

  constructor(
    private readonly call: grpc.ServerDuplexStream<unknown, unknown>,
    private readonly codec: SessionCodec<any, any>,
    info: NmsSessionInfo,
  ) {
    super();
    this.peer = info.peer;
    this.type = info.type;
    this.protocol = info.protocol;
    this.deviceId = info.deviceId;
    this.closeTimeoutMs = info.closeTimeoutMs ?? 10_000;
    this.keepChars = info.keepOutputChars ?? Infinity;
    this.ended = new Promise((r) => (this.resolveEnded = r));
    call.on('data', (req: unknown) => {
      const text = codec.messageOf(req);
      this.chunks.push(text);
      this.keptChars += text.length;
      // Past the limit, whole messages fall off the front (the newest always stays).
      while (this.chunks.length > 1 && this.keptChars - this.chunks[0].length >= this.keepChars) {
        this.keptChars -= this.chunks.shift()!.length;
      }
      this.emit('message', text);
    });
    // The device half-closed: it has nothing more to say. Finish the RPC with OK. A cut
    // connection can end the request stream too, with the call cancelled at the same time
    // (reset stream, closed HTTP/2 session): that is a loss, not a close.
    // The 'cancelled' or 'close' of a cut follows its 'end' within milliseconds: wait that
    // long before taking the end for a half-close (those handlers finish as 'cancelled').
    call.on('end', () => {
      setTimeout(() => {
        if (this.isOver || call.cancelled) return;
        this.endRpc();
        this.finish('device-closed');
      }, HALF_CLOSE_SETTLE_MS).unref();
    });
    call.on('cancelled', () => this.finish('cancelled'));
    call.on('error', () => this.finish('cancelled'));
    call.on('close', () => this.finish(this.endReason ?? 'cancelled'));
  }

  get isEnded(): boolean {
    return this.isOver;
  }

  /** All messages from the device so far, concatenated as they came. */
  output(): string {
    if (this.chunks.length > 1) this.chunks = [this.chunks.join('')];
    return this.chunks[0] ?? '';
  }

  /**
   * Stops taking the device's messages (as a slow or stuck NMS does): gRPC and HTTP/2 flow
   * control then hold the device back. resume() takes them again; nothing is lost.
   */
  pause(): void {
    this.call.pause();
  }

  resume(): void {
    this.call.resume();
  }

  /** Sends one operator command (netconf_command or csh_command by the session's type). */
  send(command: string): void {
    this.ensureOpen('send');
    this.call.write(this.codec.command(command));
  }

  /** Sends a kill signal (enhanced only), as Juniper's sample does: the exit text plus the signal. */
  kill(signal = 2): void {
    this.ensureOpen('kill');
    if (!this.codec.kill) throw new Error(`the ${this.protocol} protocol has no kill signal`);
    this.call.write(this.codec.kill(signal));
  }

  /**
   * The operator leaves. Enhanced: send the exit text with kill_signal 2, then wait for the
   * device to half-close (bounded: after closeTimeoutMs the NMS ends the RPC itself).
   * Basic: end the RPC.
   */
  async close(): Promise<void> {
    if (this.isOver) return;
    if (this.codec.leave === 'end' || !this.codec.kill) {
      this.endRpc();
      this.finish('nms-ended');
      return;
    }
    this.call.write(this.codec.kill(2));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), this.closeTimeoutMs)));
    const res = await Promise.race([this.ended.then(() => 'ended' as const), timedOut]);
    clearTimeout(timer);
    if (res === 'timeout' && !this.isOver) {
      this.endRpc();
      this.finish('close-timeout');
    }
  }

  /** Ends the RPC from the NMS side without waiting (used when the NMS stops). */
  abort(): void {
    if (this.isOver) return;
    this.endRpc();
    this.finish('nms-ended');
  }

  /**
   * Resolves with the whole output once `pred(output)` holds; rejects when `timeoutMs`
   * passes or the session ends first.
   */
  waitFor(pred: (allOutput: string) => boolean, timeoutMs = 10_000): Promise<string> {
    if (pred(this.output())) return Promise.resolve(this.output());
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.off('message', onMessage);
        this.off('end', onEnd);
      };
      const onMessage = (): void => {
        if (pred(this.output())) {
          done();
          resolve(this.output());
        }
      };
      const onEnd = (): void => {
        done();
        if (pred(this.output())) resolve(this.output());
        else reject(new Error(`session ended before the expected output; output ends with: ${JSON.stringify(this.output().slice(-200))}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`expected output did not come within ${timeoutMs} ms; output ends with: ${JSON.stringify(this.output().slice(-200))}`));
      }, timeoutMs);
      this.on('message', onMessage);
      this.once('end', onEnd);
      if (this.isOver) onEnd();
    });
  }

  private ensureOpen(what: string): void {
    if (this.isOver) throw new Error(`cannot ${what}: the session with ${this.deviceId ?? this.peer} has ended`);
  }

  private endRpc(): void {
    if (this.call.writableEnded || this.call.destroyed) return;
    try {
      this.call.end();
    } catch {
      /* the stream is already gone */
    }
  }

  private finish(reason: SessionEndReason): void {
    if (this.isOver) return;
    this.isOver = true;
    this.endReason = reason;
    this.resolveEnded();
    this.emit('end', reason);
  }
}
