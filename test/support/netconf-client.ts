/**
 * Test-side NETCONF client over an in-process ByteSession: frames what it sends,
 * splits what it receives into messages, waits (bounded) for the next one.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ByteSession, SessionEnd } from '../../src/session/byte-session.js';
import type { ConfigDatastore, ConfigSession } from '../../src/junos/config/api.js';
import { FrameDecoder, type FramingMode } from '../../src/netconf/framing.js';
import { RpcError } from '../../src/netconf/rpc-error.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export class TestClient {
  readonly messages: string[] = [];
  /** Everything received, as text, framing included. */
  raw = '';
  ended: SessionEnd | undefined;
  private readonly decoder = new FrameDecoder(1 << 30);
  private waiters: (() => void)[] = [];

  constructor(readonly session: ByteSession) {
    session.on('data', (b: Buffer) => {
      this.raw += b.toString('utf8');
      this.decoder.push(b, (ev) => {
        if (ev.kind === 'message') this.messages.push(ev.body.toString('utf8').replace(/^\s+/, ''));
      });
      this.wake();
    });
    session.on('end', (info: SessionEnd) => {
      this.ended = info;
      this.wake();
    });
  }

  set mode(m: FramingMode) {
    this.decoder.mode = m;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until `cond` holds; fails after `ms` (a bound, not an assertion on speed). */
  async until(cond: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out; received so far:\n${this.raw.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private taken = 0;
  /** The next whole message received. */
  async next(): Promise<string> {
    await this.until(() => this.messages.length > this.taken || this.ended !== undefined);
    if (this.messages.length <= this.taken) throw new Error(`session ended before the next message; received:\n${this.raw.slice(-2000)}`);
    return this.messages[this.taken++];
  }

  send(text: string): void {
    this.session.write(`${text}]]>]]>`);
  }

  /** Sends one RPC (operation XML) and returns the reply text. */
  async rpc(inner: string, attrs = 'message-id="1"'): Promise<string> {
    this.send(`<rpc ${attrs}>${inner}</rpc>`);
    return this.next();
  }

  /** Opens: reads the hello, sends the client hello. */
  async open(): Promise<string> {
    const hello = await this.next();
    this.send('<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>');
    return hello;
  }
}

/** A stand-in configuration session for tests of non-configuration RPCs. */
export function stubDatastore(): ConfigDatastore {
  const fail = (): never => {
    throw new RpcError({ type: 'application', tag: 'operation-not-supported', message: 'no datastore in this test' });
  };
  const session = (id: number): ConfigSession => ({
    sessionId: id,
    getConfiguration: () => '<configuration>\n<system>\n<domain-name>example.net</domain-name>\n</system>\n</configuration>',
    load: fail,
    editConfig: fail,
    applyCliLine: fail,
    validate: () => [],
    commit: () => ({ warnings: [] }),
    discardChanges: () => undefined,
    lock: () => undefined,
    unlock: () => undefined,
    openConfiguration: () => [],
    closeConfiguration: () => undefined,
    hasUncommittedChanges: () => false,
    close: () => undefined,
  });
  return { openSession: (id) => session(id), history: () => [], close: async () => undefined };
}
