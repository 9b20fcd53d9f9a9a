/**
 * The NMS side of one NETCONF session over a ByteSession (an SSH bridge to a box, a spawned
 * `nc-grpc-device netconf`, a device's own server): sends a hello and messages, hands back
 * the server's messages one at a time, with time bounds. End-of-message framing, or chunked
 * once both hellos name base:1.1.
 */
import type { ByteSession } from '../session/byte-session.js';
import { encodeMessage, FrameDecoder } from '../netconf/framing.js';

export class NetconfPeer {
  private readonly decoder: FrameDecoder;
  private readonly queue: string[] = [];
  private waiter?: () => void;
  private endedWith?: string;
  private sentHello?: string;
  private serverHello?: string;
  private chunked = false;

  constructor(
    private readonly session: ByteSession,
    maxMessageBytes = 64 * 1024 * 1024,
  ) {
    this.decoder = new FrameDecoder(maxMessageBytes);
    session.on('data', (b: Buffer) =>
      this.decoder.push(b, (ev) => {
        if (ev.kind === 'message') {
          const text = ev.body.toString('utf8').replace(/^[\s\uFEFF]+/, '').replace(/\s+$/, '');
          if (!text) return;
          if (this.serverHello === undefined) {
            this.serverHello = text;
            this.maybeChunked();
          }
          this.queue.push(text);
        } else if (ev.kind === 'oversize') this.queue.push(`<!-- reply of ${ev.bytes} bytes dropped: over the size bound -->`);
        else this.endedWith = `framing error from the device: ${ev.message}`;
        this.wake();
      }),
    );
    session.once('end', () => {
      this.endedWith ??= 'the device ended the session';
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private maybeChunked(): void {
    const v11 = (h?: string) => !!h && h.includes('urn:ietf:params:netconf:base:1.1');
    if (!this.chunked && v11(this.sentHello) && v11(this.serverHello)) {
      this.chunked = true;
      this.decoder.mode = 'chunked';
    }
  }

  /** Sends one message (a hello first); framing as negotiated. */
  send(text: string): void {
    if (this.session.ended) throw new Error(this.endedWith ?? 'the session has ended');
    const first = this.sentHello === undefined;
    if (first) this.sentHello = text;
    this.session.write(encodeMessage(text, first || !this.chunked ? 'eom' : 'chunked'));
    if (first) this.maybeChunked();
  }

  /** The next message from the device; rejects on timeout or when the session ends first. */
  async next(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.queue.shift();
      if (m !== undefined) return m;
      if (this.endedWith) throw new Error(this.endedWith);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** The device's hello (after the first next()). */
  get hello(): string | undefined {
    return this.serverHello;
  }

  /** Sends an RPC and waits for its reply (the next message). */
  async rpc(text: string, timeoutMs: number): Promise<string> {
    this.send(text);
    return this.next(timeoutMs);
  }

  close(): void {
    if (!this.session.ended) {
      try {
        this.send('<rpc><close-session/></rpc>');
      } catch {
        /* gone */
      }
      const s = this.session;
      setTimeout(() => {
        if (!s.ended) s.kill(15);
      }, 500).unref();
    }
  }
}
