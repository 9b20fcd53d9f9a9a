/**
 * Applies a parsed configuration onto another (load merge/replace, edit-config), honouring
 * the edit markers: text `replace:`/`delete:`, XML `operation`/`delete`/`replace`/`create`,
 * `inactive`/`active`.
 */
import { type ConfigNode, type ConfigTree, cloneNode, keyString, isLeafList, nodesEqual, pruneEmptied, type EditOp } from './tree.js';
import { loadSchema, type Schema, type SchemaFamily } from '../../schema/index.js';
import { RpcError } from '../../netconf/rpc-error.js';
import { editPath } from './errors.js';
import { headWords } from './text.js';
import { appendPlacer, type Placer } from './order.js';

export interface MergeOptions {
  /** `merge` ignores replace markers (as `load merge` does); `replace` honours them. */
  action: 'merge' | 'replace';
  /** edit-config default-operation; `none` only walks to the marked statements. */
  defaultOperation?: 'merge' | 'replace' | 'none';
  /**
   * edit-config rules: `create` of an existing statement is an error (data-exists); `delete`
   * of a missing one changes nothing and answers Junos' warning `statement not found`
   * (`remove` is silent).
   */
  strict?: boolean;
  /** Where new statements go among their siblings (order.ts: schema order); default at the end. */
  place?: Placer;
}

/**
 * A statement that does not exist yet, as it is added: without edit markers, and without
 * what only held deletions (a delete under a missing statement is a no-op that leaves no
 * empty `hold-time;` or entry behind). Undefined when nothing is left to add.
 */
function fresh(n: ConfigNode): ConfigNode | undefined {
  if (n.op === 'delete' || n.op === 'remove') return undefined;
  const c = cloneNode(n);
  delete c.op;
  delete c.insert;
  if (c.activate) {
    delete c.activate;
    delete c.inactive;
  }
  if (n.children.length === 0) return c;
  c.children = n.children.map(fresh).filter((x): x is ConfigNode => x !== undefined);
  return c.children.length === 0 && n.children.every(onlyDeletes) ? undefined : c;
}

function onlyDeletes(n: ConfigNode): boolean {
  if (n.op === 'delete' || n.op === 'remove') return true;
  return n.children.length > 0 && n.children.every(onlyDeletes);
}

/**
 * Merges `incoming` into `target` in place. Throws RpcError for edit-config conflicts;
 * returns the warnings (strict: `statement not found` for each delete of a missing statement).
 */
export function mergeTree(target: ConfigTree, incoming: ConfigTree, opts: MergeOptions): RpcError[] {
  const top: EditOp | 'none' = opts.defaultOperation ?? 'merge';
  // `<configuration operation="replace">` replaces the whole configuration, as default-operation replace does.
  const rootReplace = incoming.root.op === 'replace' && (opts.action === 'replace' || opts.strict);
  if (top === 'replace' || rootReplace) {
    // default-operation replace: the new configuration replaces the old one.
    target.root.children = clean(incoming.root).children;
    return [];
  }
  const emptied = new Set<ConfigNode>();
  const warnings: RpcError[] = [];
  mergeChildren(target.root, incoming.root, [], [], top, { ...opts, warnings }, emptied);
  for (const n of emptied) pruneEmptied(target.root, n);
  return warnings;
}

/** Junos' answer to a delete of a statement that is not there (edit-config, `delete` in the cli and set form). */
export function notFoundWarning(words: string[], badElement: string): RpcError {
  return new RpcError({ type: 'protocol', tag: 'operation-failed', severity: 'warning', message: 'statement not found', path: editPath(words), badElement });
}

/** A copy without edit markers, leaving out statements marked for deletion. */
export function clean(n: ConfigNode): ConfigNode {
  const c = cloneNode(n);
  const strip = (x: ConfigNode): void => {
    delete x.op;
    delete x.insert;
    if (x.activate) {
      delete x.activate;
      delete x.inactive;
    }
    x.children = x.children.filter((k) => k.op !== 'delete' && k.op !== 'remove');
    x.children.forEach(strip);
  };
  strip(c);
  return c;
}

