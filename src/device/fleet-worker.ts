/**
 * One worker thread of a threaded fleet (fleet-threads.ts): starts its block of devices,
 * reports its clients and devices to the main thread, and takes fault changes, drops,
 * reloads and stop from it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger, silentLogger } from '../log.js';
import { startDevice, type RunningDevice } from './assemble.js';
import { clientStatusChanges } from '../outbound/client-worker.js';
import { SNAPSHOT_MS, type FromWorker, type ThreadSnapshot, type ToWorker, type WorkerStart } from './fleet-threads.js';

const port = parentPort!;
// grpc-js sets the TLS server name when dialling an IP address, which Node flags as
// deprecated on every connection (DEP0123); the main thread mutes that one warning, and so
// does this thread (other warnings are printed as before).
const warningListeners = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (w: Error & { code?: string }) => {
  if (w.code === 'DEP0123') return;
  for (const l of warningListeners) l(w);
});
/** The longest a worker goes without looking at its devices at all. */
const FULL_LOOK_MS = 10_000;
/**
 * A report takes at most this share of the thread's time: a report that took t ms is followed
 * by the next one no sooner than t / REPORT_SHARE ms later. Under steady polling a thread of
 * 5,000 devices changes all the time, and its report (every client and device, about 340
 * bytes each) costs tens of milliseconds and a string of 1.7 MB in both threads.
 */
const REPORT_SHARE = 0.02;
const { settings, block, logLevel, activity } = workerData as WorkerStart;
const send = (m: FromWorker): void => port.postMessage(m);
const logger = logLevel === 'silent' ? silentLogger : createLogger({ level: logLevel, format: settings.logFormat, file: settings.logFile });

async function main(): Promise<void> {
  let running: RunningDevice;
  try {
    running = await startDevice(settings, logger, { block, activity });
  } catch (err) {
    // The thread ends when nothing is left to do; the main thread reports the failure.
    send({ type: 'failed', message: (err as Error).message, usage: (err as { exitCode?: number }).exitCode === 2 });
    return;
  }
  let last = '';
  let seen = -1;
  let lastLook = 0;
  let notBefore = 0;
  const report = (): void => {
    // Looked at only when a client changed, or now and then (a device renamed by a commit).
    const changes = clientStatusChanges();
    const now = Date.now();
    if (now < notBefore || (changes === seen && now - lastLook < FULL_LOOK_MS)) return;
    seen = changes;
    lastLook = now;
    const t0 = performance.now();
    const snapshot: ThreadSnapshot = { clients: running.control.status().clients, devices: running.control.inventory().devices };
    const json = JSON.stringify(snapshot);
    notBefore = now + (performance.now() - t0) / REPORT_SHARE;
    if (json === last) return;
    last = json;
    send({ type: 'snapshot', json });
  };
  report();
  const timer = setInterval(report, SNAPSHOT_MS);
  send({ type: 'started' });

  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') {
      clearInterval(timer);
      void running.close().finally(() => send({ type: 'stopped' }));
    } else if (m.type === 'faults') {
      running.control.faults.change({ clear: true, add: m.list });
    } else if (m.type === 'drop') {
      running.control.dropConnections();
    } else if (m.type === 'reload') {
      running.control.reload().catch((err: Error) => logger.warn({ reason: err.message }, 'reload failed in a fleet thread'));
    } else if (m.type === 'event') {
      const events = running.control.events;
      const answer = events?.applyHere ? events.applyHere(m.words, m.selector) : Promise.resolve([]);
      answer.then(
        (results) => send({ type: 'event-done', id: m.id, results }),
        (err: Error) => send({ type: 'event-done', id: m.id, error: err.message }),
      );
    }
  });
}

void main();
