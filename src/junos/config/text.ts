/**
 * Junos curly-brace configuration text (`show configuration`): reader and writer.
 */
import { type ConfigNode, ConfigTree, type EditOp } from './tree.js';
import { ruleFor, keysOf, isTopLevel, textName, SECRET_LEAVES, type Rule } from './schema.js';
import { ConfigSyntaxError, editPath, type ConfigProblem } from './errors.js';
import { walk, rootCursor, StatementError, type Cursor, type Word } from './statement.js';
import { ChildIndex } from './child-index.js';

// ---------------------------------------------------------------------------------------
// Reading

type TokKind = 'word' | '{' | '}' | ';' | 'list' | 'comment' | 'eof';
interface Tok {
  kind: TokKind;
  v: string;
  line: number;
  quoted?: boolean;
  items?: string[];
}

/** Splits text into words, quoted strings, punctuation, bracket groups and annotations. */
function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  const err = (message: string, bad: string): never => {
    throw new ConfigSyntaxError([{ message, badElement: bad, line }]);
  };
  const readQuoted = (): string => {
    // at opening quote
    const opened = line;
    i++;
    let out = '';
    while (i < n && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < n) {
        out += text[i + 1];
        i += 2;
        continue;
      }
      if (text[i] === '\n') line++;
      out += text[i++];
    }
    // An unterminated string is reported at the line that opened it; its text stays out of
    // the message (it may be a secret).
    if (i >= n) throw new ConfigSyntaxError([{ message: 'syntax error: unterminated quoted string', line: opened }]);
    i++;
    return out;
  };
  const readWord = (): string => {
    const start = i;
    while (i < n && !/[\s{};[\]"]/.test(text[i])) i++;
    return text.slice(start, i);
  };
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const startLine = line;
      const end = text.indexOf('*/', i + 2);
      if (end < 0) err('syntax error', '/*');
      const body = text.slice(i + 2, end);
      line += (body.match(/\n/g) ?? []).length;
      toks.push({ kind: 'comment', v: body.trim(), line: startLine });
      i = end + 2;
    } else if (c === '{' || c === '}' || c === ';') {
      toks.push({ kind: c, v: c, line });
      i++;
    } else if (c === '[') {
      const startLine = line;
      i++;
      const items: string[] = [];
      for (;;) {
        while (i < n && /\s/.test(text[i])) {
          if (text[i] === '\n') line++;
          i++;
        }
        if (i >= n) err('syntax error', '[');
        if (text[i] === ']') {
          i++;
          break;
        }
        if (text[i] === '"') items.push(readQuoted());
        else {
          const w = readWord();
          if (!w) err('syntax error', text[i]);
          items.push(w);
        }
      }
      toks.push({ kind: 'list', v: '[', line: startLine, items });
    } else if (c === ']') {
      err('syntax error', ']');
    } else if (c === '"') {
      const startLine = line;
      toks.push({ kind: 'word', v: readQuoted(), line: startLine, quoted: true });
    } else {
      toks.push({ kind: 'word', v: readWord(), line });
    }
  }
  toks.push({ kind: 'eof', v: '', line });
  return toks;
}

const PREFIXES: Record<string, { inactive?: boolean; op?: EditOp; active?: boolean }> = {
  'inactive:': { inactive: true },
  'active:': { active: true },
  'replace:': { op: 'replace' },
  'delete:': { op: 'delete' },
  'protect:': {},
  'unprotect:': {},
};

/**
 * Reads Junos configuration text into a tree. `replace:` and `delete:` prefixes are kept
 * as edit markers on the nodes (see merge.ts); `inactive:` marks nodes inactive.
 * Throws ConfigSyntaxError listing every problem, each with its line.
 */
export function parseText(text: string): ConfigTree {
  return new TextReader(tokenize(text)).read();
}

type Marks = { inactive?: boolean; op?: EditOp; active?: boolean };

/**
 * One pass over the tokens: blocks of statements, each statement's prefixes, words and
 * terminator, its place in the tree (statement.ts), and recovery after an error (the rest
 * of the statement or block is skipped, every problem kept with its line).
 */
class TextReader {
  private p = 0;
  private readonly tree = new ConfigTree();
  /** Children by key for this load: each statement finds its place in constant time. */
  private readonly index = new ChildIndex();
  private readonly problems: ConfigProblem[] = [];

  constructor(private readonly toks: Tok[]) {}

  read(): ConfigTree {
    this.block(rootCursor(this.tree.root), 0);
    if (this.problems.length) throw new ConfigSyntaxError(this.problems, this.tree);
    return this.tree;
  }

