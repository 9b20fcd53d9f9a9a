/**
 * `npm run bench`: the agent measured beside plain grpc-js in the same run, on the same TLS
 * loopback (127.0.0.1, one self-signed certificate). This process is the device side (the
 * agent, and the raw gRPC client); a child process is the NMS side (the reference NMS and
 * the raw gRPC server), so each side has a core of its own. Measures alternate, ours then
 * raw, round after round, so that a noisy machine hurts both alike.
 *
 * Prints a table and a one-line summary; always exits 0 (benchmarks report, CI does not
 * fail on them). Options: --only rate,rtt,bulk,framing,fleet,polled,sustained  --rounds N  --quick
 * --fleet N (devices in the fleet, polled and sustained phases, bench/fleet.ts; default 500,
 * 10000 for the full-size run)  --period S --minutes M (the sustained phase: every device
 * polled once every S seconds, default 60, for M minutes, default 10; not run unless named
 * in --only)  --gc-trace DIR (V8's GC trace of the fleet and NMS processes, a file each).
 * Prints its progress on stderr, phase by phase, and the command that gives each figure again.
 */
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { GC_TRACE_FLAGS } from './fleet.js';
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { cpuPressure } from './proc.js';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Agent } from '../src/outbound/agent.js';
import type { SessionBackend } from '../src/session/byte-session.js';
import { createLogger, silentLogger } from '../src/log.js';
import { makeSelfSigned } from '../src/nms/pki.js';
import { BenchBackend } from './backends.js';
import type { Device, NmsOp } from './nms-side.js';
import { RawClient, bareEchoDevice } from './raw-grpc.js';
import { median, nowMs, percentile, renderTable, runConcurrent, verdict, type RateResult, type Row } from './stats.js';
import { ProgressLine } from '../src/cli/progress.js';

/** Where the bench is, on stderr: a live line at a terminal, a plain line per step otherwise. */
const progressLine = new ProgressLine(process.stderr, { plainEveryMs: 0 });
const benchStart = Date.now();
// Before anything of ours runs: what else wants the CPUs (figures on a contended machine read differently).
const pressureAtStart = cpuPressure();
function step(text: string): void {
  progressLine.update(`bench: ${text} (${Math.round((Date.now() - benchStart) / 1000)}s)`);
}

const FLEET = 8;
const SMALL_RPC = '<rpc><get-software-information/></rpc>]]>]]>';
const MiB = 1024 * 1024;

const PHASES = ['fleet', 'polled', 'sustained', 'rate', 'rtt', 'bulk', 'framing'];
/** Phases run when --only is not given (the sustained one takes minutes: asked for by name). */
const DEFAULT_PHASES = PHASES.filter((p) => p !== 'sustained');

/** Progress of one phase, on the same stderr line: phase, what it does now. */
function progress(phase: string, message: string): void {
  step(`${phase}: ${message}`);
}

interface Settings {
  phases: Set<string>;
  rounds: number;
  rateCount: number;
  concurrency: number;
  rttCount: number;
  /** Blocks of round trips a side run by turns before the measured ones (RTT_BLOCK each). */
  rttWarmBlocks: number;
  bulkBytes: number;
  pieceBytes: number;
  fleet: number;
  periodS: number;
  /** A directory for V8's GC trace of the fleet and NMS processes (--gc-trace). */
  gcTrace?: string;
  minutes: number;
  /** The command line that gives these figures again. */
  command: string;
}

