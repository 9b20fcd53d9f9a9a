/**
 * The NMS side of the benchmarks, run as a child process (so that the NMS and the device
 * each have a core, as they would on two machines): the reference NMS, the raw gRPC
 * server, and the drivers of "ours", which an NMS operator drives. Talks to run.ts over
 * the fork IPC channel: one request, one reply.
 */
import { MSG_SUBPROCESS_ENDED } from '../src/outbound/session-bridge.js';
import { ReferenceNms, type NmsSession } from '../src/nms/server.js';
import { applyServingHeapSettings } from '../src/nms/heap-settings.js';
import { startReturningFreeMemory } from '../src/native-memory.js';
import { createLogger } from '../src/log.js';
import { startRawServer } from './raw-grpc.js';
import { startHoldServer } from './fleet.js';
import { nowMs, runConcurrent, type RateResult } from './stats.js';


// The NMS process as the `nms` command runs it (its V8 settings, its native memory given back).
applyServingHeapSettings();
startReturningFreeMemory(createLogger({ level: 'warn', format: 'json' }));

const TERMINATOR = ']]>]]>';
const REQUEST_TIMEOUT_MS = 10_000;

export interface Device {
  deviceId: string;
  secret: string;
}

export type NmsOp =
  | { op: 'init'; cert: string; key: string }
  | { op: 'waitDevice'; device: Device }
  | { op: 'rate'; devices: Device[]; count: number; concurrency: number; maxMs: number }
  | { op: 'rtt'; device: Device; payload: string; count: number; greeting: boolean }
  /** A session held open for round trips in blocks (rttBlock), so blocks of ours and raw can take turns. */
  | { op: 'rttOpen'; device: Device; slot: string }
  | { op: 'rttBlock'; payload: string; count: number; slot: string }
  | { op: 'rttClose' }
  | { op: 'bulk'; device: Device }
  | { op: 'memory' }
  | { op: 'cpu' }
  | { op: 'stop' }
  | { op: 'fleetInit' }
  | { op: 'h2streams' }
  | { op: 'pending' }
  | { op: 'fleetSession'; deviceId: string; secret: string }
  | { op: 'nmsStop' }
  | { op: 'nmsStart'; port: number }
  | { op: 'initializeSpan' }
  /** Forget the Initializes seen so far (a new fleet starts). */
  | { op: 'spanReset' }
  | { op: 'poll'; deviceId: string; secret: string; first: number; last: number; concurrency: number }
  | { op: 'sustainStart'; deviceId: string; secret: string; count: number; periodMs: number; maxInFlight: number }
  | { op: 'sustainTake' }
  | { op: 'sustainStop' };

let nms: ReferenceNms | undefined;
let pem: { cert: string; key: string } | undefined;
/** The fleet phase's NMS (its own, so the single-device NMS keeps its devices) and hold server. */
let fleetNms: ReferenceNms | undefined;
let hold: Awaited<ReturnType<typeof startHoldServer>> | undefined;
/** Initializes seen by the fleet NMS since it (re)started: first and last arrival (ms). */
let span = { first: 0, last: 0, count: 0 };

function newFleetNms(port: number): ReferenceNms {
  const n = new ReferenceNms({ host: '127.0.0.1', port, cert: pem!.cert, key: pem!.key, protocols: ['enhanced'], keepOutputChars: 4096 });
  span = { first: 0, last: 0, count: 0 };
  n.on('initialize', () => {
    const t = nowMs();
    if (!span.count) span.first = t;
    span.last = t;
    span.count++;
  });
  return n;
}
let raw: { port: number; stop(): void } | undefined;

/**
 * A session request, as an operator's tool makes one. Requests for one device may overlap:
 * each takes the device's next pending Initialize, the moment it arrives.
 */
function request(device: Device): Promise<NmsSession> {
  return nms!.requestSession(device.deviceId, device.secret, 'netconf', { timeoutMs: REQUEST_TIMEOUT_MS });
}

