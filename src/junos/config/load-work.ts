/**
 * Configuration work as pure functions, run by the datastore on its own thread for ordinary
 * input or on the configuration worker (off-thread.ts) for large input, so that long work
 * never holds up other sessions and devices: a load (the next candidate, with the warnings
 * and errors of a partial load), and a commit's stored form (renderChecked).
 */
import type { RpcError } from '../../netconf/rpc-error.js';
import type { Schema } from '../../schema/index.js';
import type { LoadOptions } from './api.js';
import type { XmlElement } from '../../netconf/xml.js';
import { ConfigSyntaxError, throwAll } from './errors.js';
import { parseJson } from './json.js';
import { clean, mergeTree, updateTree } from './merge.js';
import type { Placer } from './order.js';
import { goodPart, setLines } from './partial-load.js';
import { loadProblems } from './schema-check.js';
import { conformTree } from './shape.js';
import { parseText } from './text.js';
import { ConfigTree } from './tree.js';
import { parseXmlConfig } from './xml-config.js';
import { RpcError as RpcErrorClass } from '../../netconf/rpc-error.js';
import { decodeTree, encodeTree } from './history-files.js';
import { checkStatementNames, firstDifference } from './statement-names.js';

export interface LoadOutcome {
  /** The next candidate. */
  tree: ConfigTree;
  warnings: RpcError[];
  /** The statements left out (a partial load): the load answers them as errors. */
  errors: RpcError[];
  /** Set loads answer their warnings along with their errors. */
  errorsWithWarnings: boolean;
}

/** Rethrows parser errors as Junos rpc-errors. */
export function asRpc<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigSyntaxError) throwAll(e.toRpcErrors());
    throw e;
  }
}

/**
 * `f` applied to a copy of `candidate`, the copy shaped by the schema; throws (changing
 * nothing) when the edit brings in anything the schema refuses: all or nothing.
 */
export function editedCopy<T>(candidate: ConfigTree, f: (t: ConfigTree) => T, schema: Schema | undefined): { tree: ConfigTree; out: T } {
  const work = candidate.clone();
  const out = asRpc(() => f(work));
  if (schema) {
    conformTree(work, schema);
    const bad = loadProblems(schema, candidate, work);
    if (bad.length) throwAll(bad);
  }
  return { tree: work, out };
}

/** Text, set, XML or JSON content loaded into `candidate` (rollback and rescue loads are the datastore's). */
export function computeLoad(candidate: ConfigTree, opts: LoadOptions, schema: Schema | undefined, place: Placer | undefined): LoadOutcome {
  const warnings: RpcError[] = [];
  // Partial loads as on Junos: the good statements are loaded, each bad one is an error.
  if (opts.action === 'set' || opts.format === 'set') {
    const text = opts.text ?? '';
    let errors: RpcError[] = [];
    const { tree } = editedCopy(
      candidate,
      (t) => {
        const r = setLines(t, text, schema, place);
        warnings.push(...r.warnings);
        errors = r.errors;
      },
      schema,
    );
    return { tree, warnings, errors, errorsWithWarnings: true };
  }
  const { tree: incoming, errors } = asRpc(() => goodPart(() => parseLoadAs(opts), schema));
  if (errors.length && !incoming.root.children.length) throwAll(errors);
  const { tree } = editedCopy(
    candidate,
    (t) => {
      if (opts.action === 'override') {
        t.root.children = clean(incoming.root).children;
      } else if (opts.action === 'update') {
        updateTree(t, incoming);
      } else {
        mergeTree(t, incoming, { action: opts.action === 'replace' ? 'replace' : 'merge', ...(place ? { place } : {}) });
      }
    },
    schema,
  );
  return { tree, warnings, errors, errorsWithWarnings: false };
}

/** Base NETCONF edit-config of `candidate` (operation attributes merge|replace|create|delete|remove). */
export function computeEditConfig(candidate: ConfigTree, config: XmlElement, defaultOperation: 'merge' | 'replace' | 'none', schema: Schema | undefined, place: Placer | undefined): { tree: ConfigTree; warnings: RpcError[] } {
  const incoming = asRpc(() => (schema ? conformTree(parseXmlConfig(config), schema) : parseXmlConfig(config)));
  const { tree, out } = editedCopy(candidate, (t) => mergeTree(t, incoming, { action: 'replace', defaultOperation, strict: true, ...(place ? { place } : {}) }), schema);
  return { tree, warnings: out };
}

function parseLoadAs(opts: LoadOptions): ConfigTree {
  switch (opts.format) {
    case 'xml':
      if (!opts.xml) throw new RpcErrorClass({ type: 'protocol', tag: 'missing-element', message: 'missing configuration' });
      return parseXmlConfig(opts.xml);
    case 'json':
      return parseJson(opts.text ?? '');
    default:
      return parseText(opts.text ?? '');
  }
}

/**
 * The stored form of `tree` (history-files.ts), checked to read back as the same tree, and
 * its statements checked to be writable in every form (statement-names.ts): what could not
 * come back from disk, or be shown, is refused rather than committed.
 */
export function renderChecked(tree: ConfigTree): string {
  const problem = checkStatementNames(tree.root)[0];
  if (problem) throw new RpcErrorClass({ type: 'application', tag: 'operation-failed', message: `${problem.message}: ${problem.badElement} at ${problem.path ?? '[edit]'}; commit refused` });
  const text = encodeTree(tree);
  let back: ConfigTree | undefined;
  try {
    back = decodeTree(text);
  } catch {
    back = undefined;
  }
  if (!back || !back.equals(tree)) {
    const where = firstDifference(tree.root, back?.root);
    throw new RpcErrorClass({ type: 'application', tag: 'operation-failed', message: `configuration cannot be saved: statement ${where.join(' ') || 'configuration'} does not read back as written; commit refused` });
  }
  return text;
}