function settings(): Settings {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, rounds: { type: 'string' }, quick: { type: 'boolean' }, fleet: { type: 'string' }, period: { type: 'string' }, minutes: { type: 'string' }, 'gc-trace': { type: 'string' } },
    strict: true,
  });
  const phases = new Set((values.only ?? DEFAULT_PHASES.join(',')).split(',').map((s) => s.trim()));
  for (const p of phases) if (!PHASES.includes(p)) throw new Error(`--only takes ${PHASES.join(', ')}, not "${p}"`);

  const quick = values.quick ?? false;
  const fleet = values.fleet === undefined ? (quick ? 200 : 500) : Number(values.fleet);
  if (!Number.isInteger(fleet) || fleet < 10 || fleet > 20000) throw new Error('--fleet takes a whole number of devices from 10 to 20000');
  const periodS = values.period === undefined ? 60 : Number(values.period);
  if (!Number.isInteger(periodS) || periodS < 5 || periodS > 3600) throw new Error('--period takes a whole number of seconds from 5 to 3600');
  const minutes = values.minutes === undefined ? 10 : Number(values.minutes);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) throw new Error('--minutes takes a whole number from 1 to 1440');
  const rounds = values.rounds === undefined ? (quick ? 1 : 3) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error('--rounds takes a whole number from 1 to 20');
  return {
    phases,
    rounds,
    rateCount: quick ? 300 : 1000,
    concurrency: 16,
    rttCount: quick ? 300 : 1500,
    rttWarmBlocks: quick ? 100 : 1000,
    bulkBytes: (quick ? 16 : 64) * MiB,
    pieceBytes: 64 * 1024,
    fleet,
    periodS,
    gcTrace: values['gc-trace'],
    minutes,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  };
}

/** The NMS-side child process, one request and one reply at a time per id. */
class NmsPeer {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error !== undefined) w.reject(new Error(m.error));
      else w.resolve(m.result);
    });
    child.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`the NMS process exited (${code})`));
      this.waiting.clear();
    });
  }

  call<T>(body: NmsOp): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, body });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
}

/** A forced collection, through V8's flag (the script runs without --expose-gc). */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

function cpuMicros(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return d.user + d.system;
}

let peerForCpu: NmsPeer | undefined;

/** Runs `fn`; returns its result with the CPU time (µs) this process and the NMS process spent meanwhile. */
async function withCpu<T>(fn: () => Promise<T>): Promise<{ value: T; cpu: number; nmsCpu: number }> {
  const n0 = await peerForCpu!.call<NodeJS.CpuUsage>({ op: 'cpu' });
  const c0 = process.cpuUsage();
  const value = await fn();
  const cpu = cpuMicros(c0);
  const n1 = await peerForCpu!.call<NodeJS.CpuUsage>({ op: 'cpu' });
  return { value, cpu, nmsCpu: n1.user + n1.system - n0.user - n0.system };
}

/** Raw sessions opened, first message received and closed, `concurrency` at a time. */
async function rawRate(raw: RawClient, count: number, concurrency: number, maxMs: number): Promise<RateResult> {
  return runConcurrent(count, concurrency, maxMs, () => raw.openOne());
}

interface Bench {
  s: Settings;
  nms: NmsPeer;
  raw: RawClient;
  /** The NMS's port and certificate (a bare device dials it in the round-trip phase). */
  nmsAt: { port: number; cert: string };
  devices: Record<'hello' | 'echo' | 'bulk' | 'device', Device | undefined>;
  /** Devices of one agent with several clients, all on the hello backend. */
  fleet: Device[];
  agents: Agent[];
  gc: () => void;
  rows: Row[];
  notes: string[];
}

const perSecond = (r: RateResult) => (r.done / r.ms) * 1000;

