/**
 * Junos JSON configuration (`{"configuration": {...}}`): lists are arrays of objects
 * carrying their keys, empty leaves are `[null]`, leaf-lists arrays of values, and
 * metadata sits in `"@"` (object) or `"@name"` (leaf) members.
 *
 * Values are written as JSON strings (Junos writes some numbers bare; both read the same).
 */
import { type ConfigNode, ConfigTree, node, type EditOp } from './tree.js';
import { ruleFor, keysOf } from './schema.js';
import { ConfigSyntaxError } from './errors.js';
import { checkStatementNames } from './statement-names.js';

export interface JsonRenderOptions {
  /** Members of the top `"@"` object (junos:commit-seconds, ...). */
  attrs?: Record<string, string>;
}

type Json = null | string | number | boolean | Json[] | { [k: string]: Json };

function meta(n: ConfigNode): Record<string, Json> | undefined {
  const m: Record<string, Json> = {};
  if (n.inactive) m.inactive = true;
  if (n.comment !== undefined) m.comment = `/* ${n.comment} */`;
  if (n.group !== undefined) m['junos:group'] = n.group;
  return Object.keys(m).length ? m : undefined;
}

function toObject(children: ConfigNode[], path: string[], top?: Record<string, Json>): Record<string, Json> {
  const obj: Record<string, Json> = {};
  if (top) obj['@'] = top;
  const seen = new Set<string>();
  for (const c of children) {
    if (seen.has(c.name)) continue;
    seen.add(c.name);
    const same = children.filter((x) => x.name === c.name);
    const p = [...path, c.name];
    if (c.kind === 'entry') {
      obj[c.name] = same.map((e) => {
        const o: Record<string, Json> = {};
        const m = meta(e);
        if (m) o['@'] = m;
        for (const k of e.keys ?? []) o[k.name] = k.value;
        Object.assign(o, toObject(e.children, p));
        return o;
      });
    } else if (c.kind === 'leaf') {
      const leafList = same.length > 1 || ruleFor(p)?.kind === 'leaf-list';
      obj[c.name] = leafList ? same.map((x) => x.value ?? '') : (c.value ?? '');
      const metas = same.map(meta);
      if (metas.some((m) => m)) obj[`@${c.name}`] = leafList ? metas.map((m) => m ?? null) : (metas[0] as Json);
    } else if (c.children.length === 0) {
      obj[c.name] = [null];
      const m = meta(c);
      if (m) obj[`@${c.name}`] = m;
    } else {
      const m = meta(c);
      obj[c.name] = toObject(c.children, p, m);
    }
  }
  return obj;
}

/** Junos-style layout: `"key" : value`, four spaces, array members at their key's depth. */
function write(v: Json, ind: string): string {
  if (v === null) return 'null';
  if (typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) {
    if (v.every((x) => x === null || typeof x !== 'object')) return `[${v.map((x) => write(x, ind)).join(', ')}]`;
    return `[\n${v.map((x) => ind + write(x, ind)).join(', \n')}\n${ind}]`;
  }
  const entries = Object.entries(v);
  if (!entries.length) return '{}';
  const inner = ind + '    ';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)} : ${write(x, inner)}`).join(', \n')}\n${ind}}`;
}

export function renderJson(tree: ConfigTree, opts: JsonRenderOptions = {}): string {
  const attrs = opts.attrs && Object.keys(opts.attrs).length ? opts.attrs : undefined;
  const body = toObject(tree.root.children, [], attrs);
  return write({ configuration: body }, '') + '\n';
}

// ---------------------------------------------------------------------------------------

function bad(message: string, el?: string): never {
  throw new ConfigSyntaxError([{ message, badElement: el }]);
}

