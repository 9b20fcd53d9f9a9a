/**
 * `set` form (`show configuration | display set`): configuration-mode commands
 * `set`, `delete`, `activate`, `deactivate` (and `rename`), applied to a tree; and the writer.
 */
import { type ConfigNode, ConfigTree, pruneEmptied } from './tree.js';
import { isTopLevel, ruleFor } from './schema.js';
import { RpcError } from '../../netconf/rpc-error.js';
import { ConfigSyntaxError, editPath, type ConfigProblem } from './errors.js';
import { walk, rootCursor, StatementError, type Word } from './statement.js';
import { headWords, quote } from './text.js';
import type { Placer } from './order.js';
import { ChildIndex } from './child-index.js';

/** Splits one command line into words; `[ a b ]` becomes one word with a list. */
export function splitWords(line: string, lineNo?: number): Word[] {
  const out: Word[] = [];
  let i = 0;
  const n = line.length;
  const readOne = (): string => {
    if (line[i] === '"') {
      let s = '';
      i++;
      while (i < n && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < n) {
          s += line[i + 1];
          i += 2;
        } else s += line[i++];
      }
      if (i >= n) throw new ConfigSyntaxError([{ message: 'syntax error', badElement: `"${s}`, line: lineNo }]);
      i++;
      return s;
    }
    const start = i;
    while (i < n && !/[\s[\]]/.test(line[i])) i++;
    return line.slice(start, i);
  };
  while (i < n) {
    if (/\s/.test(line[i])) {
      i++;
      continue;
    }
    if (line[i] === '#') break;
    if (line[i] === '[') {
      i++;
      const items: string[] = [];
      for (;;) {
        while (i < n && /\s/.test(line[i])) i++;
        if (i >= n) throw new ConfigSyntaxError([{ message: 'syntax error', badElement: '[', line: lineNo }]);
        if (line[i] === ']') {
          i++;
          break;
        }
        items.push(readOne());
      }
      out.push({ v: '[', list: items, line: lineNo });
      continue;
    }
    if (line[i] === ']') throw new ConfigSyntaxError([{ message: 'syntax error', badElement: ']', line: lineNo }]);
    out.push({ v: readOne(), line: lineNo });
  }
  return out;
}

const VERBS = new Set(['set', 'delete', 'activate', 'deactivate', 'rename', 'annotate', 'insert']);

/**
 * Applies one command to the tree. Throws ConfigSyntaxError for malformed input; returns
 * warnings (e.g. `statement not found` for a delete of something absent). `place` puts
 * the statements `set` creates among their siblings (order.ts; default: at the end).
 */
export function applySetLine(tree: ConfigTree, line: string, lineNo?: number, place?: Placer, index?: ChildIndex): RpcError[] {
  const words = splitWords(line, lineNo);
  if (words.length === 0) return [];
  const verb = words[0].v;
  if (!VERBS.has(verb) || words[0].list) {
    throw new ConfigSyntaxError([{ message: 'syntax error', badElement: verb, line: lineNo, path: '[edit]' }]);
  }
  const rest = words.slice(1);
  const cur = rootCursor(tree.root);
  const notFound = (): RpcError[] => [
    new RpcError({ type: 'protocol', tag: 'operation-failed', severity: 'warning', message: 'statement not found', path: editPath(rest.map((w) => w.v)) }),
  ];
  const guard = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof StatementError) throw new ConfigSyntaxError([{ ...e.problem, line: e.problem.line ?? lineNo }]);
      throw e;
    }
  };
  if (rest.length === 0) {
    if (verb === 'delete') {
      tree.root.children = [];
      return [];
    }
    throw new ConfigSyntaxError([{ message: 'syntax error', badElement: verb, line: lineNo, path: '[edit]' }]);
  }
  if (verb === 'set' && !isTopLevel(rest[0].v)) {
    // Unknown top-level statements are syntax errors on Junos.
    throw new ConfigSyntaxError([{ message: 'syntax error', badElement: rest[0].v, line: lineNo, path: '[edit]' }]);
  }
  switch (verb) {
    case 'set': {
      guard(() => walk(cur, rest, 'chain', { create: true, hasBlock: false, ...(place ? { place } : {}), ...(index ? { index } : {}) }));
      return [];
    }
    case 'delete': {
      const res = guard(() => walk(cur, rest, 'chain', { create: false, hasBlock: false }));
      if (!res) return notFound();
      res.parent.node.children = res.parent.node.children.filter((c) => !res.nodes.includes(c));
      pruneEmptied(tree.root, res.parent.node, place?.keeps);
      return [];
    }
    case 'activate':
    case 'deactivate': {
      const res = guard(() => walk(cur, rest, 'chain', { create: false, hasBlock: false }));
      if (!res) return notFound();
      for (const n of res.nodes) {
        if (verb === 'deactivate') n.inactive = true;
        else delete n.inactive;
      }
      return [];
    }
    case 'annotate': {
      const text = rest[rest.length - 1];
      const res = guard(() => walk(cur, rest.slice(0, -1), 'chain', { create: false, hasBlock: false }));
      if (!res) return notFound();
      for (const n of res.nodes) n.comment = text.v;
      return [];
    }
    case 'insert':
      return insertLine(tree, rest, lineNo, guard, notFound);
    case 'rename': {
      // rename PATH... to NEWKEY...: renames the keys of the entry PATH names.
      const to = rest.findIndex((w) => w.v === 'to');
      if (to <= 0 || to === rest.length - 1) throw new ConfigSyntaxError([{ message: 'syntax error', badElement: 'rename', line: lineNo }]);
      const res = guard(() => walk(cur, rest.slice(0, to), 'chain', { create: false, hasBlock: false }));
      if (!res) return notFound();
      const n = res.nodes[0];
      index?.forget(res.parent.node);
      const newVals = rest.slice(to + 1).map((w) => w.v);
      if (n.kind === 'entry' && n.keys) {
        const keyVals = newVals.filter((v) => !(n.keys ?? []).some((k) => k.name.replace(/-name$/, '') === v));
        n.keys.forEach((k, i) => {
          if (keyVals[i] !== undefined) k.value = keyVals[i];
        });
      } else if (n.kind === 'leaf') n.value = newVals[newVals.length - 1];
      return [];
    }
  }
  return [];
}

