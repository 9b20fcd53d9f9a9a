/**
 * Turns the words of one text statement or one `set` command into a place in the tree.
 * Shared by the text and set readers, and by path look-ups (delete, deactivate).
 *
 * Three ways to read the words after a statement's keyword:
 *  - head:    the first words of a text statement (`unit 0 {`, `host-name r1;`);
 *  - sibling: the words after a list entry's keys in text, which are further statements
 *             of that entry on the same line (`route 0/0 next-hop 10.0.0.1;`, `any emergency;`);
 *  - chain:   a `set` path, where every word goes one level deeper.
 */
import { type ConfigNode, node, keyString } from './tree.js';
import { ruleFor, keysOf, hiddenListsUnder, elementName, FLAGS, type Rule } from './schema.js';
import { editPath, type ConfigProblem } from './errors.js';
import type { ChildIndex } from './child-index.js';

export interface Word {
  v: string;
  line?: number;
  /** Values of a `[ a b c ]` group; v is then `[`. */
  list?: string[];
}

export interface Cursor {
  node: ConfigNode;
  /** Element path of `node` from the root. */
  path: string[];
  /** The words of the statement path, for `[edit ...]` in messages and diffs. */
  words: string[];
  /** Set inside a wrapped list block (`groups { ... }`): each statement there is an entry. */
  wrapped?: { name: string; rule: Rule };
}

export type Mode = 'head' | 'sibling' | 'chain';

export interface WalkOptions {
  /** Create what is missing (load, set); false to find only (delete, deactivate). */
  create: boolean;
  /** The statement opens a `{` block. */
  hasBlock: boolean;
  /** Where a created statement goes among its siblings (default: at the end, as written). */
  place?: (parent: ConfigNode, parentPath: readonly string[], n: ConfigNode) => void;
  /** Children by key and name for this load (see child-index.ts); without it, linear scans. */
  index?: ChildIndex;
  /** The statement is marked for deletion (`delete: address;`): a list may be named without a key. */
  deleting?: boolean;
}

function add(cur: Cursor, n: ConfigNode, o: WalkOptions): void {
  if (o.place) o.place(cur.node, cur.path, n);
  else cur.node.children.push(n);
  o.index?.added(cur.node, n);
}

/** The first child named `name` that is not a list entry. */
function nonEntryChild(cur: Cursor, name: string, o: WalkOptions): ConfigNode | undefined {
  if (o.index) return o.index.firstNonEntry(cur.node, name);
  return cur.node.children.find((c) => c.name === name && c.kind !== 'entry');
}

export interface WalkResult {
  /** Parent of the statement reached. */
  parent: Cursor;
  /** The statement(s) reached: several for a leaf-list written without a value. */
  nodes: ConfigNode[];
  /** Cursor of the (first) statement reached, for its block. */
  last: Cursor;
}

export class StatementError extends Error {
  constructor(readonly problem: ConfigProblem) {
    super(problem.message);
  }
}

function fail(message: string, w: Word | undefined, cur: Cursor): never {
  throw new StatementError({ message, badElement: w?.v, line: w?.line, path: editPath(cur.words) });
}

/** Follows `words` from `cur`; undefined when not creating and something is missing. */
export function walk(cur: Cursor, words: Word[], mode: Mode, o: WalkOptions): WalkResult | undefined {
  let i = 0;
  let here = cur;
  let m = mode;
  for (let guard = 0; guard <= words.length; guard++) {
    const step = resolveHead(here, words, i, m, o);
    if (!step) return undefined;
    if (step.i >= words.length) return { parent: here, nodes: step.nodes, last: step.cur };
    const n = step.cur.node;
    i = step.i;
    if (n.kind === 'container' || n.kind === 'flag') {
      if (n.kind === 'flag') {
        if (!o.create) return undefined;
        n.kind = 'container';
      }
      here = step.cur;
      m = m === 'chain' ? 'chain' : 'head';
    } else if (n.kind === 'entry') {
      here = step.cur;
      m = m === 'chain' ? 'chain' : 'sibling';
    } else {
      m = m === 'chain' ? 'chain' : 'sibling';
    }
  }
  return undefined;
}

interface Step {
  cur: Cursor;
  nodes: ConfigNode[];
  i: number;
}

function childCursor(cur: Cursor, n: ConfigNode, words: string[]): Cursor {
  return { node: n, path: [...cur.path, n.name], words: [...cur.words, ...words] };
}

