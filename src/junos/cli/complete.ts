/**
 * What the emulated cli offers for `?`, Tab and space, and how it spells out abbreviations:
 * operational mode from the registered RPCs' cli words (plus the cli's own commands),
 * configuration mode from the Junos schema of the device's family, pipes from their table.
 * Every typed word meets the allowed words through `pickWord` (../rpcs/cli-words.ts).
 */
import { familyForProfile, loadSchema, type Schema, type SchemaNode } from '../../schema/index.js';
import { MODULES } from '../rpcs/registry.js';
import { buildWordTree, completions, pickWord, resolveWords, type Completion, type WordTree } from '../rpcs/cli-words.js';
import type { CliCommand } from '../rpcs/types.js';
import { elementName, hiddenListsUnder, textName, valueLeaf } from '../config/schema.js';
import { splitPipeline } from './render.js';
import { statementHelp } from '../../schema/modules.js';

/** The statements' help, or none when the YANG modules cannot be read. */
function statementHelpOf(family: string): Map<string, string> {
  try {
    return statementHelp(family);
  } catch {
    return new Map();
  }
}

/** The cli's own operational commands (answered by the cli, not by an RPC); `@` marks them. */
const LOCAL: { rpc: string; cli: CliCommand }[] = [
  { rpc: '@configure', cli: { words: 'configure', args: [{ flag: 'private' }, { flag: 'exclusive' }] } },
  { rpc: '@exit', cli: { words: 'exit' } },
  { rpc: '@exit', cli: { words: 'quit' } },
  { rpc: '@help', cli: { words: 'help' } },
  { rpc: '@set-cli', cli: { words: 'set cli screen-length', args: [{ positional: 'screen-length', match: /^\d+$/, required: true }] } },
  { rpc: '@set-cli', cli: { words: 'set cli screen-width', args: [{ positional: 'screen-width', match: /^\d+$/, required: true }] } },
  { rpc: '@set-cli', cli: { words: 'set cli timestamp', args: [{ flag: 'disable' }, { keyword: 'format' }] } },
  { rpc: '@set-cli', cli: { words: 'set cli complete-on-space', args: [{ positional: 'on-off', match: /^(on|off)$/, required: true }] } },
  { rpc: '@show-cli', cli: { words: 'show cli' } },
  { rpc: '@show-cli-directory', cli: { words: 'show cli directory' } },
  { rpc: '@set-cli-directory', cli: { words: 'set cli directory', args: [{ positional: 'directory', required: true }] } },
  { rpc: '@show-cli-history', cli: { words: 'show cli history', args: [{ positional: 'count', match: /^\d+$/ }] } },
  { rpc: '@start-shell', cli: { words: 'start shell', args: [{ positional: 'shell', match: /^(sh|csh|tcsh|bash)$/ }] } },
];

/** Top-level operational commands without an RPC, with Junos's help. */
const OTHER_TOP: Record<string, string> = {
  monitor: 'Show real-time debugging information',
  restart: 'Restart software process',
  ssh: 'Start secure shell on another host',
  telnet: 'Telnet to another host',
  test: 'Perform diagnostic debugging',
};

let opTree: WordTree | undefined;

/** The operational word tree: every registered cli command, then the cli's own. */
export function operationalTree(): WordTree {
  opTree ??= buildWordTree(
    [...MODULES.flatMap((m) => (m.cli ?? []).map((cli) => ({ rpc: m.name, cli }))), ...LOCAL],
    true,
  );
  return opTree;
}

export const PIPES: Record<string, string> = {
  compare: 'Compare configuration changes with prior version',
  count: 'Count occurrences',
  display: 'Show additional kinds of information',
  except: 'Show only text that does not match a pattern',
  find: 'Search for first occurrence of pattern',
  last: 'Display end of output only',
  match: 'Show only text that matches a pattern',
  'no-more': "Don't paginate output",
};

const DISPLAY: Record<string, string> = {
  inheritance: 'Show inherited configuration data and source group',
  json: 'Show JSON text of output',
  set: 'Show set commands that create configuration',
  xml: 'Show XML text of output',
};