async function ratePhase(b: Bench): Promise<void> {
  step('rate: warming up');
  const { s, nms, raw } = b;
  const hello = b.devices.hello!;
  const maxMs = 6000;
  // Warm both paths (JIT, first TLS contexts) before measuring.
  await nms.call({ op: 'rate', devices: [hello], count: 64, concurrency: s.concurrency, maxMs });
  await rawRate(raw, 64, s.concurrency, maxMs);
  b.gc();
  const before = process.memoryUsage();
  const ours: number[] = [];
  const base: number[] = [];
  const wide: number[] = [];
  const oursCpu: number[] = [];
  const rawCpu: number[] = [];
  const oursNmsCpu: number[] = [];
  const rawNmsCpu: number[] = [];
  await raw.pipelined(64, maxMs);
  for (let r = 0; r < s.rounds; r++) {
    step(`rate: round ${r + 1}/${s.rounds}`);
    const o = await withCpu(() => nms.call<RateResult>({ op: 'rate', devices: [hello], count: s.rateCount, concurrency: s.concurrency, maxMs }));
    if (o.value.failures) b.notes.push(`rate round ${r + 1}: ${o.value.failures} of our sessions failed (${o.value.lastError})`);
    ours.push(perSecond(o.value));
    oursCpu.push(o.cpu / Math.max(1, o.value.done));
    oursNmsCpu.push(o.nmsCpu / Math.max(1, o.value.done));
    const w = await withCpu(() => raw.pipelined(s.rateCount, maxMs));
    if (w.value.failures) b.notes.push(`rate round ${r + 1}: ${w.value.failures} raw sessions failed (${w.value.lastError})`);
    base.push(perSecond(w.value));
    rawCpu.push(w.cpu / Math.max(1, w.value.done));
    rawNmsCpu.push(w.nmsCpu / Math.max(1, w.value.done));
    const x = await rawRate(raw, s.rateCount, s.concurrency, maxMs);
    if (x.failures) b.notes.push(`rate round ${r + 1}: ${x.failures} raw 16-wide sessions failed (${x.lastError})`);
    wide.push(perSecond(x));
  }
  b.rows.push({ metric: 'session open rate, one device (bench hello backend)', unit: 'sessions/s', ours: median(ours), raw: median(base), better: 'higher', target: { on: 'ratio', op: '>=', value: 0.9 } });
  b.rows.push({ metric: 'device-side CPU per session', unit: 'µs', ours: median(oursCpu), raw: median(rawCpu), better: 'lower' });
  b.rows.push({ metric: 'NMS-side CPU per session', unit: 'µs', ours: median(oursNmsCpu), raw: median(rawNmsCpu), better: 'lower' });
  b.rows.push({ metric: `  beside raw grpc-js with ${s.concurrency} Initializes at once (not allowed a device)`, unit: 'sessions/s', ours: median(ours), raw: median(wide), better: 'higher' });

  // Memory of the device process once the sessions are closed.
  await new Promise((r) => setTimeout(r, 200));
  b.gc();
  const after = process.memoryUsage();
  const live = b.agents.flatMap((a) => a.status().clients).reduce((n, c) => n + c.sessions.netconf + c.sessions.csh, 0);
  const opened = b.agents.flatMap((a) => a.status().clients).reduce((n, c) => n + c.sessionsTotal, 0);
  b.rows.push({ metric: 'device process RSS after the rate run', unit: 'MiB', ours: after.rss / MiB, raw: NaN, better: 'lower' });
  b.rows.push({ metric: 'device process heap used after GC', unit: 'MiB', ours: after.heapUsed / MiB, raw: NaN, better: 'lower' });
  b.rows.push({ metric: 'heap growth over the rate run, after GC', unit: 'MiB', ours: (after.heapUsed - before.heapUsed) / MiB, raw: NaN, better: 'lower' });
  b.notes.push(
    `memory: ${opened} sessions opened by the agents so far, ${live} still live; RSS ${(before.rss / MiB).toFixed(1)} -> ${(after.rss / MiB).toFixed(1)} MiB, ` +
      `heap ${(before.heapUsed / MiB).toFixed(1)} -> ${(after.heapUsed / MiB).toFixed(1)} MiB, external ${(before.external / MiB).toFixed(1)} -> ${(after.external / MiB).toFixed(1)} MiB ` +
      '(device process: agents + raw client; the NMS is another process)',
  );

  // Several devices on one agent: what the agent can do when one device's sessions need not queue.
  {
    const count = s.rateCount;
    await nms.call({ op: 'rate', devices: b.fleet, count: 64, concurrency: s.concurrency, maxMs });
    const o = await nms.call<RateResult>({ op: 'rate', devices: b.fleet, count, concurrency: s.concurrency, maxMs });
    if (o.failures) b.notes.push(`fleet rate: ${o.failures} sessions failed (${o.lastError})`);
    const w = await rawRate(raw, count, s.concurrency, maxMs);
    b.rows.push({ metric: `session open rate, ${b.fleet.length} devices on one agent`, unit: 'sessions/s', ours: perSecond(o), raw: perSecond(w), better: 'higher' });
  }

  const device = b.devices.device;
  if (device) {
    const count = Math.max(100, Math.floor(s.rateCount / 2));
    await nms.call({ op: 'rate', devices: [device], count: 32, concurrency: s.concurrency, maxMs });
    const o = await nms.call<RateResult>({ op: 'rate', devices: [device], count, concurrency: s.concurrency, maxMs });
    if (o.failures) b.notes.push(`device rate: ${o.failures} sessions failed (${o.lastError})`);
    const w = await rawRate(raw, count, s.concurrency, maxMs);
    b.rows.push({ metric: 'session open rate, EmulatedDevice NETCONF', unit: 'sessions/s', ours: perSecond(o), raw: perSecond(w), better: 'higher' });
  }
}

