/**
 * NETCONF message framing over a byte stream: the end-of-message marker `]]>]]>`
 * (RFC 4742, what Junos speaks) and RFC 6242 chunked framing, used only once both
 * hellos advertise base:1.1. Input may arrive in any slicing: markers and chunk headers
 * split across reads, several messages in one read, one message in many reads.
 */

export const EOM = ']]>]]>';
const EOM_BYTES = Buffer.from(EOM, 'latin1');

/** The least a client says: a hello naming base:1.0 only, so the session keeps end-of-message framing. */
export const CLIENT_HELLO =
  '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>';

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
 *
 * Work is linear in the bytes pushed: a message's pieces are kept as a list and joined
 * once, when it is complete, and only new bytes are searched for the end marker (plus the
 * few bytes before them, for a marker split across pushes).
 */
export class FrameDecoder {
  mode: FramingMode = 'eom';
  /** Pieces of the message being received (references to pushed buffers, not copies). */
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** True while the message being received is over the limit: its bytes are counted, not kept. */
  private dropping = false;
  /** The last (at most EOM.length - 1) bytes of the message so far, for a split end marker. */
  private tail: Buffer = Buffer.alloc(0);
  private chunk: ChunkState = { at: 'lf' };
  private broken = false;

  constructor(readonly maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES) {}

  /** Bytes held for the message being received (what a stalled reader costs on the input side). */
  get bufferedBytes(): number {
    return this.dropping ? 0 : this.partBytes;
  }

  push(data: Buffer, onEvent: (ev: FrameEvent) => void): void {
    let rest = data;
    while (rest.length > 0 && !this.broken) {
      const step = this.mode === 'eom' ? this.eomStep(rest) : this.chunkedStep(rest);
      rest = step.rest;
      if (!step.ev) continue;
      if (step.ev.kind === 'framing-error') this.broken = true;
      onEvent(step.ev);
    }
  }

  /** Adds bytes to the message being received, switching to dropping once it is too big. */
  private append(piece: Buffer, slack: number): void {
    if (piece.length === 0) return;
    this.partBytes += piece.length;
    if (this.dropping) return;
    this.parts.push(piece);
    if (this.partBytes > this.maxMessageBytes + slack) {
      this.dropping = true;
      this.parts = [];
    }
  }

  /** Takes back the last n bytes appended (they turned out to be the start of the end marker). */
  private unappend(n: number): void {
    this.partBytes -= n;
    if (this.dropping) return;
    while (n > 0) {
      const last = this.parts[this.parts.length - 1];
      if (last.length <= n) {
        this.parts.pop();
        n -= last.length;
      } else {
        this.parts[this.parts.length - 1] = last.subarray(0, last.length - n);
        n = 0;
      }
    }
  }

  /** The message just completed, as an event; resets for the next one. */
  private complete(): FrameEvent {
    const bytes = this.partBytes;
    const ev: FrameEvent =
      this.dropping || bytes > this.maxMessageBytes ? { kind: 'oversize', bytes } : { kind: 'message', body: Buffer.concat(this.parts, bytes) };
    this.parts = [];
    this.partBytes = 0;
    this.dropping = false;
    this.tail = Buffer.alloc(0);
    return ev;
  }

  private eomStep(data: Buffer): { ev?: FrameEvent; rest: Buffer } {
    const t = this.tail.length;
    // A marker that starts in the bytes before this push ends in its first few bytes.
    let at: number | undefined;
    if (t > 0) {
      const seam = Buffer.concat([this.tail, data.subarray(0, EOM_BYTES.length - 1)]);
      const s = seam.indexOf(EOM_BYTES);
      if (s >= 0 && s < t) at = s - t;
    }
    if (at === undefined) {
      const d = data.indexOf(EOM_BYTES);
      if (d < 0) {
        this.append(data, EOM_BYTES.length - 1);
        const keep = EOM_BYTES.length - 1;
        this.tail = data.length >= keep ? Buffer.from(data.subarray(data.length - keep)) : Buffer.concat([this.tail, data]).subarray(-keep);
        return { rest: Buffer.alloc(0) };
      }
      at = d;
    }
    // `at` is where the marker starts relative to `data`; negative: in the bytes before it.
    if (at >= 0) this.append(data.subarray(0, at), 0);
    else this.unappend(-at);
    return { ev: this.complete(), rest: data.subarray(at + EOM_BYTES.length) };
  }

  private chunkedStep(b: Buffer): { ev?: FrameEvent; rest: Buffer } {
    let i = 0;
    const fail = (message: string): { ev: FrameEvent; rest: Buffer } => ({ ev: { kind: 'framing-error', message }, rest: Buffer.alloc(0) });
    while (i < b.length) {
      const st = this.chunk;
      if (st.at === 'data') {
        const take = Math.min(st.left, b.length - i);
        this.append(b.subarray(i, i + take), 0);
        i += take;
        st.left -= take;
        if (st.left === 0) this.chunk = { at: 'lf' };
        continue;
      }
      const c = b[i++];
      if (st.at === 'lf') {
        // Whitespace between messages is tolerated; inside a message it is an error.
        if (c === 0x0a) this.chunk = { at: 'hash' };
        else if (this.partBytes === 0 && (c === 0x20 || c === 0x0d || c === 0x09)) continue;
        else return fail('expected a chunk header');
      } else if (st.at === 'hash') {
        if (c === 0x23) this.chunk = { at: 'size-or-end', digits: '' };
        else if (this.partBytes === 0 && c === 0x0a) continue;
        else return fail('expected "#" in chunk header');
      } else if (st.at === 'size-or-end') {
        if (c === 0x23 && st.digits === '') this.chunk = { at: 'end-lf' };
        else if (c >= 0x30 && c <= 0x39 && st.digits.length < 10) {
          if (st.digits === '' && c === 0x30) return fail('chunk size must not start with 0');
          st.digits += String.fromCharCode(c);
        } else if (c === 0x0a && st.digits !== '') {
          const size = Number(st.digits);
          if (size > 4294967295) return fail('chunk size too large');
          this.chunk = { at: 'data', left: size };
        } else return fail('bad chunk size');
      } else if (st.at === 'end-lf') {
        if (c !== 0x0a) return fail('expected newline after end-of-chunks');
        this.chunk = { at: 'lf' };
        if (this.partBytes === 0) return fail('message with no chunks');
        return { ev: this.complete(), rest: b.subarray(i) };
      }
    }
    return { rest: Buffer.alloc(0) };
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
