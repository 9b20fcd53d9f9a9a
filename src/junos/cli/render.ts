/**
 * How the emulated cli shows device replies: command output as text, `| display xml` in
 * the Junos CLI's layout (4-space indent, a `<cli>` trailer), `| display json`, errors
 * with Junos's wording, and the text pipes (`match`, `except`, `count`, ...).
 */
import { elements, escapeAttr, escapeText, textOf, type XmlElement } from '../../netconf/xml.js';

export interface ReplyError {
  severity: 'error' | 'warning';
  message: string;
  badElement?: string;
  /** error-path, `[edit system]`. */
  path?: string;
}

/** The rpc-error elements anywhere in a reply (they also nest in load/commit results). */
export function replyErrors(root: XmlElement): ReplyError[] {
  const out: ReplyError[] = [];
  const walk = (el: XmlElement) => {
    for (const c of elements(el)) {
      if (c.name === 'rpc-error') {
        const get = (n: string) => {
          const e = elements(c).find((x) => x.name === n);
          return e ? textOf(e).trim() : undefined;
        };
        const info = elements(c).find((x) => x.name === 'error-info');
        const bad = info && elements(info).find((x) => x.name === 'bad-element');
        out.push({
          severity: get('error-severity') === 'warning' ? 'warning' : 'error',
          message: get('error-message') ?? 'error',
          badElement: bad ? textOf(bad).trim() : undefined,
          ...(get('error-path') ? { path: get('error-path') } : {}),
        });
      } else walk(c);
    }
  };
  walk(root);
  return out;
}

function qname(el: XmlElement): string {
  return el.prefix ? `${el.prefix}:${el.name}` : el.name;
}

function attrText(el: XmlElement): string {
  return Object.entries(el.attrs)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');
}

/** One element laid out as the Junos CLI does, children indented by four spaces. */
function layout(el: XmlElement, depth: number, lines: string[]): void {
  const pad = '    '.repeat(depth);
  const kids = elements(el);
  if (kids.length === 0) {
    const text = textOf(el);
    lines.push(text.length ? `${pad}<${qname(el)}${attrText(el)}>${escapeText(text)}</${qname(el)}>` : `${pad}<${qname(el)}${attrText(el)}/>`);
    return;
  }
  lines.push(`${pad}<${qname(el)}${attrText(el)}>`);
  for (const k of kids) layout(k, depth + 1, lines);
  lines.push(`${pad}</${qname(el)}>`);
}

/** `| display xml`: the reply block as the Junos CLI prints it. */
export function renderXml(root: XmlElement, banner = ''): string {
  const junosNs = root.attrs['xmlns:junos'];
  const lines = [`<rpc-reply${junosNs ? ` xmlns:junos="${escapeAttr(junosNs)}"` : ''}>`];
  for (const c of elements(root)) layout(c, 1, lines);
  lines.push('    <cli>', `        <banner>${escapeText(banner)}</banner>`, '    </cli>', '</rpc-reply>');
  return lines.join('\n') + '\n';
}

/** `| display json`: the JSON text Junos returns as the reply's own text. */
export function renderJson(root: XmlElement): string {
  const own = root.children.filter((c): c is string => typeof c === 'string').join('').trim();
  return own ? `${own}\n` : '';
}

/** Plain text output of a reply: the text inside its output elements. */
export function renderText(root: XmlElement): string {
  const parts = elements(root).filter((c) => c.name !== 'rpc-error');
  if (parts.length === 0) return renderJson(root);
  const structured = parts.some((p) => elements(p).some((k) => elements(k).length > 0 || !/output|text|set/.test(k.name)));
  if (structured && !parts.every((p) => /output|text|set/.test(p.name))) {
    // The device answered structured data to a text request: show it as XML rather than lose it.
    const lines: string[] = [];
    for (const p of parts) layout(p, 0, lines);
    return lines.join('\n') + '\n';
  }
  // The text of the output elements: a wrapper's own whitespace between them (the newlines
  // around <configuration-output> in <configuration-information>) is layout, not output.
  let text = parts.map((p) => (elements(p).length ? elements(p).map(textOf).join('') : textOf(p))).join('');
  text = text.replace(/^\n/, '');
  if (text.length && !text.endsWith('\n')) text += '\n';
  return text;
}

/**
 * Junos-style error lines. With `line` and `column0` (where the command starts on screen;
 * negative when the command is not on screen), a syntax error gets a caret under the
 * offending word.
 */
export function renderErrors(errors: ReplyError[], line?: string, column0 = 0): string {
  let out = '';
  for (const e of errors) {
    const msg = e.message.trim();
    if (e.severity === 'warning') {
      out += `warning: ${msg}\n`;
      continue;
    }
    if (/^(syntax error|unknown command)/.test(msg)) {
      if (line !== undefined && e.badElement && column0 >= 0) {
        const at = wordIndex(line, e.badElement);
        if (at >= 0) out += `${' '.repeat(column0 + at)}^\n`;
      }
      out += msg.endsWith('.') || msg.includes(':') ? `${msg}\n` : `${msg}.\n`;
    } else {
      out += `error: ${msg}\n`;
    }
  }
  return out;
}

/**
 * A commit's errors as the Junos cli prints them: an error about a statement as its
 * hierarchy, the statement quoted and the message indented; the rest as `error:` lines.
 *
 *     [edit interfaces xe-0/0/2 unit 0 family]
 *       'ethernet-switching'
 *         Family ethernet-switching and rest of the families are mutually exclusive
 *     error: commit failed: (statements constraint check failed)
 */