/** A statement named without key or value (`<address delete="delete"/>`, `"address": [{"@": ...}]`). */
function isKeyless(c: ConfigNode): boolean {
  return (c.kind === 'flag' || c.kind === 'container') && c.children.length === 0;
}

/**
 * What a keyless delete removes, as on Junos: on a list or leaf-list every entry (value)
 * of that name; on a container or flag, the statement itself.
 */
function keylessMatches(target: ConfigNode, c: ConfigNode): ConfigNode[] {
  return target.children.filter((t) => t.name === c.name);
}

function findMatch(target: ConfigNode, c: ConfigNode, leafList: boolean): ConfigNode[] {
  if (c.kind === 'entry') {
    const ks = keyString(c);
    return target.children.filter((t) => t.kind === 'entry' && t.name === c.name && keyString(t) === ks);
  }
  if (c.kind === 'leaf' && leafList) return target.children.filter((t) => t.kind === 'leaf' && t.name === c.name && t.value === c.value);
  return target.children.filter((t) => t.kind !== 'entry' && t.name === c.name).slice(0, leafList ? undefined : 1);
}

function mergeChildren(
  target: ConfigNode,
  incoming: ConfigNode,
  path: string[],
  words: string[],
  inherited: EditOp | 'none',
  opts: MergeOptions & { warnings: RpcError[] },
  emptied: Set<ConfigNode>,
): void {
  const counts = new Map<string, number>();
  for (const c of incoming.children) if (c.kind === 'leaf') counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  const replacedLists = new Set<string>();
  const moves: { c: ConfigNode; leafList: boolean; here: string[] }[] = [];
  const place = opts.place ?? appendPlacer;
  for (const c of incoming.children) {
    let op: EditOp | 'none' = c.op ?? inherited;
    if (op === 'replace' && opts.action === 'merge' && c.op && !opts.strict) op = 'merge';
    const leafList =
      (c.kind === 'leaf' || c.kind === 'flag') &&
      (isLeafList(path, c.name) || (counts.get(c.name) ?? 0) > 1 || target.children.filter((t) => t.kind === 'leaf' && t.name === c.name).length > 1);
    const here = [...words, ...headWords(c, path)];
    if (c.insert && op !== 'delete' && op !== 'remove') moves.push({ c, leafList: c.kind === 'leaf', here });
    const matches = (op === 'delete' || op === 'remove') && isKeyless(c)
      ? keylessMatches(target, c)
      : c.kind === 'flag' && leafList && (op === 'delete' || op === 'remove')
        ? target.children.filter((t) => t.name === c.name && t.kind !== 'entry')
        : findMatch(target, c, leafList && c.kind === 'leaf');
    const match = matches[0];
    switch (op) {
      case 'delete':
      case 'remove':
        if (!match) {
          if (op === 'delete' && opts.strict) opts.warnings.push(notFoundWarning(words, c.name));
          continue;
        }
        target.children = target.children.filter((t) => !matches.includes(t));
        emptied.add(target);
        continue;
      case 'create':
        if (match && opts.strict) {
          throw new RpcError({ type: 'application', tag: 'data-exists', message: 'statement already exists', path: editPath(here), badElement: c.name });
        }
        if (match) replaceAt(target, match, clean(c));
        else place(target, path, clean(c));
        continue;
      case 'replace':
        if (c.kind === 'leaf' && leafList && !replacedLists.has(c.name)) {
          // A replaced leaf-list takes exactly the values given.
          replacedLists.add(c.name);
          const at = target.children.findIndex((t) => t.name === c.name);
          target.children = target.children.filter((t) => !(t.kind === 'leaf' && t.name === c.name));
          const vals = incoming.children.filter((x) => x.kind === 'leaf' && x.name === c.name).map(clean);
          if (at >= 0) target.children.splice(Math.min(at, target.children.length), 0, ...vals);
          else if (vals.length) {
            place(target, path, vals[0]);
            target.children.splice(target.children.indexOf(vals[0]) + 1, 0, ...vals.slice(1));
          }
          continue;
        }
        if (c.kind === 'leaf' && leafList) continue;
        if (match) replaceAt(target, match, clean(c));
        else place(target, path, clean(c));
        continue;
      case 'none':
        if (!match) {
          if (hasMarkers(c) && opts.strict) {
            // Below a statement that is not there: deletes are no-ops that warn, other edits are refused.
            if (onlyDeletes(c)) {
              if (hasDelete(c)) opts.warnings.push(notFoundWarning(words, c.name));
            } else {
              throw new RpcError({ type: 'application', tag: 'data-missing', message: 'statement not found', path: editPath(here), badElement: c.name });
            }
          }
          continue;
        }
        markers(match, c);
        if (c.kind !== 'leaf') mergeChildren(match, c, [...path, c.name], here, 'none', opts, emptied);
        continue;
      default: {
        if (!match) {
          if (opts.strict && onlyDeletes(c) && c.children.length > 0 && hasDelete(c)) {
            // edit-config: deleting below a statement that does not exist, as deleting a missing one.
            opts.warnings.push(notFoundWarning(words, c.name));
          }
          const add = fresh(c);
          if (add) place(target, path, add);
          continue;
        }
        markers(match, c);
        if (c.kind === 'leaf') {
          if (match.kind !== 'leaf') replaceAt(target, match, clean(c));
          else match.value = c.value;
        } else if (c.kind === 'flag' || (c.kind === 'container' && c.children.length === 0)) {
          if (match.kind === 'leaf') replaceAt(target, match, clean(c));
        } else {
          if (match.kind === 'leaf' || match.kind === 'flag') {
            match.kind = c.kind;
            delete match.value;
            match.children = [];
          }
          mergeChildren(match, c, [...path, c.name], here, 'merge', opts, emptied);
        }
      }
    }
  }
  for (const m of moves) moveStatement(target, m.c, m.leafList, m.here);
}

