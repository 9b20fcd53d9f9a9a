/**
 * A fleet spread over worker threads of one process (`--threads`): the main thread runs the
 * fleet's first device and the process's control socket, metrics and configuration watch;
 * the other devices run in `--threads` blocks, each in a worker thread (fleet-worker.ts) as a
 * startDevice of its own, its devices numbered as in the whole fleet. Connections, TLS and
 * gRPC work then use every core instead of one. The main thread answers status, inventory, faults and reloads for all:
 * each worker sends its counts (clients by state, sessions live) when they change, at most
 * every SNAPSHOT_MS (an idle fleet sends nothing), and its clients and devices only when the
 * main thread asks (refresh(), before a status, an inventory or a scrape); it takes fault
 * changes, drops, reloads and stop from the main thread.
 */
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import { RuntimeError, UsageError } from '../errors.js';
import type { AgentStatus, InventoryDevice } from '../status/types.js';
import type { DeviceSettings } from './settings.js';
import { tempRoot } from '../temp-root.js';

type ClientStatus = AgentStatus['clients'][number];

/** How often a worker thread looks whether its counts changed (and sends them when they did). */
export const SNAPSHOT_MS = 500;
/** How long refresh() waits for a worker's clients and devices before it keeps the last ones. */
const REFRESH_WAIT_MS = 5_000;
/** Lists this fresh serve again without asking (a scrape, the web page and a status at once). */
const FRESH_MS = 250;
/** How long stop() waits for a worker's devices to stop before ending the thread. */
const STOP_WAIT_MS = 15_000;

/** A thread's clients by state, and its sessions live. */
export interface ThreadCounts {
  clients: number;
  byState: Partial<Record<ClientStatus['state'], number>>;
  sessions: number;
}

export interface ThreadSnapshot {
  clients: ClientStatus[];
  devices: InventoryDevice[];
}

/** Main thread → worker. */
export type ToWorker =
  | { type: 'stop' }
  | { type: 'faults'; list: string[] }
  | { type: 'drop' }
  | { type: 'reload' }
  /** Asks for the worker's clients and devices (answered by a 'snapshot' with the same id). */
  | { type: 'snapshot'; id: number }
  /** A device event for the worker's devices that `selector` names (none of them: an empty answer). */
  | { type: 'event'; id: number; words: string[]; selector: string };

/** What one device made of an event. */
export interface EventResult {
  device: number;
  hostname: string;
  result: string;
}
/** Worker → main thread. */
export type FromWorker =
  | { type: 'started' }
  | { type: 'failed'; message: string; usage: boolean }
  /** The worker's counts, sent when they changed. */
  | { type: 'counts'; counts: ThreadCounts }
  /** Its clients and devices, as asked for. */
  | { type: 'snapshot'; id: number; snapshot: ThreadSnapshot }
  | { type: 'stopped' }
  /** The answer to an event: each chosen device's result, or the error that refused it. */
  | { type: 'event-done'; id: number; results?: EventResult[]; error?: string };

/** What a worker thread is started with. */
export interface WorkerStart {
  settings: DeviceSettings;
  /** The devices it runs. */
  block: { first: number; last: number };
  /** The main logger's level ('silent' for a silent one). */
  logLevel: string;
  /** Its slot in the process's shared session counts (memory-guard.ts ProcessActivity). */
  activity?: { shared: SharedArrayBuffer; slot: number };
}

export interface FleetThreads {
  /** Worker threads running. */
  readonly count: number;
  /** The clients of every worker thread, as of the last refresh(). */
  clients(): ClientStatus[];
  /** The devices of every worker thread, as of the last refresh(). */
  devices(): InventoryDevice[];
  /** Every worker thread's counts, as last sent (they send them as they change). */
  counts(): ThreadCounts;
  /** Asks every worker for its clients and devices; resolves once they answered (or REFRESH_WAIT_MS passed). */
  refresh(): Promise<void>;
  /** Sets every worker's faults to `list`. */
  faults(list: string[]): void;
  /** Asks every worker to drop its connections; returns their sessions live as last counted. */
  drop(): number;
  /** Asks every worker to read the configuration again. */
  reload(): void;
  /** Applies a device event on every worker's devices the selector names; their results. */
  event(words: string[], selector: string): Promise<EventResult[]>;
  stop(): Promise<void>;
}