function resolveHead(cur: Cursor, words: Word[], i: number, mode: Mode, o: WalkOptions): Step | undefined {
  const w = words[i];
  if (w.list) fail('syntax error', w, cur);
  const name = elementName(w.v);
  const P = cur.path;
  if (cur.wrapped) return entryStep(cur, cur.wrapped.name, cur.wrapped.rule, words, i, o, []);
  // `address h1 { 10.1.0.0/24; }`: the bare value of an entry that takes one (ip-prefix).
  if (o.create && cur.node.kind === 'entry') {
    const own = ruleFor(P);
    if (own?.kind === 'list' && own.positional && !ruleFor([...P, name])) return entryValueStep(cur, own.positional, name, i + 1, o);
  }

  for (const r of hiddenListsUnder(P)) {
    const el = r.path.slice(r.path.lastIndexOf('/') + 1);
    const kd = keysOf(r);
    if (kd[0].keyword) {
      if (name === kd[0].keyword) return entryStep(cur, el, r, words, i, o, []);
      continue;
    }
    if (name === el) break;
    if (r.except?.includes(name)) continue;
    if (ruleFor([...P, name])) continue;
    if (r.acceptHidden && nonEntryChild(cur, name, o)) continue;
    return entryStep(cur, el, r, words, i, o, []);
  }

  const rule = ruleFor([...P, name]);
  const rem = words.length - i - 1;
  const kind = rule?.kind ?? guessKind(cur, name, words, i, rem, mode, o);
  // `delete: up;`, `delete: address;`: the statement named without its value or key.
  if (o.deleting && rem === 0 && !o.hasBlock && kind !== 'container') return flagStep(cur, name, i, o);
  switch (kind) {
    case 'list':
      // `providers { juniper { ... } }`: a list opened without a key holds its entries (as `groups`).
      if (rule && mode !== 'chain' && rem === 0 && o.hasBlock) {
        const c: Cursor = { ...cur, words: [...cur.words, name], wrapped: { name, rule } };
        return { cur: c, nodes: [], i: i + 1 };
      }
      if (rem === 0 && !o.create) {
        // `delete policy-options prefix-list`: every entry of the list.
        const all = cur.node.children.filter((c) => c.name === name);
        return all.length ? { cur: childCursor(cur, all[0], [name]), nodes: all, i: i + 1 } : undefined;
      }
      return entryStep(cur, name, rule, words, i + 1, o, [name]);
    case 'leaf-list':
    case 'leaf':
      return leafStep(cur, name, kind === 'leaf-list', words, i, o);
    case 'container': {
      const step = containerStep(cur, name, i, o);
      const vw = words[i + 1];
      // `autonomous-system 65010`: a bare value for the container's first leaf (YANG).
      if (step && o.create && rule?.positional && vw && !vw.list && !rule.hasChild?.(vw.v)) {
        const c = step.cur.node;
        const leaf = c.children.find((x) => x.name === rule.positional && x.kind === 'leaf');
        if (leaf) leaf.value = vw.v;
        else c.children.unshift(node(rule.positional, 'leaf', { value: vw.v }));
        return { ...step, cur: { ...step.cur, words: [...step.cur.words, vw.v] }, i: i + 2 };
      }
      return step;
    }
    default:
      return flagStep(cur, name, i, o);
  }
}

function guessKind(
  cur: Cursor,
  name: string,
  words: Word[],
  i: number,
  rem: number,
  mode: Mode,
  o: WalkOptions,
): Rule['kind'] {
  const existing = o.index ? o.index.first(cur.node, name) : cur.node.children.find((c) => c.name === name);
  if (existing?.kind === 'entry') return 'list';
  const next = words[i + 1];
  if (existing?.kind === 'leaf' && (mode !== 'chain' || rem <= 1)) {
    const several = o.index ? o.index.leaves(cur.node, name).length > 1 : cur.node.children.filter((c) => c.name === name).length > 1;
    return rem >= 1 && !next.list && several ? 'leaf-list' : 'leaf';
  }
  if (next?.list) return 'leaf-list';
  switch (mode) {
    case 'chain':
      if (rem === 0) return existing ? 'container' : 'flag';
      if (rem === 1) return existing?.kind === 'container' && existing.children.length ? 'container' : 'leaf';
      return 'container';
    case 'sibling':
      if (FLAGS.has(name)) return 'flag';
      if (rem === 0) return o.hasBlock ? 'container' : 'flag';
      if (rem === 1 && o.hasBlock) return 'list';
      return 'leaf';
    default:
      if (rem === 0) return o.hasBlock ? 'container' : 'flag';
      if (rem === 1) return o.hasBlock ? 'list' : 'leaf';
      return 'list';
  }
}