/** Resolves with the session's output from now on, once it contains the end-of-message marker. */
function nextMessage(s: NmsSession, timeoutMs = REQUEST_TIMEOUT_MS): { done: Promise<string> } {
  let got = '';
  let finish!: (v: string) => void;
  let fail!: (e: Error) => void;
  const done = new Promise<string>((res, rej) => ((finish = res), (fail = rej)));
  const timer = setTimeout(() => cleanup(new Error('no reply in time')), timeoutMs);
  const onMessage = (m: string): void => {
    got += m;
    if (got.includes(TERMINATOR)) cleanup();
  };
  const onEnd = (): void => cleanup(new Error('session ended before the reply'));
  function cleanup(err?: Error): void {
    clearTimeout(timer);
    s.off('message', onMessage);
    s.off('end', onEnd);
    if (err) fail(err);
    else finish(got);
  }
  s.on('message', onMessage);
  s.once('end', onEnd);
  return { done };
}

/** Sessions opened, first output received, and closed, `concurrency` at a time (worker i asks device i mod n). */
async function rate(devices: Device[], count: number, concurrency: number, maxMs: number): Promise<RateResult> {
  return runConcurrent(count, concurrency, maxMs, async (i) => {
    const s = await request(devices[i % devices.length]);
    // The hello may already be in (it can come in the same read as the stream's opening).
    await s.waitFor((out) => out.includes(TERMINATOR), REQUEST_TIMEOUT_MS);
    await s.close();
    if (s.endReason !== 'device-closed') throw new Error(`session ended by ${s.endReason}`);
  });
}

/** Round trips of one small RPC on one session; samples in ms, plus the reply size. */
async function rtt(device: Device, payload: string, count: number, greeting: boolean): Promise<{ samples: number[]; replyBytes: number }> {
  const s = await request(device);
  try {
    if (greeting) await s.waitFor((out) => out.includes(TERMINATOR), REQUEST_TIMEOUT_MS);
    const samples: number[] = [];
    let replyBytes = 0;
    for (let i = 0; i < count; i++) {
      const wait = nextMessage(s);
      const t0 = nowMs();
      s.send(payload);
      const reply = await wait.done;
      samples.push(nowMs() - t0);
      replyBytes = Buffer.byteLength(reply);
    }
    return { samples, replyBytes };
  } finally {
    await s.close();
  }
}

/** The sessions rttOpen holds, by slot. */
const held = new Map<string, NmsSession>();

/** Round trips of one small RPC on a held session; samples in ms. */
async function rttBlock(slot: string, payload: string, count: number): Promise<number[]> {
  const s = held.get(slot);
  if (!s) throw new Error(`no session held in ${slot} (rttOpen first)`);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const wait = nextMessage(s);
    const t0 = nowMs();
    s.send(payload);
    await wait.done;
    samples.push(nowMs() - t0);
  }
  return samples;
}

/** Asks the bulk session to start and counts what arrives until the device ends the stream. */
async function bulk(device: Device): Promise<{ ms: number; bytes: number; messages: number }> {
  const s = await request(device);
  let bytes = 0;
  let messages = 0;
  s.on('message', (m: string) => {
    if (m === MSG_SUBPROCESS_ENDED) return;
    bytes += m.length;
    messages++;
  });
  const t0 = nowMs();
  s.send('go');
  await s.ended;
  return { ms: nowMs() - t0, bytes, messages };
}

/** The NMS's hello: base 1.0 only, so the replies end with ]]>]]>. */
const CLIENT_HELLO = '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>';
const POLL_RPCS = [
  '<rpc message-id="1"><get-interface-information><terse/></get-interface-information></rpc>',
  '<rpc message-id="2"><get-configuration/></rpc>',
  '<rpc message-id="3"><close-session/></rpc>',
];

export interface PollResult {
  ms: number;
  /** Each poll's time (ms), open to close. */
  samples: number[];
  done: number;
  failures: number;
  replyBytes: number;
  lastError?: string;
}

