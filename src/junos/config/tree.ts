/**
 * One in-memory model for a Junos configuration, whatever format it came in.
 *
 * A node mirrors a Junos XML element: a container (`system`), a list entry (`interface`
 * with key `name` = ge-0/0/0), a leaf with a value (`host-name firefly`), or a flag
 * (an empty leaf such as `disable;`, or an empty container). A leaf-list is simply several
 * leaves with the same name side by side, as in Junos XML.
 */
import { ruleFor, keysOf, type ElementPath, type Rule } from './schema.js';

export type NodeKind = 'container' | 'entry' | 'leaf' | 'flag';

/** Load-time edit markers (text `replace:`/`delete:`, XML operation attributes). */
export type EditOp = 'merge' | 'replace' | 'create' | 'delete' | 'remove';

export interface KeyValue {
  /** Element name of the key (`name`, `from-zone-name`, ...). */
  name: string;
  value: string;
}

export interface ConfigNode {
  name: string;
  kind: NodeKind;
  /** Entry keys, in schema order. */
  keys?: KeyValue[];
  /** Leaf value. */
  value?: string;
  children: ConfigNode[];
  inactive?: boolean;
  /** Annotation text without the comment markers. */
  comment?: string;
  /** Edit marker, only in trees parsed for loading. */
  op?: EditOp;
  /** `active="active"` / `inactive="inactive"` on load: set or clear the inactive mark. */
  activate?: boolean;
  /** The configuration group this statement was inherited from (expanded views only). */
  group?: string;
  /**
   * Load-time move marker (XML `insert="before|after"`, YANG `insert="first|last"`): put the
   * statement before/after the sibling of the same name whose keys (leaf-list: value) are `ref`.
   */
  insert?: { where: 'before' | 'after' | 'first' | 'last'; ref?: string[] };
}

export function node(name: string, kind: NodeKind, extra: Partial<ConfigNode> = {}): ConfigNode {
  return { name, kind, children: [], ...extra };
}

export type { ElementPath };

export function cloneNode(n: ConfigNode): ConfigNode {
  const c: ConfigNode = { name: n.name, kind: n.kind, children: n.children.map(cloneNode) };
  if (n.keys) c.keys = n.keys.map((k) => ({ ...k }));
  if (n.value !== undefined) c.value = n.value;
  if (n.inactive) c.inactive = true;
  if (n.comment !== undefined) c.comment = n.comment;
  if (n.op) c.op = n.op;
  if (n.activate !== undefined) c.activate = n.activate;
  if (n.group !== undefined) c.group = n.group;
  if (n.insert) c.insert = { where: n.insert.where, ...(n.insert.ref ? { ref: [...n.insert.ref] } : {}) };
  return c;
}

/** Whether two nodes denote the same statement (same list entry, same container, same leaf-list value). */
export function sameStatement(a: ConfigNode, b: ConfigNode, path: ElementPath): boolean {
  if (a.name !== b.name) return false;
  const ak = a.kind === 'entry';
  const bk = b.kind === 'entry';
  if (ak || bk) return ak && bk && keyString(a) === keyString(b);
  if (a.kind === 'leaf' && b.kind === 'leaf' && isLeafList(path, a.name)) return a.value === b.value;
  return true;
}

export function keyString(n: ConfigNode): string {
  return (n.keys ?? []).map((k) => k.value).join('\u0000');
}

export function isLeafList(parentPath: ElementPath, name: string): boolean {
  return ruleFor([...parentPath, name])?.kind === 'leaf-list';
}

/** True when the node has nothing below it (a flag, an empty container). */
export function isEmptyNode(n: ConfigNode): boolean {
  return (n.kind === 'container' || n.kind === 'flag') && n.children.length === 0;
}

/**
 * Semantic equality of two subtrees: order of siblings matters as in Junos (ordered lists),
 * an empty container equals a flag, edit markers are ignored.
 */
export function nodesEqual(a: ConfigNode, b: ConfigNode): boolean {
  if (a.name !== b.name || !!a.inactive !== !!b.inactive) return false;
  if ((a.comment ?? '') !== (b.comment ?? '')) return false;
  if (isEmptyNode(a) && isEmptyNode(b)) return true;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'leaf') return a.value === b.value;
  if (a.kind === 'entry' && keyString(a) !== keyString(b)) return false;
  if (a.children.length !== b.children.length) return false;
  return a.children.every((c, i) => nodesEqual(c, b.children[i]));
}

