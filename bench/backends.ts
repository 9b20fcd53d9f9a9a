/**
 * Lightweight in-process session backends for the benchmarks, so that what is measured is
 * the agent (gRPC, TLS, bridge) and not a NETCONF server or a child process:
 *  - hello: says a NETCONF-sized hello as soon as it starts, then waits to be killed;
 *  - echo:  gives back every byte written to it, like `cat`;
 *  - bulk:  on its first input, writes N bytes in fixed pieces, one piece per event-loop
 *           turn (as a pipe would deliver them), then ends. ByteSession has no
 *           backpressure, so none is honoured.
 */
import { EventEmitter } from 'node:events';
import type { ByteSession, SessionBackend, SessionEnd, SessionKind } from '../src/session/byte-session.js';

/** A hello the size of a Junos one (about 1 KB), shared by the raw baseline. */
export const BENCH_HELLO = [
  '<!-- No zombies were killed during the creation of this user interface -->',
  '<!-- user bench, class super-user -->',
  '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">',
  '  <capabilities>',
  ...[
    'urn:ietf:params:netconf:base:1.0',
    'urn:ietf:params:netconf:capability:candidate:1.0',
    'urn:ietf:params:netconf:capability:confirmed-commit:1.0',
    'urn:ietf:params:netconf:capability:validate:1.0',
    'urn:ietf:params:netconf:capability:url:1.0?scheme=http,ftp,file',
    'urn:ietf:params:xml:ns:netconf:base:1.0',
    'urn:ietf:params:xml:ns:netconf:capability:candidate:1.0',
    'urn:ietf:params:xml:ns:netconf:capability:confirmed-commit:1.0',
    'urn:ietf:params:xml:ns:netconf:capability:validate:1.0',
    'urn:ietf:params:xml:ns:netconf:capability:url:1.0?protocol=http,ftp,file',
    'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring',
    'http://xml.juniper.net/netconf/junos/1.0',
    'http://xml.juniper.net/dmi/system/1.0',
  ].map((c) => `    <capability>${c}</capability>`),
  '  </capabilities>',
  '  <session-id>4242</session-id>',
  '</hello>',
  ']]>]]>',
  '',
].join('\n');

/** The filler both sides send in the bulk runs: ASCII, so bytes and characters count alike. */
export function bulkPiece(pieceBytes: number): Buffer {
  return Buffer.alloc(pieceBytes, 'abcdefghijklmnopqrstuvwxyz0123456789\n');
}

const SIGNAL_NAMES: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 9: 'SIGKILL', 15: 'SIGTERM' };

/** The common part: 'end' exactly once, kill ends the session. */
abstract class BenchSession extends EventEmitter implements ByteSession {
  private done = false;

  get ended(): boolean {
    return this.done;
  }

  abstract write(data: Buffer | string): void;

  kill(signal: number): void {
    this.finish({ exitCode: null, signal: SIGNAL_NAMES[signal] ?? `SIG${signal}` });
  }

  protected output(chunk: Buffer): void {
    if (!this.done) this.emit('data', chunk);
  }

  protected finish(end: SessionEnd): void {
    if (this.done) return;
    this.done = true;
    this.emit('end', end);
  }
}

class HelloSession extends BenchSession {
  constructor(hello: Buffer) {
    super();
    // Speak on the next turn, once the opener has attached its listeners.
    setImmediate(() => this.output(hello));
  }

  write(_data: Buffer | string): void {
    /* input is ignored */
  }
}

class EchoSession extends BenchSession {
  write(data: Buffer | string): void {
    this.output(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }
}

class BulkSession extends BenchSession {
  private started = false;

  constructor(
    private readonly totalBytes: number,
    private readonly piece: Buffer,
  ) {
    super();
  }

  write(_data: Buffer | string): void {
    if (this.started) return;
    this.started = true;
    let left = this.totalBytes;
    const step = (): void => {
      if (this.ended) return;
      if (left <= 0) {
        this.finish({ exitCode: 0, signal: null });
        return;
      }
      const n = Math.min(left, this.piece.length);
      this.output(n === this.piece.length ? this.piece : this.piece.subarray(0, n));
      left -= n;
      setImmediate(step);
    };
    step();
  }
}

/** One backend for any of the three behaviours. */
export class BenchBackend implements SessionBackend {
  private readonly hello = Buffer.from(BENCH_HELLO, 'utf8');
  private readonly piece: Buffer;

  constructor(
    private readonly mode: 'hello' | 'echo' | 'bulk',
    private readonly bulk: { totalBytes: number; pieceBytes: number } = { totalBytes: 0, pieceBytes: 65536 },
  ) {
    this.piece = bulkPiece(bulk.pieceBytes);
  }

  get description(): string {
    return `bench ${this.mode}`;
  }

  async open(_kind: SessionKind): Promise<ByteSession> {
    if (this.mode === 'hello') return new HelloSession(this.hello);
    if (this.mode === 'echo') return new EchoSession();
    return new BulkSession(this.bulk.totalBytes, this.piece);
  }
}
