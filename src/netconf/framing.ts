/**
 * NETCONF message framing over a byte stream: the end-of-message marker `]]>]]>`
 * (RFC 4742, what Junos speaks) and RFC 6242 chunked framing, used only once both
 * hellos advertise base:1.1. Input may arrive in any slicing: markers and chunk headers
 * split across reads, several messages in one read, one message in many reads.
 */

export const EOM = ']]>]]>';
const EOM_BYTES = Buffer.from(EOM, 'latin1');

export type FramingMode = 'eom' | 'chunked';

export type FrameEvent =
  /** One complete message, its bytes without framing. */
  | { kind: 'message'; body: Buffer }
  /** A message larger than the limit was dropped whole (its bytes were discarded). */
  | { kind: 'oversize'; bytes: number }
  /** The chunked stream broke its grammar; RFC 6242 says to end the session. */
  | { kind: 'framing-error'; message: string };

/** Default cap on one incoming message. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

type ChunkState =
  | { at: 'lf' } // expecting the '\n' that opens a chunk header or the end marker
  | { at: 'hash' } // expecting '#'
  | { at: 'size-or-end'; digits: string } // after "\n#": digits, or '#' for end
  | { at: 'end-lf' } // after "\n##": expecting '\n'
  | { at: 'data'; left: number };

/**
 * Turns a byte stream into messages. `push` reports events synchronously and re-reads
 * `mode` between messages, so a handler that switches to chunked framing after the
 * hello exchange affects the very next byte.
 */
export class FrameDecoder {
  mode: FramingMode = 'eom';
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes of the message being dropped for its size; -1 when not discarding. */
  private discarded = -1;
  private chunk: ChunkState = { at: 'lf' };
  private parts: Buffer[] = [];
  private partBytes = 0;
  private broken = false;
  /** Where the next search for the end marker starts (bytes before it hold no marker). */
  private scanned = 0;

  constructor(readonly maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES) {}

  push(data: Buffer, onEvent: (ev: FrameEvent) => void): void {
    if (this.broken) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
    for (;;) {
      if (this.broken) return;
      const ev = this.mode === 'eom' ? this.nextEom() : this.nextChunked();
      if (!ev) return;
      if (ev.kind === 'framing-error') this.broken = true;
      onEvent(ev);
    }
  }

  private nextEom(): FrameEvent | undefined {
    const at = this.buf.indexOf(EOM_BYTES, this.scanned);
    if (at < 0) {
      this.scanned = Math.max(0, this.buf.length - (EOM_BYTES.length - 1));
      if (this.discarded < 0 && this.buf.length > this.maxMessageBytes + EOM_BYTES.length) this.discarded = 0;
      if (this.discarded >= 0) {
        // Keep only what could be the start of a split marker.
        const keep = Math.min(this.buf.length, EOM_BYTES.length - 1);
        this.discarded += this.buf.length - keep;
        this.buf = this.buf.subarray(this.buf.length - keep);
        this.scanned = 0;
      }
      return undefined;
    }
    const body = this.buf.subarray(0, at);
    this.buf = this.buf.subarray(at + EOM_BYTES.length);
    this.scanned = 0;
    if (this.discarded >= 0 || body.length > this.maxMessageBytes) {
      const bytes = this.discarded + 1 + body.length;
      this.discarded = -1;
      return { kind: 'oversize', bytes };
    }
    return { kind: 'message', body: Buffer.from(body) };
  }

  private nextChunked(): FrameEvent | undefined {
    let i = 0;
    const b = this.buf;
    const fail = (message: string): FrameEvent => {
      this.buf = Buffer.alloc(0);
      return { kind: 'framing-error', message };
    };
    while (i < b.length) {
      const st = this.chunk;
      if (st.at === 'data') {
        const take = Math.min(st.left, b.length - i);
        if (this.discarded >= 0) this.discarded += take;
        else this.parts.push(Buffer.from(b.subarray(i, i + take)));
        this.partBytes += take;
        i += take;
        st.left -= take;
        if (st.left === 0) this.chunk = { at: 'lf' };
        continue;
      }
      const c = b[i++];
      if (st.at === 'lf') {
        // Whitespace between messages is tolerated; inside a message it is an error.
        if (c === 0x0a) this.chunk = { at: 'hash' };
        else if (this.partBytes === 0 && this.discarded < 0 && (c === 0x20 || c === 0x0d || c === 0x09)) continue;
        else return fail('expected a chunk header');
      } else if (st.at === 'hash') {
        if (c === 0x23) this.chunk = { at: 'size-or-end', digits: '' };
        else if (this.partBytes === 0 && this.discarded < 0 && c === 0x0a) continue;
        else return fail('expected "#" in chunk header');
      } else if (st.at === 'size-or-end') {
        if (c === 0x23 && st.digits === '') this.chunk = { at: 'end-lf' };
        else if (c >= 0x30 && c <= 0x39 && st.digits.length < 10) {
          if (st.digits === '' && c === 0x30) return fail('chunk size must not start with 0');
          st.digits += String.fromCharCode(c);
        } else if (c === 0x0a && st.digits !== '') {
          const size = Number(st.digits);
          if (size > 4294967295) return fail('chunk size too large');
          if (this.discarded < 0 && this.partBytes + size > this.maxMessageBytes) {
            this.discarded = this.partBytes;
            this.parts = [];
          }
          this.chunk = { at: 'data', left: size };
        } else return fail('bad chunk size');
      } else if (st.at === 'end-lf') {
        if (c !== 0x0a) return fail('expected newline after end-of-chunks');
        this.chunk = { at: 'lf' };
        this.buf = b.subarray(i);
        const total = this.partBytes;
        const parts = this.parts;
        this.parts = [];
        this.partBytes = 0;
        if (total === 0 && this.discarded < 0) return fail('message with no chunks');
        if (this.discarded >= 0) {
          this.discarded = -1;
          return { kind: 'oversize', bytes: total };
        }
        return { kind: 'message', body: Buffer.concat(parts) };
      }
    }
    this.buf = Buffer.alloc(0);
    return undefined;
  }
}

/** Frames one outgoing message (already a complete XML text, no trailing marker). */
export function encodeMessage(text: string, mode: FramingMode): Buffer {
  if (mode === 'eom') return Buffer.from(`${text}\n${EOM}\n`, 'utf8');
  const body = Buffer.from(`${text}\n`, 'utf8');
  return Buffer.concat([Buffer.from(`\n#${body.length}\n`, 'latin1'), body, Buffer.from('\n##\n', 'latin1')]);
}

/** Frames a message as several chunks of at most `chunkBytes` bytes (for clients and tests). */
export function encodeChunks(text: string, chunkBytes: number): Buffer {
  const body = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < body.length; i += chunkBytes) {
    const part = body.subarray(i, Math.min(body.length, i + chunkBytes));
    out.push(Buffer.from(`\n#${part.length}\n`, 'latin1'), part);
  }
  out.push(Buffer.from('\n##\n', 'latin1'));
  return Buffer.concat(out);
}