/**
 * `insert PATH before|after REF`: moves the list entry (or leaf-list value) PATH names before
 * or after its sibling REF, written as in set form with or without the list keyword
 * (`insert policy-options policy-statement p term t2 before term t1`).
 */
function insertLine(
  tree: ConfigTree,
  rest: Word[],
  lineNo: number | undefined,
  guard: <T>(f: () => T) => T,
  notFound: () => RpcError[],
): RpcError[] {
  for (let i = rest.length - 2; i >= 1; i--) {
    const where = rest[i].v;
    if (where !== 'before' && where !== 'after') continue;
    const res = guard(() => walk(rootCursor(tree.root), rest.slice(0, i), 'chain', { create: false, hasBlock: false }));
    if (!res) return notFound();
    const n = res.nodes[0];
    if (res.nodes.length !== 1 || (n.kind !== 'entry' && n.kind !== 'leaf')) continue;
    const parent = res.parent.node;
    const ref = rest.slice(i + 1).map((w) => w.v);
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, k) => x === b[k]);
    const target = parent.children.find((c) => {
      if (c === n || c.name !== n.name || c.kind !== n.kind) return false;
      if (c.kind === 'leaf') return same(ref, [c.value ?? '']) || same(ref, [c.name, c.value ?? '']);
      const head = headWords(c, res.parent.path).map((w) => w);
      const plain = [c.name, ...(c.keys ?? []).map((k) => k.value)];
      const quotedRef = ref.map(quote);
      return same(quotedRef, head) || same(quotedRef, head.slice(1)) || same(ref, plain) || same(ref, plain.slice(1));
    });
    if (!target) {
      throw new RpcError({ type: 'application', tag: 'data-missing', message: 'statement not found', path: editPath(res.parent.words), badElement: ref.join(' ') });
    }
    parent.children = parent.children.filter((c) => c !== n);
    parent.children.splice(parent.children.indexOf(target) + (where === 'after' ? 1 : 0), 0, n);
    return [];
  }
  throw new ConfigSyntaxError([{ message: 'syntax error', badElement: 'insert', line: lineNo, path: '[edit]' }]);
}

/**
 * Applies set-form text (one command per line) to a tree, collecting every syntax error
 * (each with its line). Returns the warnings.
 */
export function applySetText(tree: ConfigTree, text: string, place?: Placer): RpcError[] {
  const problems: ConfigProblem[] = [];
  const warnings: RpcError[] = [];
  const index = new ChildIndex();
  text.split(/\r?\n/).forEach((line, idx) => {
    try {
      warnings.push(...applySetLine(tree, line, idx + 1, place, index));
    } catch (e) {
      if (e instanceof ConfigSyntaxError) problems.push(...e.problems);
      else throw e;
    }
  });
  if (problems.length) throw new ConfigSyntaxError(problems);
  return warnings;
}

/** Reads set-form text into a new tree. */
export function parseSet(text: string): ConfigTree {
  const tree = new ConfigTree();
  applySetText(tree, text);
  return tree;
}

/** Renders a tree as `set` commands (and `deactivate` for inactive statements), one per line. */
export function renderSet(tree: ConfigTree): string {
  const lines: string[] = [];
  walkSet(tree.root.children, [], [], lines);
  return lines.length ? lines.join('\n') + '\n' : '';
}

function walkSet(children: ConfigNode[], parentPath: string[], prefix: string[], lines: string[]): void {
  // `set routing-options autonomous-system 65010`: the leaf a container takes as its value is not named.
  const parentRule = parentPath.length ? ruleFor(parentPath) : undefined;
  const positional = parentRule?.bare ? parentRule.positional : undefined;
  for (const n of children) {
    const words = n.kind === 'leaf' && n.name === positional && !n.inactive ? [] : headWords(n, parentPath);
    const here = [...prefix, ...words];
    if (n.kind === 'leaf') {
      const v = quote(n.value ?? '');
      lines.push(`set ${here.join(' ')} ${v}`);
      if (n.inactive) lines.push(`deactivate ${here.join(' ')}${isMulti(children, n) ? ` ${v}` : ''}`);
      continue;
    }
    if (n.children.length === 0) lines.push(`set ${here.join(' ')}`);
    else walkSet(n.children, [...parentPath, n.name], here, lines);
    if (n.inactive) lines.push(`deactivate ${here.join(' ')}`);
  }
}

function isMulti(siblings: ConfigNode[], n: ConfigNode): boolean {
  return siblings.filter((c) => c.name === n.name && c.kind === 'leaf').length > 1;
}
