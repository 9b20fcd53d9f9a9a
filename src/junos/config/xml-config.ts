/**
 * Junos XML configuration (`<configuration>`): reader (including load/edit-config
 * operation attributes) and writer.
 */
import { type XmlElement, elements, textOf, escapeText, escapeAttr } from '../../netconf/xml.js';
import { type ConfigNode, ConfigTree, node, type EditOp } from './tree.js';
import { ruleFor, keysOf } from './schema.js';
import { ConfigSyntaxError, editPath, type ConfigProblem } from './errors.js';
import { headWords } from './text.js';
import { checkStatementNames } from './statement-names.js';

export const XNM_NS = 'http://xml.juniper.net/xnm/1.1/xnm';

const OPS = new Set(['merge', 'replace', 'create', 'delete', 'remove']);

/** Finds an attribute by local name, whatever its prefix (`operation`, `nc:operation`, `xc:operation`). */
function attr(el: XmlElement, local: string): string | undefined {
  for (const [k, v] of Object.entries(el.attrs)) {
    if (k === local || k.endsWith(`:${local}`)) return v;
  }
  return undefined;
}

/**
 * Reads a `<configuration>` element (or a `<config>` holding one, or holding the
 * statements directly) into a tree. Edit attributes become node markers. A
 * `<configuration>` whose only content is another `<configuration>` (what ncclient's
 * load_configuration sends when given a `<configuration>` element) is read as the inner
 * one, as Junos does; a statement Junos would not take at the top is a syntax error.
 */
export function parseXmlConfig(el: XmlElement): ConfigTree {
  let top = el;
  if (top.name === 'config' || top.name === 'configuration-xml') {
    const conf = elements(top).find((c) => c.name === 'configuration');
    if (conf) top = conf;
  }
  for (;;) {
    const inner = elements(top).filter((c) => !(c.name === 'comment' && c.prefix === 'junos'));
    if (inner.length !== 1 || inner[0].name !== 'configuration' || top.children.some((c) => typeof c === 'string' && c.trim() !== '')) break;
    top = inner[0];
  }
  const tree = new ConfigTree();
  const problems: ConfigProblem[] = [];
  // `<configuration operation="replace">` (or `replace="replace"`), on the outer or inner element.
  for (let e: XmlElement | undefined = el; e; e = e === top ? undefined : elements(e).find((c) => c.name === 'configuration')) {
    const op = attr(e, 'operation');
    if (op === 'replace' || attr(e, 'replace') === 'replace') tree.root.op = 'replace';
  }
  readChildren(top, tree.root, [], [], problems);
  if (!problems.length) problems.push(...checkStatementNames(tree.root));
  if (problems.length) throw new ConfigSyntaxError(problems, tree);
  return tree;
}

function readChildren(el: XmlElement, into: ConfigNode, path: string[], words: string[], problems: ConfigProblem[]): void {
  let comment: string | undefined;
  for (const c of elements(el)) {
    if (c.name === 'comment' && c.prefix === 'junos') {
      comment = textOf(c).trim().replace(/^\/\*\s*/, '').replace(/\s*\*\/$/, '');
      continue;
    }
    if (c.name === 'undocumented') {
      // Junos wraps hidden statements in <undocumented>; they belong to the parent.
      readChildren(c, into, path, words, problems);
      continue;
    }
    const n = readElement(c, path, words, problems);
    if (!n) continue;
    if (comment !== undefined) n.comment = comment;
    comment = undefined;
    into.children.push(n);
  }
}

function readElement(el: XmlElement, parentPath: string[], words: string[], problems: ConfigProblem[]): ConfigNode | undefined {
  const path = [...parentPath, el.name];
  const kids = elements(el).filter((k) => !(k.name === 'comment' && k.prefix === 'junos'));
  const text = textOf(el).trim();
  const rule = ruleFor(path);
  let n: ConfigNode;
  const isKeyed =
    // A list element without its first key (`<providers><juniper>...`) is read as written;
    // the schema view turns its statements into entries.
    (rule?.kind === 'list' && kids.some((k) => k.name === keysOf(rule)[0].element)) ||
    (kids.length > 0 && kids[0].name === 'name' && elements(kids[0]).length === 0);
  if (isKeyed && kids.length > 0) {
    const defs = keysOf(rule);
    const keys = [];
    const rest = [...kids];
    for (const d of defs) {
      const at = rest.findIndex((k) => k.name === d.element);
      if (at < 0) {
        problems.push({ message: 'syntax error', badElement: el.name, path: editPath(words) });
        return undefined;
      }
      keys.push({ name: d.element, value: textOf(rest[at]).trim() });
      rest.splice(at, 1);
    }
    n = node(el.name, 'entry', { keys });
    const entryWords = [...words, ...headWords(n, parentPath)];
    readChildren({ ...el, children: rest }, n, path, entryWords, problems);
  } else if (kids.length > 0) {
    n = node(el.name, 'container');
    // Junos's flat form `<autonomous-system>65010<asdot-notation/></autonomous-system>`: the
    // text beside the statements is the container's bare value (the schema view gives it to
    // the leaf that takes it, as-number here).
    const bare = el.children.filter((c): c is string => typeof c === 'string').join('').trim();
    if (bare !== '') n.children.push(rule?.positional ? node(rule.positional, 'leaf', { value: bare }) : node(bare, 'flag'));
    readChildren(el, n, path, [...words, el.name], problems);
  } else if (text !== '') {
    n = node(el.name, 'leaf', { value: text });
  } else {
    n = node(el.name, rule?.kind === 'container' ? 'container' : 'flag');
  }
  const op = attr(el, 'operation');
  if (op !== undefined) {
    if (!OPS.has(op)) {
      problems.push({ message: `invalid operation: ${op}`, badElement: el.name, path: editPath(words) });
      return undefined;
    }
    n.op = op as EditOp;
  }
  if (attr(el, 'delete') === 'delete') n.op = 'delete';
  if (attr(el, 'replace') === 'replace') n.op = 'replace';
  if (attr(el, 'create') === 'create') n.op = 'create';
  const insert = attr(el, 'insert');
  if (insert !== undefined) {
    const where = readInsert(el, n, insert);
    if (!where) {
      problems.push({ message: `invalid insert: ${insert}`, badElement: el.name, path: editPath(words) });
      return undefined;
    }
    n.insert = where;
  }
  if (attr(el, 'inactive') === 'inactive') n.inactive = true;
  if (attr(el, 'active') === 'active') n.activate = true;
  return n;
}

