/**
 * Configuration RPCs, Junos forms (get-configuration, load-configuration,
 * commit-configuration, lock-configuration, open-configuration...) and base NETCONF forms
 * (get-config, get, edit-config, commit, validate, discard-changes, lock, unlock).
 * The datastore behind ConfigSession does the work; this module only maps the XML.
 */
import type { ConfigFormat, Database, LoadAction } from '../config/api.js';
import { RpcError } from '../../netconf/rpc-error.js';
import { child, elements, escapeText, textOf, type XmlElement } from '../../netconf/xml.js';
import type { RpcContext, RpcHandler, RpcReply } from './types.js';

function badValue(message: string, element: string): RpcError {
  return new RpcError({ type: 'protocol', tag: 'invalid-value', message, badElement: element });
}

function formatAttr(op: XmlElement, fallback: ConfigFormat): ConfigFormat {
  const f = (op.attrs.format ?? fallback).toLowerCase();
  if (f === 'xml' || f === 'text' || f === 'set' || f === 'json') return f;
  if (f === 'ascii') return 'text';
  throw badValue(`invalid format: ${f}`, 'format');
}

function intAttr(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim())) throw badValue(`invalid value for ${name}: ${v}`, name);
  return Number(v);
}

/** Wraps rendered configuration as the reply body for its format. */
function wrapConfig(format: ConfigFormat, rendered: string): string {
  switch (format) {
    case 'xml':
      return rendered;
    case 'text':
      return `<configuration-text>${escapeText(rendered)}</configuration-text>`;
    case 'set':
      return `<configuration-set>${escapeText(rendered)}</configuration-set>`;
    case 'json':
      return escapeText(rendered);
  }
}

export const getConfiguration: RpcHandler = ({ config, op }) => {
  const db = (op.attrs.database ?? 'candidate') as Database;
  if (db !== 'candidate' && db !== 'committed') throw badValue(`invalid database: ${db}`, 'database');
  const format = formatAttr(op, 'xml');
  const filter = child(op, 'configuration');
  if (op.attrs.compare !== undefined) {
    if (op.attrs.compare !== 'rollback') throw badValue(`invalid compare: ${op.attrs.compare}`, 'compare');
    const n = intAttr(op.attrs.rollback ?? '0', 'rollback')!;
    const diff = config.getConfiguration({ database: db, format: 'text', compareRollback: n, filter });
    return `<configuration-information>\n<configuration-output>${escapeText(diff)}</configuration-output>\n</configuration-information>`;
  }
  const inherit = op.attrs.inherit;
  if (inherit !== undefined && inherit !== 'inherit' && inherit !== 'defaults') throw badValue(`invalid inherit: ${inherit}`, 'inherit');
  const groups = op.attrs.groups === 'groups';
  const rendered = config.getConfiguration({ database: db, format, filter, inherit, groups });
  return wrapConfig(format, rendered);
};

/** `<source><running/></source>` or `<target><candidate/></target>`. */
function datastoreName(op: XmlElement, holder: 'source' | 'target'): 'candidate' | 'running' {
  const h = child(op, holder);
  const which = h ? elements(h)[0] : undefined;
  if (!which) throw new RpcError({ type: 'protocol', tag: 'missing-element', message: `syntax error, expecting <${holder}>`, badElement: holder });
  if (which.name === 'candidate' || which.name === 'running') return which.name;
  if (which.name === 'url') throw new RpcError({ type: 'protocol', tag: 'operation-not-supported', message: 'url is not supported here', badElement: 'url' });
  throw badValue(`syntax error, expecting <candidate/> or <running/>`, which.name);
}

function subtreeFilter(op: XmlElement): XmlElement | undefined {
  const f = child(op, 'filter');
  if (!f) return undefined;
  if (f.attrs.type && f.attrs.type !== 'subtree') {
    throw new RpcError({ type: 'protocol', tag: 'operation-not-supported', message: `filter type ${f.attrs.type} is not supported`, badElement: 'filter' });
  }
  return child(f, 'configuration');
}