type RttResult = { samples: number[]; replyBytes: number };
/**
 * Round trips a block of the small-RPC comparison (the sides' blocks take turns). Ten
 * take about 1 ms: shorter than the bursts in which this machine's other work delays round
 * trips (slow ones come 1-20 ms apart, in bursts some tens of ms apart), so a burst falls on
 * both sides rather than on one side's block.
 */
const RTT_BLOCK = 10;
/**
 * The small-RPC round trips. Warmed by 10,000 a side by turns (Settings.rttWarmBlocks): the
 * three paths share Node's stream and TLS code, and V8 keeps compiling it again as it sees
 * them by turns: after 2,000 round trips a side it still optimized 45 functions and threw 7
 * optimizations away within the measured ones (--trace-opt --trace-deopt), and ours, with
 * more JavaScript on its path (HTTP/2 of its own), felt it more: p99 1.06-1.98x raw's in
 * three runs. After 10,000 a side: 16-24 and 7-16, and the two p99s within 0.9-1.15x.
 */
async function rttPhase(b: Bench): Promise<void> {
  step('round trips');
  const { s, nms, raw } = b;
  const echo = b.devices.echo!;
  // One session each side, held open, warmed, then short blocks by turns: whatever else the
  // machine does in the phase falls on every side alike, and no block starts on a new connection.
  await nms.call({ op: 'rttOpen', device: echo, slot: 'ours' });
  const rawEcho = raw.echoStream();
  // The same round trip through the reference NMS to a device of bare grpc-js: the NMS's share
  // is then on both sides, and the ratio is the device's alone.
  const bareDevice = { deviceId: 'bench-bare-echo', secret: 'bench-secret-bare-echo' };
  const bare = bareEchoDevice(b.nmsAt.port, b.nmsAt.cert, bareDevice.deviceId, bareDevice.secret);
  const ours: number[] = [];
  const base: number[] = [];
  const viaNms: number[] = [];
  let oursCpu = 0;
  let rawCpu = 0;
  try {
    await nms.call({ op: 'rttOpen', device: bareDevice, slot: 'bare' });
    let keep = false;
    const sides: (() => Promise<void>)[] = [
      async () => {
        const v = await nms.call<number[]>({ op: 'rttBlock', payload: SMALL_RPC, count: RTT_BLOCK, slot: 'ours' });
        if (keep) ours.push(...v);
      },
      async () => {
        const v = await rawEcho.block(SMALL_RPC, RTT_BLOCK);
        if (keep) base.push(...v);
      },
      async () => {
        const v = await nms.call<number[]>({ op: 'rttBlock', payload: SMALL_RPC, count: RTT_BLOCK, slot: 'bare' });
        if (keep) viaNms.push(...v);
      },
    ];
    // Each block of three in another order (all six in turn), so no side always follows another.
    const ORDERS = [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1], [2, 1, 0], [1, 0, 2]];
    const turns = async (blocks: number): Promise<void> => {
      for (let k = 0; k < blocks; k++) for (const i of ORDERS[k % ORDERS.length]) await sides[i]();
    };
    await turns(s.rttWarmBlocks);
    keep = true;
    await turns(Math.ceil((s.rounds * s.rttCount) / RTT_BLOCK));
    // CPU a round trip, from one long block a side (a block's call to the NMS process would count in short ones).
    oursCpu = (await withCpu(() => nms.call<number[]>({ op: 'rttBlock', payload: SMALL_RPC, count: s.rttCount, slot: 'ours' }))).cpu / s.rttCount;
    rawCpu = (await withCpu(() => rawEcho.block(SMALL_RPC, s.rttCount))).cpu / s.rttCount;
  } finally {
    await nms.call({ op: 'rttClose' });
    await rawEcho.close();
    bare.stop();
  }
  b.rows.push({ metric: `small RPC round trip p50, echo backend (${SMALL_RPC.length} B)`, unit: 'ms', ours: percentile(ours, 0.5), raw: percentile(base, 0.5), better: 'lower', target: { on: 'ratio', op: '<=', value: 1.3 } });
  b.rows.push({ metric: 'small RPC round trip p99, echo backend', unit: 'ms', ours: percentile(ours, 0.99), raw: percentile(base, 0.99), better: 'lower', target: { on: 'ratio', op: '<=', value: 1.3 } });
  b.rows.push({ metric: 'small RPC p50, both through the reference NMS (raw = a bare grpc-js device)', unit: 'ms', ours: percentile(ours, 0.5), raw: percentile(viaNms, 0.5), better: 'lower' });
  b.rows.push({ metric: 'small RPC p99, both through the reference NMS', unit: 'ms', ours: percentile(ours, 0.99), raw: percentile(viaNms, 0.99), better: 'lower' });
  b.rows.push({ metric: 'device-side CPU per round trip', unit: 'µs', ours: oursCpu, raw: rawCpu, better: 'lower' });

  const device = b.devices.device;
  if (device) {
    const warm = await nms.call<RttResult>({ op: 'rtt', device, payload: SMALL_RPC, count: 100, greeting: true });
    const replyBytes = warm.replyBytes;
    await raw.echo(SMALL_RPC, 100, replyBytes);
    const o: number[] = [];
    const w: number[] = [];
    for (let r = 0; r < s.rounds; r++) {
      o.push(...(await nms.call<RttResult>({ op: 'rtt', device, payload: SMALL_RPC, count: Math.floor(s.rttCount / 2), greeting: true })).samples);
      w.push(...(await raw.echo(SMALL_RPC, Math.floor(s.rttCount / 2), replyBytes)));
    }
    b.rows.push({ metric: `get-software-information p50, EmulatedDevice (${replyBytes} B reply)`, unit: 'ms', ours: percentile(o, 0.5), raw: percentile(w, 0.5), better: 'lower' });
    b.rows.push({ metric: 'get-software-information p99, EmulatedDevice', unit: 'ms', ours: percentile(o, 0.99), raw: percentile(w, 0.99), better: 'lower' });
  }
}