/** The whole configuration: a root container named `configuration`. */
export class ConfigTree {
  readonly root: ConfigNode;
  constructor(root?: ConfigNode) {
    this.root = root ?? node('configuration', 'container');
  }

  clone(): ConfigTree {
    return new ConfigTree(cloneNode(this.root));
  }

  equals(other: ConfigTree): boolean {
    return nodesEqual(this.root, other.root);
  }

  get isEmpty(): boolean {
    return this.root.children.length === 0;
  }

  /**
   * Finds a statement by its path as written in `set` form, e.g.
   * `['system','services','outbound-https']`, `['interfaces','ge-0/0/0','unit','0']`,
   * `['system','services','outbound-https','client','nms1']`. Hidden list keywords may be
   * omitted or given (`['interfaces','interface','ge-0/0/0']`).
   */
  find(path: readonly string[]): ConfigNode | undefined {
    let cur: ConfigNode = this.root;
    const elPath: string[] = [];
    let i = 0;
    while (i < path.length) {
      const step = matchStep(cur, elPath, path, i);
      if (!step) return undefined;
      cur = step.node;
      elPath.push(cur.name);
      i = step.next;
    }
    return cur;
  }
}

function matchStep(
  parent: ConfigNode,
  parentPath: string[],
  path: readonly string[],
  i: number,
): { node: ConfigNode; next: number } | undefined {
  const tok = path[i];
  for (const c of parent.children) {
    if (c.kind === 'entry') {
      const rule = ruleFor([...parentPath, c.name]);
      const keys = c.keys ?? [];
      // Hidden keyword: the key values come first.
      const tryKeys = (start: number): number | undefined => {
        let j = start;
        for (let k = 0; k < keys.length; k++) {
          const kd = keysOf(rule)[k];
          if (kd?.keyword) {
            if (path[j] !== kd.keyword) return undefined;
            j++;
          }
          if (path[j] !== keys[k].value) return undefined;
          j++;
        }
        return j;
      };
      if (tok === c.name) {
        const n = tryKeys(i + 1);
        if (n !== undefined) return { node: c, next: n };
      }
      if (rule?.hidden || rule?.acceptHidden || !rule) {
        const n = tryKeys(i);
        if (n !== undefined && (rule?.hidden || rule?.acceptHidden)) return { node: c, next: n };
      }
    } else if (c.name === tok) {
      if (c.kind === 'leaf' && path.length > i + 1 && isLeafList(parentPath, c.name)) {
        if (c.value === path[i + 1]) return { node: c, next: i + 2 };
        continue;
      }
      return { node: c, next: i + 1 };
    }
  }
  return undefined;
}

/** Children of a node with a given element name. */
export function childrenNamed(n: ConfigNode, name: string): ConfigNode[] {
  return n.children.filter((c) => c.name === name);
}

/** The value of a leaf child, or undefined. */
export function leafValue(n: ConfigNode, name: string): string | undefined {
  return n.children.find((c) => c.name === name && c.kind === 'leaf')?.value;
}

/** The `name` (first key) of an entry. */
export function entryName(n: ConfigNode): string | undefined {
  return n.keys?.[0]?.value;
}

export type { Rule };

/**
 * After a statement was deleted from `parent`, removes the containers that the deletion
 * left empty, from `parent` upwards (Junos does not keep an empty `system { }`), up to the
 * first one `keeps` holds on to (a YANG presence container such as `family inet`, which
 * means something by itself: Junos leaves `family inet;` when its last address goes).
 */
export function pruneEmptied(root: ConfigNode, parent: ConfigNode, keeps?: (path: ElementPath) => boolean): void {
  const chain: ConfigNode[] = [];
  const find = (n: ConfigNode): boolean => {
    if (n === parent) return true;
    for (const c of n.children) {
      if (find(c)) {
        chain.push(n);
        return true;
      }
    }
    return false;
  };
  if (!find(root)) return;
  // chain holds the ancestors of parent, nearest first; parent itself comes first.
  const names = [...chain].reverse().slice(1).map((n) => n.name);
  names.push(parent.name);
  let child = parent;
  for (const anc of chain) {
    if (child.kind !== 'container' || child.children.length !== 0 || child.inactive || child.comment !== undefined) break;
    if (keeps?.(names)) break;
    anc.children = anc.children.filter((c) => c !== child);
    names.pop();
    child = anc;
  }
}