function dataReply(ctx: RpcContext, source: 'candidate' | 'running'): string {
  const f = child(ctx.op, 'filter');
  // A filter that selects nothing of the configuration answers empty data.
  if (f && elements(f).length > 0 && !child(f, 'configuration')) return '<data>\n</data>';
  const rendered = ctx.config.getConfiguration({ database: source === 'running' ? 'committed' : 'candidate', format: 'xml', filter: subtreeFilter(ctx.op) });
  return `<data>\n${rendered}\n</data>`;
}

export const getConfig: RpcHandler = (ctx) => dataReply(ctx, datastoreName(ctx.op, 'source'));
export const get: RpcHandler = (ctx) => dataReply(ctx, 'running');

function okWith(warnings: RpcError[]): RpcReply {
  return { body: '<ok/>', warnings };
}

export const editConfig: RpcHandler = ({ config, op }) => {
  const target = datastoreName(op, 'target');
  const defEl = child(op, 'default-operation');
  const defOp = (defEl ? textOf(defEl).trim() : '') || 'merge';
  if (defOp !== 'merge' && defOp !== 'replace' && defOp !== 'none') throw badValue(`invalid default-operation: ${defOp}`, 'default-operation');
  const cfg = child(op, 'config');
  const textCfg = child(op, 'config-text');
  if (textCfg) {
    const t = child(textCfg, 'configuration-text');
    return okWith(config.load({ action: defOp === 'replace' ? 'replace' : 'merge', format: 'text', text: t ? textOf(t) : textOf(textCfg) }));
  }
  if (!cfg) {
    if (child(op, 'url')) throw new RpcError({ type: 'protocol', tag: 'operation-not-supported', message: 'url is not supported here', badElement: 'url' });
    throw new RpcError({ type: 'protocol', tag: 'missing-element', message: 'syntax error, expecting <config>', badElement: 'config' });
  }
  const conf = child(cfg, 'configuration');
  if (!conf) throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'syntax error, expecting <configuration>', badElement: elements(cfg)[0]?.name ?? 'config' });
  return okWith(config.editConfig(target, conf, defOp));
};

function loadResults(inner: string[]): string {
  return ['<load-configuration-results>', ...inner, '</load-configuration-results>'].join('\n');
}

export const loadConfiguration: RpcHandler = ({ config, op }) => {
  const rawAction = op.attrs.action ?? 'merge';
  if (!['merge', 'replace', 'override', 'update', 'set'].includes(rawAction)) throw badValue(`invalid action: ${rawAction}`, 'action');
  const action = rawAction as LoadAction;
  if (op.attrs.url !== undefined) {
    throw new RpcError({ type: 'protocol', tag: 'operation-not-supported', message: 'loading from a url is not supported', badElement: 'url' });
  }
  const rollback = intAttr(op.attrs.rollback, 'rollback');
  let warnings: RpcError[];
  try {
    if (rollback !== undefined) {
      warnings = config.load({ action: 'override', format: 'xml', rollback });
    } else {
      const xml = child(op, 'configuration');
      const text = child(op, 'configuration-text');
      const set = child(op, 'configuration-set');
      const json = child(op, 'configuration-json');
      if (xml) warnings = config.load({ action, format: 'xml', xml });
      else if (text) warnings = config.load({ action, format: 'text', text: textOf(text) });
      else if (set) warnings = config.load({ action: 'set', format: 'set', text: textOf(set) });
      else if (json) warnings = config.load({ action, format: 'json', text: textOf(json) });
      else {
        throw new RpcError({ type: 'protocol', tag: 'missing-element', message: 'syntax error, expecting <configuration>, <configuration-text>, <configuration-set> or <configuration-json>', badElement: 'load-configuration' });
      }
    }
  } catch (err) {
    if (!(err instanceof RpcError)) throw err;
    return loadResults([err.toXml(), '<load-error-count>1</load-error-count>']);
  }
  return loadResults([...warnings.map((w) => w.toXml()), '<ok/>']);
};

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

