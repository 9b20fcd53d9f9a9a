/**
 * Subtree filtering for get-configuration / get-config: a `<configuration>` element whose
 * nested elements select parts of the configuration. An empty element selects the whole
 * statement; an element with text selects by value (list keys, leaf values); elements
 * with children select inside.
 */
import { type XmlElement, elements, textOf } from '../../netconf/xml.js';
import { type ConfigNode, ConfigTree, cloneNode } from './tree.js';

export function filterTree(tree: ConfigTree, filter: XmlElement | undefined): ConfigTree {
  if (!filter) return tree.clone();
  let top = filter;
  if (top.name !== 'configuration') {
    const conf = elements(top).find((c) => c.name === 'configuration');
    if (conf) top = conf;
    else return tree.clone();
  }
  if (elements(top).length === 0) return tree.clone();
  const root = cloneNode({ ...tree.root, children: [] });
  root.children = select(tree.root.children, elements(top));
  return new ConfigTree(root);
}

function select(children: ConfigNode[], sels: XmlElement[]): ConfigNode[] {
  const picked = new Map<ConfigNode, ConfigNode>();
  for (const s of sels) {
    const subs = elements(s);
    const text = textOf(s).trim();
    for (const c of children) {
      if (c.name !== s.name) continue;
      if (subs.length === 0) {
        if (text && c.kind === 'leaf' && c.value !== text) continue;
        if (text && c.kind === 'entry' && c.keys?.[0]?.value !== text) continue;
        picked.set(c, cloneNode(c));
        continue;
      }
      // Content matches: children with text only, naming keys or leaves.
      const matchers = subs.filter((x) => elements(x).length === 0 && textOf(x).trim() !== '');
      const ok = matchers.every((m) => {
        const v = textOf(m).trim();
        const key = c.keys?.find((k) => k.name === m.name);
        if (key) return key.value === v;
        return c.children.some((x) => x.name === m.name && x.kind === 'leaf' && x.value === v);
      });
      if (!ok) continue;
      const rest = subs.filter((x) => !matchers.includes(x));
      const copy = cloneNode({ ...c, children: [] });
      if (rest.length === 0) copy.children = c.children.map(cloneNode);
      else {
        copy.children = select(c.children, rest);
        if (copy.children.length === 0 && c.kind !== 'entry') continue;
      }
      const prev = picked.get(c);
      if (prev) prev.children = mergeUnique(prev.children, copy.children);
      else picked.set(c, copy);
    }
  }
  return children.filter((c) => picked.has(c)).map((c) => picked.get(c) as ConfigNode);
}

function mergeUnique(a: ConfigNode[], b: ConfigNode[]): ConfigNode[] {
  return [...a, ...b.filter((x) => !a.some((y) => y.name === x.name && JSON.stringify(y.keys) === JSON.stringify(x.keys) && y.value === x.value))];
}

/**
 * The part of a configuration a `show configuration WORDS...` path names, with its
 * ancestors (as Junos answers the command in XML). Undefined when nothing is there.
 */
export function selectPath(tree: ConfigTree, words: readonly string[]): ConfigTree | undefined {
  if (words.length === 0) return tree.clone();
  const copy = tree.clone();
  const target = copy.find(words);
  if (!target) return undefined;
  const keep = (n: ConfigNode): boolean => {
    if (n === target) return true;
    n.children = n.children.filter(keep);
    return n.children.length > 0;
  };
  keep(copy.root);
  return copy;
}
