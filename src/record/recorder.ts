/**
 * Session recording (`--record DIR`): every session a face opens (outbound HTTPS or SSH,
 * NETCONF or csh, built in or bridged) is wrapped at the ByteSession seam and written as
 * one transcript file of JSON lines:
 *
 *   {"type":"session","format":"nc-grpc-device-transcript/1","started":"...","face":"ssh","kind":"netconf",...}
 *   {"t":0.004,"dir":"out","msg":"<!-- ... --><hello>...</hello>"}     NETCONF: one decoded message
 *   {"t":0.020,"dir":"in","msg":"<rpc message-id=\"1\">...</rpc>"}
 *   {"t":1.500,"dir":"out","data":"% "}                                 csh (or undecodable bytes): text
 *   {"t":1.600,"dir":"in","b64":"..."}                                 bytes that are not UTF-8
 *   {"t":9.000,"type":"end","exitCode":0,"signal":null}
 *
 * `t` is seconds since the session opened; `in` is what the NMS (or SSH client) sent the
 * device, `out` what the device answered. Secrets never reach the file (redact.ts). Each
 * transcript is bounded (maxFileBytes: past it, one `truncated` line and nothing more but
 * the end), and the directory is bounded (maxTotalBytes: the oldest finished transcripts
 * are removed when a new one starts).
 */