function applyMeta(n: ConfigNode, m: Json | undefined): void {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return;
  if (m.inactive === true || m.inactive === 'inactive') n.inactive = true;
  if (m.active === true || m.active === 'active') n.activate = true;
  const op = (m.operation ?? (m.delete === 'delete' ? 'delete' : m.replace === 'replace' ? 'replace' : undefined)) as string | undefined;
  if (op !== undefined) {
    if (!['merge', 'replace', 'create', 'delete', 'remove'].includes(op)) bad(`invalid operation: ${op}`, n.name);
    n.op = op as EditOp;
  }
  if (typeof m.comment === 'string') n.comment = m.comment.replace(/^\/\*\s*/, '').replace(/\s*\*\/$/, '');
}

/** A list item with only edit metadata and none of its keys: a delete of the whole list. */
function isKeylessDelete(item: Record<string, Json>, keys: string[]): boolean {
  const m = item['@'];
  if (!m || typeof m !== 'object' || Array.isArray(m)) return false;
  const op = m.operation ?? (m.delete === 'delete' ? 'delete' : undefined);
  return (op === 'delete' || op === 'remove') && !keys.some((k) => k in item) && Object.keys(item).every((k) => k.startsWith('@'));
}

function scalar(v: Json, name: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return bad('syntax error', name);
}

function fromObject(obj: Record<string, Json>, path: string[], into: ConfigNode): void {
  for (const [k, v] of Object.entries(obj)) {
    if (k.startsWith('@')) continue;
    const p = [...path, k];
    const m = obj[`@${k}`];
    if (Array.isArray(v)) {
      if (v.length === 1 && v[0] === null) {
        const n = node(k, 'flag');
        applyMeta(n, m);
        into.children.push(n);
      } else if (v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) {
        const defs = keysOf(ruleFor(p));
        for (const item of v as Record<string, Json>[]) {
          if (isKeylessDelete(item, defs.map((d) => d.element))) {
            // `"address": [{"@": {"operation": "delete"}}]`: every entry of the list.
            const n = node(k, 'flag');
            applyMeta(n, item['@']);
            into.children.push(n);
            continue;
          }
          const keys = defs.map((d) => {
            if (!(d.element in item)) bad('syntax error', k);
            return { name: d.element, value: scalar(item[d.element], d.element) };
          });
          const n = node(k, 'entry', { keys });
          applyMeta(n, item['@']);
          const rest = { ...item };
          for (const d of defs) delete rest[d.element];
          fromObject(rest, p, n);
          into.children.push(n);
        }
      } else {
        v.forEach((x, idx) => {
          const n = node(k, 'leaf', { value: scalar(x, k) });
          if (Array.isArray(m)) applyMeta(n, m[idx]);
          into.children.push(n);
        });
      }
    } else if (v !== null && typeof v === 'object') {
      const n = node(k, 'container');
      applyMeta(n, v['@']);
      fromObject(v, p, n);
      into.children.push(n);
    } else if (v === null) {
      const n = node(k, 'flag');
      applyMeta(n, m);
      into.children.push(n);
    } else {
      const n = node(k, 'leaf', { value: scalar(v, k) });
      applyMeta(n, m);
      into.children.push(n);
    }
  }
}

/** Reads Junos JSON (tolerating the bare `3m`-style values older releases write). */
export function parseJson(text: string): ConfigTree {
  let data: Json;
  try {
    data = JSON.parse(text) as Json;
  } catch {
    try {
      data = JSON.parse(text.replace(/(:\s*)(-?[0-9][0-9A-Za-z.:/-]*)(\s*[,}\]\n])/g, (all, a: string, v: string, b: string) => (/^-?\d+(\.\d+)?$/.test(v) ? all : `${a}"${v}"${b}`))) as Json;
    } catch (e) {
      return bad(`syntax error: ${(e as Error).message}`);
    }
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return bad('syntax error', 'configuration');
  const conf = (data as Record<string, Json>).configuration ?? data;
  if (!conf || typeof conf !== 'object' || Array.isArray(conf)) return bad('syntax error', 'configuration');
  const tree = new ConfigTree();
  fromObject(conf, [], tree.root);
  const problems = checkStatementNames(tree.root);
  if (problems.length) throw new ConfigSyntaxError(problems);
  return tree;
}