type BulkResult = { ms: number; bytes: number; messages?: number };
const mibPerSecond = (r: BulkResult) => r.bytes / MiB / (r.ms / 1000);

async function bulkPhase(b: Bench): Promise<void> {
  step('bulk output');
  const { s, nms, raw } = b;
  const bulk = b.devices.bulk!;
  const ours: number[] = [];
  const sink: number[] = [];
  const source: number[] = [];
  let oursCpu = 0;
  let sinkCpu = 0;
  let oursBytes = 0;
  let sinkBytes = 0;
  // Bulk runs are short: more rounds steady the medians.
  for (let r = 0; r < s.rounds + 2; r++) {
    const o = await withCpu(() => nms.call<BulkResult>({ op: 'bulk', device: bulk }));
    if (o.value.bytes !== s.bulkBytes) b.notes.push(`bulk round ${r + 1}: the NMS counted ${o.value.bytes} of ${s.bulkBytes} bytes`);
    ours.push(mibPerSecond(o.value));
    oursCpu += o.cpu;
    oursBytes += o.value.bytes;
    const w = await withCpu(() => raw.sink(s.bulkBytes, s.pieceBytes));
    if (w.value.bytes !== s.bulkBytes) b.notes.push(`bulk round ${r + 1}: the raw server counted ${w.value.bytes} of ${s.bulkBytes} bytes`);
    sink.push(mibPerSecond(w.value));
    sinkCpu += w.cpu;
    sinkBytes += w.value.bytes;
    const v = await raw.source(s.bulkBytes, s.pieceBytes);
    source.push(mibPerSecond(v));
  }
  const size = `${s.bulkBytes / MiB} MiB in ${s.pieceBytes / 1024} KiB pieces`;
  b.rows.push({ metric: `bulk output device->NMS, ${size}`, unit: 'MiB/s', ours: median(ours), raw: median(sink), better: 'higher', target: { on: 'ratio', op: '>=', value: 0.7 } });
  b.rows.push({ metric: 'bulk output vs raw server-streaming', unit: 'MiB/s', ours: median(ours), raw: median(source), better: 'higher' });
  b.rows.push({ metric: 'device-side CPU per MiB of output', unit: 'ms', ours: oursCpu / 1000 / (oursBytes / MiB), raw: sinkCpu / 1000 / (sinkBytes / MiB), better: 'lower' });
}