/** One poll of device `n`: session, hello, the poll's RPCs, close; the reply bytes. With `steps`, the time each step ended. */
async function pollOne(deviceId: string, secret: string, n: number, steps?: number[]): Promise<number> {
  let replyBytes = 0;
  const s = await fleetNms!.requestSession(deviceId.replaceAll('{n}', String(n)), secret, 'netconf', { timeoutMs: REQUEST_TIMEOUT_MS });
  steps?.push(nowMs());
  try {
    await s.waitFor((out) => out.includes(TERMINATOR), REQUEST_TIMEOUT_MS);
    steps?.push(nowMs());
    s.send(CLIENT_HELLO + TERMINATOR);
    for (const rpc of POLL_RPCS) {
      const wait = nextMessage(s);
      s.send(rpc + TERMINATOR);
      const reply = await wait.done;
      steps?.push(nowMs());
      if (!reply.includes('<rpc-reply') || reply.includes('<rpc-error')) throw new Error(`device ${n}: ${reply.slice(0, 200)}`);
      replyBytes += reply.length;
    }
  } finally {
    await s.close();
    steps?.push(nowMs());
  }
  return replyBytes;
}

/**
 * One poll of each device first..last of the fleet (`{n}` in the id), `concurrency` at a
 * time: a NETCONF session (the device's hello, ours), get-interface-information terse,
 * get-configuration, close-session, and the session closed.
 */
async function poll(m: Extract<NmsOp, { op: 'poll' }>): Promise<PollResult> {
  const samples: number[] = [];
  let failures = 0;
  let replyBytes = 0;
  let lastError: string | undefined;
  let next = m.first;
  const t0 = nowMs();
  const worker = async (): Promise<void> => {
    while (next <= m.last) {
      const n = next++;
      const p0 = nowMs();
      try {
        replyBytes += await pollOne(m.deviceId, m.secret, n);
        samples.push(nowMs() - p0);
      } catch (err) {
        failures++;
        lastError = (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, m.concurrency) }, worker));
  return { ms: nowMs() - t0, samples, done: samples.length, failures, replyBytes, lastError };
}

/** What a sustained run did since it was last asked (sustainTake). */
export interface SustainTake {
  /** Poll times (ms), session request to close, of the polls that ended. */
  samples: number[];
  failures: number;
  lastError?: string;
  /** Polls started more than LATE_MS after their turn (the NMS held them: too many in flight). */
  late: number;
  inFlight: number;
  /** Polls over SLOW_MS that ended. */
  slowCount: number;
  /**
   * Of those, at most SLOW_KEPT drawn evenly from the take (reservoir sampling): when each
   * started (ms into the run), its device and how long each step took.
   */
  slow: { at: number; device: number; steps: number[] }[];
}
const LATE_MS = 1000;
const SLOW_MS = 1000;
/** Slow polls kept per take at most. */
const SLOW_KEPT = 500;

/**
 * The sustained poller: every device 1..count polled once per period, in turn, evenly spread
 * over the period (device k at k/count of it), as an NMS's scheduler does; at most
 * maxInFlight polls at once (a poll whose turn comes meanwhile waits, and counts as late).
 */
class Sustain {
  private take: SustainTake = { samples: [], failures: 0, late: 0, inFlight: 0, slowCount: 0, slow: [] };
  private issued = 0;
  private readonly t0 = nowMs();
  private readonly timer: NodeJS.Timeout;
  private stopping = false;
  private drained: (() => void) | undefined;

  constructor(private readonly m: Extract<NmsOp, { op: 'sustainStart' }>) {
    this.timer = setInterval(() => this.tick(), 20);
  }

  private tick(): void {
    const now = nowMs();
    const due = Math.floor(((now - this.t0) / this.m.periodMs) * this.m.count);
    while (!this.stopping && this.issued < due && this.take.inFlight < this.m.maxInFlight) {
      const i = this.issued++;
      const turn = this.t0 + (i / this.m.count) * this.m.periodMs;
      if (now - turn > LATE_MS) this.take.late++;
      void this.one((i % this.m.count) + 1);
    }
  }

  private async one(n: number): Promise<void> {
    this.take.inFlight++;
    const p0 = nowMs();
    const steps: number[] = [];
    try {
      await pollOne(this.m.deviceId, this.m.secret, n, steps);
      const ms = nowMs() - p0;
      this.take.samples.push(ms);
      if (ms > SLOW_MS) {
        // Kept evenly over the take, not the first ones of each minute.
        const k = this.take.slowCount++;
        const j = k < SLOW_KEPT ? k : Math.floor(Math.random() * (k + 1));
        if (j < SLOW_KEPT) this.take.slow[j] = { at: p0 - this.t0, device: n, steps: steps.map((t, i) => t - (i ? steps[i - 1] : p0)) };
      }
    } catch (err) {
      this.take.failures++;
      this.take.lastError = (err as Error).message;
    } finally {
      this.take.inFlight--;
      if (this.stopping && this.take.inFlight === 0) this.drained?.();
    }
  }

