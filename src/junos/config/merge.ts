/**
 * Applies a parsed configuration onto another (load merge/replace, edit-config), honouring
 * the edit markers: text `replace:`/`delete:`, XML `operation`/`delete`/`replace`/`create`,
 * `inactive`/`active`.
 */
import { type ConfigNode, type ConfigTree, cloneNode, keyString, isLeafList, pruneEmptied, type EditOp } from './tree.js';
import { RpcError } from '../../netconf/rpc-error.js';
import { editPath } from './errors.js';
import { headWords } from './text.js';

export interface MergeOptions {
  /** `merge` ignores replace markers (as `load merge` does); `replace` honours them. */
  action: 'merge' | 'replace';
  /** edit-config default-operation; `none` only walks to the marked statements. */
  defaultOperation?: 'merge' | 'replace' | 'none';
  /** edit-config rules: `create` of an existing and `delete` of a missing statement are errors. */
  strict?: boolean;
}

/** Merges `incoming` into `target` in place. Throws RpcError for edit-config conflicts. */
export function mergeTree(target: ConfigTree, incoming: ConfigTree, opts: MergeOptions): void {
  const top: EditOp | 'none' = opts.defaultOperation ?? 'merge';
  if (top === 'replace') {
    // default-operation replace: the new configuration replaces the old one.
    target.root.children = clean(incoming.root).children;
    return;
  }
  const emptied = new Set<ConfigNode>();
  mergeChildren(target.root, incoming.root, [], [], top, opts, emptied);
  for (const n of emptied) pruneEmptied(target.root, n);
}

/** A copy without edit markers, leaving out statements marked for deletion. */
export function clean(n: ConfigNode): ConfigNode {
  const c = cloneNode(n);
  const strip = (x: ConfigNode): void => {
    delete x.op;
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
  opts: MergeOptions,
  emptied: Set<ConfigNode>,
): void {
  const counts = new Map<string, number>();
  for (const c of incoming.children) if (c.kind === 'leaf') counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  const replacedLists = new Set<string>();
  for (const c of incoming.children) {
    let op: EditOp | 'none' = c.op ?? inherited;
    if (op === 'replace' && opts.action === 'merge' && c.op && !opts.strict) op = 'merge';
    const leafList =
      (c.kind === 'leaf' || c.kind === 'flag') &&
      (isLeafList(path, c.name) || (counts.get(c.name) ?? 0) > 1 || target.children.filter((t) => t.kind === 'leaf' && t.name === c.name).length > 1);
    const here = [...words, ...headWords(c, path)];
    const matches = c.kind === 'flag' && leafList && (op === 'delete' || op === 'remove')
      ? target.children.filter((t) => t.name === c.name && t.kind !== 'entry')
      : findMatch(target, c, leafList && c.kind === 'leaf');
    const match = matches[0];
    switch (op) {
      case 'delete':
      case 'remove':
        if (!match) {
          if (op === 'delete' && opts.strict) {
            throw new RpcError({ type: 'application', tag: 'data-missing', message: 'statement not found', path: editPath(here), badElement: c.name });
          }
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
        else target.children.push(clean(c));
        continue;
      case 'replace':
        if (c.kind === 'leaf' && leafList && !replacedLists.has(c.name)) {
          // A replaced leaf-list takes exactly the values given.
          replacedLists.add(c.name);
          const at = target.children.findIndex((t) => t.name === c.name);
          target.children = target.children.filter((t) => !(t.kind === 'leaf' && t.name === c.name));
          const vals = incoming.children.filter((x) => x.kind === 'leaf' && x.name === c.name).map(clean);
          if (at >= 0) target.children.splice(Math.min(at, target.children.length), 0, ...vals);
          else target.children.push(...vals);
          continue;
        }
        if (c.kind === 'leaf' && leafList) continue;
        if (match) replaceAt(target, match, clean(c));
        else target.children.push(clean(c));
        continue;
      case 'none':
        if (!match) {
          if (hasMarkers(c)) {
            if (opts.strict) {
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
          target.children.push(clean(c));
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
}

function markers(match: ConfigNode, c: ConfigNode): void {
  if (c.inactive) match.inactive = true;
  if (c.activate) delete match.inactive;
  if (c.comment !== undefined) match.comment = c.comment;
}

function hasMarkers(n: ConfigNode): boolean {
  return n.op !== undefined || n.children.some(hasMarkers);
}

function replaceAt(parent: ConfigNode, old: ConfigNode, n: ConfigNode): void {
  const i = parent.children.indexOf(old);
  parent.children[i] = n;
}