  // --- recovery ------------------------------------------------------------------------

  /** Skips to the `}` matching the `{` just read; returns it (or end of input). */
  private skipBlock(): Tok {
    let depth = 1;
    for (;;) {
      const t = this.toks[this.p++];
      if (t.kind === 'eof') return t;
      if (t.kind === '{') depth++;
      if (t.kind === '}' && --depth === 0) return t;
    }
  }

  /** Skips the rest of a broken statement (up to its `;`, or over its block). */
  private skipStatement(): void {
    for (;;) {
      const t = this.toks[this.p];
      if (t.kind === 'eof' || t.kind === '}') return;
      this.p++;
      if (t.kind === ';') return;
      if (t.kind === '{') {
        const end = this.skipBlock();
        this.problems.push({ message: 'error recovery ignores input until this point', badElement: end.v || undefined, line: end.line });
        return;
      }
    }
  }

  // --- blocks ----------------------------------------------------------------------------

  /** The statements of one block, up to its `}` (or the end of input at depth 0). */
  private block(cur: Cursor, depth: number): void {
    let comment: string | undefined;
    for (;;) {
      const t = this.toks[this.p];
      if (t.kind === 'eof') {
        if (depth > 0) this.problems.push({ message: 'syntax error', badElement: 'end of input', line: t.line, path: editPath(cur.words) });
        return;
      }
      if (t.kind === '}') {
        this.p++;
        if (depth > 0) return;
        this.problems.push({ message: 'syntax error', badElement: '}', line: t.line, path: editPath(cur.words) });
        continue;
      }
      if (t.kind === 'comment') {
        comment = t.v;
        this.p++;
        continue;
      }
      if (t.kind === ';') {
        this.p++;
        continue;
      }
      this.statement(cur, depth, comment);
      comment = undefined;
    }
  }

  // --- statements ------------------------------------------------------------------------

  /** `inactive:`, `replace:`, ... before a statement. */
  private readMarks(): Marks {
    const marks: Marks = {};
    const { toks } = this;
    while (toks[this.p].kind === 'word' && !toks[this.p].quoted && PREFIXES[toks[this.p].v]) {
      Object.assign(marks, PREFIXES[toks[this.p].v]);
      this.p++;
    }
    return marks;
  }

  /** The words of a statement (a `[ ... ]` group as one word with its list). */
  private readWords(): Word[] {
    const words: Word[] = [];
    const { toks } = this;
    while (toks[this.p].kind === 'word' || toks[this.p].kind === 'list') {
      const w = toks[this.p++];
      words.push(w.kind === 'list' ? { v: '[', line: w.line, list: w.items } : { v: w.v, line: w.line });
    }
    return words;
  }

  /** One statement: its words, then `;` or a block; put in the tree with its marks and comment. */
  private statement(cur: Cursor, depth: number, comment: string | undefined): void {
    const marks = this.readMarks();
    const startTok = this.toks[this.p];
    const words = this.readWords();
    const end = this.toks[this.p];
    // A statement ends at its `;` or `{`: one whose words run on to the next line lost its
    // `;` there (Junos reads on and fails too); it is named at the line that lacks it.
    const broken = words.findIndex((w, i) => i > 0 && (w.line ?? 0) > (words[i - 1].line ?? 0) && !words[i - 1].list);
    if (broken > 0 || (words.length > 0 && end.kind !== ';' && end.kind !== '{')) {
      const at = broken > 0 ? words[broken - 1] : words[words.length - 1];
      this.problems.push({ message: "syntax error, expecting ';' or '{'", badElement: at.v, line: at.line, path: editPath(cur.words) });
      if (broken > 0 && end.kind === '{') {
        this.p++;
        this.skipBlock();
      } else if (end.kind === ';') this.p++;
      return;
    }
    if (words.length === 0 || (end.kind !== ';' && end.kind !== '{')) {
      this.problems.push({ message: 'syntax error', badElement: (words.length ? end : startTok).v || 'end of input', line: end.line, path: editPath(cur.words) });
      if (words.length === 0) this.p++;
      else this.skipStatement();
      return;
    }
    this.p++;
    const hasBlock = end.kind === '{';
    if (depth === 0 && cur.node === this.tree.root && !isTopLevel(words[0].v)) {
      this.problems.push({ message: 'syntax error', badElement: words[0].v, line: words[0].line, path: '[edit]' });
      if (hasBlock) {
        const close = this.skipBlock();
        this.problems.push({ message: 'error recovery ignores input until this point', badElement: close.v || undefined, line: close.line });
      }
      return;
    }
    const res = this.place(cur, words, hasBlock, marks.op === 'delete');
    if (!res) return;
    for (const n of res.nodes) {
      if (marks.inactive) n.inactive = true;
      if (marks.active) n.activate = true;
      if (marks.op) n.op = marks.op;
    }
    const target = res.nodes[0] ?? res.last.node;
    if (comment !== undefined && res.nodes.length) target.comment = comment;
    if (!hasBlock) return;
    const last = res.last;
    if (last.node.kind === 'leaf') {
      this.problems.push({ message: 'syntax error', badElement: '{', line: end.line, path: editPath(last.words) });
      this.skipBlock();
      return;
    }
    if (last.node.kind === 'flag' && !last.wrapped) last.node.kind = 'container';
    this.block(last, depth + 1);
  }

