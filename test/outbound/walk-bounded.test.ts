/**
 * A client whose NMS is down walks forever: nothing it holds may grow with the number of
 * walks. Checked on the abort controller of the probe in flight (a worker that waits holds
 * none: each probe has its own, let go when it ends) and on the heap, for a closed port and
 * for a port that accepts TCP and closes.
 * waittime 0 makes the walks back to back, so hundreds run in seconds.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import { pino } from 'pino';
import { ClientWorker } from '../../src/outbound/client-worker.js';
import type { Logger } from '../../src/log.js';
import type { ClientConfig } from '../../src/outbound/config.js';
import { Harness, catBackends, client, loopbackPki, until } from '../support/agent-harness.js';
import { TcpProxy, freePort } from '../support/tcp-proxy.js';

const h = new Harness();
after(() => h.cleanup());

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A debug logger that counts finished walks ("no server reachable; waiting"). */
function walkCounter(): { logger: Logger; walks: () => number } {
  let walks = 0;
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.includes('no server reachable')) walks++;
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, out) as unknown as Logger, walks: () => walks };
}

/**
 * The heap with the worker quiet: walking paused by a long waittime (a settings change, as
 * a reload makes), what the last probes held given a moment to go.
 */
async function quietHeap(worker: ClientWorker, c: ClientConfig): Promise<number> {
  worker.updateTimers({ ...c, waittime: 60 });
  await until(() => worker.status().state === 'waiting', 30_000, 'the worker waiting');
  await new Promise((r) => setTimeout(r, 3000));
  return heapUsed();
}

async function walkMany(port: number, label: string): Promise<void> {
  const pem = await loopbackPki();
  const { logger, walks } = walkCounter();
  const c = client(`leak-${label}`, [{ address: '127.0.0.1', port, trustedCert: pem.cert }], { waittime: 0 });
  const worker = new ClientWorker(c, { backends: catBackends(), instanceId: 'leak', logger });
  const probing = (): AbortController | undefined => (worker as unknown as { probing?: AbortController }).probing;
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  h.defer(() => {
    process.off('warning', onWarning);
    return worker.stop();
  });
  worker.start();

  // Warm up (lazy initialisation of grpc-js and TLS), then measure with the worker quiet.
  await until(() => walks() >= 100, 60_000, '100 walks');
  const heap1 = await quietHeap(worker, c);
  const held1 = probing();
  const w1 = walks();
  worker.updateTimers({ ...c, waittime: 0 });
  await until(() => walks() >= w1 + 400, 120_000, '400 more walks');
  const heap2 = await quietHeap(worker, c);
  const held2 = probing();
  const done = walks() - w1;
  const perWalk = (heap2 - heap1) / done;
  console.log(`${label}: ${walks()} walks; probe controller held while waiting: ${held1 ? 'yes' : 'no'}, ${held2 ? 'yes' : 'no'}; heap ${(heap1 / 1e6).toFixed(1)} -> ${(heap2 / 1e6).toFixed(1)} MB over ${done} walks (${perWalk.toFixed(0)} B per walk)`);

  // No probe is in flight while the worker waits: no probe's controller (and the listeners
  // on its signal) may be held.
  assert.equal(held1, undefined, 'a probe controller held while the worker waits');
  assert.equal(held2, undefined, `a probe controller held while the worker waits, after ${walks()} walks`);
  // A leaked probe holds its channel: ~20 KB a walk. Allow noise well under that.
  assert.ok(perWalk < 4_000, `heap grew ${perWalk.toFixed(0)} bytes per walk over ${done} walks`);
  assert.deepEqual(
    warnings.filter((w) => w.includes('MaxListeners')),
    [],
  );
}

test('NMS down (closed port): walks leave no listener or heap behind', async () => {
  await walkMany(await freePort(), 'closed');
});

test('NMS down (accepts TCP, then closes): walks leave no listener or heap behind', async () => {
  const closer = new TcpProxy(undefined);
  await closer.start();
  h.defer(() => closer.close());
  await walkMany(closer.port, 'accept-close');
  assert.ok(closer.attempts.length >= 400, `${closer.attempts.length} connections reached the port`);
});
