/**
 * The operator side of `nc-grpc-device session`: asks a running `nms` (its operator port)
 * for a session with a device, then bridges like Juniper's request_session.py: each input
 * line is one command, device messages go to the output as they come. Unlike that script,
 * end of input does not cut the session at once: the client first waits for what it asked
 * for (NETCONF: a reply to every <rpc> sent; csh: output idle for `idleMs`), bounded by
 * `waitMs`, then closes the session properly; the run ends when the device has ended it.
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
  /** csh, at end of input: close once the output has been idle this long (default 1000 ms). */
  idleMs?: number;
  /** The longest wait, at end of input, for replies, the end marker or idle output (default 60 s). */
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
  if (rows.length === 1) return 'no device is waiting and no session is open\n';
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

/**
 * Runs one operator session to its end. Resolves with how it ended; rejects with a one-line
 * SessionClientError when the NMS refuses or cannot be reached.
 */
export function runSessionClient(ops: { host: string; port: number }, request: OpsRequest, io: SessionClientIo, opts: SessionClientOptions = {}): Promise<SessionResult> {
  const idleMs = opts.idleMs ?? 1000;
  const waitMs = opts.waitMs ?? 60_000;
  const oneShot = opts.commands !== undefined;
  const netconf = request.op === 'basic-session' || (request.op === 'session' && request.type === 'netconf');
  return new Promise((resolve, reject) => {
    const sock = net.connect(ops.port, ops.host);
    let state: 'connecting' | 'requested' | 'open' | 'closing' | 'done' = 'connecting';
    let lines: ReturnType<typeof createInterface> | undefined;
    let lastChar = '\n';
    let stopTimer: NodeJS.Timeout | undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    let waitTimer: NodeJS.Timeout | undefined;
    let rpcsSent = 0;
    let complete = true;
    let draining = false;
    // One-shot csh: a marker echoed after the commands says they are done; the command that
    // prints it differs from what it prints, so an echoing shell does not end it early.
    const tag = randomBytes(6).toString('hex');
    const marker = `__ncgd_end_${tag}__`;
    const markerCommand = `echo __ncgd_''end_${tag}__`;
    let cshHeld = '';
    let markerSeen = false;

    const write = (text: string): void => {
      if (!text) return;
      io.output.write(text);
      lastChar = text[text.length - 1];
    };
    const scanner = new NetconfScanner(
      oneShot
        ? (msg, isReply) => {
            // One-shot NETCONF prints the replies, each with its end-of-message mark.
            if (isReply) write(`${msg.replace(/^\s+/, '')}${EOM}\n`);
          }
        : undefined,
    );

    const result = (reason: string): SessionResult => ({ reason, complete, rpcsSent, repliesReceived: scanner.replies, rpcError: scanner.rpcError });
    const end = (reason: string): void => {
      if (oneShot && !netconf && !markerSeen) write(cshHeld);
      if (lastChar !== '\n') io.output.write('\n');
      if (!oneShot) io.notice(`session ended (${reason})`);
      if (draining && state === 'open') {
        // The device ended the session before we had what we waited for.
        complete = netconf ? scanner.replies >= rpcsSent : oneShot ? markerSeen || reason === 'device-closed' : true;
      }
      finish(undefined, reason);
    };
    const finish = (err: Error | undefined, reason = ''): void => {
      if (state === 'done') return;
      state = 'done';
      clearTimeout(stopTimer);
      clearTimeout(idleTimer);
      clearTimeout(waitTimer);
      lines?.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      sock.end();
      if (err) reject(err);
      else resolve(result(reason));
    };
    /** The operator leaves: the NMS sends the exit text with kill signal 2. */
    const close = (): void => {
      if (state !== 'open') return;
      state = 'closing';
      clearTimeout(idleTimer);
      clearTimeout(waitTimer);
      sendLine(sock, { close: true });
    };
    const onSignal = (): void => {
      if (state === 'open' || state === 'closing') close();
      else finish(new SessionClientError('interrupted before the session opened'));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    /** Whether what was sent has had its answer. */
    const answered = (): boolean => (netconf ? scanner.replies >= rpcsSent : oneShot ? markerSeen : false);
    /** End of input (or of the one-shot commands): wait for the answers, then close. */
    const drain = (): void => {
      if (state !== 'open' || draining) return;
      draining = true;
      if (answered()) {
        close();
        return;
      }
      waitTimer = setTimeout(() => {
        if (state !== 'open') return;
        if (netconf || oneShot) {
          complete = false;
          io.notice(
            netconf
              ? `gave up waiting after ${waitMs / 1000} s: ${rpcsSent - scanner.replies} of ${rpcsSent} replies missing`
              : `gave up waiting after ${waitMs / 1000} s for the commands to finish`,
          );
        }
        close();
      }, waitMs);
      if (!netconf && !oneShot) armIdle();
    };
    const armIdle = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => close(), idleMs);
    };
    const send = (command: string): void => {
      if (netconf) rpcsSent += countRpcs(`${command}\n`);
      sendLine(sock, { command });
    };

    const onDeviceText = (text: string): void => {
      if (netconf) scanner.push(text);
      if (!oneShot) {
        write(text);
      } else if (!netconf && !markerSeen) {
        // Print the commands' output up to the marker; hold back what could be its start.
        cshHeld += text;
        const at = cshHeld.indexOf(marker);
        if (at >= 0) {
          write(cshHeld.slice(0, at));
          cshHeld = '';
          markerSeen = true;
        } else {
          const keep = Math.min(cshHeld.length, marker.length);
          write(cshHeld.slice(0, cshHeld.length - keep));
          cshHeld = cshHeld.slice(cshHeld.length - keep);
        }
      }
      if (draining && state === 'open') {
        if (answered()) close();
        else if (!netconf && !oneShot) armIdle();
      }
    };

    sock.on('error', (err: NodeJS.ErrnoException) => {
      finish(new SessionClientError(`cannot reach the NMS operator port ${ops.host}:${ops.port}: ${err.code ?? err.message}`));
    });
    sock.on('close', () => {
      if (state === 'open' || state === 'closing' || state === 'requested') finish(new SessionClientError(`the NMS closed the operator connection before the session ended`));
    });
    sock.on('connect', () => {
      state = 'requested';
      sendLine(sock, request);
    });
    readLines(
      sock,
      (o) => {
        if (state === 'requested') {
          if (o.ok !== true) {
            finish(new SessionClientError(typeof o.error === 'string' ? o.error : 'the NMS refused the request'));
            return;
          }
          if (request.op === 'list') {
            io.output.write(`${JSON.stringify({ waiting: o.waiting, waitingBasic: o.waitingBasic, sessions: o.sessions })}\n`);
            finish(undefined, 'listed');
            return;
          }
          state = 'open';
          if (!oneShot) io.notice(`session open with ${String(o.device ?? 'device')} at ${String(o.peer)} (${String(o.type)})`);
          if (oneShot) {
            for (const c of opts.commands!) send(c);
            if (!netconf) send(markerCommand);
            drain();
            return;
          }
          lines = createInterface({ input: io.input, crlfDelay: Infinity });
          lines.on('line', (line) => {
            if (state === 'open') send(line);
          });
          // End of input: wait for the answers, then the operator leaves; the session ends
          // when the device half-closes.
          lines.on('close', () => drain());
          return;
        }
        if (state !== 'open' && state !== 'closing') return;
        if (typeof o.message === 'string') {
          // The device's own status messages get a line of their own; session output is as sent.
          const status = o.message === MSG_CSH_STARTED || o.message.startsWith(STOP_MESSAGE_PREFIX);
          if (status) {
            if (!oneShot) write(`${lastChar === '\n' ? '' : '\n'}${o.message}\n`);
          } else onDeviceText(o.message);
          // The device says it is stopping; its half-close (and our end line) normally follows at once.
          if (o.message.startsWith(STOP_MESSAGE_PREFIX) && !stopTimer) {
            stopTimer = setTimeout(() => end('device-stopping'), STOPPING_GRACE_MS);
          }
        } else if (typeof o.end === 'string') end(o.end);
      },
      (line) => finish(new SessionClientError(`unexpected line from the NMS operator port: ${JSON.stringify(line.slice(0, 80))}`)),
    );
  });
}
