/**
 * Comparing NETCONF replies as a person would: each reply flattened to one line per value
 * (`rpc-reply/configuration/system/host-name = "r1"`, list entries named by their key), the
 * volatile parts normalised (times, uptimes, counters, session ids, message-ids, serial
 * numbers, secrets), then a line diff that names the elements whose values differ.
 */
import { parseXml, type XmlElement } from '../netconf/xml.js';
import { REDACTED, redactSecrets } from './redact.js';

/** Attributes that say nothing about the device (or change by the second). */
const DROP_ATTR = /^(xmlns(:.*)?|message-id|junos:(changed-seconds|changed-localtime|commit-seconds|commit-localtime|seconds|format|style))$/;
/** Elements whose values change by themselves: times, uptimes, counters, identities of a session or board. */
const VOLATILE =
  /^(session-id|.*-seconds|seconds|.*-time|time|.*-timestamp|date-time|.*date|up-time|uptime|.*uptime|.*-age|age|load-average-.*|.*-packets|.*-bytes|.*-octets|.*-pps|.*-bps|.*-errors|.*-drops|.*-count|.*-counter|.*-rate|.*-utilization|cpu-.*|memory-.*-util.*|.*-in-use|used-blocks|available-blocks|used-percent|temperature|.*-temperature|celsius|.*-celsius|serial-number|serial|last-flapped|interface-flapped|statistics-cleared|.*-elapsed|.*-remaining|commit-seconds|last-.*-time|time-.*)$/;
const TIMES: [RegExp, string][] = [
  [/\b\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?: ?(?:[A-Z]{2,5}|Z|[+-]\d\d:?\d\d))?/g, '<time>'],
  [/\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d+ \d\d:\d\d:\d\d(?: \d{4})?/g, '<time>'],
  [/\b(?:\d+w)?\d+d ?\d+:\d\d(?::\d\d)?\b/g, '<uptime>'],
  [/\bup \d+ (?:days?|mins?|hours?)(?:, +\d+:\d\d)?/g, 'up <uptime>'],
  [/\b\d+ (?:weeks?|days?|hours?|minutes?|seconds?)(?:, \d+ (?:hours?|minutes?|seconds?))*(?: ago)?/g, '<duration>'],
  [/\(\d+:\d\d:\d\d ago\)/g, '(<duration> ago)'],
];

export interface NormaliseOptions {
  /** Serial numbers and other stand-ins known to be volatile, normalised wherever they appear. */
  extraVolatile?: string[];
}

/** Times and uptimes inside free text. */
export function normaliseText(s: string): string {
  let out = s;
  for (const [re, to] of TIMES) out = out.replace(re, to);
  return out;
}

function keyOf(el: XmlElement): string | undefined {
  for (const c of el.children) {
    if (typeof c !== 'string' && (c.name === 'name' || c.name === 'interface-name' || c.name === 'component-name' || c.name === 're-name' || c.name === 'slot')) {
      const t = c.children.filter((x): x is string => typeof x === 'string').join('').trim();
      if (t) return t;
    }
  }
  return undefined;
}

function flattenEl(el: XmlElement, prefix: string, out: string[], opts: NormaliseOptions): void {
  const key = keyOf(el);
  const here = `${prefix}${el.name}${key !== undefined ? `[${key}]` : ''}`;
  for (const [k, v] of Object.entries(el.attrs)) {
    if (DROP_ATTR.test(k)) continue;
    out.push(`${here}/@${k} = ${JSON.stringify(normaliseValue(k.replace(/^[\w.-]+:/, ''), v, opts))}`);
  }
  const kids = el.children.filter((c): c is XmlElement => typeof c !== 'string');
  const text = el.children
    .filter((c): c is string => typeof c === 'string')
    .join('')
    .trim();
  if (kids.length === 0) {
    out.push(text ? `${here} = ${JSON.stringify(normaliseValue(el.name, text, opts))}` : here);
    return;
  }
  if (text) out.push(`${here} = ${JSON.stringify(normaliseValue(el.name, text, opts))}`);
  for (const k of kids) flattenEl(k, `${here}/`, out, opts);
}

function normaliseValue(name: string, value: string, opts: NormaliseOptions): string {
  if (VOLATILE.test(name)) return `<${name}>`;
  let v = redactSecrets(value);
  for (const x of opts.extraVolatile ?? []) if (x) v = v.split(x).join('<volatile>');
  // Free text (format="text" output): times, and line-wise the same for counters' neighbours.
  v = normaliseText(v);
  return v;
}