interface Member {
  worker: Worker;
  /** Events sent and not answered yet, by id. */
  pending: Map<number, (m: Extract<FromWorker, { type: 'event-done' }>) => void>;
  /** Its counts as last sent; its clients and devices as of the last refresh. */
  counts: ThreadCounts;
  snapshot: ThreadSnapshot;
  /** A refresh waiting for its answer. */
  refreshed?: { id: number; done: () => void };
  exited: boolean;
  stopped?: () => void;
}

let nextSnapshotId = 1;

/** Asks one worker for its clients and devices; resolves when it answered, it ended, or the wait ran out. */
function refreshMember(m: Member): Promise<void> {
  if (m.exited) return Promise.resolve();
  const id = nextSnapshotId++;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => finish(), REFRESH_WAIT_MS);
    const finish = (): void => {
      clearTimeout(timer);
      if (m.refreshed?.id === id) m.refreshed = undefined;
      resolve();
    };
    m.refreshed = { id, done: finish };
    m.worker.postMessage({ type: 'snapshot', id } satisfies ToWorker);
  });
}

/**
 * Starts one worker thread per block; resolves once every one has its devices started, or
 * rejects with the first failure (the others are stopped).
 */
export async function startFleetThreads(settings: DeviceSettings, blocks: { first: number; last: number }[], logger: Logger, activity?: SharedArrayBuffer): Promise<FleetThreads> {
  // V8's memory reducer, once it has run on a thread quiet for a while (an NMS polling in
  // device order leaves each thread quiet half of every minute), has V8 grow that heap by 1.3
  // only: a full collection every few seconds, each 0.75-1 s of marking on V8's helper
  // threads, and a fleet polled every minute that needed 0.8 of a core took 1.2 and fell
  // behind. V8 reads the flag when it sets a thread's heap up: the threads started from here
  // on have no reducer (the main thread keeps its own, with one device). What the devices
  // drop is still given back: the memory guard collects once the process is quiet.
  v8.setFlagsFromString('--no-memory-reducer');
  // Allocation-site pretenuring: once V8 sees most objects of an allocation site survive a
  // scavenge, it allocates that site's objects straight in the old generation. A polled
  // device's work (a datastore built for a session, an RPC's reply, a connection's buffers)
  // lives a second or two, long enough to survive one scavenge and not two: pretenured,
  // it fills the old generation as fast as promotion does, and only a full collection frees
  // it. Without pretenuring each thread's old generation grew half as fast.
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
  const members: Member[] = [];
  const starts: Promise<void>[] = [];
  let started = false;
  let stopping: Promise<void> | undefined;
  for (const [k, block] of blocks.entries()) {
    // Slot 0 of the shared activity is the main thread's.
    const data: WorkerStart = { settings, block, logLevel: logger.level, ...(activity ? { activity: { shared: activity, slot: k + 1 } } : {}) };
    tempRoot(); // made before the thread starts, so the thread shares it (temp-root.ts)
    const worker = new Worker(new URL('./fleet-worker.js', import.meta.url), { workerData: data });
    const member: Member = { worker, counts: { clients: 0, byState: {}, sessions: 0 }, snapshot: { clients: [], devices: [] }, exited: false, pending: new Map() };
    members.push(member);
    starts.push(
      new Promise<void>((resolve, reject) => {
        worker.on('message', (m: FromWorker) => {
          if (m.type === 'started') resolve();
          else if (m.type === 'failed') reject(m.usage ? new UsageError(m.message) : new RuntimeError(m.message));
          else if (m.type === 'counts') member.counts = m.counts;
          else if (m.type === 'snapshot') {
            member.snapshot = m.snapshot;
            if (member.refreshed?.id === m.id) member.refreshed.done();
          }
          else if (m.type === 'stopped') member.stopped?.();
          else if (m.type === 'event-done') {
            member.pending.get(m.id)?.(m);
            member.pending.delete(m.id);
          }
        });
        worker.on('error', (err) => {
          logger.error({ devices: `${block.first}-${block.last}`, reason: err.message }, 'fleet thread failed');
          reject(new RuntimeError(`fleet thread of devices ${block.first}-${block.last} failed: ${err.message}`));
        });
        worker.on('exit', (code) => {
          member.exited = true;
          member.refreshed?.done();
          for (const answer of member.pending.values()) answer({ type: 'event-done', id: -1, error: 'its fleet thread ended' });
          member.pending.clear();
          // A thread that ends on its own takes its devices with it: say so once.
          if (!stopping && started) logger.error({ devices: `${block.first}-${block.last}`, code }, 'fleet thread ended; its devices are gone');
          member.stopped?.();
          reject(new RuntimeError(`fleet thread of devices ${block.first}-${block.last} ended (${code}) before it started`));
        });
      }),
    );
  }
  const post = (m: ToWorker): void => {
    for (const member of members) if (!member.exited) member.worker.postMessage(m);
  };
  const stop = (): Promise<void> =>
    (stopping ??= Promise.all(
      members.map(async (member) => {
        if (!member.exited) {
          const done = new Promise<void>((resolve) => (member.stopped = resolve));
          member.worker.postMessage({ type: 'stop' } satisfies ToWorker);
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
          clearTimeout(timer);
        }
        await member.worker.terminate();
      }),
    ).then(() => undefined));
  try {
    await Promise.all(starts);
    started = true;
  } catch (err) {
    await stop();
    throw err;
  }
  logger.info({ threads: members.length + 1, blocks: blocks.map((b) => `${b.first}-${b.last}`) }, 'fleet threads started');
  // One refresh at a time: asks that come while one is out share it, and lists refreshed in
  // the last FRESH_MS serve as they are.
  let refreshing: Promise<void> | undefined;
  let refreshedAt = 0;
  const refresh = (): Promise<void> => {
    if (!refreshing && Date.now() - refreshedAt < FRESH_MS) return Promise.resolve();
    return (refreshing ??= Promise.all(members.map(refreshMember)).then(() => {
      refreshing = undefined;
      refreshedAt = Date.now();
    }));
  };
  const counts = (): ThreadCounts => {
    const sum: ThreadCounts = { clients: 0, byState: {}, sessions: 0 };
    for (const m of members) {
      sum.clients += m.counts.clients;
      sum.sessions += m.counts.sessions;
      for (const [state, n] of Object.entries(m.counts.byState) as [ClientStatus['state'], number][]) sum.byState[state] = (sum.byState[state] ?? 0) + n;
    }
    return sum;
  };
  return {
    count: members.length,
    clients: () => members.flatMap((m) => m.snapshot.clients),
    devices: () => members.flatMap((m) => m.snapshot.devices),
    counts,
    refresh,
    faults: (list) => post({ type: 'faults', list }),
    drop: () => {
      post({ type: 'drop' });
      return counts().sessions;
    },
    reload: () => post({ type: 'reload' }),
    event: (words, selector) => eventOnWorkers(members, words, selector),
    stop,
  };
}

let nextEventId = 1;

/** Sends one event to every live worker; their results, in block order (an error: rejected). */
async function eventOnWorkers(members: Member[], words: string[], selector: string): Promise<EventResult[]> {
  const id = nextEventId++;
  const answers = members
    .filter((m) => !m.exited)
    .map(
      (m) =>
        new Promise<EventResult[]>((resolve, reject) => {
          m.pending.set(id, (a) => (a.error !== undefined ? reject(new RuntimeError(a.error)) : resolve(a.results ?? [])));
          m.worker.postMessage({ type: 'event', id, words, selector } satisfies ToWorker);
        }),
    );
  return (await Promise.all(answers)).flat();
}
