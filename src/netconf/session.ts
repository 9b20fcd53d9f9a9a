/**
 * One NETCONF server session over a byte stream, as a Junos device runs it: greeting
 * comments and hello at once, optional client hello, one <rpc-reply> per <rpc> in order,
 * attributes of <rpc> echoed, errors shaped as Junos shapes them, and the session-end
 * comment after <close-session/>.
 */
import { EventEmitter } from 'node:events';
import type { ByteSession, SessionEnd } from '../session/byte-session.js';
import { encodeMessage, FrameDecoder, type FramingMode } from './framing.js';
import { RpcError } from './rpc-error.js';
import type { NetconfServerInfo, RpcDispatcher, RpcReply, SessionResource } from './dispatch.js';
import { elements, escapeAttr, escapeText, parseXml, type XmlElement } from './xml.js';
import { FaultLog, type Logger } from '../log.js';

export const BASE_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';

/**
 * Input flow control: once the complete messages waiting to be handled hold this many
 * bytes (or any at all while the output is paused), write() returns false and the face
 * stops reading until 'drain'.
 */
export const INPUT_HIGH_WATER_BYTES = 64 * 1024;
const BASE_11 = 'urn:ietf:params:netconf:base:1.1';

/**
 * Fault injection hook (the agent's FaultSet satisfies it): consulted live, for every RPC.
 */
export interface NetconfFaults {
  /** True when RPC `name` must be answered with an injected rpc-error. */
  rpcError(name: string): boolean;
  /** Milliseconds every reply waits before it is sent (0: none). */
  rpcDelayMs(): number;
}

export interface NetconfSessionOptions {
  device: NetconfServerInfo;
  config: SessionResource;
  /** Answers every RPC but close-session (the device behind this server). */
  dispatch: RpcDispatcher;
  sessionId: number;
  user: string;
  logger: Logger;
  maxMessageBytes?: number;
  /** Called once when the session has ended (after 'end'). */
  onEnd?: () => void;
  faults?: NetconfFaults;
}

/**
 * The text of one message as an XML document: whitespace (and a byte order mark) before
 * it dropped, since an XML declaration must open the document. Between messages there is
 * usually a newline: the outbound-HTTPS device adds one to every command, and clients end
 * `]]>]]>` with one.
 */
function documentText(body: Buffer): string {
  return body.toString('utf8').replace(/^[\uFEFF \t\r\n]+/, '');
}

