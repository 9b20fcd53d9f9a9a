/**
 * The operator side of `nc-grpc-device session`: asks a running `nms` (its operator port)
 * for a session with a device, then bridges like Juniper's request_session.py: each input
 * line is one command, device messages go to the output as they come. Unlike that script,
 * end of input does not cut the session at once. It means what it means to `ssh host <
 * script`: csh gets `exit` after the commands and the client waits for the device to end
 * the session (however long the commands are silent); NETCONF waits for a reply to every
 * <rpc> sent, then closes the session properly. Both waits are bounded by `waitMs`. A
 * session whose connection was cut (not closed by the device) ends as "connection lost".
 *
 * One-shot use (`commands` given) sends those commands instead of reading input and prints
 * only their output: for csh what the commands printed (an end marker echoed after them
 * says when they are done), for NETCONF the rpc-replies. The result says whether what was
 * asked for came, so the command can exit non-zero with one line when it did not.
 */
import { RuntimeError } from '../errors.js';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { readLines, sendLine, type OpsRequest } from './ops-protocol.js';
import { MSG_CSH_STARTED, STOP_MESSAGE_PREFIX } from '../wire/contract.js';
import { printable } from '../printable.js';

/** A device's last message starts with STOP_MESSAGE_PREFIX (request_session.py exits on it). */
const STOPPING_GRACE_MS = 5000;

/** NETCONF 1.0 end of message. */
const EOM = ']]>]]>';

export interface SessionClientIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** One-line notices (session opened / ended), kept apart from the device's output. */
  notice: (line: string) => void;
}

export interface SessionClientOptions {
  /**
   * The longest wait, at end of input, for the replies (NETCONF), the end marker (one-shot
   * csh) or the device to end the session after `exit` (piped csh); default 60 s.
   */
  waitMs?: number;
  /** One-shot: send these commands (csh command lines, or NETCONF RPC documents) instead of reading input. */
  commands?: string[];
}

/** How a session run ended. */
export interface SessionResult {
  /** Why the session ended (device-closed, close-timeout, nms-ended, cancelled, device-stopping). */
  reason: string;
  /** False when what was sent did not get its answer (replies missing, end marker not seen). */
  complete: boolean;
  /** NETCONF: replies expected and received. */
  rpcsSent: number;
  repliesReceived: number;
  /** NETCONF: the first <error-message> of a reply with an rpc-error of severity error. */
  rpcError?: string;
}

/** A session the `session` command could not run as asked (exit 1). */
export class SessionClientError extends RuntimeError {}

