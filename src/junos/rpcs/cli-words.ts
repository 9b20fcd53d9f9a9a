/**
 * Mapping cli words to an RPC, driven by the modules' `cli` data: a word tree built from
 * every registered command, walked longest-match, then the command's arguments. The one
 * place a word is compared with a command word is `pickWord` (through `nextNode` for command
 * words and `pickArg` for argument words): an exact word, else a unique prefix (Junos
 * abbreviations, `sh int te`), else an ambiguity error listing the candidates.
 *
 * `completions` answers the emulated cli's `?`, Tab and space from the same tree.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { escapeText } from '../../netconf/xml.js';
import type { CliArg, CliCommand, MappedCommand } from './types.js';

/** What Junos answers for a word (or an RPC element) it does not know. */
export function syntaxError(word: string): RpcError {
  return new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'syntax error', badElement: word });
}

/** What Junos answers for a prefix that several words start with. */
export function ambiguousError(word: string, candidates: string[]): RpcError {
  return new RpcError({ type: 'protocol', tag: 'operation-failed', message: `syntax error, '${word}' is ambiguous (${candidates.join(', ')})`, badElement: word });
}

export interface Node {
  next: Map<string, Node>;
  command?: { rpc: string; cli: CliCommand };
}

/**
 * The one comparison of a typed word with the words allowed here: the exact word, else
 * the only one it is a prefix of; several -> `{ ambiguous }`; none -> undefined.
 */
export function pickWord(allowed: Iterable<string>, word: string): string | { ambiguous: string[] } | undefined {
  const all = [...allowed];
  if (all.includes(word)) return word;
  const starts = all.filter((w) => w.startsWith(word));
  if (starts.length === 1) return starts[0];
  if (starts.length > 1) return { ambiguous: starts.sort() };
  return undefined;
}

export interface WordTree {
  root: Node;
}

/**
 * Builds the tree; two modules claiming the same words is an error (at startup and in the
 * unit test), unless `firstWins` (the cli adding its own commands after the registered ones).
 */
export function buildWordTree(entries: Iterable<{ rpc: string; cli: CliCommand }>, firstWins = false): WordTree {
  const root: Node = { next: new Map() };
  for (const { rpc, cli } of entries) {
    let node = root;
    for (const w of cli.words.split(/\s+/).filter(Boolean)) {
      let n = node.next.get(w);
      if (!n) node.next.set(w, (n = { next: new Map() }));
      node = n;
    }
    if (node === root) throw new Error(`${rpc}: a cli command needs words`);
    if (node.command && firstWins) continue;
    if (node.command) throw new Error(`cli command '${cli.words}' is registered by both ${node.command.rpc} and ${rpc}`);
    node.command = { rpc, cli };
  }
  return { root };
}

/** The child of `node` a typed word selects (a unique prefix will do); throws when ambiguous. */
export function nextNode(node: Node, word: string): Node | undefined {
  const w = pickWord(node.next.keys(), word);
  if (w === undefined) return undefined;
  if (typeof w !== 'string') throw ambiguousError(word, w.ambiguous);
  return node.next.get(w);
}

/** The argument (flag or keyword) a typed word names, a unique prefix of one will do. */
function pickArg(specs: readonly CliArg[], used: Set<CliArg>, word: string): CliArg | { ambiguous: string[] } | undefined {
  const named = specs.filter((s) => !('positional' in s) && !used.has(s));
  const nameOf = (s: CliArg) => ('flag' in s ? s.flag : 'keyword' in s ? s.keyword : '');
  const w = pickWord(named.map(nameOf), word);
  if (w === undefined) return undefined;
  if (typeof w !== 'string') return w;
  return named.find((s) => nameOf(s) === w);
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
  const used = new Set<CliArg>();
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i];
    const named = pickArg(specs, used, w);
    const pos = specs.find((s) => 'positional' in s && !positional.has(s.positional) && (s.match ?? /./).test(w));
    if (named && 'flag' in named) {
      used.add(named);
      args.push(leaf(named.param ?? named.flag));
      continue;
    }
    if (named && 'keyword' in named && rest[i + 1] !== undefined) {
      used.add(named);
      args.push(leaf(named.param ?? named.keyword, rest[++i]));
      continue;
    }
    if (pos && 'positional' in pos) {
      positional.set(pos.positional, w);
      continue;
    }
    if (named && 'ambiguous' in named) throw ambiguousError(w, named.ambiguous);
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

