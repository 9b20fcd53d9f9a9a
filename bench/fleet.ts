/**
 * The fleet phases of `npm run bench`, with the device side run as a user runs it: the
 * `nc-grpc-device --devices N` command in a process of its own, with no flags or environment
 * settings from the bench (what it needs it applies itself), against the reference NMS in
 * the NMS child process; measured from outside (/proc: resident memory and CPU time of the
 * command and any process below it). Beside it, in the same run, the bare
 * baseline: a plain Node http2 TLS client in a process of its own (bench/bare-client.ts)
 * opening min(N, 2000) connections, 16 at a time, each holding one open POST stream, to a
 * plain http2 server in the NMS process.
 *
 *   fleet    connect rate at the start (first to last Initialize at the NMS; and from the
 *            command's start), resident memory per idle device (beyond a one-device run of
 *            the same command) and CPU per connected device, against the bare connection;
 *            a session to one idle device; the storm (the NMS restarted, devices in step).
 *   polled   every device polled once, then again (NETCONF session: hello,
 *            get-interface-information terse, get-configuration, close), 16 at a time, by
 *            the reference NMS: device CPU per poll, polls/s, p99 poll time, and the memory a
 *            polled device keeps beyond an idle one.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import http2 from 'node:http2';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Row } from './stats.js';
import { nowMs, percentile, POLL_STEPS, runConcurrent } from './stats.js';
import { cpuPressure, treeCpuMs, treeFds, treeRss } from './proc.js';
import type { PollResult, SustainTake } from './nms-side.js';
import { MODEL_IDLE_MS } from '../src/junos/device.js';

const MiB = 1024 * 1024;
const KiB = 1024;
/** Connections of the bare baseline (the issue's 2,000; fewer for a smaller fleet). */
const BARE_MAX = 2000;
const WIDTH = 16;
const SECRET = 'bench-fleet-secret';

export interface FleetPeer {
  call<T>(body: unknown): Promise<T>;
}

export interface FleetContext {
  n: number;
  nms: FleetPeer;
  cert: string;
  /** Which of 'fleet', 'polled' and 'sustained' to run. */
  phases: Set<string>;
  /** The bare session of the polled rows (bench/raw-grpc.ts RawClient, in this process). */
  raw?: { bareSession(): Promise<void> };
  /** The sustained phase: every device polled once per `periodS`, for `minutes`. */
  periodS: number;
  minutes: number;
  /** A directory for V8's GC trace of the fleet processes (--gc-trace). */
  gcTrace?: string;
  rows: Row[];
  notes: string[];
  progress(phase: string, message: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The environment a user's shell would give the command: none of the fleet settings. */
function plainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NCGD_SECRET: SECRET };
  for (const k of ['NODE_OPTIONS', 'MALLOC_ARENA_MAX', 'NCGD_SHARDS']) delete env[k];
  return env;
}

interface BareResult {
  count: number;
  rate: number;
  cpuMsPer: number;
  rssPer: number;
}