export const CONFIG_VERB_HELP: Record<string, string> = {
  activate: 'Remove the inactive tag from a statement',
  annotate: 'Annotate the statement with a comment',
  commit: 'Commit current set of changes',
  copy: 'Copy a statement',
  deactivate: 'Add the inactive tag to a statement',
  delete: 'Delete a data element',
  edit: 'Edit a sub-element',
  exit: 'Exit from this level',
  insert: 'Insert a new ordered data element',
  load: 'Load configuration from ASCII file',
  protect: 'Protect the statement',
  quit: 'Quit from this level',
  rename: 'Rename a statement',
  rollback: 'Roll back to previous committed configuration',
  run: 'Run an operational-mode command',
  set: 'Set a parameter',
  show: 'Show a parameter',
  status: 'Show users currently editing configuration',
  top: 'Exit to top level of configuration',
  unprotect: 'Unprotect the statement',
  up: 'Go up a level',
};
export const PATH_VERBS = new Set(['set', 'delete', 'edit', 'show', 'activate', 'deactivate', 'annotate', 'protect', 'unprotect', 'copy', 'rename', 'insert']);

const COMMIT_WORDS: Record<string, string> = {
  'and-quit': 'Quit configuration mode if commit succeeds',
  check: 'Check correctness of syntax; do not apply changes',
  comment: 'Message to write to commit log',
  confirmed: 'Automatically rollback if not confirmed',
  synchronize: 'Synchronize commit on both Routing Engines',
};

export type HelpAnswer =
  | { ok: true; candidates: Completion[]; complete: boolean; config?: boolean }
  | { ok: false; at: number; ambiguous?: string[] };

/** Splits a line into words, and the word being typed at its end ('' after a space). */
export function splitLine(line: string): { words: string[]; partial: string } {
  const words = line.split(/\s+/).filter(Boolean);
  const partial = /\s$/.test(line) || line === '' ? '' : (words.pop() ?? '');
  return { words, partial };
}

const fromTable = (table: Record<string, string>, partial: string): Completion[] =>
  Object.entries(table)
    .filter(([w]) => w.startsWith(partial))
    .map(([word, help]) => ({ word, help }));

/** Completions after a `|`. */
function pipeHelp(words: string[], partial: string): HelpAnswer {
  if (words.length === 0) return { ok: true, candidates: fromTable(PIPES, partial), complete: false };
  const verb = pickWord(Object.keys(PIPES), words[0]);
  if (verb === undefined || typeof verb !== 'string') return { ok: false, at: 0, ambiguous: typeof verb === 'object' ? verb.ambiguous : undefined };
  if (verb === 'display' && words.length === 1) return { ok: true, candidates: fromTable(DISPLAY, partial), complete: false };
  if (verb === 'compare' && words.length === 1) return { ok: true, candidates: fromTable({ rollback: 'Compare with rollback version' }, partial), complete: false };
  if (['match', 'except', 'find'].includes(verb) && words.length === 1) return { ok: true, candidates: [{ word: '<pattern>', help: 'Pattern to match' }], complete: false };
  if (verb === 'last' && words.length === 1) return { ok: true, candidates: [{ word: '<lines>', help: 'Number of lines to display' }], complete: true };
  return { ok: true, candidates: [], complete: true };
}

/** Spells out abbreviated pipe words (`| m foo` -> `| match foo`, `| di s` -> `| display set`). */
export function expandPipe(pipe: string): string | { error: string; ambiguous?: string[] } {
  const [first, ...rest] = pipe.trim().split(/\s+/);
  const verb = pickWord(Object.keys(PIPES), first ?? '');
  if (verb === undefined) return { error: first ?? '' };
  if (typeof verb !== 'string') return { error: first, ambiguous: verb.ambiguous };
  if (verb === 'display' && rest.length) {
    const what = pickWord([...Object.keys(DISPLAY), 'rpc'], rest[0]);
    if (typeof what === 'string') rest[0] = what;
  }
  if (verb === 'compare' && rest.length && 'rollback'.startsWith(rest[0])) rest[0] = 'rollback';
  return [verb, ...rest].join(' ');
}