/**
 * Moves the statement `c` names (already merged into `target`) to where its insert marker
 * says: first, last, or before/after the sibling of the same name with keys (leaf-list:
 * value) `ref`. A referent that does not exist is an error, as on Junos.
 */
export function moveStatement(target: ConfigNode, c: ConfigNode, leafList: boolean, here: string[]): void {
  const ins = c.insert;
  if (!ins) return;
  const moving = findMatch(target, c, leafList)[0];
  if (!moving) return;
  let ref: ConfigNode | undefined;
  if (ins.where === 'before' || ins.where === 'after') {
    const want = (ins.ref ?? []).join('\u0000');
    ref = target.children.find((t) =>
      t !== moving && t.name === c.name && (t.kind === 'entry' ? keyString(t) === want : t.kind === 'leaf' && t.value === want),
    );
    if (!ref) {
      throw new RpcError({ type: 'application', tag: 'data-missing', message: 'statement not found', path: editPath(here), badElement: (ins.ref ?? []).join(' ') || c.name });
    }
  }
  target.children = target.children.filter((t) => t !== moving);
  const same = target.children.map((t, i) => (t.name === c.name ? i : -1)).filter((i) => i >= 0);
  let at: number;
  if (ref) at = target.children.indexOf(ref) + (ins.where === 'after' ? 1 : 0);
  else if (ins.where === 'first') at = same.length ? same[0] : target.children.length;
  else at = same.length ? same[same.length - 1] + 1 : target.children.length;
  target.children.splice(at, 0, moving);
}

function markers(match: ConfigNode, c: ConfigNode): void {
  if (c.inactive) match.inactive = true;
  if (c.activate) delete match.inactive;
  if (c.comment !== undefined) match.comment = c.comment;
}

/** Whether the subtree holds a `delete` (not only `remove`, which is silent). */
function hasDelete(n: ConfigNode): boolean {
  return n.op === 'delete' || n.children.some(hasDelete);
}

function hasMarkers(n: ConfigNode): boolean {
  return n.op !== undefined || n.children.some(hasMarkers);
}

function replaceAt(parent: ConfigNode, old: ConfigNode, n: ConfigNode): void {
  const i = parent.children.indexOf(old);
  parent.children[i] = n;
}

