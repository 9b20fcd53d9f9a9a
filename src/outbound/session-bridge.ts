/**
 * Bridges one session (a ByteSession) to one NcgrpcCommandGet stream.
 * Output goes up as `message` strings as it appears: small writes made in the same tick are
 * coalesced, a message is capped in bytes, and a multi-byte UTF-8 character is never split.
 * Commands come down with a newline added; a kill_signal ends the session with that signal.
 *
 * Flow control both ways: when the stream's write buffer is full the session is paused
 * (a NETCONF session then handles no further RPC, a PTY stops being read) until 'drain';
 * when the session says its input is full, the stream is paused (gRPC and HTTP/2 flow
 * control then hold the NMS back) until the session's 'drain'.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ByteSession, SessionKind } from '../session/byte-session.js';

export { MSG_CSH_STARTED, MSG_SUBPROCESS_ENDED, MSG_TERMINATION } from '../wire/contract.js';
import { MSG_CSH_STARTED, MSG_SUBPROCESS_ENDED, MSG_TERMINATION } from '../wire/contract.js';

/** The stream as the bridge needs it: what grpc-js's ClientDuplexStream gives. */
export interface SessionStream {
  write(msg: { message: string }, written?: () => void): boolean;
  end(): void;
  on(event: 'data', cb: (cmd: { netconf_command?: string; csh_command?: string; cli_command?: string; kill_signal?: string | number }) => void): unknown;
  on(event: 'end' | 'close' | 'status' | 'drain', cb: () => void): unknown;
  on(event: 'error', cb: (err: Error) => void): unknown;
  cancel?(): void;
  /** Stops and restarts reading commands (a Readable's pause/resume). */
  pause?(): unknown;
  resume?(): unknown;
}

export interface BridgeOptions {
  kind: SessionKind;
  /** Largest message sent, in bytes (default 64 KiB). */
  maxMessageBytes?: number;
  /** Called once when the bridge is finished, with why. */
  onClose?: (why: 'ended' | 'killed' | 'nms-closed' | 'stream-error' | 'terminated' | 'dropped') => void;
  /** Turns an NMS message into the bytes written to the session (basic protocol wraps requests). */
  toMessage?: (text: string) => { message: string } & Record<string, unknown>;
  /** Fault injection: when this says so, the session ends with a half-close but no stop message. */
  omitStopMessage?: () => boolean;
  /** Told when a fault changed what the NMS sees (for the log). */
  onFault?: (fault: 'no-stop-message') => void;
}

const SIGNAL_TERM = 15;
/** How long terminate() waits for the NMS to finish the RPC after the stop message. */
const TERMINATE_FLUSH_MS = 3_000;
const SIGNAL_HUP = 1;
/** How long abort({flushFirst}) waits for the last output to be written before cutting. */
const ABORT_FLUSH_MS = 1_000;

export class SessionBridge {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  /** Bytes received since the last flush (a cheap stand-in for the pending text's size). */
  private pendingBytes = 0;
  private flushScheduled = false;
  private closed = false;
  private paused = false;
  /** The stream is paused because the session's input is full. */
  private inputHeld = false;
  private why: Parameters<NonNullable<BridgeOptions['onClose']>>[0] = 'ended';
  private readonly maxBytes: number;
  private readonly finished: Promise<void>;

