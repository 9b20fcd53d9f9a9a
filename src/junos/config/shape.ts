/**
 * The Junos schema decides the shape of every statement in the tree, whatever form it came
 * in. The text and set readers see words, not types: `autonomous-system 65010;` reads as a
 * leaf, `autonomous-system 65010 loops 2;` as a list entry, `set ... autonomous-system 65010`
 * over an existing one as a bare word inside it. The YANG says `autonomous-system` is a
 * container whose first statement, the leaf `as-number`, takes that bare value, so XML and
 * JSON must read `<autonomous-system><as-number>65010</as-number></autonomous-system>`.
 *
 *  - conformTree(tree, schema): rewrites a tree in place into the schema's shape (the one
 *    form the datastore keeps; XML and JSON are written from it as they are);
 *  - textShape(tree, schema): a view for the text and set writers, where such containers
 *    are written back the way Junos prints them (`autonomous-system 65010;`).
 *
 * A container "takes a bare value" when its first statement in the YANG is a leaf (Junos
 * containers that do not put `apply-groups` first): about 300 statements per family, such
 * as `autonomous-system`, `input`/`output` filters, `bandwidth`, `metric-value`, `rate`.
 */
import type { Schema, SchemaNode } from '../../schema/index.js';
import { type ConfigNode, ConfigTree, node } from './tree.js';
import { valueLeaf, writesBare } from './schema.js';
import { canonicalPrefix } from '../../schema/junos-types.js';

/** The leaf that takes container NAME's bare value (its first leaf, after apply-groups, as a rule), or undefined. */
export function positionalLeaf(s: SchemaNode | undefined, name: string): string | undefined {
  if (!s) return undefined;
  return valueLeaf(name, s);
}

/** The leaf Junos writes as the container's value in text and set form, or undefined. */
function bareLeaf(s: SchemaNode, name: string): string | undefined {
  const p = positionalLeaf(s, name);
  return p && writesBare(name, s) ? p : undefined;
}

/** Rewrites `tree` in place so every statement has the shape the schema gives it; returns it. */
export function conformTree(tree: ConfigTree, schema: Schema): ConfigTree {
  conformChildren(tree.root, schema.root, 0);
  return tree;
}

const MAX_DEPTH = 200;

function conformChildren(n: ConfigNode, s: SchemaNode, depth: number): void {
  if (depth > MAX_DEPTH) return;
  gatherSiblings(n, s);
  for (let i = 0; i < n.children.length; i++) {
    const c = n.children[i];
    const sc = s.child(c.name);
    if (!sc) continue;
    switch (sc.kind) {
      case 'container':
        conformContainer(c, sc);
        if (c.kind === 'container' || c.kind === 'entry') conformChildren(c, sc, depth + 1);
        break;
      case 'list':
        conformEntry(c, sc);
        for (const k of c.kind === 'entry' ? (c.keys ?? []) : []) k.value = canonicalPrefix(sc.child(k.name)?.junosType(), k.value);
        if (c.kind === 'entry' || c.kind === 'container') conformChildren(c, sc, depth + 1);
        break;
      case 'leaf':
        // `set a b` over an existing `a { }` reads `b` as a statement inside it.
        if (c.kind === 'container' && c.children.length === 1 && isBareWord(c.children[0], sc)) {
          const v = c.children[0].name;
          c.kind = 'leaf';
          c.value = v;
          c.children = [];
        }
        if (c.kind === 'leaf' && c.value !== undefined) c.value = canonicalPrefix(sc.junosType(), c.value);
        break;
      case 'leaf-list':
        if (c.kind === 'leaf' && c.value !== undefined) c.value = canonicalPrefix(sc.junosType(), c.value);
        break;
      default:
        break;
    }
  }
  dropHollow(n, s);
}

/**
 * A container without YANG `presence` exists only through what it holds, as on Junos: an
 * empty `<routing-instances/>` in an edit (Ansible's static-routes module sends one with
 * every change) adds nothing, and no empty `routing-instances;` is kept or shown. The
 * protocols are the exception the YANG does not mark: `protocols { rstp; ospf; lldp; }`
 * turns each on, so an empty statement right under `protocols` stays. Edit markers (delete,
 * replace, inactive) and annotations keep the element.
 */
function dropHollow(n: ConfigNode, s: SchemaNode): void {
  if (n.name === 'protocols') return;
  const hollow = (c: ConfigNode): boolean =>
    c.kind === 'container' && c.children.length === 0 && !c.op && !c.inactive && !c.activate && c.comment === undefined && c.group === undefined &&
    s.child(c.name)?.kind === 'container' && !s.child(c.name)!.presence;
  if (n.children.some(hollow)) n.children = n.children.filter((c) => !hollow(c));
}

/**
 * As Junos keeps them: a container named twice is one container (`<policy-options>` twice
 * in one XML document), and the entries of a list (values of a leaf-list) stand together,
 * where the first of them stands.
 */