export const commitConfiguration: RpcHandler = async (ctx) => {
  const op = ctx.op;
  const check = child(op, 'check') !== undefined;
  const synchronize = child(op, 'synchronize') !== undefined;
  const timeoutEl = child(op, 'confirm-timeout');
  const logEl = child(op, 'log');
  const atEl = child(op, 'at-time');
  const result = ctx.config.commit({
    check,
    confirmed: child(op, 'confirmed') !== undefined,
    confirmTimeout: timeoutEl ? intAttr(textOf(timeoutEl), 'confirm-timeout') : undefined,
    log: logEl ? textOf(logEl) : undefined,
    synchronize,
    atTime: atEl ? textOf(atEl).trim() : undefined,
  });
  // The reply says the commit is complete once it is on disk.
  const unsaved = await result.saved;
  if (unsaved) result.warnings.push(unsaved);
  return ['<commit-results>', ...result.warnings.map((w) => w.toXml()), ...commitEngines(ctx, synchronize, check), '</commit-results>'].join('\n');
};

/**
 * Base NETCONF commit: `<ok/>`. Its confirm-timeout is in seconds (RFC 6241), unlike
 * commit-configuration's minutes. `<persist>`/`<persist-id>` are accepted: a pending
 * commit confirmed here outlives its session anyway, and any later commit confirms it.
 */
export const commit: RpcHandler = async ({ config, op }) => {
  const timeoutEl = child(op, 'confirm-timeout');
  const seconds = timeoutEl ? intAttr(textOf(timeoutEl), 'confirm-timeout') : undefined;
  const result = config.commit({ confirmed: child(op, 'confirmed') !== undefined, confirmTimeoutSeconds: seconds });
  const unsaved = await result.saved;
  return okWith(unsaved ? [...result.warnings, unsaved] : result.warnings);
};

/** Base NETCONF `<cancel-commit/>`: the pending commit confirmed is undone now. */
export const cancelCommit: RpcHandler = ({ config }) => {
  if (!config.cancelCommit) throw new RpcError({ type: 'protocol', tag: 'operation-not-supported', message: 'cancel-commit is not supported', badElement: 'cancel-commit' });
  config.cancelCommit();
  return '<ok/>';
};

export const validate: RpcHandler = ({ config, op }) => {
  const src = child(op, 'source');
  if (src && child(src, 'url')) throw new RpcError({ type: 'protocol', tag: 'operation-not-supported', message: 'url is not supported here', badElement: 'url' });
  return okWith(config.validate());
};

export const discardChanges: RpcHandler = ({ config }) => {
  config.discardChanges();
  return '<ok/>';
};

export const lock: RpcHandler = ({ config, op }) => {
  config.lock(datastoreName(op, 'target'));
  return '<ok/>';
};

export const unlock: RpcHandler = ({ config, op }) => {
  config.unlock(datastoreName(op, 'target'));
  return '<ok/>';
};

export const lockConfiguration: RpcHandler = ({ config }) => {
  config.lock('candidate');
  return '';
};

export const unlockConfiguration: RpcHandler = ({ config }) => {
  config.unlock('candidate');
  return '';
};

export const openConfiguration: RpcHandler = ({ config, op }) => {
  const mode = child(op, 'private') ? 'private' : child(op, 'exclusive') ? 'exclusive' : child(op, 'shared') ? 'shared' : undefined;
  if (!mode) throw new RpcError({ type: 'protocol', tag: 'missing-element', message: 'syntax error, expecting <private/>, <exclusive/> or <shared/>', badElement: 'open-configuration' });
  return { body: '', warnings: config.openConfiguration(mode) };
};

export const closeConfiguration: RpcHandler = ({ config }) => {
  config.closeConfiguration();
  return '';
};

export const configRpcs: Record<string, RpcHandler> = {
  'get-configuration': getConfiguration,
  'get-config': getConfig,
  get,
  'edit-config': editConfig,
  'load-configuration': loadConfiguration,
  'commit-configuration': commitConfiguration,
  commit,
  'cancel-commit': cancelCommit,
  validate,
  'discard-changes': discardChanges,
  lock,
  unlock,
  'lock-configuration': lockConfiguration,
  'unlock-configuration': unlockConfiguration,
  'open-configuration': openConfiguration,
  'close-configuration': closeConfiguration,
};