  constructor(
    private readonly stream: SessionStream,
    private readonly session: ByteSession,
    private readonly opts: BridgeOptions,
  ) {
    this.maxBytes = Math.max(64, opts.maxMessageBytes ?? 65536);
    // The RPC is over when the NMS sends its status (after our half-close) or the call closes.
    this.finished = new Promise((resolve) => {
      stream.on('status', () => resolve());
      stream.on('close', () => resolve());
    });
    if (opts.kind === 'csh') this.send(MSG_CSH_STARTED);
    session.on('data', (chunk: Buffer) => this.onOutput(chunk));
    session.on('end', () => this.finish(MSG_SUBPROCESS_ENDED));
    session.on('drain', () => this.releaseInput());
    stream.on('data', (cmd) => this.onCommand(cmd));
    // Flow control: a session whose output is not taken up fast enough waits for the NMS.
    stream.on('drain', () => {
      if (this.paused) {
        this.paused = false;
        this.session.resume?.();
      }
    });
    // The RPC is over from the NMS side: let commands held back flow, so 'end' is seen.
    stream.on('status', () => this.releaseInput());
    // The NMS half-closed or the connection broke: nobody is listening any more.
    stream.on('end', () => this.abandon('nms-closed'));
    stream.on('error', () => this.abandon('stream-error'));
    if (session.ended) this.finish(MSG_SUBPROCESS_ENDED);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * The app is terminating: tell the NMS, end the session's process, close the stream.
   * Resolves when the NMS has the message (its RPC finished), or after a bounded wait.
   */
  terminate(): Promise<void> {
    if (!this.closed) {
      this.why = 'terminated';
      this.flush();
      this.sendStopMessage(MSG_TERMINATION);
      this.closeStream();
      if (!this.session.ended) this.session.kill(SIGNAL_TERM);
    }
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([this.finished, new Promise<void>((r) => (timer = setTimeout(r, TERMINATE_FLUSH_MS)))]).finally(() => clearTimeout(timer));
  }

  /**
   * Cuts the RPC abruptly, as a broken connection would: no stop message, no half-close, the
   * call is cancelled and the session's process is hung up. With `flushFirst`, output
   * already taken from the session is written before the cut (bounded wait), so the NMS
   * sees everything up to the point of failure.
   */
  abort(opts: { flushFirst?: boolean } = {}): void {
    if (this.closed) return;
    this.why = 'dropped';
    let cut = (): void => {
      cut = () => {};
      try {
        if (this.stream.cancel) this.stream.cancel();
        else this.stream.end();
      } catch {
        /* the stream may already be gone */
      }
    };
    this.pending += this.decoder.end();
    if (opts.flushFirst && this.pending) {
      const timer = setTimeout(() => cut(), ABORT_FLUSH_MS).unref();
      this.flush(() => {
        clearTimeout(timer);
        cut();
      });
    } else {
      this.pending = '';
      cut();
    }
    this.closed = true;
    if (!this.session.ended) this.session.kill(SIGNAL_HUP);
    this.opts.onClose?.('dropped');
  }

  /** The stop message, unless a fault says to leave it out. */
  private sendStopMessage(text: string): void {
    if (this.opts.omitStopMessage?.()) {
      this.opts.onFault?.('no-stop-message');
      return;
    }
    this.send(text);
  }

  private onCommand(cmd: { netconf_command?: string; csh_command?: string; cli_command?: string; kill_signal?: string | number }): void {
    if (this.closed) return;
    const signal = Number(cmd.kill_signal ?? 0);
    if (signal !== 0) {
      // Signal 2 (with the exit text) is how an NMS closes a session normally.
      this.why = signal === 2 ? 'nms-closed' : 'killed';
      if (!this.session.ended) this.session.kill(signal);
      return;
    }
    const text = cmd.netconf_command ?? cmd.csh_command ?? cmd.cli_command;
    if (text === undefined || this.session.ended) return;
    if (this.session.write(text + '\n') === false && !this.inputHeld && this.stream.pause) {
      this.inputHeld = true;
      this.stream.pause();
    }
  }

  private releaseInput(): void {
    if (!this.inputHeld) return;
    this.inputHeld = false;
    this.stream.resume?.();
  }

  private onOutput(chunk: Buffer): void {
    if (this.closed) return;
    this.pending += this.decoder.write(chunk);
    this.pendingBytes += chunk.length;
    // A chunk that completes a NETCONF message goes at once: nothing more is coming to join it.
    if (this.pendingBytes >= this.maxBytes || (this.opts.kind === 'netconf' && endsNetconfMessage(chunk))) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  /** Sends the pending output; `written` is called once the last piece is written. */
  private flush(written?: () => void): void {
    if (this.closed || !this.pending) return;
    let text = this.pending;
    this.pending = '';
    this.pendingBytes = 0;
    while (text) {
      const piece = takeUtf8Prefix(text, this.maxBytes);
      text = text.slice(piece.length);
      this.send(piece, text ? undefined : written);
    }
  }

  private send(message: string, written?: () => void): void {
    if (this.closed) return;
    const msg = this.opts.toMessage ? this.opts.toMessage(message) : { message };
    const more = written ? this.stream.write(msg, () => written()) : this.stream.write(msg);
    if (!more && !this.paused && this.session.pause && !this.session.ended) {
      this.paused = true;
      this.session.pause();
    }
  }

  /** The session's process ended: flush its output, say so in a message of its own, half-close. */
  private finish(lastWords: string): void {
    if (this.closed) return;
    this.pending += this.decoder.end();
    this.flush();
    this.sendStopMessage(lastWords);
    this.closeStream();
  }

  private abandon(why: 'nms-closed' | 'stream-error'): void {
    if (this.closed) return;
    this.why = why;
    this.closed = true;
    if (!this.session.ended) this.session.kill(SIGNAL_HUP);
    this.opts.onClose?.(why);
  }

  private closeStream(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.stream.end();
    } catch {
      /* the stream may already be gone */
    }
    this.opts.onClose?.(this.why);
  }
}

const EOM = Buffer.from(']]>]]>');
const CHUNKED_END = Buffer.from('\n##\n');

/** True when `chunk` ends (before trailing newlines) with a NETCONF 1.0 or 1.1 end of message. */
export function endsNetconfMessage(chunk: Buffer): boolean {
  let end = chunk.length;
  while (end > 0 && (chunk[end - 1] === 0x0a || chunk[end - 1] === 0x0d)) end--;
  if (end >= EOM.length && chunk.subarray(end - EOM.length, end).equals(EOM)) return true;
  return chunk.length >= CHUNKED_END.length && chunk.subarray(chunk.length - CHUNKED_END.length).equals(CHUNKED_END);
}

/** The longest prefix of `text` whose UTF-8 form fits in maxBytes, never splitting a character. */
export function takeUtf8Prefix(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.codePointAt(i)!;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += code > 0xffff ? 2 : 1;
  }
  return text.slice(0, Math.max(i, 1));
}
