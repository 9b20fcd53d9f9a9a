/**
 * Fault injection: a device that misbehaves on purpose, so an NMS can be tested against slow,
 * stalling, vanishing and erroring devices. The kinds and their specs are in ./kinds.ts
 * (the one table). This module holds
 *  - FaultSet, the faults active now (shared by the agent, the NETCONF server and the
 *    control socket; changes apply at once),
 *  - FaultLog, the one place a fault is logged (once per session), and
 *  - FaultySession, a ByteSession decorator for the byte-stream faults.
 * src/outbound/faulty-bridge.ts puts a FaultySession between a session and its gRPC stream.
 * NETCONF-level faults (rpc-error, rpc-delay) are read by the NETCONF server through its
 * own small `NetconfFaults` hook, which FaultSet satisfies.
 */
import { EventEmitter } from 'node:events';
import { FaultLog } from '../log.js';
import type { ByteSession, SessionEnd } from '../session/byte-session.js';
import { formatFault, kindInfo, parseFault, type Fault, type FaultKind } from './kinds.js';

export { FAULT_KINDS, FaultSpecError, formatFault, parseFault, type Fault, type FaultKind } from './kinds.js';

/**
 * The faults active now. One value per kind, except the kinds the table marks `collects`
 * (rpc-error collects RPC names): adding a kind again replaces its value. Emits 'change'
 * after every change.
 */
export class FaultSet extends EventEmitter {
  /** The one value of each replacing kind, in the order the kinds were first added. */
  private readonly single = new Map<FaultKind, Fault>();
  /** Every value of the collecting kinds, by spec, in the order added. */
  private readonly collected = new Map<string, Fault>();

  constructor(initial: Iterable<Fault | string> = []) {
    super();
    for (const f of initial) this.put(typeof f === 'string' ? parseFault(f) : f);
  }

  /** Adds faults (specs are all parsed before any is applied). */
  add(faults: Iterable<Fault | string>): void {
    const parsed = [...faults].map((f) => (typeof f === 'string' ? parseFault(f) : f));
    for (const f of parsed) this.put(f);
    if (parsed.length) this.emit('change');
  }

  /**
   * What the control socket's POST /faults does: clear (when asked), then add. Every spec is
   * parsed first, so a bad one changes nothing. Returns the active faults.
   */
  change(req: { add?: string[]; clear?: boolean }): string[] {
    const parsed = (req.add ?? []).map(parseFault);
    if (req.clear) this.empty();
    for (const f of parsed) this.put(f);
    this.emit('change');
    return this.list();
  }

  clear(): void {
    this.empty();
    this.emit('change');
  }

  /** The active faults as specs, in a stable order. */
  list(): string[] {
    return [...this.single.values(), ...this.collected.values()].map(formatFault);
  }

  /** The active fault of a replacing kind. */
  private one<K extends FaultKind>(kind: K): Extract<Fault, { kind: K }> | undefined {
    return this.single.get(kind) as Extract<Fault, { kind: K }> | undefined;
  }

  get outputDelayMs(): number {
    return this.one('output-delay')?.ms ?? 0;
  }
  get dropAfter(): number | undefined {
    return this.one('drop-after')?.bytes;
  }
  get stallAfter(): number | undefined {
    return this.one('stall-after')?.bytes;
  }
  get noStopMessage(): boolean {
    return this.single.has('no-stop-message');
  }
  /** NETCONF hook: should RPC `name` be answered with an injected error? */
  rpcError(name: string): boolean {
    return this.collected.has(formatFault({ kind: 'rpc-error', rpc: name }));
  }
  /** NETCONF hook: how long every reply waits. */
  rpcDelayMs(): number {
    return this.one('rpc-delay')?.ms ?? 0;
  }

  private put(f: Fault): void {
    if (kindInfo(f.kind).collects) this.collected.set(formatFault(f), f);
    else this.single.set(f.kind, f);
  }

  private empty(): void {
    this.single.clear();
    this.collected.clear();
  }
}

export { FaultLog };

export interface FaultySessionOptions {
  log: FaultLog;
  /** Cuts the session's RPC abruptly (drop-after); the session is killed by whoever cuts. */
  onDrop: () => void;
}

/**
 * A ByteSession seen through the byte-stream faults, read live from the FaultSet:
 * output-delay holds every chunk back (order kept, 'end' after the last chunk), stall-after
 * swallows output past a byte count, drop-after cuts the RPC once output passes a byte count.
 * Input, kill and flow control pass straight through.
 */
export class FaultySession extends EventEmitter implements ByteSession {
  /** Output bytes the session produced so far. */
  private produced = 0;
  private stalled = false;
  private dropped = false;
  private _ended = false;
  /** Output (and finally the end) waiting for its delay to pass, in order. */
  private readonly queue: { due: number; chunk?: Buffer; end?: SessionEnd }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly inner: ByteSession,
    private readonly faults: FaultSet,
    private readonly opts: FaultySessionOptions,
  ) {
    super();
    inner.on('data', (chunk: Buffer) => this.onData(chunk));
    inner.once('end', (info: SessionEnd) => this.push({ end: info }));
    if (inner.ended) setImmediate(() => this.push({ end: { exitCode: null, signal: null } }));
    inner.on('drain', () => this.emit('drain'));
    if (inner.pause) this.pause = () => inner.pause!();
    if (inner.resume) this.resume = () => inner.resume!();
  }

  pause?(): void;
  resume?(): void;

  get ended(): boolean {
    return this._ended;
  }

  write(data: Buffer | string): boolean | void {
    return this.inner.write(data);
  }

  kill(signal: number): void {
    if (!this.inner.ended) this.inner.kill(signal);
  }

  private onData(chunk: Buffer): void {
    if (this.dropped) return;
    const before = this.produced;
    this.produced += chunk.length;
    const drop = this.faults.dropAfter;
    if (drop !== undefined && this.produced > drop) {
      if (before < drop) this.push({ chunk: chunk.subarray(0, drop - before) });
      this.dropped = true;
      this.opts.log.note('drop-after', { bytes: drop });
      // After what was queued before it, as a network failure at that point would be.
      this.push({ end: undefined });
      return;
    }
    if (this.stalled) return;
    const stall = this.faults.stallAfter;
    if (stall !== undefined && this.produced > stall) {
      this.stalled = true;
      this.opts.log.note('stall-after', { bytes: stall });
      if (before < stall) this.push({ chunk: chunk.subarray(0, stall - before) });
      return;
    }
    this.push({ chunk });
  }

  /** Queues an item behind the current delay; `{end: undefined}` with nothing else is the drop. */
  private push(item: { chunk?: Buffer; end?: SessionEnd }): void {
    const delay = this.faults.outputDelayMs;
    // No delay and nothing waiting: straight through (the common case, every chunk).
    if (delay <= 0 && this.queue.length === 0 && item.chunk) {
      this.emit('data', item.chunk);
      return;
    }
    if (delay > 0 && item.chunk) this.opts.log.note('output-delay', { ms: delay });
    const last = this.queue.length ? this.queue[this.queue.length - 1].due : 0;
    this.queue.push({ ...item, due: Math.max(Date.now() + delay, last) });
    this.pump();
  }

  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length) {
      const head = this.queue[0];
      const wait = head.due - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => this.pump(), wait);
        return;
      }
      this.queue.shift();
      if (head.chunk) this.emit('data', head.chunk);
      else if (head.end) this.emitEnd(head.end);
      else if (!this._ended) this.opts.onDrop();
    }
  }

  private emitEnd(info: SessionEnd): void {
    if (this._ended) return;
    this._ended = true;
    this.emit('end', info);
  }
}