export function renderCommitErrors(errors: ReplyError[]): string {
  let out = '';
  for (const e of errors) {
    const msg = e.message.trim();
    if (e.severity === 'error' && e.path && e.badElement) {
      out += `${e.path}\n  '${e.badElement}'\n${msg.split('\n').map((l) => `    ${l}\n`).join('')}`;
    } else out += renderErrors([e]);
  }
  return out;
}

/**
 * A terminal load's errors as the Junos cli prints them, each at its place in the input
 * (found from its bad element, in input order): a text load
 *
 *     terminal:4:(18) syntax error: metric
 *       [edit protocols ospf topology default]
 *         'metric 65450;'
 *           syntax error
 *
 * (the column is where the token ends), a `load set` only `terminal:1:(36) syntax error:
 * metric` (the column is where the token starts; 0-based both, as Junos counts).
 */
export function renderLoadErrors(errors: ReplyError[], lines: string[], set: boolean): string {
  let out = '';
  let from = 0;
  for (const e of errors) {
    const msg = e.message.trim();
    if (e.severity === 'warning') {
      out += `${e.path ? `${e.path}\n  '${e.badElement ?? ''}'\n    ` : ''}warning: ${msg}\n`;
      continue;
    }
    const token = e.badElement?.split(/\s+/)[0];
    let at: { line: number; col: number } | undefined;
    for (let i = from; token && i < lines.length && !at; i++) {
      const m = new RegExp(`(^|[\\s{;])${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[\\s;{]|$)`).exec(lines[i]);
      const col = m ? m.index + m[1].length : -1;
      if (col >= 0) at = { line: i, col };
    }
    if (!at || !token) {
      out += `terminal: ${msg}${e.badElement ? `: ${e.badElement}` : ''}\n`;
      continue;
    }
    from = at.line;
    const l = lines[at.line];
    out += `terminal:${at.line + 1}:(${set ? at.col : at.col + token.length}) ${msg}: ${token}\n`;
    if (set) continue;
    const rest = l.slice(at.col);
    const end = rest.search(/[;{]/);
    const stmt = end >= 0 ? rest.slice(0, end + 1) : rest.trimEnd();
    out += `${e.path ? `  ${e.path}\n` : ''}    '${stmt}'\n      ${msg}\n`;
  }
  return out;
}

function wordIndex(line: string, word: string): number {
  const re = new RegExp(`(^|\\s)${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=\\s|$)`);
  const m = re.exec(line);
  return m ? m.index + m[1].length : -1;
}

/** Where the caret goes for a word (for errors found by the cli itself). */
export function caretAt(line: string, word: string, column0: number): string {
  const at = word === '' ? line.length : wordIndex(line, word);
  return at >= 0 && column0 >= 0 ? `${' '.repeat(column0 + at)}^\n` : '';
}

export interface Pipes {
  /** The command without its pipes, except those the device handles itself. */
  command: string;
  format: 'text' | 'xml' | 'json';
  /** Text filters to apply locally, in order. */
  filters: ((text: string) => string)[];
}

/** Splits at `|` outside quotes. */
export function splitPipeline(line: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quote = '';
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '|') {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  return parts;
}

function unquote(s: string): string {
  const t = s.trim();
  return /^(["']).*\1$/.test(t) ? t.slice(1, -1) : t;
}

/** Junos patterns are regular expressions; `|` in a quoted pattern means "or". */
function pattern(s: string): RegExp {
  try {
    return new RegExp(unquote(s), 'i');
  } catch {
    return new RegExp(unquote(s).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  }
}

const keepLines = (text: string, keep: (l: string) => boolean) => {
  const lines = text.split('\n');
  const last = lines.pop();
  const kept = lines.filter(keep);
  return kept.join('\n') + (kept.length ? '\n' : '') + (last ?? '');
};

/** Splits `cmd | pipe | pipe` into what goes to the device, the format and local filters. */
export function parsePipes(line: string): Pipes | { error: string } {
  const [command, ...pipes] = splitPipeline(line).map((p) => p.trim());
  const result: Pipes = { command, format: 'text', filters: [] };
  const forwarded: string[] = [];
  for (const p of pipes) {
    const [verb, ...rest] = p.split(/\s+/);
    const arg = rest.join(' ');
    if (verb === 'display' && arg === 'xml') result.format = 'xml';
    else if (verb === 'display' && arg === 'json') result.format = 'json';
    else if (verb === 'display' && arg === 'xml rpc') {
      result.format = 'xml';
      forwarded.push(p);
    } else if (verb === 'match' && arg) {
      const re = pattern(arg);
      result.filters.push((t) => keepLines(t, (l) => re.test(l)));
    } else if (verb === 'except' && arg) {
      const re = pattern(arg);
      result.filters.push((t) => keepLines(t, (l) => !re.test(l)));
    } else if (verb === 'find' && arg) {
      const re = pattern(arg);
      result.filters.push((t) => {
        const lines = t.split('\n');
        const at = lines.findIndex((l) => re.test(l));
        return at < 0 ? '' : lines.slice(at).join('\n');
      });
    } else if (verb === 'last' && /^\d*$/.test(arg)) {
      const n = Number(arg || 10);
      result.filters.push((t) => {
        const lines = t.replace(/\n$/, '').split('\n');
        return lines.slice(-n).join('\n') + '\n';
      });
    } else if (verb === 'count' && !arg) {
      result.filters.push((t) => `Count: ${t.split('\n').filter((l) => l.length).length} lines\n`);
    } else if (verb === 'no-more' && !arg) {
      /* output is never paged here */
    } else if (verb === 'display' || verb === 'compare' || verb === 'resolve' || verb === 'save') {
      forwarded.push(p);
    } else {
      return { error: verb };
    }
  }
  if (forwarded.length) result.command = [command, ...forwarded].join(' | ');
  return result;
}