/** Splits `host:port` (IPv6 as `[addr]:port`); throws on a malformed value. */
export function parseHostPort(v: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(v.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) throw new Error(`expected HOST:PORT, got ${JSON.stringify(v)}`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** `<rpc ...>` start tags in text an operator sent (not `<rpc-reply>` or `<rpc-error>`). */
export function countRpcs(text: string): number {
  return (text.match(/<rpc[\s>/]/g) ?? []).length;
}

/** An RPC as `--rpc` gives it: a bare operation name, an operation element, or a whole <rpc>. */
export function rpcDocument(text: string): string {
  let t = text.trim();
  if (/^[A-Za-z][\w-]*$/.test(t)) t = `<${t}/>`;
  if (t.endsWith(EOM)) t = t.slice(0, -EOM.length).trimEnd();
  if (!/^(<\?xml[^>]*\?>\s*)?<rpc[\s>/]/.test(t)) t = `<rpc>${t}</rpc>`;
  return `${t}${EOM}`;
}

/**
 * Reads NETCONF 1.0 messages from device output as it comes: counts the rpc-replies and keeps
 * the first error message of a reply carrying an error. `onMessage` gets each whole message.
 */
class NetconfScanner {
  messages = 0;
  replies = 0;
  rpcError: string | undefined;
  private current = '';
  constructor(private readonly onMessage?: (text: string, isReply: boolean) => void) {}

  push(text: string): void {
    this.current += text;
    let at: number;
    while ((at = this.current.indexOf(EOM)) >= 0) {
      const msg = this.current.slice(0, at);
      this.current = this.current.slice(at + EOM.length);
      this.messages++;
      const isReply = /<rpc-reply[\s>]/.test(msg);
      if (isReply) {
        this.replies++;
        if (this.rpcError === undefined && /<error-severity>\s*error\s*</.test(msg)) {
          this.rpcError = (/<error-message[^>]*>([\s\S]*?)<\/error-message>/.exec(msg)?.[1] ?? 'rpc-error').trim().replace(/\s+/g, ' ');
        }
      }
      this.onMessage?.(msg, isReply);
    }
  }
}

/** Asks the NMS which devices wait and which sessions are open. */
export async function fetchList(ops: { host: string; port: number }): Promise<ListAnswer> {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  await runSessionClient(ops, { op: 'list' }, { input: process.stdin, output: sink, notice: () => {} });
  return JSON.parse(chunks.join('')) as ListAnswer;
}

export interface ListAnswer {
  waiting: Record<string, number>;
  waitingBasic: number;
  sessions: { peer: string; device?: string; type: string; protocol: string }[];
}

/** The list as a readable table. */
export function formatList(l: ListAnswer): string {
  const rows: string[][] = [['DEVICE', 'STATE', 'TYPE', 'PEER']];
  for (const [device, n] of Object.entries(l.waiting)) rows.push([device, `waiting (${n} Initialize${n === 1 ? '' : 's'})`, '', '']);
  if (l.waitingBasic) rows.push(['(basic)', `waiting (${l.waitingBasic} stream${l.waitingBasic === 1 ? '' : 's'})`, 'netconf', '']);
  for (const s of l.sessions) rows.push([s.device ?? '(basic)', `in session (${s.protocol})`, s.type, s.peer]);
  for (const r of rows) r.forEach((c, i) => (r[i] = printable(String(c))));
  if (rows.length === 1) return 'no device is waiting and no session is open\n';
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

/**
 * Runs one operator session to its end. Resolves with how it ended; rejects with a one-line
 * SessionClientError when the NMS refuses or cannot be reached.
 */
export function runSessionClient(ops: { host: string; port: number }, request: OpsRequest, io: SessionClientIo, opts: SessionClientOptions = {}): Promise<SessionResult> {
  return new Promise((resolve, reject) => new SessionRun(ops, request, io, opts, resolve, reject).start());
}

/** What the NMS says when the session's RPC was cut rather than closed by the device. */
const LOST_REASONS = new Set(['cancelled']);

/** The words for an end reason, as the operator reads them. */
export function describeEnd(reason: string): string {
  return LOST_REASONS.has(reason) ? 'connection lost' : reason;
}

/** Whether the reason means the connection to the device was lost (not a close by either side). */
export function isConnectionLost(reason: string): boolean {
  return LOST_REASONS.has(reason);
}

/**
 * One run of the session client: the operator connection (connect, request, answers),
 * the input (piped lines or one-shot commands), the device's output (printed, scanned),
 * and the end (answers awaited, exit sent, bounded by the wait).
 */
class SessionRun {
  private readonly waitMs: number;
  private readonly oneShot: boolean;
  private readonly netconf: boolean;
  private readonly sock: net.Socket;
  private state: 'connecting' | 'requested' | 'open' | 'closing' | 'done' = 'connecting';
  private lines: ReturnType<typeof createInterface> | undefined;
  private lastChar = '\n';
  private stopTimer: NodeJS.Timeout | undefined;
  private waitTimer: NodeJS.Timeout | undefined;
  private rpcsSent = 0;
  private complete = true;
  private draining = false;
  // One-shot csh: a marker echoed after the commands says they are done; the command that
  // prints it differs from what it prints, so an echoing shell does not end it early.
  private readonly marker: string;
  private readonly markerCommand: string;
  private cshHeld = '';
  private markerSeen = false;
  private readonly scanner: NetconfScanner;
  private readonly onSignal = (): void => {
    if (this.state === 'open' || this.state === 'closing') this.close();
    else this.finish(new SessionClientError('interrupted before the session opened'));
  };

  constructor(
    private readonly ops: { host: string; port: number },
    private readonly request: OpsRequest,
    private readonly io: SessionClientIo,
    private readonly opts: SessionClientOptions,
    private readonly resolve: (r: SessionResult) => void,
    private readonly reject: (e: Error) => void,
  ) {
    this.waitMs = opts.waitMs ?? 60_000;
    this.oneShot = opts.commands !== undefined;
    this.netconf = request.op === 'basic-session' || (request.op === 'session' && request.type === 'netconf');
    const tag = randomBytes(6).toString('hex');
    this.marker = `__ncgd_end_${tag}__`;
    this.markerCommand = `echo __ncgd_''end_${tag}__`;
    this.scanner = new NetconfScanner(
      this.oneShot
        ? (msg, isReply) => {
            // One-shot NETCONF prints the replies, each with its end-of-message mark.
            if (isReply) this.write(`${msg.replace(/^\s+/, '')}${EOM}\n`);
          }
        : undefined,
    );
    this.sock = net.connect(ops.port, ops.host);
  }

  // --- the operator connection -------------------------------------------------------

  start(): void {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    const { sock, ops } = this;
    sock.on('error', (err: NodeJS.ErrnoException) => {
      this.finish(new SessionClientError(`cannot reach the NMS operator port ${ops.host}:${ops.port}: ${err.code ?? err.message}`));
    });
    sock.on('close', () => {
      if (this.state === 'open' || this.state === 'closing' || this.state === 'requested') this.finish(new SessionClientError('the NMS closed the operator connection before the session ended'));
    });
    sock.on('connect', () => {
      this.state = 'requested';
      sendLine(sock, this.request);
    });
    readLines(
      sock,
      (o) => (this.state === 'requested' ? this.onAnswer(o) : this.onSessionLine(o)),
      (line) => this.finish(new SessionClientError(`unexpected line from the NMS operator port: ${JSON.stringify(line.slice(0, 80))}`)),
    );
  }

  /** The NMS's answer to the request: refused, a list, or the session open. */
  private onAnswer(o: Record<string, unknown>): void {
    if (o.ok !== true) {
      this.finish(new SessionClientError(typeof o.error === 'string' ? o.error : 'the NMS refused the request'));
      return;
    }
    if (this.request.op === 'list') {
      this.io.output.write(`${JSON.stringify({ waiting: o.waiting, waitingBasic: o.waitingBasic, sessions: o.sessions })}\n`);
      this.finish(undefined, 'listed');
      return;
    }
    this.state = 'open';
    if (this.oneShot) {
      for (const c of this.opts.commands!) this.send(c);
      if (!this.netconf) this.send(this.markerCommand);
      this.drain();
      return;
    }
    this.io.notice(printable(`session open with ${String(o.device ?? 'device')} at ${String(o.peer)} (${String(o.type)})`));
    this.lines = createInterface({ input: this.io.input, crlfDelay: Infinity });
    this.lines.on('line', (line) => {
      if (this.state === 'open' && !this.draining) this.send(line);
    });
    // End of input: send what ends the session, wait for the device to end it.
    this.lines.on('close', () => this.drain());
  }

  /** A line of the open session: device output, a status message, or its end. */
  private onSessionLine(o: Record<string, unknown>): void {
    if (this.state !== 'open' && this.state !== 'closing') return;
    if (typeof o.message === 'string') {
      // The device's own status messages get a line of their own; session output is as sent.
      const status = o.message === MSG_CSH_STARTED || o.message.startsWith(STOP_MESSAGE_PREFIX);
      if (status) {
        if (!this.oneShot) this.write(`${this.lastChar === '\n' ? '' : '\n'}${o.message}\n`);
      } else this.onDeviceText(o.message);
      // The device says it is stopping; its half-close (and our end line) normally follows at once.
      if (o.message.startsWith(STOP_MESSAGE_PREFIX) && !this.stopTimer) {
        this.stopTimer = setTimeout(() => this.end('device-stopping'), STOPPING_GRACE_MS);
      }
    } else if (typeof o.end === 'string') this.end(o.end);
  }

  private send(command: string): void {
    if (this.netconf) this.rpcsSent += countRpcs(`${command}\n`);
    sendLine(this.sock, { command });
  }

  // --- the device's output -----------------------------------------------------------

  private write(text: string): void {
    if (!text) return;
    this.io.output.write(text);
    this.lastChar = text[text.length - 1];
  }

  private onDeviceText(text: string): void {
    if (this.netconf) this.scanner.push(text);
    if (!this.oneShot) this.write(text);
    else if (!this.netconf && !this.markerSeen) this.holdForMarker(text);
    if (this.draining && this.state === 'open' && this.answered()) this.close();
  }

  /** One-shot csh: print the commands' output up to the marker; hold back what could be its start. */
  private holdForMarker(text: string): void {
    this.cshHeld += text;
    const at = this.cshHeld.indexOf(this.marker);
    if (at >= 0) {
      this.write(this.cshHeld.slice(0, at));
      this.cshHeld = '';
      this.markerSeen = true;
      return;
    }
    const keep = Math.min(this.cshHeld.length, this.marker.length);
    this.write(this.cshHeld.slice(0, this.cshHeld.length - keep));
    this.cshHeld = this.cshHeld.slice(this.cshHeld.length - keep);
  }

  // --- the end ---------------------------------------------------------------------------

  /**
   * Whether what was sent has had its answer, so the client may close: NETCONF a reply to
   * every <rpc>, one-shot csh the marker. Piped csh never: it sent `exit` and waits for the
   * device to end the session, however long the commands are silent (bounded by the wait).
   */
  private answered(): boolean {
    if (this.netconf) return this.scanner.replies >= this.rpcsSent;
    return this.oneShot ? this.markerSeen : false;
  }

  /** End of input (or of the one-shot commands): wait for the answers, then close. */
  private drain(): void {
    if (this.state !== 'open' || this.draining) return;
    this.draining = true;
    // Piped csh: as `ssh host < script`, the end of the script ends the shell.
    if (!this.netconf && !this.oneShot) this.send('exit');
    if (this.answered()) {
      this.close();
      return;
    }
    this.waitTimer = setTimeout(() => {
      if (this.state !== 'open') return;
      this.complete = false;
      this.io.notice(
        this.netconf
          ? `gave up waiting after ${this.waitMs / 1000} s: ${this.rpcsSent - this.scanner.replies} of ${this.rpcsSent} replies missing`
          : this.oneShot
            ? `gave up waiting after ${this.waitMs / 1000} s for the commands to finish`
            : `gave up waiting after ${this.waitMs / 1000} s for the device to end the session after exit`,
      );
      this.close();
    }, this.waitMs);
  }

  /** The operator leaves: the NMS sends the exit text with kill signal 2. */
  private close(): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    clearTimeout(this.waitTimer);
    sendLine(this.sock, { close: true });
  }

  private end(reason: string): void {
    if (this.oneShot && !this.netconf && !this.markerSeen) this.write(this.cshHeld);
    if (this.lastChar !== '\n') this.io.output.write('\n');
    if (!this.oneShot) this.io.notice(printable(`session ended (${describeEnd(reason)})`));
    if (this.draining && this.state === 'open') {
      // The device ended the session before we had what we waited for (piped csh: that is the end asked for).
      this.complete = this.netconf ? this.scanner.replies >= this.rpcsSent : this.oneShot ? this.markerSeen || reason === 'device-closed' : true;
    }
    this.finish(undefined, reason);
  }

  private finish(err: Error | undefined, reason = ''): void {
    if (this.state === 'done') return;
    this.state = 'done';
    clearTimeout(this.stopTimer);
    clearTimeout(this.waitTimer);
    this.lines?.close();
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    this.sock.end();
    if (err) this.reject(err);
    else this.resolve({ reason, complete: this.complete, rpcsSent: this.rpcsSent, repliesReceived: this.scanner.replies, rpcError: this.scanner.rpcError });
  }
}
