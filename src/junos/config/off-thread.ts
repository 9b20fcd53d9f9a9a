/**
 * Long configuration work off the thread that serves sessions and devices. A load of large
 * input (or a commit check of a large candidate) runs on one configuration worker thread
 * per process, shared by every device of a fleet, started when first needed and not keeping
 * the process alive. Ordinary (small) work stays on the calling thread: no thread hop, no
 * copy. The caller decides what the answer means (the datastore keeps loads atomic: see
 * datastore.ts, loadAsync).
 */
import { Worker } from 'node:worker_threads';
import { RpcError } from '../../netconf/rpc-error.js';
import type { LoadOptions } from './api.js';
import type { ConfigNode } from './tree.js';
import type { XmlElement } from '../../netconf/xml.js';

/** Input from this size (characters of text, set or JSON) is loaded on the worker. */
export const OFF_THREAD_TEXT = 256 * 1024;
/** A configuration with this many statements (or XML input with this many elements) is worked on by the worker. */
export const OFF_THREAD_NODES = 10_000;

export type WorkerJob =
  | { id: number; kind: 'load'; family?: string; candidate: ConfigNode; load: LoadOptions }
  | { id: number; kind: 'check'; family?: string; candidate: ConfigNode; render?: boolean }
  | { id: number; kind: 'edit'; family?: string; candidate: ConfigNode; config: XmlElement; defaultOperation: 'merge' | 'replace' | 'none' };

export type WorkerAnswer =
  | { id: number; root: ConfigNode; warnings: RpcError['info'][]; errors: RpcError['info'][]; errorsWithWarnings: boolean }
  | { id: number; errors: RpcError['info'][]; stored?: string; storedError?: RpcError['info'] }
  | { id: number; thrown: RpcError['info'][] }
  | { id: number; failed: string };

/** Whether a tree has at least `limit` nodes (stops counting there). */
export function atLeastNodes(root: ConfigNode | XmlElement, limit = OFF_THREAD_NODES): boolean {
  let seen = 0;
  const stack: (ConfigNode | XmlElement)[] = [root];
  while (stack.length) {
    const n = stack.pop() as ConfigNode | XmlElement;
    if (++seen >= limit) return true;
    for (const c of n.children) if (typeof c === 'object' && c !== null) stack.push(c as ConfigNode | XmlElement);
  }
  return false;
}

/** Whether a load is large enough to go to the worker. */
export function largeLoad(opts: LoadOptions): boolean {
  if (opts.rollback !== undefined || opts.rescue) return false;
  if (opts.format === 'xml') return opts.xml !== undefined && atLeastNodes(opts.xml);
  return (opts.text?.length ?? 0) >= OFF_THREAD_TEXT;
}

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, { resolve: (a: WorkerAnswer) => void; reject: (e: Error) => void }>();

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./config-worker.js', import.meta.url));
  w.unref();
  w.on('message', (a: WorkerAnswer) => {
    const p = waiting.get(a.id);
    waiting.delete(a.id);
    if (waiting.size === 0) w.unref();
    p?.resolve(a);
  });
  const fail = (e: Error): void => {
    if (worker === w) worker = undefined;
    for (const p of waiting.values()) p.reject(e);
    waiting.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`configuration worker exited (${code})`)));
  worker = w;
  return w;
}

/**
 * Runs a job on the worker. Rejects only when the worker itself failed (it died, or could not
 * start): the caller then does the work on its own thread.
 */
export function offThread(job: WorkerJob extends infer J ? (J extends WorkerJob ? Omit<J, 'id'> : never) : never): Promise<WorkerAnswer> {
  const w = theWorker();
  const id = nextId++;
  return new Promise<WorkerAnswer>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    // Held while a job runs, so that a process waiting for the answer does not end.
    w.ref();
    w.postMessage({ ...job, id });
  });
}

/** Rpc-errors back from their info. */
export function rpcErrors(infos: RpcError['info'][]): RpcError[] {
  return infos.map((i) => new RpcError(i));
}