/**
 * One reply as comparable lines. XML: flattened (one line per value, named by its path);
 * anything else (or XML that does not parse): its lines, normalised.
 */
export function flattenReply(text: string, opts: NormaliseOptions = {}): string[] {
  const body = text.replace(/^\s*<\?xml[^>]*\?>/, '').trim();
  try {
    const root = parseXml(body);
    const out: string[] = [];
    flattenEl(root, '', out, opts);
    // Text output (show ... | display text) compares line by line, so a diff names the line.
    return out.flatMap((l) => {
      const m = /^(.*\/output) = (".*")$/s.exec(l);
      if (!m) return [l];
      const lines = (JSON.parse(m[2]) as string).split('\n').map((x) => x.replace(/\s+$/, ''));
      return lines.map((x, i) => `${m[1]}:${i + 1} ${x}`);
    });
  } catch {
    return normaliseText(redactSecrets(body))
      .split('\n')
      .map((l) => l.replace(/\s+$/, ''));
  }
}

export interface LineDiff {
  /** Lines only in the recorded reply, only in the new one. */
  removed: string[];
  added: string[];
  /** Human lines: `path: "old" -> "new"`, `- path = v`, `+ path = v`. */
  lines: string[];
}

/** Beyond this many cells the middle of two replies is compared as multisets (no order). */
const LCS_CELLS = 4_000_000;

/** A diff of two line lists (common prefix and suffix first, then LCS of the middle). */
export function diffLines(a: string[], b: string[], maxLines = 60): LineDiff {
  let s = 0;
  while (s < a.length && s < b.length && a[s] === b[s]) s++;
  let e = 0;
  while (e < a.length - s && e < b.length - s && a[a.length - 1 - e] === b[b.length - 1 - e]) e++;
  const am = a.slice(s, a.length - e);
  const bm = b.slice(s, b.length - e);
  const ops: { op: '-' | '+'; line: string }[] = [];
  if (am.length * bm.length <= LCS_CELLS) {
    const n = am.length;
    const m = bm.length;
    const dp = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        dp[i * (m + 1) + j] = am[i] === bm[j] ? dp[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(dp[(i + 1) * (m + 1) + j], dp[i * (m + 1) + j + 1]);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) {
        i++;
        j++;
      } else if (j < m && (i === n || dp[i * (m + 1) + j + 1] >= dp[(i + 1) * (m + 1) + j])) ops.push({ op: '+', line: bm[j++] });
      else ops.push({ op: '-', line: am[i++] });
    }
  } else {
    const count = new Map<string, number>();
    for (const l of bm) count.set(l, (count.get(l) ?? 0) + 1);
    for (const l of am) {
      const c = count.get(l) ?? 0;
      if (c > 0) count.set(l, c - 1);
      else ops.push({ op: '-', line: l });
    }
    const left = new Map(count);
    for (const l of bm) {
      const c = left.get(l) ?? 0;
      if (c > 0) {
        ops.push({ op: '+', line: l });
        left.set(l, c - 1);
      }
    }
  }
  const removed = ops.filter((o) => o.op === '-').map((o) => o.line);
  const added = ops.filter((o) => o.op === '+').map((o) => o.line);
  // A removed and an added line of the same path: one changed value.
  const lines: string[] = [];
  const pathOf = (l: string) => /^(.*?) = /.exec(l)?.[1] ?? /^(.*?:\d+) /.exec(l)?.[1];
  const valueOf = (l: string) => l.slice((pathOf(l) ?? '').length).replace(/^ = |^ /, '');
  const usedAdded = new Set<number>();
  for (const r of removed) {
    const p = pathOf(r);
    const k = p === undefined ? -1 : added.findIndex((x, idx) => !usedAdded.has(idx) && pathOf(x) === p);
    if (k >= 0) {
      usedAdded.add(k);
      lines.push(`${p}: ${valueOf(r)} -> ${valueOf(added[k])}`);
    } else lines.push(`- ${r}`);
  }
  added.forEach((x, idx) => {
    if (!usedAdded.has(idx)) lines.push(`+ ${x}`);
  });
  const shown = lines.length > maxLines ? [...lines.slice(0, maxLines), `... and ${lines.length - maxLines} more`] : lines;
  return { removed, added, lines: shown };
}

/** The hello, comparable: capabilities in order (session-id normalised). */
export function flattenHello(text: string): string[] {
  return flattenReply(text).filter((l) => !l.startsWith('hello/session-id'));
}

export { REDACTED };