/** One-line help of command words, as Junos's `?` shows them (a generic line otherwise). */
const HELP: Record<string, string> = {
  show: 'Show system information',
  configure: 'Manipulate software configuration information',
  exit: 'Exit the management session',
  quit: 'Exit the management session',
  set: 'Set CLI properties, date/time, craft interface message',
  start: 'Start shell',
  request: 'Make system-level requests',
  file: 'Perform file operations',
  help: 'Provide help information',
  clear: 'Clear information in the system',
  monitor: 'Show real-time debugging information',
  ping: 'Ping remote target',
  traceroute: 'Trace route to remote host',
  interfaces: 'Show interface information',
  version: 'Show software process revision levels',
  configuration: 'Show current configuration',
  system: 'Show system information',
  chassis: 'Show chassis information',
  log: 'Show contents of log file',
  commit: 'Show pending commit and commit history',
  uptime: 'Show time since system and processes started',
  information: 'Show basic system information',
  hardware: 'Show installed hardware components',
  'routing-engine': 'Show Routing Engine status',
  cluster: 'Show chassis cluster information',
  'virtual-chassis': 'Show virtual chassis information',
  bridge: 'Show bridging information',
  'ethernet-switching': 'Show Ethernet-switching information',
  terse: 'Display terse output',
  brief: 'Display brief output',
  detail: 'Display detailed output',
  extensive: 'Display extensive output',
  list: 'List file information',
  cli: 'Set CLI properties',
  shell: 'Start UNIX shell',
  storage: 'Storage requests',
  cleanup: 'Delete files listed in the cleanup list',
  'dry-run': 'Show files to be deleted',
  'screen-length': 'Set number of lines on screen',
  'screen-width': 'Set number of characters on a line',
  timestamp: 'Timestamp CLI output',
  'complete-on-space': 'Set whether typing space completes current word',
  'routing-instance': 'Name of routing instance',
  messages: 'Show contents of messages log file',
};

export function helpFor(word: string, parent?: string): string {
  return HELP[word] ?? (parent === 'show' ? `Show ${word} information` : '');
}

export interface Completion {
  word: string;
  help: string;
}

/** What may follow the typed words, for `?`, Tab and space. */
export type CompletionResult =
  | {
      ok: true;
      /** Words (and `<placeholders>`, which are never inserted) the partial word may become. */
      candidates: Completion[];
      /** The words so far make a command Enter would run. */
      complete: boolean;
      /** For commands taking a configuration path (`show configuration`): the path words so far. */
      path?: string[];
    }
  | { ok: false; at: number; ambiguous?: string[] };

/**
 * The possible completions of `partial` after `words` (each may be an abbreviation):
 * command words, then the command's flags/keywords not used yet and its free arguments.
 */
