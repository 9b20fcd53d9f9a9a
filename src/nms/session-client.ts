/**
 * The operator side of `nc-grpc-device session`: asks a running `nms` (its operator port)
 * for a session with a device, then bridges like Juniper's request_session.py: each input
 * line is one command, device messages go to the output as they come, end of input closes
 * the session properly, and the run ends when the device has ended the session.
 */
import net from 'node:net';
import { createInterface } from 'node:readline';
import { readLines, sendLine, type OpsRequest } from './ops-protocol.js';

/** What a device sends first on a csh session. */
const CSH_STARTED = 'csh session is started';

/** What a device sends as its own last message (request_session.py exits on it). */
const STOPPING = 'Client is stopping,';
const STOPPING_GRACE_MS = 5000;

export interface SessionClientIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** One-line notices (session opened / ended), kept apart from the device's output. */
  notice: (line: string) => void;
}

export class SessionClientError extends Error {
  readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = 'SessionClientError';
  }
}

/** Splits `host:port` (IPv6 as `[addr]:port`); throws on a malformed value. */
export function parseHostPort(v: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(v.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) throw new Error(`expected HOST:PORT, got ${JSON.stringify(v)}`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/**
 * Runs one operator session to its end. Resolves with the reason the session ended;
 * rejects with a one-line SessionClientError when the NMS refuses or cannot be reached.
 */
export function runSessionClient(ops: { host: string; port: number }, request: OpsRequest, io: SessionClientIo): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(ops.port, ops.host);
    let state: 'connecting' | 'requested' | 'open' | 'done' = 'connecting';
    let lines: ReturnType<typeof createInterface> | undefined;
    let lastChar = '\n';
    let stopTimer: NodeJS.Timeout | undefined;
    const end = (reason: string): void => {
      if (lastChar !== '\n') io.output.write('\n');
      io.notice(`session ended (${reason})`);
      finish(undefined, reason);
    };
    const finish = (err: Error | undefined, reason = ''): void => {
      if (state === 'done') return;
      state = 'done';
      clearTimeout(stopTimer);
      lines?.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      sock.end();
      if (err) reject(err);
      else resolve(reason);
    };
    const onSignal = (): void => {
      if (state === 'open') sendLine(sock, { close: true });
      else finish(new SessionClientError('interrupted before the session opened'));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    sock.on('error', (err: NodeJS.ErrnoException) => {
      finish(new SessionClientError(`cannot reach the NMS operator port ${ops.host}:${ops.port}: ${err.code ?? err.message}`));
    });
    sock.on('close', () => {
      if (state === 'open' || state === 'requested') finish(new SessionClientError(`the NMS closed the operator connection before the session ended`));
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
          io.notice(`session open with ${String(o.device ?? 'device')} at ${String(o.peer)} (${String(o.type)})`);
          lines = createInterface({ input: io.input, crlfDelay: Infinity });
          lines.on('line', (line) => sendLine(sock, { command: line }));
          // End of input: the operator leaves; the session ends when the device half-closes.
          lines.on('close', () => {
            if (state === 'open') sendLine(sock, { close: true });
          });
          return;
        }
        if (state !== 'open') return;
        if (typeof o.message === 'string') {
          // The device's own status messages get a line of their own; session output is as sent.
          const status = o.message === CSH_STARTED || o.message.startsWith(STOPPING);
          const text = status ? `${lastChar === '\n' ? '' : '\n'}${o.message}\n` : o.message;
          io.output.write(text);
          if (text.length > 0) lastChar = text[text.length - 1];
          // The device says it is stopping; its half-close (and our end line) normally follows at once.
          if (o.message.startsWith(STOPPING) && !stopTimer) {
            stopTimer = setTimeout(() => end('device-stopping'), STOPPING_GRACE_MS);
          }
        } else if (typeof o.end === 'string') end(o.end);
      },
      (line) => finish(new SessionClientError(`unexpected line from the NMS operator port: ${JSON.stringify(line.slice(0, 80))}`)),
    );
  });
}