/**
 * NETCONF reassembly on the device: one big RPC (a load-configuration) arriving in 1 KiB
 * pushes, as Juniper's sample NMS sends it, in both framings. In-process; no raw column.
 */
async function framingPhase(b: Bench): Promise<void> {
  step('NETCONF reassembly');
  const { FrameDecoder, encodeChunks } = await import('../src/netconf/framing.js');
  for (const mib of b.s.rounds > 1 ? [4, 15] : [4]) {
    for (const mode of ['eom', 'chunked'] as const) {
      const text = '<rpc><load-configuration><configuration-text>' + 'x'.repeat(mib * MiB) + '</configuration-text></load-configuration></rpc>';
      const framed = mode === 'eom' ? Buffer.from(text + ']]>]]>') : encodeChunks(text, 1024);
      const times: number[] = [];
      for (let r = 0; r < b.s.rounds; r++) {
        const dec = new FrameDecoder(64 * MiB);
        dec.mode = mode;
        let got = 0;
        const t0 = nowMs();
        for (let i = 0; i < framed.length; i += 1024) dec.push(framed.subarray(i, i + 1024), (e) => (got = e.kind === 'message' ? e.body.length : -1));
        times.push(nowMs() - t0);
        if (got !== Buffer.byteLength(text)) b.notes.push(`framing ${mode} ${mib} MiB: message of ${got} bytes, expected ${Buffer.byteLength(text)}`);
      }
      b.rows.push({ metric: `reassemble a ${mib} MiB RPC from 1 KiB pushes (${mode === 'eom' ? ']]>]]>' : 'chunked'})`, unit: 'ms', ours: median(times), raw: NaN, better: 'lower' });
    }
  }
}

