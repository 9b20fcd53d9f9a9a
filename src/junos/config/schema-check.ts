/**
 * Checks a configuration tree against the Junos schema of the device's family
 * (src/schema, generated from Juniper's YANG), as Junos does where configuration enters:
 * unknown statements and wrong nesting (`syntax error`, `<bad-element>` the statement,
 * `error-path` the hierarchy), bad values (`invalid value` / `value outside range` with
 * the reason), list entries without their key (`Missing mandatory statement`).
 *
 * The datastore applies an edit to a copy of the candidate and keeps it only when the
 * copy has no problem the candidate did not already have (loadProblems): a load is all
 * or nothing, and nothing invalid reaches the candidate.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import type { Schema, SchemaNode } from '../../schema/index.js';
import { editPath } from './errors.js';
import type { ConfigNode, ConfigTree } from './tree.js';
import { ruleFor } from './schema.js';

/** One problem found by the schema walk. */
export interface SchemaProblem {
  message: string;
  /** error-path: `[edit system]`. */
  path: string;
  badElement: string;
  /** The statement at fault and its parent (in the tree that was walked), to leave it out of a load. */
  node?: ConfigNode;
  parent?: ConfigNode;
}

const hiddenCache = new Map<string, boolean>();
/** Whether the list at this element path is written without its keyword (rule table, memoised). */
export function isHiddenList(els: readonly string[]): boolean {
  const k = els.join('/');
  let h = hiddenCache.get(k);
  if (h === undefined) {
    h = ruleFor(els)?.hidden === true;
    if (hiddenCache.size < 100000) hiddenCache.set(k, h);
  }
  return h;
}

const APPLY = new Set(['apply-groups', 'apply-groups-except', 'apply-macro']);

/** Values that stand for something in a group template (`<ge-*>`, `<*>`) or a dynamic-profile variable. */
function isWildcard(value: string, inGroup: boolean): boolean {
  return (inGroup && /^<.*>$/.test(value)) || value.startsWith('$junos-');
}

function valueProblem(node: SchemaNode, value: string, inGroup: boolean): string | undefined {
  if (isWildcard(value, inGroup)) return undefined;
  const p = node.checkValue(value);
  return p ? `${p.message}: ${p.detail}` : undefined;
}

/**
 * A copy of `n` read with the schema: a list the parsers did not know as one (`key-chain
 * kc { ... }` read as a container `key-chain` holding a statement `kc`) becomes entries
 * keyed by those statements' names. What the schema does not know is kept as it is.
 */
export function schemaView(n: ConfigNode, sch: SchemaNode): ConfigNode {
  let children: ConfigNode[] | undefined;
  for (let i = 0; i < n.children.length; i++) {
    const c = n.children[i];
    const s = sch.child(c.name);
    let repl: ConfigNode[] | undefined;
    if (s?.kind === 'list' && c.kind === 'container' && s.keys.length && c.children.length && c.children.every((x) => !s.child(x.name) || !s.keys.includes(x.name))) {
      repl = c.children.map((x) => {
        const entry: ConfigNode = { name: c.name, kind: 'entry', keys: [{ name: s.keys[0], value: x.name }], children: [] };
        if (x.kind === 'container' || x.kind === 'entry') entry.children = x.children;
        else if (x.kind === 'leaf') entry.children = [{ name: x.value ?? '', kind: 'flag', children: [] }];
        if (x.inactive || c.inactive) entry.inactive = true;
        return schemaView(entry, s);
      });
    } else if (s && c.children.length) {
      const v = schemaView(c, s);
      if (v !== c) repl = [v];
    }
    if (repl && !children) children = n.children.slice(0, i);
    if (children) children.push(...(repl ?? [c]));
  }
  return children ? { ...n, children } : n;
}

/**
 * Every problem of a tree being loaded, and the tree without the statements at fault (a
 * partial load keeps the rest, as Junos does). `root` may be changed in place.
 */
export function withoutProblems(schema: Schema, root: ConfigNode): { root: ConfigNode; problems: SchemaProblem[] } {
  const view = schemaView(root, schema.root);
  const out: SchemaProblem[] = [];
  walk(view, schema.root, [], [], false, out);
  // A delete naming a list without its key is an edit, not a statement (merge.ts).
  const edits = out.filter((p) => p.node?.op === 'delete' || p.node?.op === 'remove');
  if (edits.length) out.splice(0, out.length, ...out.filter((p) => !edits.includes(p)));
  for (const p of out) {
    if (p.node && p.parent) p.parent.children = p.parent.children.filter((x) => x !== p.node);
  }
  return { root: view, problems: out };
}

/** Every problem of `tree` against `schema`, in document order. */
export function schemaProblems(schema: Schema, tree: ConfigTree): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  walk(schemaView(tree.root, schema.root), schema.root, [], [], false, out);
  return out;
}