/**
 * The insert marker of an element: Junos `insert="before|after" name="ref"` (a list keyed by
 * several elements names each: `from-zone-name="a" to-zone-name="b"`; a leaf-list takes
 * `name` or `value`), or YANG's `insert` with `key="[name='ref']"` / `value="ref"`, and
 * `first`/`last`. Undefined when it makes no sense.
 */
function readInsert(el: XmlElement, n: ConfigNode, where: string): ConfigNode['insert'] {
  if (where === 'first' || where === 'last') return { where };
  if (where !== 'before' && where !== 'after') return undefined;
  if (n.kind === 'entry') {
    const keys = n.keys ?? [];
    const yangKey = attr(el, 'key');
    if (yangKey !== undefined) {
      const vals = new Map<string, string>();
      for (const m of yangKey.matchAll(/\[\s*([^=\s\]]+)\s*=\s*(?:'([^']*)'|"([^"]*)")\s*\]/g)) vals.set(m[1].replace(/^.*:/, ''), m[2] ?? m[3]);
      const ref = keys.map((k) => vals.get(k.name));
      return ref.every((v) => v !== undefined) ? { where, ref: ref as string[] } : undefined;
    }
    const ref = keys.map((k, i) => attr(el, k.name) ?? (i === 0 ? attr(el, 'name') : undefined));
    return ref.every((v) => v !== undefined) ? { where, ref: ref as string[] } : undefined;
  }
  if (n.kind === 'leaf') {
    const ref = attr(el, 'value') ?? attr(el, 'name');
    return ref !== undefined ? { where, ref: [ref] } : undefined;
  }
  return undefined;
}

export interface XmlRenderOptions {
  /** Attributes of <configuration> besides xmlns, e.g. junos:commit-seconds. */
  attrs?: Record<string, string>;
  /** Declare xmlns:junos on <configuration> (when rendered outside an rpc-reply). */
  junosNs?: string;
  /** Indentation of <configuration> itself, in spaces. */
  indent?: number;
  /** Leave out xmlns (base NETCONF <data> has its own); default: Junos's xnm namespace. */
  xmlns?: string | null;
}

/** Renders a tree as Junos does: `<configuration xmlns=... junos:...>` with two-space indentation. */
export function renderXml(tree: ConfigTree, opts: XmlRenderOptions = {}): string {
  const base = ' '.repeat(opts.indent ?? 0);
  const attrs: string[] = [];
  const ns = opts.xmlns === undefined ? XNM_NS : opts.xmlns;
  if (ns) attrs.push(`xmlns="${escapeAttr(ns)}"`);
  if (opts.junosNs) attrs.push(`xmlns:junos="${escapeAttr(opts.junosNs)}"`);
  for (const [k, v] of Object.entries(opts.attrs ?? {})) attrs.push(`${k}="${escapeAttr(v)}"`);
  const open = `${base}<configuration${attrs.length ? ' ' + attrs.join(' ') : ''}>`;
  const lines = [open];
  for (const c of tree.root.children) writeNode(c, base + '  ', lines);
  lines.push(`${base}</configuration>`);
  return lines.join('\n');
}

/** Renders statements (children of some node) as XML lines, for subtree replies. */
export function renderXmlNodes(nodes: ConfigNode[], indent: string): string[] {
  const lines: string[] = [];
  for (const c of nodes) writeNode(c, indent, lines);
  return lines;
}

function writeNode(n: ConfigNode, ind: string, lines: string[]): void {
  if (n.comment !== undefined) lines.push(`${ind}<junos:comment>/* ${escapeText(n.comment)} */</junos:comment>`);
  const a = (n.inactive ? ' inactive="inactive"' : '') + (n.group !== undefined ? ` junos:group="${escapeAttr(n.group)}"` : '');
  if (n.kind === 'leaf') {
    lines.push(`${ind}<${n.name}${a}>${escapeText(n.value ?? '')}</${n.name}>`);
    return;
  }
  if (n.kind !== 'entry' && n.children.length === 0) {
    lines.push(`${ind}<${n.name}${a}/>`);
    return;
  }
  lines.push(`${ind}<${n.name}${a}>`);
  for (const k of n.keys ?? []) lines.push(`${ind}  <${k.name}>${escapeText(k.value)}</${k.name}>`);
  for (const c of n.children) writeNode(c, ind + '  ', lines);
  lines.push(`${ind}</${n.name}>`);
}