async function makeDeviceBackend(notes: string[]): Promise<{ backend: SessionBackend; close(): Promise<void> } | undefined> {
  try {
    const { EmulatedDevice } = await import('../src/junos/device.js');
    const { DeviceNetconfBackend } = await import('../src/backends/junos-netconf.js');
    const device = await EmulatedDevice.create({ profile: 'mx' });
    return { backend: new DeviceNetconfBackend(device, 'bench'), close: () => device.close() };
  } catch (err) {
    notes.push(`EmulatedDevice rows skipped: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

async function main(s: Settings): Promise<void> {
  const began = nowMs();
  const notes: string[] = [];
  step('setting up: the NMS process, the agents and their devices');
  const pem = await makeSelfSigned({ commonName: 'nms.bench', ipSans: ['127.0.0.1'] });
  const gcTrace = s.gcTrace;
  if (gcTrace) mkdirSync(gcTrace, { recursive: true });
  const child = fork(new URL('./nms-side.js', import.meta.url), [], gcTrace ? { execArgv: GC_TRACE_FLAGS, stdio: ['ignore', openSync(path.join(gcTrace, 'nms.log'), 'w'), 'inherit', 'ipc'] } : { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const nms = new NmsPeer(child);
  const agents: Agent[] = [];
  let deviceBackend: Awaited<ReturnType<typeof makeDeviceBackend>>;
  try {
    const { nmsPort, rawPort } = await nms.call<{ nmsPort: number; rawPort: number }>({ op: 'init', cert: pem.cert, key: pem.key });
    const server = { address: '127.0.0.1', port: nmsPort, trustedCert: pem.cert };
    const backends: Partial<Record<keyof Bench['devices'], SessionBackend>> = {
      hello: new BenchBackend('hello'),
      echo: new BenchBackend('echo'),
      bulk: new BenchBackend('bulk', { totalBytes: s.bulkBytes, pieceBytes: s.pieceBytes }),
    };
    deviceBackend = await makeDeviceBackend(notes);
    if (deviceBackend) backends.device = deviceBackend.backend;
    const devices: Bench['devices'] = { hello: undefined, echo: undefined, bulk: undefined, device: undefined };
    for (const [name, backend] of Object.entries(backends) as [keyof Bench['devices'], SessionBackend][]) {
      const device = { deviceId: `bench-${name}`, secret: `bench-secret-${name}` };
      const agent = new Agent({
        config: { clients: [{ name, ...device, waittime: 1, reconnectStrategy: 'in-order', servers: [server] }], protocol: 'enhanced' },
        backends: { netconf: backend, csh: backend },
        logger: process.env.BENCH_LOG ? createLogger({ level: process.env.BENCH_LOG, format: 'pretty' }) : silentLogger,
      });
      agent.start();
      agents.push(agent);
      await nms.call({ op: 'waitDevice', device });
      devices[name] = device;
    }
    const fleet = Array.from({ length: FLEET }, (_, i) => ({ deviceId: `bench-fleet-${i}`, secret: `bench-secret-fleet-${i}` }));
    const fleetBackend = new BenchBackend('hello');
    const fleetAgent = new Agent({
      config: { clients: fleet.map((d, i) => ({ name: `fleet-${i}`, ...d, waittime: 1, reconnectStrategy: 'in-order' as const, servers: [server] })), protocol: 'enhanced' },
      backends: { netconf: fleetBackend, csh: fleetBackend },
      logger: silentLogger,
    });
    fleetAgent.start();
    agents.push(fleetAgent);
    for (const d of fleet) await nms.call({ op: 'waitDevice', device: d });
    peerForCpu = nms;
    const bench: Bench = { s, nms, raw: new RawClient(rawPort, pem.cert), nmsAt: { port: nmsPort, cert: pem.cert }, devices, fleet, agents, gc: collector(), rows: [], notes };
    const loadAtStart = os.loadavg();
    // The fleet first: its memory per device is measured against bare connections, and memory
    // freed by the other phases would be reused by whichever side comes first.
    if (s.phases.has('fleet') || s.phases.has('polled') || s.phases.has('sustained')) {
      const { fleetPhase } = await import('./fleet.js');
      await fleetPhase({ n: s.fleet, nms, cert: pem.cert, phases: s.phases, raw: bench.raw, periodS: s.periodS, minutes: s.minutes, gcTrace: s.gcTrace, rows: bench.rows, notes, progress });
    }
    if (s.phases.has('rate')) await ratePhase(bench);
    if (s.phases.has('rtt')) await rttPhase(bench);
    if (s.phases.has('bulk')) await bulkPhase(bench);
    if (s.phases.has('framing')) await framingPhase(bench);
    progressLine.done(`bench: measured in ${Math.round((Date.now() - benchStart) / 1000)}s`);

    console.log(`nc-grpc-device bench: node ${process.version}, ${os.cpus().length} CPUs, load ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} at the start, ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at the end, ${s.rounds} round(s), TLS on 127.0.0.1 (P-256 self-signed)${pressureAtStart === undefined ? '' : `; CPU pressure before the run ${pressureAtStart.toFixed(1)} % (PSI "some", the last minute: the share of time a runnable task waited for a CPU)`}`);
    console.log(`command: ${s.command}`);
    for (const p of PHASES.filter((x) => s.phases.has(x))) {
      const size = p === 'fleet' || p === 'polled' ? ` --fleet ${s.fleet}` : p === 'sustained' ? ` --fleet ${s.fleet} --period ${s.periodS} --minutes ${s.minutes}` : '';
      console.log(`  ${p} rows alone: npm run bench -- --only ${p}${size}${s.rounds !== 3 ? ` --rounds ${s.rounds}` : ''}`);
    }
    console.log('');
    console.log(renderTable(bench.rows));
    console.log('');
    for (const line of explanations) console.log(line);
    for (const n of notes) console.log(`note: ${n}`);
    const judged = bench.rows.filter((r) => verdict(r) !== 'info');
    const passed = judged.filter((r) => verdict(r) === 'pass');
    const failed = judged.filter((r) => verdict(r) === 'FAIL').map((r) => r.metric);
    console.log('');
    console.log(
      `summary: ${passed.length}/${judged.length} targets met${failed.length ? ` (missed: ${failed.join('; ')})` : ''}; ` +
        `${((nowMs() - began) / 1000).toFixed(1)} s`,
    );
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
    await deviceBackend?.close().catch(() => {});
    await nms.call({ op: 'stop' }).catch(() => {});
    if (child.exitCode === null && child.pid) {
      const pid = child.pid;
      setTimeout(() => {
        if (child.exitCode === null) process.kill(pid, 'SIGKILL');
      }, 2000).unref();
    }
  }
}

const explanations = [
  'fleet: the command `nc-grpc-device --devices N` as a user runs it (a process of its own, no flags, no environment',
  '  settings), measured from /proc (its process and any below it); per device = beyond a one-device run of',
  '  the same command. bare = a plain Node http2 TLS client in a process of its own: min(N, 2000) connections, 16 at a',
  '  time, each holding one open POST stream, to a plain http2 server in the NMS process. Memory of both after 3 s idle.',
  'polled: every device of that fleet polled once, then again, 16 at a time, by the reference NMS (NMS process): NETCONF',
  '  session, hello, get-interface-information terse, get-configuration, close-session; device CPU from /proc. Bare',
  '  session: raw grpc-js in the bench process, new connection, Initialize, stream, hello out, NMS hello + one small RPC in,',
  '  small reply out, kill in, stop message out, close; its CPU from process.cpuUsage, 16 at a time.',
  'sustained: the same poll, every device once per --period, each in its turn (spread evenly), at most 256 in flight, for',
  '  --minutes; per minute polls/s, p50/p99 poll time, fleet RSS and CPU; flat = RSS slope after the first period.',
  'how to read: "ours" = reference NMS (child process) <-> TLS <-> Agent + SessionBridge + in-process backend (this process);',
  '  "raw" = minimal grpc-js server (child process) <-> TLS <-> grpc-js client (this process), same proto, cert and channel options.',
  '  Ours also carries the reference NMS (session table, event log, requestSession matching) on the NMS side; raw has none.',
  '  session rate: ours = NMS answers the pending Initialize, agent opens CommandGet on that channel and re-arms on a new',
  '  channel, hello arrives, NMS closes (kill 2, device sends its stop message and half-closes). raw = the same rule and',
  '  messages with bare grpc-js: one Initialize pending at a time, each on a new channel (the next already connecting), the',
  '  server answers at once; when one returns the next goes out and CommandGet + hello + kill + stop message + close run',
  '  alongside. The contract allows a device one pending Initialize, so its sessions open one after another; the',
  '  "16 Initializes at once" row shows raw grpc-js without that rule, and the several-devices row what an agent does then.',
  '  round trip: ours = NMS command -> agent -> echo backend -> agent -> NMS; raw = client -> server echo -> client;',
  '  one session (stream) each, held open, warmed by 10,000 round trips a side by turns, then measured the same way: blocks of 10',
  '  round trips, the three sides (ours, raw, a bare grpc-js device through the reference NMS) in rotating order.',
  '  bulk: the target compares the same direction (device/client -> NMS/server); server-streaming is shown for reference.',
  '  CPU rows: CPU time per unit of work of one side: device side = agent or raw client; NMS side = reference NMS or raw server.',
];

let chosen: Settings;
try {
  chosen = settings();
} catch (err) {
  console.error(`bench: ${(err as Error).message}`);
  process.exit(2);
}
main(chosen)
  .catch((err: unknown) => {
    console.error(`bench: ${(err as Error).message ?? String(err)}`);
  })
  .finally(() => process.exit(0));
