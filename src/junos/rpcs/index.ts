/**
 * The RPC dispatch table: element name of the operation -> handler. A profile's
 * rpc/<name>.xml template answers that RPC (and overrides a built-in handler), so a
 * profile can add operational RPCs without code. An RPC nobody knows gets the error a
 * Junos device gives for it, never silence.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { profileTemplate } from '../template.js';
import { elements, textOf } from '../../netconf/xml.js';
import { createCommandRpc } from './command.js';
import { configRpcs } from './config.js';
import { operationalRpcs } from './operational.js';
import { killSession } from './session-control.js';
import { getSoftwareInformation } from './software.js';
import type { RpcContext, RpcHandler, RpcReply } from './types.js';

const table = new Map<string, RpcHandler>([
  ['get-software-information', getSoftwareInformation],
  ['kill-session', killSession],
  ['command', createCommandRpc((ctx) => dispatchRpc(ctx), (ctx, name) => answersRpc(ctx, name))],
  ...Object.entries(configRpcs),
  ...Object.entries(operationalRpcs),
]);

/** Names of the RPCs with built-in handlers. */
export function builtinRpcs(): string[] {
  return [...table.keys()].sort();
}

/** What Junos answers for an element it has no RPC for. */
export function unknownRpcError(name: string): RpcError {
  return new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'syntax error', badElement: name });
}

/**
 * The profile template answering this operation: `rpc/<name>.<flag>.xml` for an
 * operation carrying the empty element `<flag/>` (e.g. get-bridge-mac-table.count.xml
 * for `<get-bridge-mac-table><count/></get-bridge-mac-table>`), else `rpc/<name>.xml`.
 */
function templateFor(ctx: RpcContext): string | undefined {
  const name = ctx.op.name;
  for (const flag of elements(ctx.op)) {
    if (elements(flag).length > 0 || textOf(flag).trim() !== '') continue;
    const t = profileTemplate(ctx.device, `${name}.${flag.name}`);
    if (t !== undefined) return t;
  }
  return profileTemplate(ctx.device, name);
}

/** Runs an RPC by operation element; `op.name` selects the handler. */
export async function dispatchRpc(ctx: RpcContext): Promise<RpcReply | string> {
  const name = ctx.op.name;
  const fromTemplate = templateFor(ctx);
  if (fromTemplate !== undefined) return fromTemplate;
  const handler = table.get(name);
  if (!handler) throw unknownRpcError(name);
  return handler(ctx);
}

/** Whether this device answers an RPC (built in or from its profile). */
export function answersRpc(ctx: Pick<RpcContext, 'device'>, name: string): boolean {
  if (table.has(name) || ctx.device.profile.templates.has(name)) return true;
  return [...ctx.device.profile.templates.keys()].some((k) => k.startsWith(`${name}.`));
}
