/**
 * Look-ups of a node's children by list key and by name in constant time, for the
 * readers (text, set) that place thousands of statements under one parent: a linear
 * scan per statement made a load of n units cost n².
 *
 * An index belongs to one load: it is built lazily per parent from its children and
 * kept current by the walk that adds to them. It trusts itself only while the parent
 * still holds the same children array with the length it last saw; anything else
 * (a delete that filtered the array, a move) makes it rebuild that parent's entry.
 */
import { type ConfigNode, keyString } from './tree.js';

interface Indexed {
  arr: ConfigNode[];
  len: number;
  /** List entries by element name and key values. */
  entries: Map<string, ConfigNode>;
  /** The first child of each name, whatever its kind. */
  first: Map<string, ConfigNode>;
  /** The first child of each name that is not a list entry. */
  firstNonEntry: Map<string, ConfigNode>;
  /** Leaves of each name, in order (a leaf-list's values). */
  leaves: Map<string, ConfigNode[]>;
}

const entryKey = (el: string, ks: string) => `${el}\u0001${ks}`;

export class ChildIndex {
  private readonly byParent = new WeakMap<ConfigNode, Indexed>();

  private of(parent: ConfigNode): Indexed {
    const have = this.byParent.get(parent);
    if (have && have.arr === parent.children && have.len === parent.children.length) return have;
    const ix: Indexed = { arr: parent.children, len: 0, entries: new Map(), first: new Map(), firstNonEntry: new Map(), leaves: new Map() };
    for (const c of parent.children) note(ix, c);
    ix.len = parent.children.length;
    this.byParent.set(parent, ix);
    return ix;
  }

  entry(parent: ConfigNode, el: string, ks: string): ConfigNode | undefined {
    const found = this.of(parent).entries.get(entryKey(el, ks));
    // a renamed entry no longer answers to its old key
    return found && found.kind === 'entry' && keyString(found) === ks ? found : undefined;
  }

  first(parent: ConfigNode, name: string): ConfigNode | undefined {
    return this.of(parent).first.get(name);
  }

  firstNonEntry(parent: ConfigNode, name: string): ConfigNode | undefined {
    const n = this.of(parent).firstNonEntry.get(name);
    return n && n.kind !== 'entry' ? n : undefined;
  }

  leaves(parent: ConfigNode, name: string): ConfigNode[] {
    return (this.of(parent).leaves.get(name) ?? []).filter((c) => c.kind === 'leaf');
  }

  /** After `n` was put among `parent`'s children (anywhere). */
  added(parent: ConfigNode, n: ConfigNode): void {
    const ix = this.byParent.get(parent);
    if (!ix || ix.arr !== parent.children || ix.len + 1 !== parent.children.length) {
      this.byParent.delete(parent);
      return;
    }
    note(ix, n);
    ix.len++;
  }

  /** After `old` was replaced by `n` at the same place among `parent`'s children. */
  replaced(parent: ConfigNode, old: ConfigNode, n: ConfigNode): void {
    const ix = this.byParent.get(parent);
    if (!ix || ix.arr !== parent.children || ix.len !== parent.children.length || old.name !== n.name || (old.kind === 'entry') !== (n.kind === 'entry')) {
      this.byParent.delete(parent);
      return;
    }
    if (old.kind === 'entry') {
      const k = entryKey(old.name, keyString(old));
      if (ix.entries.get(k) === old) ix.entries.delete(k);
      const nk = entryKey(n.name, keyString(n));
      if (!ix.entries.has(nk)) ix.entries.set(nk, n);
    } else if (ix.firstNonEntry.get(n.name) === old) ix.firstNonEntry.set(n.name, n);
    if (ix.first.get(n.name) === old) ix.first.set(n.name, n);
    const leaves = ix.leaves.get(n.name);
    const at = leaves ? leaves.indexOf(old) : -1;
    if (leaves && at >= 0) leaves.splice(at, 1);
    if (n.kind === 'leaf') {
      if (leaves) leaves.push(n);
      else ix.leaves.set(n.name, [n]);
    }
  }

  /** After a change the index cannot see (keys renamed, a child replaced in place). */
  forget(parent: ConfigNode): void {
    this.byParent.delete(parent);
  }
}

function note(ix: Indexed, c: ConfigNode): void {
  if (c.kind === 'entry') {
    const k = entryKey(c.name, keyString(c));
    if (!ix.entries.has(k)) ix.entries.set(k, c);
  } else if (!ix.firstNonEntry.has(c.name)) ix.firstNonEntry.set(c.name, c);
  if (!ix.first.has(c.name)) ix.first.set(c.name, c);
  if (c.kind === 'leaf') {
    const list = ix.leaves.get(c.name);
    if (list) list.push(c);
    else ix.leaves.set(c.name, [c]);
  }
}