/** `YYYY-MM-DD HH:MM:SS UTC` of a clock reading. */
export function utcStamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export class NetconfSession extends EventEmitter implements ByteSession {
  readonly id: number;
  private readonly decoder: FrameDecoder;
  private outMode: FramingMode = 'eom';
  private sawFirstMessage = false;
  /** Messages received and not yet handled, in order, with their sizes. */
  private readonly inbox: { bytes: number; run: () => Promise<void> }[] = [];
  private inboxBytes = 0;
  /** A message is being handled (its reply is being made): at most one at a time. */
  private busy = false;
  /** The greeting has gone out; replies follow it. */
  private started = false;
  /** The output is not being taken: handle no further message until resume(). */
  private paused = false;
  /** write() returned false: emit 'drain' once input is welcome again. */
  private wantDrain = false;  private _ended = false;
  private closing = false;
  /** Faults of this session, each logged once. */
  private readonly faultLog: FaultLog;

  constructor(private readonly opts: NetconfSessionOptions) {
    super();
    this.id = opts.sessionId;
    this.faultLog = new FaultLog(opts.logger, { session: this.id });
    this.decoder = new FrameDecoder(opts.maxMessageBytes);
    // The server speaks first; wait a turn so the opener can attach its listeners.
    // Replies queue behind the greeting.
    setImmediate(() => {
      this.sendRaw(Buffer.from(this.greeting(), 'utf8'));
      this.started = true;
      this.pump();
    });
  }

  get ended(): boolean {
    return this._ended;
  }

  private greeting(): string {
    const p = this.opts.device.profile;
    const caps = p.capabilities.map((c) => `    <capability>${escapeText(c)}</capability>`).join('\n');
    return [
      '<!-- No zombies were killed during the creation of this user interface -->',
      `<!-- user ${this.opts.user}, class ${p.loginClass} -->`,
      `<hello xmlns="${BASE_NS}">`,
      '  <capabilities>',
      caps,
      '  </capabilities>',
      `  <session-id>${this.id}</session-id>`,
      '</hello>',
      ']]>]]>',
      '',
    ].join('\n');
  }

  /**
   * Input. Returns false when the caller should stop feeding input until 'drain' (messages
   * are waiting because replies are not being taken, or are made more slowly than RPCs
   * come); input written anyway is still accepted, never lost.
   */
  write(data: Buffer | string): boolean {
    if (this._ended || this.closing) return true;
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.decoder.push(buf, (ev) => {
      if (ev.kind === 'message') {
        const body = ev.body;
        // The hello decides the framing of everything after it, so handle it in line.
        if (!this.sawFirstMessage && this.isHello(body)) {
          this.sawFirstMessage = true;
          return;
        }
        this.sawFirstMessage = true;
        this.enqueue(body.length, () => this.handleMessage(documentText(body)));
      } else if (ev.kind === 'oversize') {
        this.sawFirstMessage = true;
        this.enqueue(0, async () =>
          this.sendReply(
            {},
            this.errorBody(
              new RpcError({
                type: 'rpc',
                tag: 'too-big',
                message: `message of ${ev.bytes} bytes exceeds the limit of ${this.decoder.maxMessageBytes} bytes`,
              }),
            ),
          ),
        );
      } else {
        this.opts.logger.warn({ session: this.id, reason: ev.message }, 'netconf framing error; ending session');
        this.enqueue(0, async () => this.finish({ exitCode: 1, signal: null }));
      }
    });
    if (this.inputFull()) {
      this.wantDrain = true;
      return false;
    }
    return true;
  }

  /**
   * Flow control from the face: the output is not being taken. The reply being made (if
   * any) still goes out; no further message is handled until resume().
   */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.pump();
    this.maybeDrain();
  }

  kill(signal: number): void {
    if (this._ended) return;
    const names: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 9: 'SIGKILL', 15: 'SIGTERM' };
    this.closing = true;
    this.finish({ exitCode: null, signal: names[signal] ?? `SIG${signal}` });
  }

  /** Ends the session once the messages received so far are answered (end of its input). */
  endAfterReplies(): void {
    if (this._ended) return;
    this.enqueue(0, async () => this.finish({ exitCode: 0, signal: null }));
  }

  /** Sends an unsolicited message (a broadcast to the emulated cli), framed as the session's replies. */
  notify(xml: string): void {
    if (this._ended) return;
    this.sendRaw(encodeMessage(xml, this.outMode));
  }

  /** Ends the session from outside (kill-session by another session, device close). */
  terminate(): void {
    if (this._ended) return;
    this.closing = true;
    this.finish({ exitCode: 0, signal: null });
  }

  private enqueue(bytes: number, run: () => Promise<void>): void {
    this.inbox.push({ bytes, run });
    this.inboxBytes += bytes;
    this.pump();
  }

  private inputFull(): boolean {
    return this.inboxBytes >= INPUT_HIGH_WATER_BYTES || (this.paused && this.inbox.length > 0);
  }

  private maybeDrain(): void {
    if (!this.wantDrain || this._ended || this.inputFull()) return;
    this.wantDrain = false;
    this.emit('drain');
  }

  /** Handles the next waiting message, one at a time, unless paused. */
  private pump(): void {
    if (this.busy || !this.started || this.paused) return;
    if (this._ended || this.closing) {
      this.inbox.length = 0;
      this.inboxBytes = 0;
      return;
    }
    const next = this.inbox.shift();
    if (!next) return;
    this.inboxBytes -= next.bytes;
    this.busy = true;
    next
      .run()
      .catch((err: unknown) => {
        this.opts.logger.error({ session: this.id, err: (err as Error).message }, 'netconf session task failed');
      })
      .finally(() => {
        this.busy = false;
        this.pump();
        this.maybeDrain();
      });
  }

  /** Recognises a client hello and switches to chunked framing when both sides speak 1.1. */
  private isHello(body: Buffer): boolean {
    const text = documentText(body);
    if (!/^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<([A-Za-z_][\w.-]*:)?hello[\s>/]/.test(text)) return false;
    try {
      const hello = parseXml(text);
      const caps = elements(hello)
        .filter((e) => e.name === 'capabilities')
        .flatMap((c) => elements(c).map((x) => x.children.join('').trim()));
      const serverHas11 = this.opts.device.profile.capabilities.includes(BASE_11);
      if (serverHas11 && caps.includes(BASE_11)) {
        this.decoder.mode = 'chunked';
        this.outMode = 'chunked';
      }
    } catch (err) {
      // A broken hello is ignored as Junos does; later RPCs still get answers.
      this.opts.logger.debug({ session: this.id, reason: (err as Error).message }, 'client hello not understood; ignored');
    }
    return true;
  }

  private async handleMessage(text: string): Promise<void> {
    if (text.trim() === '') return; // a bare `]]>]]>` (clients that skip the hello)
    let root: XmlElement;
    try {
      root = parseXml(text);
    } catch (err) {
      await this.sendReply(
        {},
        this.errorBody(
          new RpcError({
            type: 'protocol',
            tag: 'operation-failed',
            message: `syntax error: ${(err as Error).message}`,
          }),
        ),
      );
      return;
    }
    if (root.name !== 'rpc') {
      if (root.name === 'hello') return; // a second hello is ignored
      await this.sendReply(
        {},
        this.errorBody(new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'syntax error, expecting <rpc> or <hello>', badElement: root.name })),
      );
      return;
    }
    const attrs = root.attrs;
    const ops = elements(root);
    if (ops.length === 0) {
      await this.sendReply(attrs, this.errorBody(new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'syntax error, expecting <rpc> content', badElement: 'rpc' })));
      return;
    }
    const op = ops[0];
    if (op.name === 'close-session') {
      this.closing = true;
      await this.sendReply(attrs, '<ok/>');
      this.sendRaw(Buffer.from(`<!-- session end at ${utcStamp(this.opts.device.now())} -->\n`, 'utf8'));
      this.finish({ exitCode: 0, signal: null });
      return;
    }
    let reply: RpcReply;
    try {
      if (this.opts.faults?.rpcError(op.name)) {
        this.faultLog.note('rpc-error', { rpc: op.name });
        throw new RpcError({ type: 'application', tag: 'operation-failed', message: `fault injected: ${op.name}` });
      }
      const r = await this.opts.dispatch(op);
      reply = typeof r === 'string' ? { body: r } : r;
    } catch (err) {
      if (err instanceof RpcError) reply = { body: err.toXml() };
      else {
        this.opts.logger.error({ session: this.id, rpc: op.name, err: (err as Error).message }, 'rpc handler failed');
        reply = { body: new RpcError({ type: 'application', tag: 'operation-failed', message: 'internal error' }).toXml() };
      }
    }
    const warnings = reply.warnings?.map((w) => w.toXml()).join('\n') ?? '';
    await this.sendReply(attrs, [reply.body, warnings].filter((s) => s !== '').join('\n'));
    if (reply.end) this.finish({ exitCode: 0, signal: null });
  }

  private errorBody(err: RpcError): string {
    return err.toXml();
  }

  private async sendReply(attrs: Record<string, string>, body: string): Promise<void> {
    const rel = this.opts.device.profile.xmlRelease;
    let open = `<rpc-reply xmlns="${BASE_NS}" xmlns:junos="http://xml.juniper.net/junos/${rel}/junos"`;
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'xmlns' || k === 'xmlns:junos') continue;
      open += ` ${k}="${escapeAttr(v)}"`;
    }
    open += '>';
    const text = body === '' ? `${open}\n</rpc-reply>` : `${open}\n${body.replace(/\n+$/, '')}\n</rpc-reply>`;
    const delay = this.opts.faults?.rpcDelayMs() ?? 0;
    if (delay > 0) {
      this.faultLog.note('rpc-delay', { ms: delay });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    this.sendRaw(encodeMessage(text, this.outMode));
  }

  private sendRaw(buf: Buffer): void {
    if (this._ended) return;
    this.emit('data', buf);
  }

  private finish(info: SessionEnd): void {
    if (this._ended) return;
    this.closing = true;
    this._ended = true;
    this.inbox.length = 0;
    this.inboxBytes = 0;
    try {
      this.opts.config.close();
    } catch (err) {
      this.opts.logger.warn({ session: this.id, err: (err as Error).message }, 'closing configuration session failed');
    }
    this.emit('end', info);
    this.opts.onEnd?.();
  }
}