/** The device's schema, from its model (`mx960` -> mx -> junos); undefined when unknown. */
export function schemaForModel(model: string | undefined): Schema | undefined {
  const family = familyForProfile((model ?? '').toLowerCase().match(/^[a-z]+/)?.[0] ?? '') ?? 'junos';
  try {
    return loadSchema(family);
  } catch {
    return undefined;
  }
}

const APPLY = /^apply-/;

/**
 * Walks configuration words through the schema: the words spelled out (statement names
 * only; names and values are kept), then what may come next.
 */
export function walkSchema(
  schema: Schema,
  words: string[],
): { ok: true; words: string[]; next: Completion[]; expectsValue: boolean; parent?: string } | { ok: false; at: number; ambiguous?: string[] } {
  let node: SchemaNode = schema.root;
  let pendingKeys = 0;
  let pendingValue: SchemaNode | undefined;
  const out: string[] = [];
  const elementPath: string[] = [];
  /** A list whose entries are written without its keyword here (`interfaces ge-0/0/0`). */
  const hiddenList = (word: string): string | undefined => {
    for (const r of hiddenListsUnder(elementPath)) {
      const name = r.path.split('/').pop()!;
      if (node.child(name) && !(r.except ?? []).includes(word)) return name;
    }
    return undefined;
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (pendingKeys > 0) {
      pendingKeys--;
      out.push(w);
      continue;
    }
    if (pendingValue) {
      const v = pickWord(pendingValue.enumValues(), w);
      out.push(typeof v === 'string' ? v : w);
      pendingValue = undefined;
      continue;
    }
    const names = node.childNames().map(textName);
    const hidden = names.includes(w) ? undefined : hiddenList(w);
    if (hidden) {
      // The word is an entry's name: no abbreviation of a statement name here.
      out.push(w);
      node = node.child(hidden)!;
      elementPath.push(hidden);
      continue;
    }
    const pick = pickWord(names, w);
    if (pick === undefined) {
      // A bare value for a container that takes one (`autonomous-system 65000`).
      const vc = valueLeaf(elementPath[elementPath.length - 1] ?? '', node);
      if (vc && i > 0) {
        out.push(w);
        continue;
      }
      return { ok: false, at: i };
    }
    if (typeof pick !== 'string') return { ok: false, at: i, ambiguous: pick.ambiguous };
    out.push(pick);
    node = node.child(elementName(pick))!;
    elementPath.push(elementName(pick));
    if (node.kind === 'list') pendingKeys = Math.max(1, node.keys.length ? 1 : 0);
    else if (node.kind === 'leaf' || node.kind === 'leaf-list') pendingValue = node;
  }
  if (pendingKeys > 0) return { ok: true, words: out, next: [{ word: `<${node.keys[0] ?? 'name'}>`, help: '' }], expectsValue: true };
  if (pendingValue) {
    const values = pendingValue.enumValues();
    const next = values.length ? values.map((v) => ({ word: v, help: '' })) : [{ word: '<value>', help: '' }];
    return { ok: true, words: out, next, expectsValue: true };
  }
  // As Junos lists them: alphabetical (help filled in by configurationHelp, only for `?`).
  const next = [...node.childNames()].sort((a, b) => (textName(a) < textName(b) ? -1 : textName(a) > textName(b) ? 1 : 0)).map((n) => {
    const k = node.child(n)!.kind;
    return { word: textName(n), help: '', mark: k === 'leaf-list' || APPLY.test(n) ? '+' : k === 'container' || k === 'list' ? '>' : ' ' };
  });
  return { ok: true, words: out, next: next as Completion[], expectsValue: false, parent: elementPath[elementPath.length - 1] ?? '' };
}

