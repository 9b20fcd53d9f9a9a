/**
 * The configuration worker thread (started by off-thread.ts): runs the long, pure parts of
 * configuration work (a large load's parse, schema checks and merge; commit checks) away
 * from the thread that serves sessions and devices. Each job names the schema family; the
 * tree goes and comes back by structured clone.
 */
import { parentPort } from 'node:worker_threads';
import { RpcError } from '../../netconf/rpc-error.js';
import { loadSchema, type Schema } from '../../schema/index.js';
import type { SchemaFamily } from '../../schema/index.js';
import { checkCandidate } from './commit-check.js';
import { RpcErrorList } from './errors.js';
import { computeEditConfig, computeLoad, renderChecked } from './load-work.js';
import { schemaPlacer } from './order.js';
import { ConfigTree } from './tree.js';
import type { WorkerJob, WorkerAnswer } from './off-thread.js';

const schemas = new Map<string, Schema>();
function schemaOf(family: string | undefined): Schema | undefined {
  if (!family) return undefined;
  let s = schemas.get(family);
  if (!s) schemas.set(family, (s = loadSchema(family as SchemaFamily)));
  return s;
}

function infos(errors: RpcError[]): RpcError['info'][] {
  return errors.map((e) => e.info);
}

function run(job: WorkerJob): WorkerAnswer {
  try {
    const schema = schemaOf(job.family);
    const candidate = new ConfigTree(job.candidate);
    if (job.kind === 'check') {
      const errors = checkCandidate(candidate, schema);
      if (!job.render || errors.some((e) => !e.isWarning)) return { id: job.id, errors: infos(errors) };
      try {
        return { id: job.id, errors: infos(errors), stored: renderChecked(candidate) };
      } catch (e) {
        if (e instanceof RpcError) return { id: job.id, errors: infos(errors), storedError: e.info };
        throw e;
      }
    }
    if (job.kind === 'edit') {
      const ed = computeEditConfig(candidate, job.config, job.defaultOperation, schema, schema ? schemaPlacer(schema) : undefined);
      return { id: job.id, root: ed.tree.root, warnings: infos(ed.warnings), errors: [], errorsWithWarnings: false };
    }
    const out = computeLoad(candidate, job.load, schema, schema ? schemaPlacer(schema) : undefined);
    return { id: job.id, root: out.tree.root, warnings: infos(out.warnings), errors: infos(out.errors), errorsWithWarnings: out.errorsWithWarnings };
  } catch (e) {
    if (e instanceof RpcErrorList) return { id: job.id, thrown: infos(e.errors) };
    if (e instanceof RpcError) return { id: job.id, thrown: [e.info] };
    return { id: job.id, failed: e instanceof Error ? e.message : String(e) };
  }
}

parentPort?.on('message', (job: WorkerJob) => parentPort?.postMessage(run(job)));
