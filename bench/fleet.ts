/**
 * The fleet phase of `npm run bench`: N emulated devices (the real `--devices N` path:
 * startDevice, lazy members) against the reference NMS in the NMS child process, beside N
 * bare Node http2 TLS client connections, each with one open stream, to a plain http2
 * server in the same child, measured in the same run:
 *
 *   connect rate   devices/s from the first to the last Initialize at the NMS (and, for
 *                  information, from the start call until every device waits) vs bare
 *                  connections/s (connected, stream open at the server);
 *   memory, fds    RSS (after GC) and open descriptors per idle device vs per bare connection;
 *   event loop     p50/p99/max delay while idle (perf_hooks.monitorEventLoopDelay);
 *   a session      opened to a random device of the idle fleet, hello received (ms);
 *   storm          the NMS stopped and started again on its port: time until every device
 *                  is waiting again (--storm: the devices walk in step), and its connect rate.
 */
import http2 from 'node:http2';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Row } from './stats.js';
import { nowMs } from './stats.js';

const MiB = 1024 * 1024;
const KiB = 1024;

export interface FleetPeer {
  call<T>(body: unknown): Promise<T>;
}

export interface FleetContext {
  n: number;
  nms: FleetPeer;
  cert: string;
  gc: () => void;
  rows: Row[];
  notes: string[];
}

function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return NaN;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Settled memory: two collections with a pause between. */
async function settledRss(gc: () => void): Promise<number> {
  gc();
  await sleep(300);
  gc();
  return process.memoryUsage().rss;
}

/** Runs `fn(i)` for i < n, at most `width` at a time. */
async function pool(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}

async function idleLoopDelay(ms: number): Promise<{ p50: number; p99: number; max: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  await sleep(ms);
  h.disable();
  return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
}

/** N bare http2 TLS connections, each with one open stream (a GET the server never answers). */
async function bareBaseline(c: FleetContext, port: number): Promise<{ rate: number; rssPer: number; fdsPer: number; loop: { p50: number; p99: number; max: number } }> {
  const rss0 = await settledRss(c.gc);
  const fd0 = openFds();
  const sessions: http2.ClientHttp2Session[] = [];
  const t0 = nowMs();
  // As many connects in flight as the fleet start has (every device dials at once).
  await pool(c.n, 256, async () => {
    const s = http2.connect(`https://127.0.0.1:${port}`, { ca: c.cert, servername: 'nms.bench' });
    s.on('error', () => {});
    sessions.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('error', reject);
    });
    const req = s.request({ ':path': '/hold', ':method': 'POST' }, { endStream: false });
    req.on('error', () => {});
  });
  // Every stream open at the server.
  for (let i = 0; i < 600; i++) {
    if ((await c.nms.call<number>({ op: 'h2streams' })) >= c.n) break;
    await sleep(50);
  }
  const ms = nowMs() - t0;
  const rss1 = await settledRss(c.gc);
  const fd1 = openFds();
  const loop = await idleLoopDelay(2000);
  for (const s of sessions) s.destroy();
  // Every bare connection closed (its descriptor back) before the fleet starts.
  for (let i = 0; i < 200 && openFds() > fd0 + 16; i++) await sleep(50);
  return { rate: (c.n / ms) * 1000, rssPer: (rss1 - rss0) / c.n, fdsPer: (fd1 - fd0) / c.n, loop };
}

async function waitPending(c: FleetContext, want: number, maxMs: number): Promise<number> {
  const t0 = nowMs();
  let got = 0;
  while (nowMs() - t0 < maxMs) {
    got = await c.nms.call<number>({ op: 'pending' });
    if (got >= want) return got;
    await sleep(50);
  }
  return got;
}

