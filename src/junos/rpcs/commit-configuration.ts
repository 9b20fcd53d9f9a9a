/**
 * commit-configuration: check, confirmed, synchronize, at-time, log; commit-results per
 * routing engine. A commit confirmed adds `<output>commit confirmed will be automatically
 * rolled back in N minutes unless confirmed</output>`; an at-time commit is only checked
 * and scheduled (`<output>commit at will be executed at ...</output>`, commit-check-success).
 */
import type { CommitOptions } from '../config/api.js';
import { child, escapeText, textOf } from '../../netconf/xml.js';
import { junosTime } from '../config/datastore.js';
import { intAttr } from './config-args.js';
import type { RpcContext, RpcHandler, RpcModule } from './types.js';

/** Routing engines a commit reports on: the master, plus the others with synchronize. */
function commitEngines(ctx: RpcContext, synchronize: boolean, check: boolean): string[] {
  const res = ctx.device.profile.routingEngines;
  const master = res[0]?.name ?? 're0';
  const one = (name: string, what: string, style: string) =>
    [`<routing-engine junos:style="${style}">`, `<name>${name}</name>`, `<${what}/>`, '</routing-engine>'].join('\n');
  if (!synchronize || res.length < 2) return [one(master, check ? 'commit-check-success' : 'commit-success', 'normal')];
  const out = [one(master, 'commit-check-success', 'show-name')];
  if (check) return out;
  for (const re of res.slice(1)) out.push(one(re.name, 'commit-success', 'show-name'));
  out.push(one(master, 'commit-success', 'show-name'));
  return out;
}

const handler: RpcHandler = async (ctx) => {
  const op = ctx.op;
  const check = child(op, 'check') !== undefined;
  const synchronize = child(op, 'synchronize') !== undefined;
  const timeoutEl = child(op, 'confirm-timeout');
  const logEl = child(op, 'log');
  const atEl = child(op, 'at-time');
  const opts: CommitOptions = {
    check,
    confirmed: child(op, 'confirmed') !== undefined,
    confirmTimeout: timeoutEl ? intAttr(textOf(timeoutEl), 'confirm-timeout') : undefined,
    log: logEl ? textOf(logEl) : undefined,
    synchronize,
    atTime: atEl ? textOf(atEl).trim() : undefined,
  };
  const result = ctx.config.commitAsync ? await ctx.config.commitAsync(opts) : ctx.config.commit(opts);
  // The reply says the commit is complete once it is on disk.
  const unsaved = await result.saved;
  // Not on disk: not committed (the store took it back); the reply is the error.
  if (unsaved) throw unsaved;
  // What the Junos cli prints between "configuration check succeeds" and "commit complete".
  const notes: string[] = [];
  if (result.confirmMinutes !== undefined) notes.push(`commit confirmed will be automatically rolled back in ${result.confirmMinutes} minutes unless confirmed`);
  if (result.scheduledAt !== undefined) notes.push(`commit at will be executed at ${junosTime(result.scheduledAt)}`);
  const engines = commitEngines(ctx, synchronize, check || result.scheduledAt !== undefined);
  return ['<commit-results>', ...result.warnings.map((w) => w.toXml()), ...notes.map((n) => `<output>${escapeText(n)}</output>`), ...engines, '</commit-results>'].join('\n');
};

export const commitConfiguration: RpcModule = { name: 'commit-configuration', handler };
