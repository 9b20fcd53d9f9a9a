/**
 * Applies a parsed configuration onto another (load merge/replace, edit-config), honouring
 * the edit markers: text `replace:`/`delete:`, XML `operation`/`delete`/`replace`/`create`,
 * `inactive`/`active`.
 */
import { type ConfigNode, type ConfigTree, cloneNode, keyString, isLeafList, nodesEqual, pruneEmptied, type EditOp } from './tree.js';
import { ruleFor } from './schema.js';
import { loadSchema, type Schema, type SchemaFamily } from '../../schema/index.js';
import { RpcError } from '../../netconf/rpc-error.js';
import { editPath } from './errors.js';
import { headWords } from './text.js';
import { appendPlacer, type Placer } from './order.js';
import { ChildIndex } from './child-index.js';

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
 * the containers that only held deletions (a delete under a missing statement is a no-op
 * that leaves no empty `hold-time;` behind). A list entry named in the edit is created all
 * the same, as on Junos: `<interface><name>ge-0/0/1</name><disable delete="delete"/>` under
 * `protocols lldp` leaves `interface ge-0/0/1;` (Ansible's lldp_interfaces relies on it).
 * Undefined when nothing is left to add.
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
  return c.children.length === 0 && n.kind !== 'entry' && n.children.every(onlyDeletes) ? undefined : c;
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
    target.root.children = cleanMerged(incoming.root).children;
    return [];
  }
  const ctx: MergeContext = { ...opts, warnings: [], emptied: new Set(), index: new ChildIndex(), place: opts.place ?? appendPlacer };
  mergeChildren(target.root, incoming.root, [], [], top, ctx);
  for (const n of ctx.emptied) pruneEmptied(target.root, n, ctx.place.keeps);
  return ctx.warnings;
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

/** clean(), with statements written twice (the same entry or container) merged into one. */
function cleanMerged(n: ConfigNode): ConfigNode {
  return mergeDuplicates(clean(n));
}

/**
 * Merges siblings that are the same statement (an XML document may give `<interface>`
 * ge-0/0/0 once per unit): the later one's children join the first one's, as loading
 * them one after the other would. In place; returns `n`. Linear in the subtree.
 */