import { EventEmitter } from 'node:events';
import { closeSync, createWriteStream, lstatSync, mkdirSync, openSync, readdirSync, unlinkSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { silentLogger, type Logger } from '../log.js';
import { UsageError } from '../errors.js';
import type { ByteSession, SessionEnd } from '../session/byte-session.js';
import { FrameDecoder } from '../netconf/framing.js';
import { PASSWORD_PROMPT, REDACTED, redactSecrets } from './redact.js';

export const TRANSCRIPT_FORMAT = 'nc-grpc-device-transcript/1';
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_TOTAL_BYTES = 256 * 1024 * 1024;
/** How long a count of the directory's bytes is trusted (see Recorder.prune). */
const RECOUNT_MS = 10_000;
/** NETCONF output kept to record what follows the last message (see flushUnframed). */
const TAIL_BYTES = 4096;
/** Room kept in every transcript for its `truncated` and `end` lines. */
const END_RESERVE = 512;

export interface SessionMeta {
  /** The face the session came in by. */
  face: 'outbound-https' | 'ssh' | 'stdio';
  /** netconf, csh (outbound), shell (an SSH login) or command (ssh host "command"). */
  kind: 'netconf' | 'csh' | 'shell' | 'command';
  /** The device's host name (its number in a fleet, when it has one). */
  device: string;
  deviceNumber?: number;
  /** What serves the session (`built-in NETCONF server (...)`, `ssh lab@10.0.0.1:22`). */
  backend?: string;
  /** The session's user (an SSH login, the JET app's user). */
  user?: string;
  /** The SSH client's address. */
  peer?: string;
  /** The command of a `command` session. */
  command?: string;
}

export interface RecorderOptions {
  dir: string;
  maxFileBytes?: number;
  maxTotalBytes?: number;
  logger?: Logger;
}

/** `16M`, `512k`, `1G` or a plain number of bytes. */
export function parseByteSize(v: string | number, what: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return Math.floor(v);
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(String(v));
  if (!m) throw new UsageError(`${what}: want a size in bytes such as 16M, 512k or 1G (got "${v}")`);
  const n = Number(m[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  if (!(n >= 4096)) throw new UsageError(`${what}: at least 4k (got "${v}")`);
  return Math.floor(n);
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'device';
}

export class Recorder {
  readonly dir: string;
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
  private readonly log: Logger;
  private seq = 0;
  /** Transcripts being written now (never removed by the bound on the directory). */
  private readonly open = new Set<string>();
  private warnedFull = false;
  /** Bytes in the directory: as last counted, plus what this recorder wrote since (-1: not counted yet). */
  private estimate = -1;
  private countedAt = 0;

  constructor(opts: RecorderOptions) {
    this.dir = path.resolve(opts.dir);
    this.maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.maxTotalBytes = Math.max(opts.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES, this.maxFileBytes);
    this.log = opts.logger ?? silentLogger;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const st = lstatSync(this.dir);
      if (!st.isDirectory()) throw new Error('not a directory');
      // A directory we can write: found out now, not at the first session.
      const probe = path.join(this.dir, `.probe-${process.pid}-${Date.now()}`);
      closeSync(openSync(probe, 'wx', 0o600));
      unlinkSync(probe);
    } catch (err) {
      throw new UsageError(`--record ${opts.dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}: cannot write transcripts there`);
    }
  }

  /** The session, recorded: use what this returns in place of `session`. */
  wrap(session: ByteSession, meta: SessionMeta): ByteSession {
    this.prune();
    const started = new Date();
    const stamp = started.toISOString().replace(/[-:]/g, '').replace(/\.(\d+)Z$/, '.$1Z');
    const name = `${stamp}-${safeName(meta.device)}-${meta.face}-${meta.kind}-${process.pid}${threadId ? `.${threadId}` : ''}-${++this.seq}.jsonl`;
    const file = path.join(this.dir, name);
    let out: WriteStream | undefined;
    try {
      out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
    } catch (err) {
      this.log.warn({ reason: (err as Error).message }, 'recording: cannot open a transcript; the session goes on unrecorded');
      return session;
    }
    this.open.add(file);
    out.on('error', (err) => {
      if (!this.warnedFull) this.log.warn({ file, reason: err.message }, 'recording: a transcript could not be written (full disk?); that session goes on unrecorded');
      this.warnedFull = true;
      writer.failed = true;
    });
    out.on('close', () => this.open.delete(file));
    const writer = new TranscriptWriter(out, this.maxFileBytes, started.getTime(), (n) => {
      if (this.estimate >= 0) this.estimate += n;
    });
    writer.line({ type: 'session', format: TRANSCRIPT_FORMAT, started: started.toISOString(), ...meta, ...(meta.backend ? { backend: stripPassword(meta.backend) } : {}) });
    return new RecordingSession(session, writer, meta.kind === 'netconf');
  }

  /**
   * Removes the oldest finished transcripts until a new one fits under maxTotalBytes. The
   * directory is counted again when the running estimate (last count plus what this
   * recorder wrote since) nears the bound, or every RECOUNT_MS (other threads and processes
   * may write there too): a busy fleet does not list the directory for every session.
   */
  private prune(): void {
    const budget = this.maxTotalBytes - this.maxFileBytes;
    if (this.estimate >= 0 && this.estimate <= budget && Date.now() - this.countedAt < RECOUNT_MS) return;
    const entries: { file: string; size: number; mtime: number }[] = [];
    try {
      for (const n of readdirSync(this.dir)) {
        if (!n.endsWith('.jsonl')) continue;
        const file = path.join(this.dir, n);
        try {
          const st = lstatSync(file);
          if (st.isFile()) entries.push({ file, size: st.size, mtime: st.mtimeMs });
        } catch {
          /* removed meanwhile */
        }
      }
    } catch {
      return;
    }
    let total = entries.reduce((n, e) => n + e.size, 0);
    if (total > budget) {
      entries.sort((a, b) => a.mtime - b.mtime);
      for (const e of entries) {
        if (total <= budget) break;
        if (this.open.has(e.file)) continue;
        try {
          unlinkSync(e.file);
        } catch {
          /* gone already */
        }
        total -= e.size;
      }
    }
    this.estimate = total;
    this.countedAt = Date.now();
  }
}

/** `ssh://user:password@host` shown without its password. */
export function stripPassword(s: string): string {
  return s.replace(/(\/\/[^:@/\s]+):[^@/\s]*@/g, '$1@');
}

class TranscriptWriter {
  private bytes = 0;
  private truncated = false;
  failed = false;

  constructor(
    private readonly out: WriteStream,
    private readonly max: number,
    private readonly t0: number,
    private readonly onBytes: (n: number) => void,
  ) {}

  get t(): number {
    return Math.round(Date.now() - this.t0) / 1000;
  }

  line(entry: Record<string, unknown>, always = false): void {
    if (this.failed || this.out.destroyed || this.out.writableEnded) return;
    const text = JSON.stringify(entry) + '\n';
    const size = Buffer.byteLength(text);
    if (!always) {
      if (this.truncated) return;
      if (this.bytes + size > this.max - END_RESERVE) {
        this.truncated = true;
        const note = JSON.stringify({ t: this.t, type: 'truncated', reason: `transcript reached ${this.max} bytes` }) + '\n';
        this.bytes += note.length;
        this.onBytes(note.length);
        this.out.write(note);
        return;
      }
    } else if (this.bytes + size > this.max) return;
    this.bytes += size;
    this.onBytes(size);
    this.out.write(text);
  }

  end(): void {
    if (!this.out.writableEnded) this.out.end();
  }
}

/** Bytes of one direction: NETCONF messages (framing removed), or text. */
class DirectionDecoder {
  readonly frames = new FrameDecoder(DEFAULT_MAX_FILE_BYTES);
  /** Framing failed (or this is no NETCONF): plain text from here on. */
  raw: boolean;
  messages = 0;

  constructor(netconf: boolean) {
    this.raw = !netconf;
  }
}

class RecordingSession extends EventEmitter implements ByteSession {
  private readonly dirs: { in: DirectionDecoder; out: DirectionDecoder };
  private hellos: { in?: string; out?: string } = {};
  /** The last TAIL_BYTES of NETCONF output, for what follows the last framed message. */
  private outTail: Buffer = Buffer.alloc(0);
  /** The last output of a shell, to see a password prompt. */
  private tail = '';
  private secretInput = false;
  resize?: (cols: number, rows: number) => void;
  pause?: () => void;
  resume?: () => void;

  constructor(
    private readonly inner: ByteSession,
    private readonly w: TranscriptWriter,
    netconf: boolean,
  ) {
    super();
    this.dirs = { in: new DirectionDecoder(netconf), out: new DirectionDecoder(netconf) };
    const resizable = inner as ByteSession & { resize?: (c: number, r: number) => void };
    if (typeof resizable.resize === 'function') this.resize = (c, r) => resizable.resize!(c, r);
    // Flow control only where the session has it (faces look for these methods).
    if (inner.pause && inner.resume) {
      this.pause = () => inner.pause!();
      this.resume = () => inner.resume!();
    }
    inner.on('data', (chunk: Buffer) => {
      if (netconf) this.outTail = chunk.length >= TAIL_BYTES ? chunk.subarray(chunk.length - TAIL_BYTES) : Buffer.concat([this.outTail, chunk]).subarray(-TAIL_BYTES);
      this.record('out', chunk);
      this.emit('data', chunk);
    });
    inner.on('drain', () => this.emit('drain'));
    inner.once('end', (end: SessionEnd) => {
      this.flushUnframed();
      this.w.line({ t: this.w.t, type: 'end', exitCode: end?.exitCode ?? null, signal: end?.signal ?? null }, true);
      this.w.end();
      this.emit('end', end);
    });
  }

  get ended(): boolean {
    return this.inner.ended;
  }

  write(data: Buffer | string): boolean | void {
    this.record('in', typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    return this.inner.write(data);
  }

  kill(signal: number): void {
    this.inner.kill(signal);
  }


  private record(dir: 'in' | 'out', chunk: Buffer): void {
    try {
      const d = this.dirs[dir];
      if (d.raw) return this.recordRaw(dir, chunk);
      d.frames.push(chunk, (ev) => {
        if (ev.kind === 'message') this.recordMessage(dir, ev.body.toString('utf8'));
        else if (ev.kind === 'oversize') this.w.line({ t: this.w.t, dir, type: 'oversize', bytes: ev.bytes });
        else {
          d.raw = true;
          // Junos's comment after close-session comes unframed; anything else is worth a note.
          if (!chunk.toString('utf8').trimStart().startsWith('<!--')) this.w.line({ t: this.w.t, dir, type: 'framing-error', message: ev.message });
        }
      });
      // From a framing error on, bytes are text: this piece whole (the decoder dropped it).
      if (d.raw) this.recordRaw(dir, chunk);
    } catch {
      /* recording never breaks a session */
    }
  }

  /**
   * Output after the last framed message, at the session's end: Junos's `<!-- session end
   * at ... -->` after close-session comes without an end-of-message marker.
   */
  private flushUnframed(): void {
    const d = this.dirs.out;
    const pending = d.frames.bufferedBytes;
    if (d.raw || pending <= 0 || pending > this.outTail.length) return;
    const text = this.outTail.subarray(this.outTail.length - pending).toString('utf8').replace(/^\s+/, '');
    if (text.trim()) this.w.line({ t: this.w.t, dir: 'out', data: redactSecrets(text) });
  }

  private recordMessage(dir: 'in' | 'out', text: string): void {
    const d = this.dirs[dir];
    const body = text.replace(/^[\s\uFEFF]+/, '').replace(/\s+$/, '');
    if (!body) return;
    if (d.messages++ === 0) {
      this.hellos[dir] = body;
      // Chunked framing once both hellos name base:1.1 (RFC 6242), as both peers do.
      const v11 = (h?: string) => !!h && h.includes('urn:ietf:params:netconf:base:1.1');
      if (v11(this.hellos.in) && v11(this.hellos.out)) {
        this.dirs.in.frames.mode = 'chunked';
        this.dirs.out.frames.mode = 'chunked';
      }
    }
    this.w.line({ t: this.w.t, dir, msg: redactSecrets(body) });
  }

  private recordRaw(dir: 'in' | 'out', chunk: Buffer): void {
    const text = chunk.toString('utf8');
    const utf8 = Buffer.byteLength(text) === chunk.length && !text.includes('\uFFFD');
    if (dir === 'out') {
      this.tail = (this.tail + text).slice(-200);
      if (PASSWORD_PROMPT.test(this.tail.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''))) this.secretInput = true;
    } else if (this.secretInput) {
      // What is typed at a password prompt, up to the end of the line, is never written.
      const eol = /[\r\n]/.exec(text);
      this.w.line({ t: this.w.t, dir, data: REDACTED + (eol ? eol[0] : '') });
      if (eol) {
        this.secretInput = false;
        this.tail = '';
      }
      return;
    }
    if (utf8) this.w.line({ t: this.w.t, dir, data: redactSecrets(text) });
    else this.w.line({ t: this.w.t, dir, b64: chunk.toString('base64') });
  }
}
