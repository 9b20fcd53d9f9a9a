/**
 * The bare baseline of the fleet phase, run as a process of its own with no flags (as the
 * fleet's device process runs): a plain Node http2 TLS client opening `count` connections to
 * the plain http2 server of the NMS process, `width` at a time, each with one POST stream
 * that stays open (the server answers its headers and never ends it). Reports the connect
 * rate, its own CPU time per connection, and its resident memory before and after.
 * One request over the fork IPC channel, one reply; then it waits to be told to close.
 */
import http2 from 'node:http2';

interface Ask {
  port: number;
  cert: string;
  count: number;
  width: number;
}

const sessions: http2.ClientHttp2Session[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function openOne(a: Ask): Promise<void> {
  const s = http2.connect(`https://127.0.0.1:${a.port}`, { ca: a.cert, servername: 'nms.bench' });
  s.on('error', () => {});
  sessions.push(s);
  return new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    const req = s.request({ ':path': '/hold', ':method': 'POST' }, { endStream: false });
    req.on('error', reject);
    req.once('response', () => resolve());
  });
}

async function pool(n: number, width: number, fn: () => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next++ < n) await fn();
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}

async function connect(a: Ask): Promise<unknown> {
  // Warm-up (JIT, the TLS context), closed again: the figures are per connection beyond it.
  await pool(32, a.width, () => openOne(a));
  for (const s of sessions.splice(0)) s.destroy();
  await sleep(1000);
  const rss0 = process.memoryUsage.rss();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await pool(a.count, a.width, () => openOne(a));
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  // Settled as the fleet is: a few seconds idle, no forced collection.
  await sleep(3000);
  return { ms, cpuMs: (c.user + c.system) / 1000, rss0, rss1: process.memoryUsage.rss() };
}

process.on('message', (m: { op: 'connect'; ask: Ask } | { op: 'close' }) => {
  if (m.op === 'connect') {
    connect(m.ask).then(
      (result) => process.send!({ result }),
      (err: Error) => process.send!({ error: err.message }),
    );
  } else {
    for (const s of sessions) s.destroy();
    setImmediate(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
