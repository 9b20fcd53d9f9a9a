/**
 * Mapping cli words to an RPC, driven by the modules' `cli` data: a word tree built from
 * every registered command, walked longest-match, then the command's arguments. The one
 * place a word is compared with a command word is `nextNode` (Junos-style unique-prefix
 * abbreviations belong there).
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { escapeText } from '../../netconf/xml.js';
import type { CliCommand, MappedCommand } from './types.js';

/** What Junos answers for a word (or an RPC element) it does not know. */
export function syntaxError(word: string): RpcError {
  return new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'syntax error', badElement: word });
}

interface Node {
  next: Map<string, Node>;
  command?: { rpc: string; cli: CliCommand };
}

export interface WordTree {
  root: Node;
}

/** Builds the tree; two modules claiming the same words is an error (at startup and in the unit test). */
export function buildWordTree(entries: Iterable<{ rpc: string; cli: CliCommand }>): WordTree {
  const root: Node = { next: new Map() };
  for (const { rpc, cli } of entries) {
    let node = root;
    for (const w of cli.words.split(/\s+/).filter(Boolean)) {
      let n = node.next.get(w);
      if (!n) node.next.set(w, (n = { next: new Map() }));
      node = n;
    }
    if (node === root) throw new Error(`${rpc}: a cli command needs words`);
    if (node.command) throw new Error(`cli command '${cli.words}' is registered by both ${node.command.rpc} and ${rpc}`);
    node.command = { rpc, cli };
  }
  return { root };
}

/** The child of `node` a typed word selects. */
function nextNode(node: Node, word: string): Node | undefined {
  return node.next.get(word);
}

/** The first words of every command (the cli's operational verbs that map to RPCs). */
export function firstWords(tree: WordTree): string[] {
  return [...tree.root.next.keys()];
}

const leaf = (name: string, value?: string) => (value === undefined ? `<${name}/>` : `<${name}>${escapeText(value)}</${name}>`);

/**
 * Parses the words after a command's fixed words; returns the parameter elements, or the
 * index (in `rest`) of the first word that does not fit.
 */
function parseArgs(cli: CliCommand, rest: string[]): { args: string[]; configPath?: string[] } | { bad: number } {
  const args = (cli.params ?? []).map((p) => leaf(p));
  if (cli.path) return { args, configPath: rest };
  const specs = cli.args ?? [];
  const positional = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i];
    const flag = specs.find((s) => 'flag' in s && s.flag === w);
    if (flag && 'flag' in flag) {
      args.push(leaf(flag.param ?? flag.flag));
      continue;
    }
    const kw = specs.find((s) => 'keyword' in s && s.keyword === w);
    if (kw && 'keyword' in kw && rest[i + 1] !== undefined) {
      args.push(leaf(kw.param ?? kw.keyword, rest[++i]));
      continue;
    }
    const pos = specs.find((s) => 'positional' in s && !positional.has(s.positional) && (s.match ?? /./).test(w));
    if (pos && 'positional' in pos) {
      positional.set(pos.positional, w);
      continue;
    }
    return { bad: i };
  }
  for (const s of specs) {
    if ('positional' in s && s.required && !positional.has(s.positional)) return { bad: rest.length };
  }
  // Free words go last, as `| display xml rpc` shows them.
  for (const s of specs) if ('positional' in s && positional.has(s.positional)) args.push(leaf(s.positional, positional.get(s.positional)));
  return { args };
}

/**
 * Maps the words of a cli command to its RPC: the longest registered command the words
 * start with, then its arguments. Throws the Junos syntax error naming the first word
 * that fits nothing (the last word when the command is incomplete).
 */
export function matchWords(tree: WordTree, words: string[]): MappedCommand {
  let node = tree.root;
  let deepest: { at: number; command: NonNullable<Node['command']> } | undefined;
  let i = 0;
  for (; i < words.length; i++) {
    const n = nextNode(node, words[i]);
    if (!n) break;
    node = n;
    if (n.command) deepest = { at: i + 1, command: n.command };
  }
  const wordAt = (k: number) => words[Math.min(k, words.length - 1)] ?? '';
  if (!deepest) throw syntaxError(wordAt(i));
  const parsed = parseArgs(deepest.command.cli, words.slice(deepest.at));
  if ('bad' in parsed) throw syntaxError(wordAt(Math.max(i, deepest.at + parsed.bad)));
  return { rpc: deepest.command.rpc, ...parsed };
}