export async function fleetPhase(c: FleetContext): Promise<void> {
  const { startDevice } = await import('../src/device/assemble.js');
  const { withDefaults } = await import('../src/device/settings.js');
  const { silentLogger } = await import('../src/log.js');
  const { nmsPort, h2Port } = await c.nms.call<{ nmsPort: number; h2Port: number }>({ op: 'fleetInit' });

  const bare = await bareBaseline(c, h2Port);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'ncgd-bench-fleet-'));
  const certFile = path.join(dir, 'nms.crt');
  writeFileSync(certFile, c.cert);
  const waittime = 4;
  const rss0 = await settledRss(c.gc);
  const fd0 = openFds();
  const t0 = nowMs();
  const running = await startDevice(
    withDefaults({
      host: '127.0.0.1',
      port: nmsPort,
      certFile,
      deviceId: 'bench-fleet-{n}',
      secret: 'bench-fleet-secret',
      waittime,
      devices: String(c.n),
      storm: true,
      control: path.join(dir, 'control.sock'),
      allowRootShell: true,
    }),
    silentLogger,
  );
  try {
    const started = nowMs() - t0;
    const got = await waitPending(c, c.n, 600_000);
    const ms = nowMs() - t0;
    if (got < c.n) c.notes.push(`fleet: only ${got} of ${c.n} devices reached the NMS`);
    // The start's connect rate, as the storm's: first to last Initialize at the NMS (the
    // process's fixed start, profile and schema loading, is left out; it weighs on small fleets).
    const startSpan = await c.nms.call<{ first: number; last: number; count: number }>({ op: 'initializeSpan' });
    const rss1 = await settledRss(c.gc);
    const fd1 = openFds();
    const loop = await idleLoopDelay(3000);
    // A session to one device of the idle fleet (its datastore is built now).
    const k = 1 + Math.floor(Math.random() * c.n);
    const s0 = nowMs();
    const opened = await c.nms.call<{ ok: boolean; error?: string }>({ op: 'fleetSession', deviceId: `bench-fleet-${k}`, secret: 'bench-fleet-secret' });
    const sessionMs = nowMs() - s0;
    if (!opened.ok) c.notes.push(`fleet: session to bench-fleet-${k} failed: ${opened.error}`);

    // The storm: the NMS dies and comes back on its port; the devices walk in step.
    await c.nms.call({ op: 'nmsStop' });
    await sleep(500);
    await c.nms.call({ op: 'nmsStart', port: nmsPort });
    const r0 = nowMs();
    const back = await waitPending(c, c.n, 600_000);
    const stormMs = nowMs() - r0;
    const span = await c.nms.call<{ first: number; last: number; count: number }>({ op: 'initializeSpan' });
    const stormConnectMs = Math.max(1, span.last - span.first);
    if (back < c.n) c.notes.push(`storm: only ${back} of ${c.n} devices came back`);

    const name = `${c.n} devices`;
    c.rows.push({ metric: `fleet start connect rate (first to last Initialize), ${name}`, unit: 'devices/s', ours: (startSpan.count / Math.max(1, startSpan.last - startSpan.first)) * 1000, raw: bare.rate, better: 'higher', target: { on: 'ratio', op: '>=', value: 0.8 } });
    c.rows.push({ metric: `fleet start to all waiting (from the start call), ${name}`, unit: 'devices/s', ours: (c.n / ms) * 1000, raw: bare.rate, better: 'higher' });
    c.rows.push({ metric: 'RSS per idle device (after GC)', unit: 'KiB', ours: (rss1 - rss0) / c.n / KiB, raw: bare.rssPer / KiB, better: 'lower', target: { on: 'ratio', op: '<=', value: 1.3 } });
    c.rows.push({ metric: 'open fds per idle device', unit: 'fds', ours: (fd1 - fd0) / c.n, raw: bare.fdsPer, better: 'lower' });
    c.rows.push({ metric: 'event-loop delay p99 while idle', unit: 'ms', ours: loop.p99, raw: bare.loop.p99, better: 'lower' });
    c.rows.push({ metric: 'event-loop delay max while idle', unit: 'ms', ours: loop.max, raw: bare.loop.max, better: 'lower' });
    c.rows.push({ metric: 'a session to one idle device (open + hello)', unit: 'ms', ours: sessionMs, raw: NaN, better: 'lower' });
    c.rows.push({ metric: `storm: NMS restart to all waiting (--storm, waittime ${waittime} s)`, unit: 's', ours: stormMs / 1000, raw: NaN, better: 'lower' });
    c.rows.push({ metric: 'storm connect rate (first to last Initialize)', unit: 'devices/s', ours: (span.count / stormConnectMs) * 1000, raw: bare.rate, better: 'higher', target: { on: 'ratio', op: '>=', value: 0.8 } });
    c.notes.push(
      `fleet: ${c.n} devices started in ${(started / 1000).toFixed(1)} s, all waiting after ${(ms / 1000).toFixed(1)} s; RSS ${(rss0 / MiB).toFixed(0)} -> ${(rss1 / MiB).toFixed(0)} MiB, ` +
        `fds ${fd0} -> ${fd1}; bare http2: ${bare.rate.toFixed(0)} connections/s, ${(bare.rssPer / KiB).toFixed(1)} KiB and ${bare.fdsPer.toFixed(2)} fds each; ` +
        `storm: ${span.count} Initializes in ${(stormConnectMs / 1000).toFixed(2)} s after the NMS came back (the in-step walk starts at the next multiple of waittime)`,
    );
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** NMS side: an http2 TLS server that holds every stream open, and counts them. */
export async function startHoldServer(cert: string, key: string): Promise<{ port: number; streams(): number; stop(): void }> {
  let streams = 0;
  const server = http2.createSecureServer({ cert, key });
  server.on('stream', (stream) => {
    streams++;
    stream.on('error', () => {});
    stream.on('close', () => streams--);
  });
  server.on('sessionError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { port, streams: () => streams, stop: () => server.close() };
}
