/**
 * `show | compare` text: for every hierarchy level where two configurations differ, an
 * `[edit ...]` banner followed by `-` (only in the old) and `+` (only in the new) lines.
 */
import { type ConfigNode, type ConfigTree, keyString, nodesEqual, isLeafList } from './tree.js';
import { renderStatements, headWords } from './text.js';
import { editPath } from './errors.js';

/** The differences from `from` to `to`; empty string when they are the same. */
export function diffTrees(from: ConfigTree, to: ConfigTree): string {
  const out: string[] = [];
  diffNode(from.root, to.root, [], [], out);
  return out.length ? out.join('\n') + '\n' : '';
}

function identity(n: ConfigNode, path: string[], siblings: ConfigNode[]): string {
  if (n.kind === 'entry') return `e:${n.name}:${keyString(n)}`;
  if (n.kind === 'leaf' && (isLeafList(path, n.name) || siblings.filter((s) => s.kind === 'leaf' && s.name === n.name).length > 1)) {
    return `l:${n.name}:${n.value}`;
  }
  return `n:${n.name}`;
}

function signed(sign: string, n: ConfigNode, path: string[]): string[] {
  return renderStatements([n], path, 1).map((l) => sign + l.slice(1));
}

function diffNode(a: ConfigNode, b: ConfigNode, path: string[], words: string[], out: string[]): void {
  const local: string[] = [];
  const deeper: [ConfigNode, ConfigNode][] = [];
  const idA = new Map<string, ConfigNode>();
  for (const c of a.children) idA.set(identity(c, path, a.children), c);
  const idB = new Map<string, ConfigNode>();
  for (const c of b.children) idB.set(identity(c, path, b.children), c);
  for (const [id, c] of idA) {
    const d = idB.get(id);
    if (!d) {
      local.push(...signed('-', c, path));
      continue;
    }
    if (nodesEqual(c, d)) continue;
    const leafy = (x: ConfigNode) => x.kind === 'leaf' || x.children.length === 0;
    if (leafy(c) || leafy(d) || c.kind !== d.kind) {
      if (!!c.inactive !== !!d.inactive && leafy(c) && leafy(d) && c.value === d.value) {
        local.push(activeLine(d, path));
        continue;
      }
      local.push(...signed('-', c, path), ...signed('+', d, path));
      continue;
    }
    if (!!c.inactive !== !!d.inactive) local.push(activeLine(d, path));
    deeper.push([c, d]);
  }
  for (const [id, d] of idB) if (!idA.has(id)) local.push(...signed('+', d, path));
  if (local.length) out.push(editPath(words), ...local);
  for (const [c, d] of deeper) diffNode(c, d, [...path, c.name], [...words, ...headWords(c, path)], out);
}

function activeLine(n: ConfigNode, path: string[]): string {
  const head = n.kind === 'leaf' ? `${n.name} ${n.value ?? ''}` : headWords(n, path).join(' ');
  const body = n.children.length ? ' { ... }' : ';';
  return `!    ${n.inactive ? 'inactive' : 'active'}: ${head}${body}`;
}