  /** The statement's place in the tree (created as needed); undefined after a problem. */
  private place(cur: Cursor, words: Word[], hasBlock: boolean, deleting: boolean): ReturnType<typeof walk> | undefined {
    try {
      const res = walk(cur, words, 'head', { create: true, hasBlock, index: this.index, deleting });
      if (!res) throw new Error('unreachable: walk with create');
      return res;
    } catch (e) {
      if (!(e instanceof StatementError)) throw e;
      this.problems.push(e.problem);
      if (hasBlock) this.skipBlock();
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Writing

// What Junos quotes: blanks, the characters the CLI gives a meaning, and `@` (`contact "a@b";`).
const NEEDS_QUOTES = /[\s;{}[\]"'#\\$&|()<>!@]|^$/;

/** A value as Junos writes it: bare when it can be, else in double quotes. */
export function quote(v: string): string {
  if (!NEEDS_QUOTES.test(v) && !v.includes('/*')) return v;
  return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Words naming a statement in text and set form (keyword and keys), without its value. */
export function headWords(n: ConfigNode, parentPath: readonly string[], inWrapper = false): string[] {
  if (n.kind !== 'entry') return [textName(n.name)];
  const rule = ruleFor([...parentPath, n.name]);
  const out: string[] = [];
  if (!rule?.hidden && !inWrapper) out.push(textName(n.name));
  const defs = keysOf(rule);
  (n.keys ?? []).forEach((k, idx) => {
    const kw = defs[idx]?.keyword;
    if (kw) out.push(kw);
    out.push(quote(k.value));
  });
  return out;
}

export interface TextRenderOptions {
  /** Lines put first, e.g. `## Last commit: 2024-01-01 10:00:00 UTC by admin`. */
  header?: string[];
  /** Indentation of the outermost statements (used by diffs). */
  indent?: number;
  /** Element path of the parent of the rendered nodes (for partial renders). */
  parentPath?: string[];
}

/** Renders a tree as Junos configuration text, four spaces per level. */
export function renderText(tree: ConfigTree, opts: TextRenderOptions = {}): string {
  const lines = [...(opts.header ?? [])];
  renderChildren(tree.root.children, opts.parentPath ?? [], opts.indent ?? 0, lines);
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** Renders some sibling statements (for diffs and partial views). */
export function renderStatements(nodes: ConfigNode[], parentPath: readonly string[], indent: number): string[] {
  const lines: string[] = [];
  renderChildren(nodes, parentPath, indent, lines);
  return lines;
}

function pad(level: number): string {
  return ' '.repeat(level * 4);
}

function isSimple(n: ConfigNode): boolean {
  return (n.kind === 'leaf' || n.kind === 'flag' || (n.kind === 'container' && n.children.length === 0)) && !n.inactive && n.comment === undefined;
}

/** Leaf-list groups: consecutive leaves of one name become `name [ a b ];`. */
interface Group {
  nodes: ConfigNode[];
}

function group(children: ConfigNode[]): Group[] {
  const out: Group[] = [];
  for (const c of children) {
    const prev = out[out.length - 1];
    if (
      prev &&
      c.kind === 'leaf' &&
      prev.nodes[0].kind === 'leaf' &&
      prev.nodes[0].name === c.name &&
      !c.inactive &&
      !prev.nodes[0].inactive &&
      c.comment === undefined
    ) {
      prev.nodes.push(c);
    } else out.push({ nodes: [c] });
  }
  return out;
}

function inlineWords(g: Group): string {
  const n = g.nodes[0];
  const name = textName(n.name);
  if (n.kind !== 'leaf') return name;
  if (g.nodes.length === 1) return `${name} ${quote(n.value ?? '')}`;
  return `${name} [ ${g.nodes.map((x) => quote(x.value ?? '')).join(' ')} ]`;
}

function renderChildren(children: ConfigNode[], parentPath: readonly string[], level: number, lines: string[]): void {
  const done = new Set<ConfigNode>();
  for (const g of group(children)) {
    const n = g.nodes[0];
    if (done.has(n)) continue;
    const rule = ruleFor([...parentPath, n.name]);
    if (n.kind === 'entry' && rule?.wrapped) {
      // All entries of the list inside one `name { ... }` block, where the first one stands.
      const all = children.filter((c) => c.name === n.name && c.kind === 'entry');
      all.forEach((c) => done.add(c));
      lines.push(`${pad(level)}${n.name} {`);
      for (const e of all) renderOne({ nodes: [e] }, parentPath, level + 1, lines, rule, true);
      lines.push(`${pad(level)}}`);
      continue;
    }
    renderOne(g, parentPath, level, lines, rule, false);
  }
}

function renderOne(g: Group, parentPath: readonly string[], level: number, lines: string[], rule: Rule | undefined, inWrapper: boolean): void {
  const n = g.nodes[0];
  const prefix = n.inactive ? 'inactive: ' : '';
  if (n.comment !== undefined) lines.push(`${pad(level)}/* ${n.comment} */`);
  if (n.kind === 'leaf') {
    const secret = SECRET_LEAVES.has(n.name) ? ' ## SECRET-DATA' : '';
    lines.push(`${pad(level)}${prefix}${inlineWords(g)};${secret}`);
    return;
  }
  const path = [...parentPath, n.name];
  if (n.kind === 'container' && rule?.flat && n.children.length > 0) {
    // `family inet { ... }`: each child written with the container's keyword in front.
    const sub: string[] = [];
    renderChildren(n.children, path, level, sub);
    for (const l of sub) {
      const m = /^(\s*)(inactive: )?(.*)$/.exec(l) as RegExpExecArray;
      if (l.trimStart().startsWith('/*') || l.trimStart().startsWith('}') || l.length - l.trimStart().length > level * 4) {
        lines.push(l);
        continue;
      }
      lines.push(`${m[1]}${prefix}${m[2] ?? ''}${n.name} ${m[3]}`);
    }
    return;
  }
  let head = [...headWords(n, parentPath, inWrapper)].join(' ');
  if (n.kind === 'entry' && rule?.kind === 'list' && rule.positional && rule.bare) {
    // `address h1 10.1.0.0/24;`, or inside the block as a bare `10.1.0.0/24;` beside other statements.
    const v = n.children.find((c) => c.name === rule.positional && c.kind === 'leaf' && isSimple(c));
    if (v && n.children.length === 1) {
      lines.push(`${pad(level)}${prefix}${head} ${quote(v.value ?? '')};`);
      return;
    }
    if (v) {
      lines.push(`${pad(level)}${prefix}${head} {`);
      const kids = n.children.map((c) => (c === v ? { ...c, kind: 'flag' as const, name: quote(v.value ?? ''), value: undefined } : c));
      renderChildren(kids, path, level + 1, lines);
      lines.push(`${pad(level)}}`);
      return;
    }
  }
  const value = n.kind === 'container' && rule?.positional && rule.bare ? n.children[0] : undefined;
  if (value && value.name === rule?.positional && value.kind === 'leaf' && isSimple(value)) {
    // `autonomous-system 65010;`: the container's first leaf (YANG) is written as its value,
    // with further simple statements on the same line (`autonomous-system 65010 loops 2;`).
    const rest = n.children.slice(1);
    head = `${head} ${quote(value.value ?? '')}`;
    if (rest.every(isSimple)) {
      lines.push(`${pad(level)}${prefix}${[head, ...group(rest).map(inlineWords)].join(' ')};`);
      return;
    }
    lines.push(`${pad(level)}${prefix}${head} {`);
    renderChildren(rest, path, level + 1, lines);
    lines.push(`${pad(level)}}`);
    return;
  }
  if (n.children.length === 0) {
    lines.push(`${pad(level)}${prefix}${head};`);
    return;
  }
  if (rule?.oneliner) {
    const groups = group(n.children);
    const simple = n.children.every(isSimple);
    if (simple && (rule.oneliner === 'all' || groups.length === 1)) {
      lines.push(`${pad(level)}${prefix}${head} ${groups.map(inlineWords).join(' ')};`);
      return;
    }
  }
  lines.push(`${pad(level)}${prefix}${head} {`);
  renderChildren(n.children, path, level + 1, lines);
  lines.push(`${pad(level)}}`);
}