/** The bare http2 baseline, in a process of its own (no flags), closed again before it returns. */
async function bareBaseline(c: FleetContext, port: number): Promise<BareResult> {
  const count = Math.min(c.n, BARE_MAX);
  c.progress('fleet', `bare baseline: ${count} plain http2 TLS connections, ${WIDTH} at a time, each holding a POST stream (own process)`);
  const child = fork(new URL('./bare-client.js', import.meta.url), [], { execArgv: [], env: plainEnv(), stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const r = await new Promise<{ ms: number; cpuMs: number; rss0: number; rss1: number }>((resolve, reject) => {
      child.once('message', (m: { result?: { ms: number; cpuMs: number; rss0: number; rss1: number }; error?: string }) => (m.result ? resolve(m.result) : reject(new Error(m.error))));
      child.once('exit', (code) => reject(new Error(`the bare client exited (${code})`)));
      child.send({ op: 'connect', ask: { port, cert: c.cert, count, width: WIDTH } });
    });
    return { count, rate: (count / r.ms) * 1000, cpuMsPer: r.cpuMs / count, rssPer: (r.rss1 - r.rss0) / count };
  } finally {
    await stopChild(child, 'close');
  }
}

async function stopChild(child: ChildProcess, message?: string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  if (message && child.connected) child.send({ op: message });
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

async function waitPending(c: FleetContext, want: number, maxMs: number, phase: string): Promise<number> {
  const t0 = nowMs();
  let got = 0;
  let said = 0;
  while (nowMs() - t0 < maxMs) {
    got = await c.nms.call<number>({ op: 'pending' });
    if (got >= want) return got;
    if (nowMs() - said > 5000) {
      if (said) c.progress(phase, `${got} of ${want} devices waiting at the NMS (${((nowMs() - t0) / 1000).toFixed(0)} s)`);
      said = nowMs();
    }
    await sleep(50);
  }
  return got;
}

/** V8's GC trace (--gc-trace): one line per full collection, its pause and what took it. */
export const GC_TRACE_FLAGS = ['--trace-gc-nvp', '--trace-gc-ignore-scavenger'];

/**
 * The command as a user runs it: `nc-grpc-device --devices N ...`, its stderr's tail kept;
 * with --gc-trace, V8's GC trace of it on stdout, into a file of that directory.
 */
function startCommand(args: string[], gcTrace?: string): { child: ChildProcess; tail(): string } {
  const main = new URL('../src/cli/main.js', import.meta.url).pathname;
  const out = gcTrace ? openSync(path.join(gcTrace, `fleet-${args.includes('--devices') ? 'n' : '1'}.log`), 'w') : 'ignore';
  const child = spawn(process.execPath, [...(gcTrace ? GC_TRACE_FLAGS : []), main, ...args], { env: plainEnv(), stdio: ['ignore', out, 'pipe'] });
  let tail = '';
  child.stderr!.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-2000)));
  return { child, tail: () => tail.trim().split('\n').slice(-3).join(' | ') };
}

/** Resident memory of a process tree once it has sat idle a while (no forced collection, as for the bare client). */
async function idleRss(pid: number): Promise<number> {
  await sleep(3000);
  return treeRss(pid);
}

interface Fleet {
  pid: number;
  child: ChildProcess;
  tail(): string;
}

async function runFleet(c: FleetContext, dir: string, nmsPort: number, count: number, id: string, phase: string): Promise<Fleet & { waitingMs: number; ok: boolean }> {
  const certFile = path.join(dir, 'nms.crt');
  writeFileSync(certFile, c.cert);
  const args = ['--host', '127.0.0.1', '--port', String(nmsPort), '--cert-file', certFile, '--device-id', id, '--waittime', String(STORM_WAITTIME_MS / 1000), '--storm', '--profile', 'mx', '--control', path.join(dir, `${count}.sock`), '--log-level', 'warn'];
  if (count > 1) args.push('--devices', String(count));
  // The start span is this fleet's own: the one-device run before it is not its first Initialize.
  await c.nms.call({ op: 'spanReset' });
  const t0 = nowMs();
  const { child, tail } = startCommand(args, c.gcTrace);
  const got = await Promise.race([waitPending(c, count, 600_000, phase), new Promise<number>((r) => child.once('exit', () => r(-1)))]);
  return { pid: child.pid!, child, tail, waitingMs: nowMs() - t0, ok: got >= count };
}

async function noneWaiting(c: FleetContext): Promise<void> {
  for (let i = 0; i < 200 && (await c.nms.call<number>({ op: 'pending' })) > 0; i++) await sleep(50);
}

