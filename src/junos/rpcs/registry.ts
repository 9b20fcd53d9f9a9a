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
import { requestReboot } from './request-reboot.js';
import { requestHalt } from './request-halt.js';
import { requestPowerOff } from './request-power-off.js';
import { clearReboot } from './clear-reboot.js';
import { fileCopy, fileDelete, fileRename } from './file-copy.js';
import { requestSystemStorageCleanup } from './request-system-storage-cleanup.js';
import { requestPackageAdd, requestPackageChecksPendingInstall, requestPackageRollback, requestPackageValidate } from './request-package-add.js';
import { profileTemplate } from './template.js';
import { child, elements, textOf } from '../../netconf/xml.js';
import { buildWordTree, firstWords, matchWords, syntaxError } from './cli-words.js';
import { commandRpc } from './command.js';
import { knownRpcs } from './known-rpcs.js';
import { parseReply, replyAsJson, t } from './formats.js';
import type { MappedCommand, RpcContext, RpcModule, RpcReply } from './types.js';

import { cancelCommit } from './cancel-commit.js';
import { clearSystemCommit } from './clear-system-commit.js';
import { commitConfiguration } from './commit-configuration.js';
import { commit } from './commit.js';
import { discardChanges } from './discard-changes.js';
import { editConfig } from './edit-config.js';
import { fileList } from './file-list.js';
import { fileShow } from './file-show.js';
import { getBridgeMacTable } from './get-bridge-mac-table.js';
import { getChassisClusterStatus } from './get-chassis-cluster-status.js';
import { getChassisInventory } from './get-chassis-inventory.js';
import { getCommitInformation } from './get-commit-information.js';
import { get, getConfig } from './get-config.js';
import { getConfiguration } from './get-configuration.js';
import { getEthernetSwitchingTableInformation } from './get-ethernet-switching-table-information.js';
import { getInterfaceInformation } from './get-interface-information.js';
import { getRescueInformation } from './get-rescue-information.js';
import { getLog } from './get-log.js';
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
import { requestDeleteRescueConfiguration } from './request-delete-rescue-configuration.js';
import { requestSaveRescueConfiguration } from './request-save-rescue-configuration.js';
import { requestShellExecute } from './request-shell-execute.js';
import { validate } from './validate.js';
// system RPCs
import { getAlarmInformation } from './get-alarm-information.js';
import { getSystemAlarmInformation } from './get-system-alarm-information.js';
import { getEnvironmentInformation } from './get-environment-information.js';
import { getSystemMemoryInformation } from './get-system-memory-information.js';
import { getSystemStorage } from './get-system-storage.js';
import { getSystemUsersInformation } from './get-system-users-information.js';
import { getNtpAssociationsInformation } from './get-ntp-associations-information.js';
import { getNtpStatusInformation } from './get-ntp-status-information.js';
import { getSnmpInformation } from './get-snmp-information.js';
import { getChecksumInformation } from './get-checksum-information.js';
import { getSha256ChecksumInformation } from './get-sha256-checksum-information.js';
import { getSha1ChecksumInformation } from './get-sha1-checksum-information.js';
import { ping } from './ping.js';
import { traceroute } from './traceroute.js';
import { getFpcInformation } from './get-fpc-information.js';
// protocol RPCs
import { getArpTableInformation } from './get-arp-table-information.js';
import { getIpv6NdInformation } from './get-ipv6-nd-information.js';
import { getLldpNeighborsInformation } from './get-lldp-neighbors-information.js';
import { getLldpInterfaceNeighbors } from './get-lldp-interface-neighbors.js';
import { getBgpSummaryInformation } from './get-bgp-summary-information.js';
import { getBgpNeighborInformation } from './get-bgp-neighbor-information.js';
import { getOspfNeighborInformation } from './get-ospf-neighbor-information.js';
import { getOspfInterfaceInformation } from './get-ospf-interface-information.js';
import { getOspf3NeighborInformation } from './get-ospf3-neighbor-information.js';
import { getOspf3InterfaceInformation } from './get-ospf3-interface-information.js';
import { getIsisAdjacencyInformation } from './get-isis-adjacency-information.js';
import { getIsisInterfaceInformation } from './get-isis-interface-information.js';
import { getLacpInterfaceInformation } from './get-lacp-interface-information.js';
import { getVlanInformation } from './get-vlan-information.js';
import { getEthernetSwitchingInterfaceDetails } from './get-ethernet-switching-interface-details.js';
import { getInterfaceOpticsDiagnosticsInformation } from './get-interface-optics-diagnostics-information.js';
import { getInstanceInformation } from './get-instance-information.js';
import { getTemperatureThresholdInformation } from './get-temperature-threshold-information.js';
import { getBridgeInstanceInformation } from './get-bridge-instance-information.js';
import { getLdpNeighborInformation } from './get-ldp-neighbor-information.js';
import { getBfdSessionInformation } from './get-bfd-session-information.js';
import { getMplsLspInformation } from './get-mpls-lsp-information.js';
import { getZonesInformation } from './get-zones-information.js';
import { getFirewallPolicies } from './get-firewall-policies.js';
import { getFlowSessionInformation } from './get-flow-session-information.js';
import { getLicenseSummaryInformation } from './get-license-summary-information.js';
import { getSchema } from './get-schema.js';

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
  getLog,
  requestShellExecute,
  killSession,
  getCommitInformation,
  clearSystemCommit,
  getRescueInformation,
  requestSaveRescueConfiguration,
  requestDeleteRescueConfiguration,
  // system
  getAlarmInformation,
  getSystemAlarmInformation,
  getEnvironmentInformation,
  getSystemMemoryInformation,
  getSystemStorage,
  getSystemUsersInformation,
  getNtpAssociationsInformation,
  getNtpStatusInformation,
  getSnmpInformation,
  getChecksumInformation,
  getSha256ChecksumInformation,
  getSha1ChecksumInformation,
  ping,
  traceroute,
  getFpcInformation,
  // protocols
  getArpTableInformation,
  getIpv6NdInformation,
  getLldpNeighborsInformation,
  getLldpInterfaceNeighbors,
  getBgpSummaryInformation,
  getBgpNeighborInformation,
  getOspfNeighborInformation,
  getOspfInterfaceInformation,
  getOspf3NeighborInformation,
  getOspf3InterfaceInformation,
  getIsisAdjacencyInformation,
  getIsisInterfaceInformation,
  getLacpInterfaceInformation,
  getVlanInformation,
  getEthernetSwitchingInterfaceDetails,
  getInterfaceOpticsDiagnosticsInformation,
  getInstanceInformation,
  getTemperatureThresholdInformation,
  getBridgeInstanceInformation,
  getLdpNeighborInformation,
  getBfdSessionInformation,
  getMplsLspInformation,
  getZonesInformation,
  getFirewallPolicies,
  getFlowSessionInformation,
  getLicenseSummaryInformation,
  getSchema,
  // the device's life: reboots
  requestReboot,
  requestHalt,
  requestPowerOff,
  clearReboot,
  // the device's file system
  fileCopy,
  fileDelete,
  fileRename,
  requestSystemStorageCleanup,
  // software
  requestPackageAdd,
  requestPackageValidate,
  requestPackageRollback,
  requestPackageChecksPendingInstall,
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
const OTHER_OPERATIONAL_VERBS = ['request', 'clear', 'ping', 'traceroute', 'monitor', 'restart', 'test', 'op', 'start', 'help', 'ssh', 'telnet'];

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