/** `words`: the hierarchy as Junos writes it in error-path; `els`: element names only (rule look-up). */
function walk(cfg: ConfigNode, sch: SchemaNode, words: string[], els: string[], inGroup: boolean, out: SchemaProblem[]): void {
  const here = editPath(words);
  for (const c of cfg.children) {
    const s = sch.child(c.name);
    if (!s) {
      if (APPLY.has(c.name)) continue;
      // A later key of a list given as a bare keyword (`route-filter 10/8 exact;`).
      if (cfg.kind === 'entry' && (c.kind === 'flag' || c.kind === 'leaf') && sch.keyForWord(c.name)) continue;
      out.push({ node: c, parent: cfg, message: 'syntax error', path: here, badElement: c.name });
      continue;
    }
    const group = inGroup || (words.length === 0 && (c.name === 'groups'));
    switch (s.kind) {
      case 'leaf':
      case 'leaf-list':
        if (c.kind === 'leaf') {
          const bad = valueProblem(s, c.value ?? '', group);
          if (bad) out.push({ node: c, parent: cfg, message: bad, path: here, badElement: c.value ?? '' });
        } else if (c.children.length) {
          out.push({ node: c, parent: cfg, message: 'syntax error', path: editPath([...words, c.name]), badElement: c.children[0].name });
        } else if (c.kind === 'entry') {
          const v = c.keys?.[0]?.value ?? '';
          const bad = valueProblem(s, v, group);
          if (bad) out.push({ node: c, parent: cfg, message: bad, path: here, badElement: v });
        } else if ((c.inactive || c.activate) && !c.op) {
          // `<host-name inactive="inactive"/>`: (de)activates the statement, sets no value.
        } else {
          // An empty value: a leaf whose type takes '' (strings) is fine, others are not.
          const bad = valueProblem(s, '', group);
          if (bad) out.push({ node: c, parent: cfg, message: 'syntax error, expecting <data>', path: editPath(words), badElement: c.name });
        }
        break;
      case 'flag':
        if (c.kind === 'leaf') {
          out.push({ node: c, parent: cfg, message: 'syntax error', path: editPath([...words, c.name]), badElement: c.value ?? '' });
        } else if (c.children.length) {
          out.push({ node: c, parent: cfg, message: 'syntax error', path: editPath([...words, c.name]), badElement: c.children[0].name });
        }
        break;
      case 'container':
        if (c.kind === 'leaf') {
          // `autonomous-system 65000;`: the value belongs to the container's first leaf;
          // `syslog { console any; }`-like shorthands name a statement of the container.
          const v = c.value ?? '';
          const vc = s.valueChild();
          if (vc) {
            const bad = valueProblem(s.child(vc)!, v, group);
            if (bad) out.push({ node: c, parent: cfg, message: bad, path: editPath([...words, c.name]), badElement: v });
          } else if (!s.child(v)) {
            out.push({ node: c, parent: cfg, message: 'syntax error', path: editPath([...words, c.name]), badElement: v });
          }
        } else {
          const inner = c.kind === 'entry' ? [...words, c.name, ...(c.keys ?? []).map((k) => k.value)] : [...words, c.name];
          walk(c, s, inner, [...els, c.name], group, out);
        }
        break;
      case 'list': {
        const keys = s.keys;
        if (c.kind === 'leaf') {
          // An entry written with its key only (`members ge-0/0/1;` parsed as a leaf).
          const k0 = keys[0] !== undefined ? s.child(keys[0]) : undefined;
          const bad = k0 ? valueProblem(k0, c.value ?? '', group) : undefined;
          if (bad) out.push({ node: c, parent: cfg, message: bad, path: editPath([...words, c.name]), badElement: c.value ?? '' });
          break;
        }
        if (c.kind !== 'entry') {
          if (keys.length) out.push({ node: c, parent: cfg, message: `Missing mandatory statement: '${keys[0]}'`, path: editPath([...words, c.name]), badElement: c.name });
          break;
        }
        const given = c.keys ?? [];
        // Lists Junos writes without their keyword (`interfaces ge-0/0/0`) show so in paths.
        const hidden = isHiddenList([...els, c.name]);
        for (let i = 0; i < keys.length; i++) {
          const kv = given.find((k) => k.name === keys[i]) ?? (i < given.length && !keys.includes(given[i].name) ? given[i] : undefined);
          const kn = s.child(keys[i]);
          if (!kv) {
            // Later keys of multi-key lists may be given as keywords (route-filter exact).
            if (i === 0) out.push({ node: c, parent: cfg, message: `Missing mandatory statement: '${keys[i]}'`, path: editPath([...words, c.name]), badElement: c.name });
            continue;
          }
          const bad = kn ? valueProblem(kn, kv.value, group) : undefined;
          if (bad) out.push({ node: c, parent: cfg, message: bad, path: here, badElement: kv.value });
        }
        walk(c, s, [...words, ...(hidden ? [] : [c.name]), ...given.map((k) => k.value)], [...els, c.name], group, out);
        break;
      }
    }
  }
}

function problemKey(p: SchemaProblem): string {
  return `${p.path}\u0000${p.badElement}\u0000${p.message}`;
}

const known = new WeakMap<ConfigTree, Set<string>>();

/** The problems of `tree`, remembered for this tree object (a candidate is replaced, never edited in place). */
function problemKeys(schema: Schema, tree: ConfigTree): Set<string> {
  let k = known.get(tree);
  if (!k) {
    k = new Set(schemaProblems(schema, tree).map(problemKey));
    known.set(tree, k);
  }
  return k;
}

/**
 * The rpc-errors for what an edit introduced: problems of `after` that `before` did not
 * have. Empty when the edit may be kept.
 */
export function loadProblems(schema: Schema, before: ConfigTree, after: ConfigTree): RpcError[] {
  const old = problemKeys(schema, before);
  const now = schemaProblems(schema, after);
  known.set(after, new Set(now.map(problemKey)));
  return now.filter((p) => !old.has(problemKey(p))).map(toRpcError);
}

export function toRpcError(p: SchemaProblem): RpcError {
  return new RpcError({ type: 'protocol', tag: 'operation-failed', message: p.message, path: p.path, badElement: p.badElement });
}
