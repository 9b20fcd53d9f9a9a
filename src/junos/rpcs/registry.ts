/**
 * Every RPC of the emulated device, registered once. From this one list come the RPC
 * dispatch table, the `<command>` mapping of cli words to RPCs (which the emulated cli
 * sends its commands through) and the text/JSON renderer of each reply.
 *
 * A profile's rpc/<name>.xml template answers that RPC (and overrides a built-in
 * handler), so a profile can add operational RPCs without code. An RPC nobody knows gets
 * the error a Junos device gives for it, never silence.
 *
 * To add an RPC: one file `./<rpc-name>.ts` exporting an `RpcModule`, and one line in
 * MODULES below.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { profileTemplate } from '../template.js';
import { child, elements, textOf } from '../../netconf/xml.js';
import { buildWordTree, firstWords, matchWords, syntaxError } from './cli-words.js';
import { commandRpc } from './command.js';
import { genericText, parseReply, replyAsJson, t } from './formats.js';
import type { MappedCommand, RpcContext, RpcModule, RpcReply } from './types.js';

import { cancelCommit } from './cancel-commit.js';
import { commitConfiguration } from './commit-configuration.js';
import { commit } from './commit.js';
import { discardChanges } from './discard-changes.js';
import { editConfig } from './edit-config.js';
import { fileList } from './file-list.js';
import { fileShow } from './file-show.js';
import { getBridgeMacTable } from './get-bridge-mac-table.js';
import { getChassisClusterStatus } from './get-chassis-cluster-status.js';
import { getChassisInventory } from './get-chassis-inventory.js';
import { get, getConfig } from './get-config.js';
import { getConfiguration } from './get-configuration.js';
import { getEthernetSwitchingTableInformation } from './get-ethernet-switching-table-information.js';
import { getInterfaceInformation } from './get-interface-information.js';
import { getRouteEngineInformation } from './get-route-engine-information.js';
import { getRouteInformation } from './get-route-information.js';
import { getRouteSummaryInformation } from './get-route-summary-information.js';
import { getSoftwareInformation } from './get-software-information.js';
import { getSystemInformation } from './get-system-information.js';
import { getSystemUptimeInformation } from './get-system-uptime-information.js';
import { getVirtualChassisInformation } from './get-virtual-chassis-information.js';
import { killSession } from './kill-session.js';
import { loadConfiguration } from './load-configuration.js';
import { lockConfiguration, unlockConfiguration } from './lock-configuration.js';
import { lock, unlock } from './lock.js';
import { closeConfiguration, openConfiguration } from './open-configuration.js';
import { requestShellExecute } from './request-shell-execute.js';
import { validate } from './validate.js';

/** The registered RPCs, one entry each. */
export const MODULES: readonly RpcModule[] = [
  // operational
  getSoftwareInformation,
  getSystemInformation,
  getSystemUptimeInformation,
  getRouteEngineInformation,
  getInterfaceInformation,
  getRouteInformation,
  getRouteSummaryInformation,
  getChassisInventory,
  getChassisClusterStatus,
  getVirtualChassisInformation,
  getBridgeMacTable,
  getEthernetSwitchingTableInformation,
  fileShow,
  fileList,
  requestShellExecute,
  killSession,
  commandRpc({ match: matchCommand, module: moduleOf, answers: answersRpc, dispatch: dispatchRpc, text: renderText, json: renderJson }),
  // configuration (Junos forms, then base NETCONF forms)
  getConfiguration,
  loadConfiguration,
  commitConfiguration,
  lockConfiguration,
  unlockConfiguration,
  openConfiguration,
  closeConfiguration,
  getConfig,
  get,
  editConfig,
  commit,
  cancelCommit,
  validate,
  discardChanges,
  lock,
  unlock,
];

/**
 * Top-level operational words Junos has that no registered command starts with yet: a
 * command under them is a syntax error from `<command>`; any other first word is an
 * "unknown command" in the cli.
 */
const OTHER_OPERATIONAL_VERBS = ['request', 'clear', 'ping', 'traceroute', 'monitor', 'restart', 'test', 'op', 'start', 'help'];

function buildTable(modules: readonly RpcModule[]): Map<string, RpcModule> {
  const table = new Map<string, RpcModule>();
  for (const m of modules) {
    if (table.has(m.name)) throw new Error(`RPC ${m.name} is registered twice`);
    table.set(m.name, m);
  }
  return table;
}

const table = buildTable(MODULES);
const words = buildWordTree(MODULES.flatMap((m) => (m.cli ?? []).map((cli) => ({ rpc: m.name, cli }))));

function moduleOf(rpc: string): RpcModule | undefined {
  return table.get(rpc);
}

/** Names of the RPCs with built-in handlers. */
export function builtinRpcs(): string[] {
  return [...table.values()].filter((m) => m.handler).map((m) => m.name).sort();
}

/** What Junos answers for an element it has no RPC for. */
export function unknownRpcError(name: string): RpcError {
  return syntaxError(name);
}

/** Maps the words of a cli command to its RPC; throws the Junos syntax error otherwise. */
export function matchCommand(cliWords: string[]): MappedCommand {
  return matchWords(words, cliWords);
}

/** The first words of the cli's operational commands (those with RPCs, then the others Junos has). */
export function operationalVerbs(): string[] {
  return [...new Set([...firstWords(words), ...OTHER_OPERATIONAL_VERBS])];
}

/** A reply as the cli prints it: the RPC's own text rendering, or the generic listing. */
export function renderText(rpc: string, replyXml: string): string {
  const root = parseReply(replyXml);
  const first = elements(root)[0];
  if (!first) return '';
  // A daemon's error inside a normal reply prints as its message.
  if ((first.name === 'error' || first.name === 'xnm:error') && child(first, 'message')) return t(first, 'message');
  const text = table.get(rpc)?.text;
  return text ? text(root) : genericText(root);
}

/** A reply in Junos JSON: the RPC's own conversion, or the generic one. */
export function renderJson(rpc: string, replyXml: string): string {
  return (table.get(rpc)?.json ?? replyAsJson)(replyXml);
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
    const tpl = profileTemplate(ctx.device, `${name}.${flag.name}`);
    if (tpl !== undefined) return tpl;
  }
  return profileTemplate(ctx.device, name);
}

/** Runs an RPC by operation element; `op.name` selects the handler. */
export async function dispatchRpc(ctx: RpcContext): Promise<RpcReply | string> {
  const name = ctx.op.name;
  const fromTemplate = templateFor(ctx);
  if (fromTemplate !== undefined) return fromTemplate;
  const handler = table.get(name)?.handler;
  if (!handler) throw unknownRpcError(name);
  return handler(ctx);
}

/** Whether this device answers an RPC (built in or from its profile). */
export function answersRpc(ctx: Pick<RpcContext, 'device'>, name: string): boolean {
  if (table.get(name)?.handler || ctx.device.profile.templates.has(name)) return true;
  return [...ctx.device.profile.templates.keys()].some((k) => k.startsWith(`${name}.`));
}

/**
 * Whether an operational RPC's reply is converted for `format="text|json"` by
 * ./reply-format.ts: RPCs with cli words that do not answer formats themselves, and
 * RPCs only a profile template knows.
 */
export function convertsFormat(ctx: Pick<RpcContext, 'device'>, rpc: string): boolean {
  const m = table.get(rpc);
  if (!m) return ctx.device.profile.templates.has(rpc);
  return m.name !== 'command' && (m.cli?.length ?? 0) > 0 && !m.command;
}
