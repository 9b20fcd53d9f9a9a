/**
 * What the XML and JSON readers accept must be writable back as configuration text (the
 * form the datastore saves): statements at the top are those Junos knows, every statement
 * name is one bare word, and an annotation cannot close itself early. The datastore also
 * refuses to commit a candidate that breaks these rules, whatever form it came in.
 */
import { type ConfigNode, ConfigTree } from './tree.js';
import { isTopLevel } from './schema.js';
import { editPath, type ConfigProblem } from './errors.js';

/** A statement name is one word that is also an XML element name (digits may lead, as in 802.3ad). */
const BARE_WORD = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;
const TEXT_PREFIXES = new Set(['inactive:', 'active:', 'replace:', 'delete:', 'protect:', 'unprotect:']);

/** Problems with statement names and annotations in a tree read from XML or JSON. */
export function checkStatementNames(root: ConfigNode): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const c of root.children) {
    if (!isTopLevel(c.name)) problems.push({ message: 'syntax error', badElement: c.name, path: '[edit]' });
    else visit(c, [], problems);
  }
  return problems;
}

/** The words of the first statement where two trees differ (`a` as given, `b` read back). */
export function firstDifference(a: ConfigNode, b: ConfigNode | undefined, words: string[] = []): string[] {
  if (!b) return a.children[0] ? [...words, a.children[0].name] : words;
  for (let i = 0; i < Math.max(a.children.length, b.children.length); i++) {
    const x = a.children[i];
    const y = b.children[i];
    if (!x) return [...words, y.name];
    if (!y || x.name !== y.name || x.kind !== y.kind) return [...words, x.name];
    if (!new ConfigTree(x).equals(new ConfigTree(y))) {
      const w = [...words, x.name, ...(x.keys ?? []).map((k) => k.value)];
      return x.kind === 'leaf' || x.kind === 'flag' ? [...words, x.name] : firstDifference(x, y, w);
    }
  }
  return words;
}

function visit(n: ConfigNode, words: string[], problems: ConfigProblem[]): void {
  if (!BARE_WORD.test(n.name) || TEXT_PREFIXES.has(n.name) || n.name.startsWith('/*')) {
    problems.push({ message: 'syntax error', badElement: n.name, path: editPath(words) });
    return;
  }
  if (n.comment?.includes('*/')) {
    problems.push({ message: 'syntax error: an annotation cannot contain */', badElement: n.name, path: editPath(words) });
  }
  const inner = [...words, n.name, ...(n.keys ?? []).map((k) => k.value)];
  for (const c of n.children) visit(c, inner, problems);
}
