/**
 * One worker thread of a threaded fleet (fleet-threads.ts): starts its block of devices,
 * tells the main thread its counts as they change and its clients and devices when asked,
 * and takes fault changes, drops, reloads and stop from it.
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
  // The main thread gets the counts (clients by state, sessions live) whenever they change,
  // at most every SNAPSHOT_MS: a few numbers. The whole list of clients and devices goes only
  // when it asks (a status or inventory): a thread of thousands of devices under steady
  // sessions changes all the time, and sending its list every time cost tens of milliseconds
  // and megabytes of strings in both threads, which their collectors then had to free.
  let seen = -1;
  let lastCounts = '';
  const report = (): void => {
    const changes = clientStatusChanges();
    if (changes === seen) return;
    seen = changes;
    const counts = running.control.stateCounts();
    const key = JSON.stringify(counts);
    if (key === lastCounts) return;
    lastCounts = key;
    send({ type: 'counts', counts });
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
    } else if (m.type === 'snapshot') {
      const snapshot: ThreadSnapshot = { clients: running.control.status().clients, devices: running.control.inventory().devices };
      send({ type: 'snapshot', id: m.id, snapshot });
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