/** Whether the list or leaf-list at this element path keeps the order it is given (YANG `ordered-by user`). */
export type OrderedByUser = (path: readonly string[]) => boolean;

/** `ordered-by user` from the schema of `family` (lists Junos keeps in the order given). */
export function schemaOrder(family: SchemaFamily = 'junos'): OrderedByUser {
  let schema: Schema | undefined;
  return (path) => {
    try {
      schema ??= loadSchema(family);
    } catch {
      return false;
    }
    return schema.walk(path)?.orderedByUser ?? false;
  };
}

/**
 * `load update`: the candidate becomes the loaded configuration, but only what differs is
 * touched. Statements the two share stay where they are (and are the same objects), removed
 * ones go, new ones come in where the loaded configuration has them; ordered-by-user lists
 * and leaf-lists take the loaded order. `load override` instead takes the loaded
 * configuration as it is, order included.
 */
export function updateTree(target: ConfigTree, incoming: ConfigTree, ordered: OrderedByUser = schemaOrder()): void {
  target.root.children = syncChildren(target.root.children, clean(incoming.root).children, [], ordered);
}

function syncId(n: ConfigNode, path: readonly string[], siblings: ConfigNode[]): string {
  if (n.kind === 'entry') return `e\u0001${n.name}\u0001${keyString(n)}`;
  if (n.kind === 'leaf' && (isLeafList(path, n.name) || siblings.filter((s) => s.kind === 'leaf' && s.name === n.name).length > 1)) {
    return `l\u0001${n.name}\u0001${n.value}`;
  }
  return `n\u0001${n.name}`;
}

function syncChildren(old: ConfigNode[], neu: ConfigNode[], path: readonly string[], ordered: OrderedByUser): ConfigNode[] {
  const oldById = new Map<string, ConfigNode>();
  for (const o of old) {
    const id = syncId(o, path, old);
    if (!oldById.has(id)) oldById.set(id, o);
  }
  // What each new statement becomes: the old one when equal, else synced or new.
  const kept = new Map<ConfigNode, ConfigNode>();
  const added: ConfigNode[] = [];
  const result = new Map<ConfigNode, ConfigNode>();
  for (const n of neu) {
    const o = oldById.get(syncId(n, path, neu));
    if (!o || kept.has(o) || o.kind !== n.kind) {
      result.set(n, n);
      added.push(n);
      continue;
    }
    let r: ConfigNode;
    if (nodesEqual(o, n)) r = o;
    else if (n.kind === 'leaf' || n.children.length === 0 || o.children.length === 0) r = n;
    else {
      r = { ...n, children: syncChildren(o.children, n.children, [...path, n.name], ordered) };
    }
    kept.set(o, r);
    result.set(n, r);
  }
  // Old order for what stays; each new statement right after the one before it in the loaded configuration.
  const out: ConfigNode[] = old.filter((o) => kept.has(o)).map((o) => kept.get(o) as ConfigNode);
  neu.forEach((n, i) => {
    if (!added.includes(n)) return;
    let at = 0;
    for (let j = i - 1; j >= 0; j--) {
      const k = out.indexOf(result.get(neu[j]) as ConfigNode);
      if (k >= 0) {
        at = k + 1;
        break;
      }
    }
    out.splice(at, 0, n);
  });
  // Ordered lists and leaf-lists: their members in the loaded order, in the slots they hold.
  const names = new Set(neu.filter((n) => n.kind === 'entry' || n.kind === 'leaf').map((n) => n.name));
  for (const name of names) {
    const members = neu.filter((n) => n.name === name && (n.kind === 'entry' || n.kind === 'leaf'));
    if (members.length < 2) continue;
    const leafList = members[0].kind === 'leaf';
    if (!leafList && !ordered([...path, name])) continue;
    const slots = out.map((n, i) => (n.name === name && n.kind === members[0].kind ? i : -1)).filter((i) => i >= 0);
    members.forEach((m, k) => {
      out[slots[k]] = result.get(m) as ConfigNode;
    });
  }
  return out;
}