export function completions(tree: WordTree, words: string[], partial: string): CompletionResult {
  let node = tree.root;
  let parent: string | undefined;
  let i = 0;
  for (; i < words.length; i++) {
    let n: Node | undefined;
    try {
      n = nextNode(node, words[i]);
    } catch {
      return { ok: false, at: i, ambiguous: (pickWord(node.next.keys(), words[i]) as { ambiguous: string[] }).ambiguous };
    }
    if (!n) break;
    parent = [...node.next.keys()].find((k) => node.next.get(k) === n);
    node = n;
  }
  const cli = node.command?.cli;
  const out: Completion[] = [];
  const push = (word: string, help: string) => {
    if (word.startsWith('<') || word.startsWith(partial)) out.push({ word, help });
  };
  if (i < words.length && !cli) return { ok: false, at: i };
  if (cli?.path) {
    return { ok: true, candidates: [], complete: true, path: words.slice(i) };
  }
  let complete = !!cli;
  const specs = cli?.args ?? [];
  const used = new Set<CliArg>();
  const positional = new Set<string>();
  for (let k = i; k < words.length; k++) {
    const named = pickArg(specs, used, words[k]);
    if (named && 'ambiguous' in named) return { ok: false, at: k, ambiguous: named.ambiguous };
    if (named) {
      used.add(named);
      if ('keyword' in named) {
        if (k + 1 >= words.length) return { ok: true, candidates: [{ word: `<${named.keyword}>`, help: helpFor(named.keyword) }], complete: false };
        k++;
      }
      continue;
    }
    const pos = specs.find((s) => 'positional' in s && !positional.has(s.positional) && (s.match ?? /./).test(words[k]));
    if (pos && 'positional' in pos) {
      positional.add(pos.positional);
      continue;
    }
    return { ok: false, at: k };
  }
  if (i === words.length) for (const [w] of node.next) push(w, helpFor(w, parent ?? words[i - 1]));
  for (const s of specs) {
    if ('positional' in s && !positional.has(s.positional)) push(`<${s.positional}>`, helpFor(s.positional));
    else if ('flag' in s && !used.has(s)) push(s.flag, helpFor(s.flag));
    else if ('keyword' in s && !used.has(s)) push(s.keyword, helpFor(s.keyword));
  }
  for (const s of specs) if ('positional' in s && s.required && !positional.has(s.positional)) complete = false;
  out.sort((a, b) => (a.word.startsWith('<') === b.word.startsWith('<') ? a.word.localeCompare(b.word) : a.word.startsWith('<') ? -1 : 1));
  return { ok: true, candidates: out, complete };
}

/**
 * The typed words with abbreviations spelled out (`sh int te` -> `show interfaces terse`)
 * and the RPC they name; the index of the first word that fits nothing (or is ambiguous)
 * otherwise. Free words and configuration paths are kept as typed.
 */
export function resolveWords(tree: WordTree, words: string[]): { ok: true; words: string[]; rpc?: string } | { ok: false; at: number; ambiguous?: string[] } {
  let node = tree.root;
  const out: string[] = [];
  let i = 0;
  for (; i < words.length; i++) {
    const w = pickWord(node.next.keys(), words[i]);
    if (w !== undefined && typeof w !== 'string') return { ok: false, at: i, ambiguous: w.ambiguous };
    if (w === undefined) break;
    out.push(w);
    node = node.next.get(w)!;
  }
  const cmd = node.command;
  if (!cmd) return { ok: false, at: Math.min(i, Math.max(0, words.length - 1)) };
  if (cmd.cli.path) return { ok: true, words: [...out, ...words.slice(i)], rpc: cmd.rpc };
  const specs = cmd.cli.args ?? [];
  const used = new Set<CliArg>();
  const positional = new Set<string>();
  for (let k = i; k < words.length; k++) {
    const named = pickArg(specs, used, words[k]);
    const pos = specs.find((s) => 'positional' in s && !positional.has(s.positional) && (s.match ?? /./).test(words[k]));
    if (named && !('ambiguous' in named)) {
      used.add(named);
      out.push('flag' in named ? named.flag : 'keyword' in named ? named.keyword : words[k]);
      if ('keyword' in named && k + 1 < words.length) out.push(words[++k]);
      continue;
    }
    if (pos && 'positional' in pos) {
      positional.add(pos.positional);
      out.push(words[k]);
      continue;
    }
    return { ok: false, at: k, ambiguous: named && 'ambiguous' in named ? named.ambiguous : undefined };
  }
  return { ok: true, words: out, rpc: cmd.rpc };
}