/** `?` and completion in operational mode (and after `run`). */
export function operationalHelp(line: string): HelpAnswer {
  const parts = splitPipeline(line);
  if (parts.length > 1) {
    const { words, partial } = splitLine(parts[parts.length - 1]);
    return pipeHelp(words, partial);
  }
  const { words, partial } = splitLine(line);
  const r = completions(operationalTree(), words, partial);
  if (!r.ok) return r;
  const candidates = [...r.candidates];
  if (words.length === 0) {
    // Junos's other top-level commands, answered by the cli itself (junos-cli.ts otherCommand).
    for (const [word, help] of Object.entries(OTHER_TOP)) {
      if (word.startsWith(partial) && !candidates.some((c) => c.word === word)) candidates.push({ word, help });
    }
    candidates.sort((a, b) => (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
  }
  if (r.complete && partial === '') candidates.unshift({ word: '<[Enter]>', help: 'Execute this command' });
  if (r.complete && partial === '') candidates.push({ word: '|', help: 'Pipe through a command' });
  return { ok: true, candidates, complete: r.complete };
}

/** `?` and completion in configuration mode: verbs, then the schema under the edit path. */
export function configurationHelp(line: string, editPath: string[], schema: Schema | undefined): HelpAnswer {
  const parts = splitPipeline(line);
  if (parts.length > 1) {
    const { words, partial } = splitLine(parts[parts.length - 1]);
    return pipeHelp(words, partial);
  }
  const { words, partial } = splitLine(line);
  if (words.length === 0) return { ok: true, candidates: fromTable(CONFIG_VERB_HELP, partial), complete: false, config: true };
  const verb = pickWord(Object.keys(CONFIG_VERB_HELP), words[0]);
  if (verb === undefined) return { ok: false, at: 0 };
  if (typeof verb !== 'string') return { ok: false, at: 0, ambiguous: verb.ambiguous };
  if (verb === 'run') return operationalHelp(line.replace(/^\s*\S+\s*/, ''));
  if (verb === 'commit') return { ok: true, candidates: fromTable(COMMIT_WORDS, partial), complete: true };
  if (verb === 'rollback') return { ok: true, candidates: [{ word: '<number>', help: 'Numeric index of rollback file' }], complete: true };
  if (!PATH_VERBS.has(verb) || !schema) return { ok: true, candidates: [], complete: true };
  const base = editPath;
  const walked = walkSchema(schema, [...base, ...words.slice(1)]);
  if (!walked.ok) return walked.at < base.length ? { ok: true, candidates: [], complete: true } : { ...walked, at: walked.at - base.length + 1 };
  let candidates = walked.next.filter((c) => c.word.startsWith('<') || c.word.startsWith(partial));
  if (walked.parent !== undefined) {
    // Each statement's help: its YANG description (read from the served modules on the first `?`).
    const help = statementHelpOf(schema.family);
    candidates = candidates.map((c) => (c.help ? c : { ...c, help: help.get(`${walked.parent}/${elementName(c.word)}`) ?? help.get(elementName(c.word)) ?? '' }));
  }
  return { ok: true, candidates, complete: verb === 'show' || !walked.expectsValue, config: true };
}

/** Spells out an operational command's abbreviations; the error index otherwise. */
export function expandOperational(line: string): { ok: true; line: string; rpc?: string } | { ok: false; word: string; ambiguous?: string[]; first: boolean } {
  const [cmd, ...pipes] = splitPipeline(line);
  // A quoted value (`message "going down"`) is one word, kept with its quotes.
  const words = [...cmd.matchAll(/"[^"]*"|\S+/g)].map((m) => m[0]);
  const r = resolveWords(operationalTree(), words);
  if (!r.ok) return { ok: false, word: words[r.at] ?? '', ambiguous: r.ambiguous, first: r.at === 0 };
  const expanded: string[] = [];
  for (const p of pipes) {
    const e = expandPipe(p);
    if (typeof e !== 'string') return { ok: false, word: e.error, ambiguous: e.ambiguous, first: false };
    expanded.push(e);
  }
  return { ok: true, line: [r.words.join(' '), ...expanded].join(' | '), rpc: r.rpc };
}

/** The `Possible completions:` block, as Junos prints it. */
export function formatCompletions(candidates: (Completion & { mark?: string })[], config = false): string {
  const lines = candidates.map((c) => {
    const mark = config ? ((c as { mark?: string }).mark ?? ' ') : ' ';
    const word = c.word.padEnd(20);
    return `${mark} ${word} ${c.help}`.trimEnd();
  });
  return `Possible completions:\n${lines.join('\n')}\n`;
}