export function mergeDuplicates(n: ConfigNode): ConfigNode {
  if (n.children.length > 1) {
    const seen = new Map<string, ConfigNode>();
    let merged = false;
    const out: ConfigNode[] = [];
    for (const c of n.children) {
      const id = c.kind === 'entry' ? `e\u0001${c.name}\u0001${keyString(c)}` : c.kind === 'container' ? `c\u0001${c.name}` : undefined;
      const first = id === undefined ? undefined : seen.get(id);
      if (first) {
        first.children.push(...c.children);
        markers(first, c);
        merged = true;
        continue;
      }
      if (id !== undefined) seen.set(id, c);
      out.push(c);
    }
    if (merged) n.children = out;
  }
  for (const c of n.children) if (c.kind === 'container' || c.kind === 'entry') mergeDuplicates(c);
  return n;
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

function findMatch(target: ConfigNode, c: ConfigNode, leafList: boolean, index?: ChildIndex): ConfigNode[] {
  if (c.kind === 'entry') {
    const ks = keyString(c);
    if (index) {
      const hit = index.entry(target, c.name, ks);
      return hit ? [hit] : [];
    }
    return target.children.filter((t) => t.kind === 'entry' && t.name === c.name && keyString(t) === ks);
  }
  if (c.kind === 'leaf' && leafList) {
    const leaves = index ? index.leaves(target, c.name) : target.children;
    return leaves.filter((t) => t.kind === 'leaf' && t.name === c.name && t.value === c.value);
  }
  if (index && !leafList) {
    const hit = index.firstNonEntry(target, c.name);
    return hit ? [hit] : [];
  }
  return target.children.filter((t) => t.kind !== 'entry' && t.name === c.name).slice(0, leafList ? undefined : 1);
}

/** What one merge carries down the tree. */
interface MergeContext extends MergeOptions {
  warnings: RpcError[];
  /** Parents a delete emptied, pruned once at the end. */
  emptied: Set<ConfigNode>;
  /** Children of the target by key and name: each statement is found in constant time. */
  index: ChildIndex;
  place: Placer;
}

/** One incoming statement at its place in the target. */
interface Step {
  target: ConfigNode;
  incoming: ConfigNode;
  c: ConfigNode;
  path: string[];
  words: string[];
  /** Words of the statement itself (for messages). */
  here: string[];
  leafList: boolean;
  matches: ConfigNode[];
}

function mergeChildren(target: ConfigNode, incoming: ConfigNode, path: string[], words: string[], inherited: EditOp | 'none', ctx: MergeContext): void {
  const counts = new Map<string, number>();
  for (const c of incoming.children) if (c.kind === 'leaf') counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  const replacedLists = new Set<string>();
  const moves: { c: ConfigNode; leafList: boolean; here: string[] }[] = [];
  for (const c of incoming.children) {
    let op: EditOp | 'none' = c.op ?? inherited;
    if (op === 'replace' && ctx.action === 'merge' && c.op && !ctx.strict) op = 'merge';
    const leafList =
      (c.kind === 'leaf' || c.kind === 'flag') &&
      (isLeafList(path, c.name) || (counts.get(c.name) ?? 0) > 1 || ctx.index.leaves(target, c.name).length > 1);
    const here = [...words, ...headWords(c, path)];
    if (c.insert && op !== 'delete' && op !== 'remove') moves.push({ c, leafList: c.kind === 'leaf', here });
    const matches = (op === 'delete' || op === 'remove') && isKeyless(c)
      ? keylessMatches(target, c)
      : c.kind === 'flag' && leafList && (op === 'delete' || op === 'remove')
        ? target.children.filter((t) => t.name === c.name && t.kind !== 'entry')
        : findMatch(target, c, leafList && c.kind === 'leaf', ctx.index);
    const step: Step = { target, incoming, c, path, words, here, leafList, matches };
    switch (op) {
      case 'delete':
      case 'remove':
        deleteStep(step, op, ctx);
        break;
      case 'create':
        createStep(step, ctx);
        break;
      case 'replace':
        replaceStep(step, replacedLists, ctx);
        break;
      case 'none':
        markedOnlyStep(step, ctx);
        break;
      default:
        mergeStep(step, ctx);
    }
  }
  for (const m of moves) moveStatement(target, m.c, m.leafList, m.here);
}

function put(ctx: MergeContext, target: ConfigNode, path: string[], n: ConfigNode): void {
  ctx.place(target, path, n);
  ctx.index.added(target, n);
}

function replaceIn(ctx: MergeContext, parent: ConfigNode, old: ConfigNode, n: ConfigNode): void {
  replaceAt(parent, old, n);
  ctx.index.replaced(parent, old, n);
}

function deleteStep(s: Step, op: 'delete' | 'remove', ctx: MergeContext): void {
  if (!s.matches.length) {
    if (op === 'delete' && ctx.strict) ctx.warnings.push(notFoundWarning(s.words, s.c.name));
    return;
  }
  const gone = new Set(s.matches);
  s.target.children = s.target.children.filter((t) => !gone.has(t));
  ctx.emptied.add(s.target);
}

function createStep(s: Step, ctx: MergeContext): void {
  const match = s.matches[0];
  if (match && ctx.strict) {
    throw new RpcError({ type: 'application', tag: 'data-exists', message: 'statement already exists', path: editPath(s.here), badElement: s.c.name });
  }
  if (match) replaceIn(ctx, s.target, match, cleanMerged(s.c));
  else put(ctx, s.target, s.path, cleanMerged(s.c));
}

function replaceStep(s: Step, replacedLists: Set<string>, ctx: MergeContext): void {
  const { target, c } = s;
  if (c.kind === 'leaf' && s.leafList) {
    if (replacedLists.has(c.name)) return;
    // A replaced leaf-list takes exactly the values given.
    replacedLists.add(c.name);
    const at = target.children.findIndex((t) => t.name === c.name);
    target.children = target.children.filter((t) => !(t.kind === 'leaf' && t.name === c.name));
    const vals = s.incoming.children.filter((x) => x.kind === 'leaf' && x.name === c.name).map(clean);
    if (at >= 0) target.children.splice(Math.min(at, target.children.length), 0, ...vals);
    else if (vals.length) {
      ctx.place(target, s.path, vals[0]);
      target.children.splice(target.children.indexOf(vals[0]) + 1, 0, ...vals.slice(1));
    }
    ctx.index.forget(target);
    return;
  }
  const match = s.matches[0];
  if (match) replaceIn(ctx, target, match, cleanMerged(c));
  else put(ctx, target, s.path, cleanMerged(c));
}

/** default-operation none: only marked statements change; the rest is the way to them. */
function markedOnlyStep(s: Step, ctx: MergeContext): void {
  const { c } = s;
  const match = s.matches[0];
  if (!match) {
    if (hasMarkers(c) && ctx.strict) {
      // Below a statement that is not there: deletes are no-ops that warn, other edits are refused.
      if (onlyDeletes(c)) {
        if (hasDelete(c)) ctx.warnings.push(notFoundWarning(s.words, c.name));
      } else {
        throw new RpcError({ type: 'application', tag: 'data-missing', message: 'statement not found', path: editPath(s.here), badElement: c.name });
      }
    }
    return;
  }
  markers(match, c);
  if (c.kind !== 'leaf') mergeChildren(match, c, [...s.path, c.name], s.here, 'none', ctx);
}

/**
 * `<host-name active="active"/>`: an empty element of a leaf with only an activation
 * attribute changes the statement's state, not its value (Junos XML: an empty tag with
 * `inactive`/`active` (de)activates the existing statement).
 */
function activationOnly(c: ConfigNode, path: string[]): boolean {
  if (c.kind !== 'flag' || c.children.length || c.op || !(c.inactive || c.activate)) return false;
  const kind = ruleFor([...path, c.name])?.kind;
  return kind === 'leaf' || kind === 'leaf-list';
}

/** `n` without the activation-only leaves below it (nothing to (de)activate in a new statement); undefined when nothing else is left. */
function withoutActivationOnly(n: ConfigNode, path: string[]): ConfigNode | undefined {
  if (!n.children.length) return n;
  const here = [...path, n.name];
  const kids = n.children.filter((k) => !activationOnly(k, here)).map((k) => withoutActivationOnly(k, here)).filter((k): k is ConfigNode => k !== undefined);
  if (!kids.length) return n.kind === 'entry' ? { ...n, children: [] } : undefined;
  return kids.length === n.children.length && kids.every((k, i) => k === n.children[i]) ? n : { ...n, children: kids };
}

function mergeStep(s: Step, ctx: MergeContext): void {
  const { target } = s;
  let c = s.c;
  const match = s.matches[0];
  if (activationOnly(c, s.path)) {
    // Nothing to (de)activate is nothing to do.
    for (const m of s.matches) markers(m, c);
    return;
  }
  if (!match) {
    const kept = withoutActivationOnly(c, s.path);
    if (!kept) return;
    c = kept;
    if (ctx.strict && onlyDeletes(c) && c.children.length > 0 && hasDelete(c)) {
      // edit-config: deleting below a statement that does not exist, as deleting a missing one.
      ctx.warnings.push(notFoundWarning(s.words, c.name));
    }
    const add = fresh(c);
    if (add) put(ctx, target, s.path, mergeDuplicates(add));
    return;
  }
  markers(match, c);
  if (c.kind === 'leaf') {
    if (match.kind !== 'leaf') replaceIn(ctx, target, match, clean(c));
    else match.value = c.value;
  } else if (c.kind === 'flag' || (c.kind === 'container' && c.children.length === 0)) {
    if (match.kind === 'leaf') replaceIn(ctx, target, match, clean(c));
  } else {
    if (match.kind === 'leaf' || match.kind === 'flag') {
      match.kind = c.kind;
      delete match.value;
      match.children = [];
    }
    mergeChildren(match, c, [...s.path, c.name], s.here, 'merge', ctx);
  }
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