function entryStep(
  cur: Cursor,
  el: string,
  rule: Rule | undefined,
  words: Word[],
  start: number,
  o: WalkOptions,
  prefixWords: string[],
): Step | undefined {
  const keys = [];
  const written = [...prefixWords];
  let j = start;
  for (const kd of keysOf(rule)) {
    if (kd.keyword) {
      if (words[j]?.v !== kd.keyword || words[j].list) fail('syntax error', words[j] ?? words[j - 1], cur);
      written.push(kd.keyword);
      j++;
    }
    const kw = words[j];
    if (!kw || kw.list) fail(kw ? 'syntax error' : 'missing or invalid value', kw ?? words[j - 1], cur);
    keys.push({ name: kd.element, value: kw.v });
    written.push(kw.v);
    j++;
  }
  const probe = node(el, 'entry', { keys });
  const ks = keyString(probe);
  let found = o.index ? o.index.entry(cur.node, el, ks) : cur.node.children.find((c) => c.name === el && c.kind === 'entry' && keyString(c) === ks);
  if (!found) {
    if (!o.create) return undefined;
    found = probe;
    add(cur, found, o);
  }
  const entryCur = childCursor(cur, found, written);
  // `address h1 10.1.0.0/24`: the entry's bare value after its key goes to its positional leaf.
  const vw = words[j];
  if (o.create && rule?.positional && vw && !vw.list && !ruleFor([...entryCur.path, vw.v])) {
    entryValueStep(entryCur, rule.positional, vw.v, j + 1, o);
    return { cur: entryCur, nodes: [found], i: j + 1 };
  }
  return { cur: entryCur, nodes: [found], i: j };
}

/** Sets the positional leaf `leafName` of the entry at `cur` to `value` (last one wins). */
function entryValueStep(cur: Cursor, leafName: string, value: string, next: number, o: WalkOptions): Step {
  let leaf = cur.node.children.find((c) => c.name === leafName && c.kind === 'leaf');
  if (leaf) leaf.value = value;
  else {
    leaf = node(leafName, 'leaf', { value });
    add(cur, leaf, o);
  }
  return { cur, nodes: [leaf], i: next };
}

function leafStep(cur: Cursor, name: string, isList: boolean, words: Word[], i: number, o: WalkOptions): Step | undefined {
  const vw = words[i + 1];
  const same = o.index ? o.index.leaves(cur.node, name) : cur.node.children.filter((c) => c.name === name && c.kind === 'leaf');
  if (!vw) {
    if (o.create) fail('missing argument', words[i], cur);
    if (!same.length) return undefined;
    return { cur: childCursor(cur, same[0], [name]), nodes: same, i: i + 1 };
  }
  const values = vw.list ?? [vw.v];
  if (!o.create) {
    const hit = same.filter((c) => values.includes(c.value ?? ''));
    if (!hit.length) return undefined;
    return { cur: childCursor(cur, hit[0], [name]), nodes: hit, i: i + 2 };
  }
  const out: ConfigNode[] = [];
  if (isList || vw.list) {
    for (const v of values) {
      let n = same.find((c) => c.value === v);
      if (!n) {
        n = node(name, 'leaf', { value: v });
        const named = o.index ? o.index.first(cur.node, name) !== undefined : cur.node.children.some((c) => c.name === name);
        if (named) {
          insertAfterLast(cur.node, name, n);
          o.index?.added(cur.node, n);
        } else add(cur, n, o);
      }
      out.push(n);
    }
  } else {
    let n = same[0];
    if (n) n.value = values[0];
    else {
      const replaced = nonEntryChild(cur, name, o);
      n = node(name, 'leaf', { value: values[0] });
      if (replaced) {
        cur.node.children[cur.node.children.indexOf(replaced)] = n;
        o.index?.forget(cur.node);
      } else add(cur, n, o);
    }
    out.push(n);
  }
  return { cur: childCursor(cur, out[0], [name]), nodes: out, i: i + 2 };
}

function insertAfterLast(parent: ConfigNode, name: string, n: ConfigNode): void {
  let at = -1;
  parent.children.forEach((c, k) => {
    if (c.name === name) at = k;
  });
  if (at < 0) parent.children.push(n);
  else parent.children.splice(at + 1, 0, n);
}

function containerStep(cur: Cursor, name: string, i: number, o: WalkOptions): Step | undefined {
  let found = nonEntryChild(cur, name, o);
  if (!found) {
    if (!o.create) return undefined;
    found = node(name, 'container');
    add(cur, found, o);
  } else if (o.create && found.kind === 'leaf') {
    // Read earlier as `name value;`: it was a container holding the flag `value`.
    found.kind = 'container';
    found.children = [node(found.value ?? '', 'flag')];
    delete found.value;
  }
  return { cur: childCursor(cur, found, [name]), nodes: [found], i: i + 1 };
}

function flagStep(cur: Cursor, name: string, i: number, o: WalkOptions): Step | undefined {
  let found = nonEntryChild(cur, name, o);
  if (!found) {
    if (!o.create) return undefined;
    found = node(name, 'flag');
    add(cur, found, o);
  } else if (o.create && found.kind === 'leaf') {
    found.kind = 'flag';
    delete found.value;
  }
  return { cur: childCursor(cur, found, [name]), nodes: [found], i: i + 1 };
}

export function rootCursor(root: ConfigNode): Cursor {
  return { node: root, path: [], words: [] };
}