  takeNow(): SustainTake {
    const t = this.take;
    this.take = { samples: [], failures: 0, late: 0, inFlight: t.inFlight, slowCount: 0, slow: [] };
    return t;
  }

  async stop(): Promise<SustainTake> {
    this.stopping = true;
    clearInterval(this.timer);
    if (this.take.inFlight > 0) await new Promise<void>((r) => (this.drained = r));
    return this.takeNow();
  }
}
let sustain: Sustain | undefined;

async function waitDevice(device: Device): Promise<void> {
  const deadline = Date.now() + REQUEST_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (nms!.pendingInitializes(device.deviceId) > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`device ${device.deviceId} did not reach the NMS`);
}

async function handle(msg: NmsOp): Promise<unknown> {
  switch (msg.op) {
    case 'init': {
      // Sessions keep only the tail of their output: a bulk run must not measure the NMS's memory.
      pem = { cert: msg.cert, key: msg.key };
      nms = new ReferenceNms({ host: '127.0.0.1', port: 0, cert: msg.cert, key: msg.key, protocols: ['enhanced'], keepOutputChars: 64 * 1024 });
      const nmsPort = await nms.start();
      raw = await startRawServer(msg.cert, msg.key);
      return { nmsPort, rawPort: raw.port };
    }
    case 'waitDevice':
      return waitDevice(msg.device);
    case 'rate':
      return rate(msg.devices, msg.count, msg.concurrency, msg.maxMs);
    case 'rtt':
      return rtt(msg.device, msg.payload, msg.count, msg.greeting);
    case 'rttOpen':
      await held.get(msg.slot)?.close();
      held.set(msg.slot, await request(msg.device));
      return {};
    case 'rttBlock':
      return rttBlock(msg.slot, msg.payload, msg.count);
    case 'rttClose':
      await Promise.all([...held.values()].map((h) => h.close()));
      held.clear();
      return {};
    case 'bulk':
      return bulk(msg.device);
    case 'fleetInit': {
      fleetNms = newFleetNms(0);
      const nmsPort = await fleetNms.start();
      hold = await startHoldServer(pem!.cert, pem!.key);
      return { nmsPort, h2Port: hold.port };
    }
    case 'h2streams':
      return hold!.streams();
    case 'pending':
      return fleetNms?.pendingInitializes() ?? 0;
    case 'fleetSession': {
      try {
        const s = await fleetNms!.requestSession(msg.deviceId, msg.secret, 'netconf', { timeoutMs: REQUEST_TIMEOUT_MS });
        await s.waitFor((out) => out.includes(TERMINATOR), REQUEST_TIMEOUT_MS);
        await s.close();
        return { ok: true };
      } catch (err) {
        return { ok: false, error: (err as Error).message };
      }
    }
    case 'nmsStop':
      await fleetNms?.stop();
      fleetNms = undefined;
      return null;
    case 'nmsStart':
      fleetNms = newFleetNms(msg.port);
      await fleetNms.start();
      return null;
    case 'initializeSpan':
      return span;
    case 'spanReset':
      span = { first: 0, last: 0, count: 0 };
      return null;
    case 'poll':
      return poll(msg);
    case 'sustainStart':
      await sustain?.stop();
      sustain = new Sustain(msg);
      return null;
    case 'sustainTake':
      return sustain?.takeNow() ?? null;
    case 'sustainStop': {
      const last = await sustain?.stop();
      sustain = undefined;
      return last ?? null;
    }
    case 'memory':
      return process.memoryUsage();
    case 'cpu':
      return process.cpuUsage();
    case 'stop':
      await sustain?.stop();
      await nms?.stop();
      await fleetNms?.stop();
      hold?.stop();
      raw?.stop();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on('message', (m: { id: number; body: NmsOp }) => {
  handle(m.body).then(
    (result) => process.send!({ id: m.id, result }),
    (err: unknown) => process.send!({ id: m.id, error: (err as Error).message ?? String(err) }),
  );
});
// The parent went away: nothing left to serve.
process.on('disconnect', () => process.exit(0));