function gatherSiblings(n: ConfigNode, s: SchemaNode): void {
  const kids = n.children;
  if (kids.length < 2) return;
  const firstAt = new Map<string, number>();
  const containers = new Map<string, ConfigNode>();
  let scattered = false;
  let merged = false;
  for (let i = 0; i < kids.length; i++) {
    const c = kids[i];
    const at = firstAt.get(c.name);
    if (at === undefined) firstAt.set(c.name, i);
    else if (kids[i - 1].name !== c.name) scattered = true;
    if (c.kind === 'container' && !c.op && s.child(c.name)?.kind === 'container') {
      const first = containers.get(c.name);
      if (first && !first.inactive && !c.inactive && first.comment === undefined && c.comment === undefined) {
        first.children.push(...c.children);
        kids[i] = first;
        merged = true;
      } else if (!first) containers.set(c.name, c);
    }
  }
  if (merged) n.children = kids.filter((c, i) => kids.indexOf(c) === i);
  if (!scattered) return;
  const order = [...new Set(n.children.map((c) => c.name))];
  const byName = new Map<string, ConfigNode[]>();
  for (const c of n.children) {
    const arr = byName.get(c.name) ?? [];
    arr.push(c);
    byName.set(c.name, arr);
  }
  n.children = order.flatMap((name) => byName.get(name) ?? []);
}

/** A statement that is really a value: a flag or an empty container the schema does not know there. */
function isBareWord(x: ConfigNode, s: SchemaNode): boolean {
  return (x.kind === 'flag' || (x.kind === 'container' && x.children.length === 0)) && !x.op && !s.child(x.name);
}

function conformContainer(c: ConfigNode, sc: SchemaNode): void {
  const p = positionalLeaf(sc, c.name);
  if (c.kind === 'leaf') {
    const v = c.value ?? '';
    delete c.value;
    c.kind = 'container';
    // `autonomous-system 65010;` → as-number; `console any;`-like shorthands name a statement.
    c.children = p ? [node(p, 'leaf', { value: v })] : [node(v, 'flag')];
    return;
  }
  if (!p || !writesBare(c.name, sc)) return;
  if (c.kind === 'entry') {
    // `autonomous-system 65010 loops 2;` read as an entry keyed 65010.
    const keys = c.keys ?? [];
    if (keys.length !== 1) return;
    c.kind = 'container';
    delete c.keys;
    c.children = [node(p, 'leaf', { value: keys[0].value }), ...c.children.filter((x) => x.name !== p)];
    return;
  }
  if (c.kind !== 'container') return;
  // Where Junos writes the value bare, it stands first (`autonomous-system 65010 loops 2;`).
  const at = c.children.findIndex((x) => x.name === p && x.kind === 'leaf');
  if (at > 0 && writesBare(c.name, sc)) c.children.unshift(...c.children.splice(at, 1));
  // `set routing-options autonomous-system 65020` over an existing autonomous-system { ... }:
  // the new value arrives as a bare word inside it (last one wins, as on Junos).
  const bare = c.children.filter((x) => (x.kind === 'flag' || x.kind === 'container') && !x.op && !sc.child(x.name));
  if (!bare.length) return;
  const word = bare[bare.length - 1];
  const rest = c.children.filter((x) => !bare.includes(x) && x.name !== p);
  c.children = [node(p, 'leaf', { value: word.name }), ...rest, ...bare.flatMap((b) => b.children)];
}

function conformEntry(c: ConfigNode, sc: SchemaNode): void {
  const keys = sc.keys;
  if (c.kind === 'leaf' && keys.length === 1) {
    // `members ge-0/0/1;` read as a leaf: an entry with that key.
    c.kind = 'entry';
    c.keys = [{ name: keys[0], value: c.value ?? '' }];
    delete c.value;
    return;
  }
  if (c.kind === 'container' && keys.length && keys.every((k) => c.children.some((x) => x.name === k && x.kind === 'leaf'))) {
    // XML of a list the readers did not know as one: its key elements are among the children.
    c.kind = 'entry';
    c.keys = keys.map((k) => ({ name: k, value: c.children.find((x) => x.name === k && x.kind === 'leaf')?.value ?? '' }));
    c.children = c.children.filter((x) => !keys.includes(x.name));
    return;
  }
  if (c.kind === 'entry' && c.keys && c.keys.length === keys.length) {
    // Key element names as the schema writes them (`address`, `name`, `from-zone-name`).
    c.keys.forEach((k, idx) => {
      if (k.name !== keys[idx]) k.name = keys[idx];
    });
  }
}

/**
 * A copy of `tree` for the text and set writers: containers that take a bare value are
 * written as Junos prints them, `autonomous-system 65010;` (a leaf) or `autonomous-system
 * 65010 { loops 2; }` (an entry keyed by the value) when they hold more.
 */
export function textShape(tree: ConfigTree, schema: Schema): ConfigTree {
  const root = shapeChildren(tree.root, schema.root, 0);
  return root === tree.root ? tree : new ConfigTree(root);
}

function shapeChildren(n: ConfigNode, s: SchemaNode, depth: number): ConfigNode {
  if (depth > MAX_DEPTH || !n.children.length) return n;
  let out: ConfigNode[] | undefined;
  for (let i = 0; i < n.children.length; i++) {
    const c = n.children[i];
    const sc = s.child(c.name);
    let r = c;
    if (sc && (c.kind === 'container' || c.kind === 'entry')) {
      r = shapeChildren(c, sc, depth + 1);
      const p = c.kind === 'container' ? bareLeaf(sc, c.name) : undefined;
      const first = r.children[0];
      if (p && first && first.name === p && first.kind === 'leaf' && !first.inactive && first.comment === undefined) {
        const base: ConfigNode = { ...r, children: r.children.slice(1) };
        r = base.children.length
          ? { ...base, kind: 'entry', keys: [{ name: p, value: first.value ?? '' }] }
          : { ...base, kind: 'leaf', value: first.value ?? '' };
      }
    }
    if (r !== c && !out) out = n.children.slice(0, i);
    if (out) out.push(r);
  }
  return out ? { ...n, children: out } : n;
}