export async function fleetPhase(c: FleetContext): Promise<void> {
  const { nmsPort, h2Port } = await c.nms.call<{ nmsPort: number; h2Port: number }>({ op: 'fleetInit' });
  const idle = c.phases.has('fleet');
  const polled = c.phases.has('polled');
  const sustained = c.phases.has('sustained');
  const bare = idle ? await bareBaseline(c, h2Port) : undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ncgd-bench-fleet-'));
  try {
    // The command's fixed cost (process, profile, schema, control socket): one device.
    c.progress('fleet', 'one device (the command\'s fixed cost)');
    const one = await runFleet(c, dir, nmsPort, 1, 'bench-one', 'fleet');
    if (!one.ok) throw new Error(`the one-device run did not reach the NMS: ${one.tail()}`);
    const oneRss = await idleRss(one.pid);
    const oneCpu = treeCpuMs(one.pid);
    const oneFds = treeFds(one.pid);
    await stopChild(one.child);
    await noneWaiting(c);

    c.progress('fleet', `starting nc-grpc-device --devices ${c.n} (no flags, no environment settings)`);
    const f = await runFleet(c, dir, nmsPort, c.n, 'bench-fleet-{n}', 'fleet');
    try {
      if (!f.ok) {
        c.notes.push(`fleet: not every device reached the NMS: ${f.tail()}`);
        return;
      }
      const startSpan = await c.nms.call<{ first: number; last: number; count: number }>({ op: 'initializeSpan' });
      const cpu = treeCpuMs(f.pid);
      c.progress('fleet', `all ${c.n} waiting after ${(f.waitingMs / 1000).toFixed(1)} s; letting it settle`);
      const rss = await idleRss(f.pid);
      const fds = treeFds(f.pid);
      const perDevice = (rss - oneRss) / (c.n - 1);
      const name = `${c.n} devices`;
      if (idle && bare) {
        c.rows.push({ metric: `fleet start connect rate (first to last Initialize), ${name}`, unit: 'devices/s', ours: (startSpan.count / Math.max(1, startSpan.last - startSpan.first)) * 1000, raw: bare.rate, better: 'higher', target: { on: 'ratio', op: '>=', value: 0.8 } });
        c.rows.push({ metric: `fleet start to all waiting (from the command's start), ${name}`, unit: 'devices/s', ours: (c.n / f.waitingMs) * 1000, raw: bare.rate, better: 'higher' });
        c.rows.push({ metric: 'RSS per idle device, beyond a one-device run', unit: 'KiB', ours: perDevice / KiB, raw: bare.rssPer / KiB, better: 'lower', target: { on: 'ratio', op: '<=', value: 1.1 } });
        c.rows.push({ metric: 'RSS per idle device, whole process / devices', unit: 'KiB', ours: rss / c.n / KiB, raw: bare.rssPer / KiB, better: 'lower' });
        c.rows.push({ metric: 'device-process CPU per connected device, beyond a one-device run', unit: 'ms', ours: (cpu - oneCpu) / (c.n - 1), raw: bare.cpuMsPer, better: 'lower', target: { on: 'ratio', op: '<=', value: 1.5 } });
        c.rows.push({ metric: 'open fds per idle device', unit: 'fds', ours: (fds - oneFds) / (c.n - 1), raw: 1, better: 'lower' });
        // A session to one device of the idle fleet (its datastore is built now).
        const k = 1 + Math.floor(Math.random() * c.n);
        const s0 = nowMs();
        const opened = await c.nms.call<{ ok: boolean; error?: string }>({ op: 'fleetSession', deviceId: `bench-fleet-${k}`, secret: SECRET });
        c.rows.push({ metric: 'a session to one idle device (open + hello)', unit: 'ms', ours: nowMs() - s0, raw: NaN, better: 'lower' });
        if (!opened.ok) c.notes.push(`fleet: session to bench-fleet-${k} failed: ${opened.error}`);
        c.notes.push(
          `fleet: ${c.n} devices all waiting ${(f.waitingMs / 1000).toFixed(1)} s after the command started; RSS ${(rss / MiB).toFixed(0)} MiB (one device: ${(oneRss / MiB).toFixed(0)} MiB), ` +
            `CPU ${(cpu / 1000).toFixed(1)} s (one device: ${(oneCpu / 1000).toFixed(2)} s); bare http2 (${bare.count} connections): ${bare.rate.toFixed(0)} connections/s, ` +
            `${(bare.rssPer / KiB).toFixed(1)} KiB and ${bare.cpuMsPer.toFixed(2)} ms CPU each`,
        );
      }
      if (polled) await pollPhase(c, f.pid, rss, perDevice);
      if (sustained) await sustainedPhase(c, f.pid, rss, perDevice);
      if (idle) await stormPhase(c, nmsPort);
    } finally {
      c.progress('fleet', 'stopping the fleet');
      await stopChild(f.child);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pollRound(c: FleetContext, pid: number, round: string): Promise<{ r: PollResult; cpuPer: number }> {
  c.progress('polled', `${round} poll of ${c.n} devices, ${WIDTH} at a time`);
  const cpu0 = treeCpuMs(pid);
  const r = await c.nms.call<PollResult>({ op: 'poll', deviceId: 'bench-fleet-{n}', secret: SECRET, first: 1, last: c.n, concurrency: WIDTH });
  const cpuPer = (treeCpuMs(pid) - cpu0) / Math.max(1, r.done);
  if (r.failures) c.notes.push(`polled: ${r.failures} of the ${round} polls failed (${r.lastError})`);
  return { r, cpuPer };
}

async function pollPhase(c: FleetContext, pid: number, idleRssTotal: number, idlePerDevice: number): Promise<void> {
  const first = await pollRound(c, pid, 'first');
  await waitPending(c, c.n, 60_000, 'polled');
  const rss1 = await idleRss(pid);
  const second = await pollRound(c, pid, 'second');
  await waitPending(c, c.n, 60_000, 'polled');
  const rss2 = await idleRss(pid);
  // A device drops what it can rebuild MODEL_IDLE_MS after its last session, as between two
  // polls a minute apart; once the fleet is quiet its memory guard collects the garbage, and
  // V8's memory reducer returns the pages some seconds later.
  c.progress('polled', `waiting ${SETTLED_S} s for idle devices to drop what they can rebuild and the process to give it back`);
  await sleep(MODEL_IDLE_MS + 2000);
  const rss3 = await idleRss(pid);
  await sleep((SETTLED_S - (MODEL_IDLE_MS + 5000) / 1000) * 1000 - 3000);
  const rss4 = await idleRss(pid);
  const bare = c.raw ? await bareSessions(c, c.raw) : undefined;
  const rate = (x: PollResult) => (x.done / x.ms) * 1000;
  const extra = (rss2 - idleRssTotal) / c.n;
  c.rows.push({ metric: `device CPU per poll, first (vs repeated), ${c.n} devices`, unit: 'ms', ours: first.cpuPer, raw: second.cpuPer, better: 'lower', target: { on: 'ratio', op: '<=', value: 2 } });
  c.rows.push({ metric: 'device CPU per poll, repeated (vs a bare grpc-js session: hello, one small RPC, close)', unit: 'ms', ours: second.cpuPer, raw: bare ?? NaN, better: 'lower', target: bare ? { on: 'ratio', op: '<=', value: 2 } : undefined });
  c.rows.push({ metric: 'polls/s, first poll', unit: 'polls/s', ours: rate(first.r), raw: NaN, better: 'higher' });
  c.rows.push({ metric: 'polls/s, repeated poll', unit: 'polls/s', ours: rate(second.r), raw: NaN, better: 'higher' });
  c.rows.push({ metric: 'poll time p99, first poll', unit: 'ms', ours: percentile(first.r.samples, 0.99), raw: NaN, better: 'lower' });
  c.rows.push({ metric: 'poll time p99, repeated poll', unit: 'ms', ours: percentile(second.r.samples, 0.99), raw: NaN, better: 'lower' });
  c.rows.push({ metric: 'RSS a polled device keeps beyond an idle one', unit: 'KiB', ours: extra / KiB, raw: NaN, better: 'lower' });
  c.rows.push({ metric: 'RSS per polled device just after its poll (vs idle device)', unit: 'KiB', ours: (idlePerDevice + extra) / KiB, raw: idlePerDevice / KiB, better: 'lower' });
  c.rows.push({ metric: `RSS per polled device ${(MODEL_IDLE_MS + 5000) / 1000} s after its poll (vs idle device)`, unit: 'KiB', ours: (idlePerDevice + (rss3 - idleRssTotal) / c.n) / KiB, raw: idlePerDevice / KiB, better: 'lower' });
  c.rows.push({ metric: `RSS per polled device ${SETTLED_S} s after its poll (vs idle device)`, unit: 'KiB', ours: (idlePerDevice + (rss4 - idleRssTotal) / c.n) / KiB, raw: idlePerDevice / KiB, better: 'lower', target: { on: 'ratio', op: '<=', value: 1.5 } });
  c.notes.push(
    `polled: RSS idle ${(idleRssTotal / MiB).toFixed(0)} MiB, after the first poll ${(rss1 / MiB).toFixed(0)} MiB, after the second ${(rss2 / MiB).toFixed(0)} MiB, ${(MODEL_IDLE_MS + 5000) / 1000} s later ${(rss3 / MiB).toFixed(0)} MiB, ${SETTLED_S} s later ${(rss4 / MiB).toFixed(0)} MiB; ` +
      `${(first.r.replyBytes / Math.max(1, first.r.done) / KiB).toFixed(1)} KiB of replies per poll; poll p50 ${percentile(first.r.samples, 0.5).toFixed(1)} / ${percentile(second.r.samples, 0.5).toFixed(1)} ms (first / repeated)`,
  );
}

/** How long after a poll the polled rows read a settled RSS: the drop, the collection, the reducer. */
const SETTLED_S = 45;

/** Device-side CPU (ms) of one bare grpc-js session (RawClient.bareSession), measured in this process. */
async function bareSessions(c: FleetContext, raw: { bareSession(): Promise<void> }): Promise<number> {
  const count = Math.min(1000, Math.max(200, c.n));
  c.progress('polled', `bare grpc-js sessions (hello, one small RPC, close): ${count}, ${WIDTH} at a time, in the bench process`);
  await runConcurrent(64, WIDTH, 30_000, () => raw.bareSession());
  const c0 = process.cpuUsage();
  const r = await runConcurrent(count, WIDTH, 120_000, () => raw.bareSession());
  const d = process.cpuUsage(c0);
  if (r.failures) c.notes.push(`polled: ${r.failures} bare sessions failed (${r.lastError})`);
  return (d.user + d.system) / 1000 / Math.max(1, r.done);
}

/** A least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den ? num / den : NaN;
}

/** Polls in flight at once at most in the sustained phase (an NMS's worker pool). */
const SUSTAIN_IN_FLIGHT = 256;

interface SustainMinute {
  minute: number;
  polls: number;
  p50: number;
  p99: number;
  rss: number;
  cpuMs: number;
  late: number;
  failures: number;
}

/**
 * The sustained phase: the NMS polls every device once per period (each in its turn, evenly
 * spread), minute after minute; per minute, polls/s, p50/p99 poll time, the fleet's RSS and
 * CPU. Memory is flat when the RSS after the first period does not grow (its slope).
 */
async function sustainedPhase(c: FleetContext, pid: number, idleRssTotal: number, idlePerDevice: number): Promise<void> {
  const periodMs = c.periodS * 1000;
  c.progress('sustained', `every one of ${c.n} devices polled once every ${c.periodS} s (${(c.n / c.periodS).toFixed(1)} polls/s) for ${c.minutes} min`);
  await c.nms.call({ op: 'sustainStart', deviceId: 'bench-fleet-{n}', secret: SECRET, count: c.n, periodMs, maxInFlight: SUSTAIN_IN_FLIGHT });
  const t0 = nowMs();
  const minutes: SustainMinute[] = [];
  const all: number[] = [];
  let failures = 0;
  let late = 0;
  let lastError: string | undefined;
  let cpuPrev = treeCpuMs(pid);
  const nmsCpu = async (): Promise<number> => {
    const u = await c.nms.call<NodeJS.CpuUsage>({ op: 'cpu' });
    return (u.user + u.system) / 1000;
  };
  let nmsCpuPrev = await nmsCpu();
  const slow: SustainTake['slow'] = [];
  let slowCount = 0;
  const load: number[][] = [os.loadavg()];
  for (let m = 1; m <= c.minutes; m++) {
    await sleep(Math.max(0, t0 + m * 60_000 - nowMs()));
    const t = await c.nms.call<SustainTake>({ op: 'sustainTake' });
    const rss = treeRss(pid);
    const cpu = treeCpuMs(pid);
    all.push(...t.samples);
    slow.push(...t.slow);
    slowCount += t.slowCount;
    const nmsNow = await nmsCpu();
    const nmsShare = (nmsNow - nmsCpuPrev) / 600;
    nmsCpuPrev = nmsNow;
    const nmsMem = await c.nms.call<NodeJS.MemoryUsage>({ op: 'memory' });
    failures += t.failures;
    late += t.late;
    if (t.lastError) lastError = t.lastError;
    const row: SustainMinute = { minute: m, polls: t.samples.length, p50: percentile(t.samples, 0.5), p99: percentile(t.samples, 0.99), rss, cpuMs: cpu - cpuPrev, late: t.late, failures: t.failures };
    cpuPrev = cpu;
    minutes.push(row);
    load.push(os.loadavg());
    c.progress(
      'sustained',
      `minute ${m}/${c.minutes}: ${(row.polls / 60).toFixed(1)} polls/s, p50 ${row.p50.toFixed(0)} ms, p99 ${row.p99.toFixed(0)} ms, RSS ${(rss / MiB).toFixed(0)} MiB, ` +
        `device CPU ${(row.cpuMs / 600).toFixed(0)} % of a core, NMS CPU ${nmsShare.toFixed(0)} %, NMS RSS ${(nmsMem.rss / MiB).toFixed(0)} MiB (heap ${(nmsMem.heapUsed / MiB).toFixed(0)}), ${t.inFlight} in flight, ${t.slowCount} over 1 s, ${t.late} late, ${t.failures} failed, load ${os.loadavg()[0].toFixed(1)}${pressureText()}`,
    );
  }
  const last = await c.nms.call<SustainTake>({ op: 'sustainStop' });
  failures += last.failures;
  slowCount += last.slowCount;
  slow.push(...last.slow);
  if (slow.length) c.notes.push(slowPollsNote(slow, slowCount, periodMs));
  if (last.lastError) lastError = last.lastError;
  // Flat: the RSS from the end of the first period on, against time.
  const firstPeriodMin = Math.ceil(c.periodS / 60);
  const after = minutes.filter((x) => x.minute >= firstPeriodMin);
  const perMin = slope(after.map((x) => x.minute), after.map((x) => x.rss));
  const base = after[0]?.rss ?? NaN;
  const polls = minutes.reduce((a, x) => a + x.polls, 0);
  const cpu = minutes.reduce((a, x) => a + x.cpuMs, 0);
  const name = `${c.n} devices, every ${c.periodS} s`;
  c.rows.push({ metric: `sustained: polls/s, ${name} (due ${(c.n / c.periodS).toFixed(1)})`, unit: 'polls/s', ours: polls / (c.minutes * 60), raw: NaN, better: 'higher' });
  c.rows.push({ metric: 'sustained: poll time p50', unit: 'ms', ours: percentile(all, 0.5), raw: NaN, better: 'lower' });
  c.rows.push({ metric: 'sustained: poll time p99', unit: 'ms', ours: percentile(all, 0.99), raw: NaN, better: 'lower', target: { on: 'ours', op: '<=', value: 1000 } });
  c.rows.push({ metric: 'sustained: poll time p99, worst minute', unit: 'ms', ours: Math.max(...minutes.map((x) => x.p99).filter(Number.isFinite)), raw: NaN, better: 'lower' });
  c.rows.push({ metric: 'sustained: device CPU per poll', unit: 'ms', ours: cpu / Math.max(1, polls), raw: NaN, better: 'lower' });
  c.rows.push({ metric: `sustained: RSS at the end of the first period (idle: ${(idleRssTotal / MiB).toFixed(0)} MiB)`, unit: 'MiB', ours: base / MiB, raw: NaN, better: 'lower' });
  c.rows.push({ metric: 'sustained: RSS per device at the end (vs idle device)', unit: 'KiB', ours: (idlePerDevice + ((minutes.at(-1)?.rss ?? NaN) - idleRssTotal) / c.n) / KiB, raw: idlePerDevice / KiB, better: 'lower' });
  c.rows.push({ metric: 'sustained: RSS slope after the first period', unit: 'MiB/min', ours: perMin / MiB, raw: NaN, better: 'lower' });
  c.rows.push({ metric: 'sustained: RSS growth over an hour at that slope, share of RSS', unit: '%', ours: ((perMin * 60) / base) * 100, raw: NaN, better: 'lower', target: { on: 'ours', op: '<=', value: 5 } });
  c.notes.push(
    `sustained: ${polls} polls in ${c.minutes} min, ${failures} failed${lastError ? ` (${lastError})` : ''}, ${late} started over 1 s late (at most ${SUSTAIN_IN_FLIGHT} in flight); load ${load[0].map((l) => l.toFixed(1)).join(' ')} at the start, ` +
      `${load.at(-1)!.map((l) => l.toFixed(1)).join(' ')} at the end; per minute (polls/s, p50/p99 ms, RSS MiB): ` +
      minutes.map((x) => `${x.minute}: ${(x.polls / 60).toFixed(0)}, ${x.p50.toFixed(0)}/${x.p99.toFixed(0)}, ${(x.rss / MiB).toFixed(0)}`).join('; '),
  );
}

/**
 * Where the polls over 1 s spent their time (median of each step among them) and when they
 * started within the period (devices are polled in number order, so the time within the
 * period says which block of devices, and which thread, was being polled).
 */
function slowPollsNote(slow: SustainTake['slow'], count: number, periodMs: number): string {
  const med = (xs: number[]) => percentile(xs, 0.5);
  const steps = POLL_STEPS.map((name, i) => `${name} ${med(slow.map((p) => p.steps[i] ?? NaN).filter(Number.isFinite)).toFixed(0)}`).join(', ');
  // A loop, not Math.max(...): a day-long run keeps up to 500 a minute, past what a spread takes.
  const worst = POLL_STEPS.map((name, i) => `${name} ${slow.reduce((m, p) => Math.max(m, p.steps[i] ?? 0), 0).toFixed(0)}`).join(', ');
  const buckets = new Array<number>(12).fill(0);
  for (const p of slow) buckets[Math.min(11, Math.floor(((p.at % periodMs) / periodMs) * 12))]++;
  const seconds = new Set(slow.map((p) => Math.floor(p.at / 1000))).size;
  return (
    `sustained: ${count} polls over 1 s; of a sample of ${slow.length} (at most 500 a minute, drawn evenly): started in ${seconds} distinct seconds; median ms per step: ${steps}; worst: ${worst}; ` +
    `started per twelfth of the period: ${buckets.join(' ')}`
  );
}

/** The fleet's --waittime (4 s): in a storm the devices walk on its multiples on the clock. */
const STORM_WAITTIME_MS = 4_000;

/** The storm: the NMS dies and comes back on its port; the devices walk in step. */
async function stormPhase(c: FleetContext, nmsPort: number): Promise<void> {
  c.progress('fleet', 'storm: the NMS restarted on its port');
  // The devices walk again on the multiples of waittime (4 s) on the clock. The NMS is stopped
  // just after one, and back 1.5 s before the next, where they all find it. A restart
  // that straddled a multiple split them between two walks 4 s apart (the walk that still
  // found it down, the walk after): the rate then measured the gap between the walks, not the
  // connects (a third of the runs, at 114-182 /s against 536-716 /s).
  // A device that loses its link probes at once before it walks: the NMS stays down until
  // 1.5 s before the next multiple, so that a device that saw the loss late (its close handled
  // behind 500 others on a busy thread) is refused too and walks in step with the rest,
  // instead of connecting alone seconds before the walk and stretching the span it measures
  // (134 and 117 /s in two runs where the restart came 0.6 s after the stop).
  await sleep(STORM_WAITTIME_MS - (Date.now() % STORM_WAITTIME_MS) + 100);
  await c.nms.call({ op: 'nmsStop' });
  await sleep(Math.max(500, STORM_WAITTIME_MS - (Date.now() % STORM_WAITTIME_MS) - 1_500));
  await c.nms.call({ op: 'nmsStart', port: nmsPort });
  const r0 = nowMs();
  const back = await waitPending(c, c.n, 600_000, 'fleet');
  const stormMs = nowMs() - r0;
  const span = await c.nms.call<{ first: number; last: number; count: number }>({ op: 'initializeSpan' });
  if (back < c.n) c.notes.push(`storm: only ${back} of ${c.n} devices came back`);
  const bareRate = c.rows.find((r) => r.metric.startsWith('fleet start connect rate'))?.raw ?? NaN;
  c.rows.push({ metric: 'storm: NMS restart to all waiting (--storm, waittime 4 s)', unit: 's', ours: stormMs / 1000, raw: NaN, better: 'lower' });
  c.rows.push({ metric: 'storm connect rate (first to last Initialize)', unit: 'devices/s', ours: (span.count / Math.max(1, span.last - span.first)) * 1000, raw: bareRate, better: 'higher', target: { on: 'ratio', op: '>=', value: 0.8 } });
}

/** NMS side: an http2 TLS server that holds every stream open, and counts them. */
export async function startHoldServer(cert: string, key: string): Promise<{ port: number; streams(): number; stop(): void }> {
  let streams = 0;
  const server = http2.createSecureServer({ cert, key });
  server.on('stream', (stream) => {
    streams++;
    stream.on('error', () => {});
    // Headers at once (the client knows its stream is open), no end: the stream stays open.
    stream.respond({ ':status': 200 });
    stream.on('close', () => streams--);
  });
  server.on('sessionError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { port, streams: () => streams, stop: () => server.close() };
}

/** ", CPU pressure N %" (PSI, the last minute), or nothing where the kernel has no PSI. */
function pressureText(): string {
  const p = cpuPressure();
  return p === undefined ? '' : `, CPU pressure ${p.toFixed(0)} %`;
}