/**
 * A reply as the cli prints it: the RPC's own Junos table or block, or (an RPC only a
 * profile template answers) the profile's `rpc/<name>.txt`. There is no generic listing:
 * an RPC with neither has no text form, an error that says what to add.
 */
export function renderText(rpc: string, replyXml: string, textTemplate?: () => string | undefined): string {
  const root = parseReply(replyXml);
  const first = elements(root)[0];
  if (!first) return '';
  // A daemon's error inside a normal reply prints as its message.
  if ((first.name === 'error' || first.name === 'xnm:error') && child(first, 'message')) return t(first, 'message');
  const text = table.get(rpc)?.text;
  if (text) return text(root);
  const own = textTemplate?.();
  if (own !== undefined) return own;
  throw noTextForm(rpc);
}

/** What a text request for an RPC with no text form answers. */
export function noTextForm(rpc: string): RpcError {
  return new RpcError({
    type: 'protocol',
    tag: 'operation-not-supported',
    message: `RPC ${rpc} has no text form in this emulator: ask for XML or JSON, or add the text Junos prints to the profile's rpc/ folder (rpc/${rpc}.txt)`,
    badElement: rpc,
  });
}

/** Whether a text request for `rpc` has a Junos rendering (its module's, or the profile's rpc/<name>.txt). */
export function hasTextForm(ctx: Pick<RpcContext, 'device'>, rpc: string): boolean {
  return table.get(rpc)?.text !== undefined || ctx.device.profile.textTemplates.has(rpc);
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

/** What a device answers for a real Junos RPC of its family that this emulator has no reply for. */
export function notEmulatedError(name: string): RpcError {
  return new RpcError({
    type: 'protocol',
    tag: 'operation-not-supported',
    message: `RPC ${name} is a Junos RPC that this emulator does not answer; add a reply in the profile's rpc/ folder (rpc/${name}.xml)`,
    badElement: name,
  });
}

/**
 * The parameters of `op` the real RPC does not take: Junos answers the first with a
 * syntax error naming it. RPCs outside the family's published list (configuration and
 * base NETCONF operations) are not checked.
 */
function checkParams(ctx: RpcContext): void {
  const params = knownRpcs(ctx.device.profile.family).get(ctx.op.name);
  if (!params) return;
  const extra = table.get(ctx.op.name)?.params ?? [];
  for (const p of elements(ctx.op)) {
    if (!Object.hasOwn(params, p.name) && !extra.includes(p.name)) throw syntaxError(p.name);
  }
}

/**
 * Runs an RPC by operation element: the profile's template, else the built-in handler
 * (after checking its parameters against the real RPC's); a real Junos RPC of the
 * family without either is "not emulated" (operation-not-supported); anything else is
 * the Junos syntax error.
 */
export async function dispatchRpc(ctx: RpcContext): Promise<RpcReply | string> {
  const name = ctx.op.name;
  const fromTemplate = templateFor(ctx);
  if (fromTemplate !== undefined) {
    const complete = table.get(name)?.completesTemplate;
    return complete ? complete(ctx, fromTemplate) : fromTemplate;
  }
  const handler = table.get(name)?.handler;
  if (!handler) {
    // A registered module without a handler is a platform feature this profile lacks: syntax error, as on that platform.
    if (knownRpcs(ctx.device.profile.family).has(name)) throw notEmulatedError(name);
    throw unknownRpcError(name);
  }
  checkParams(ctx);
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
