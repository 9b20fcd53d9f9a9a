/**
 * Compiles parsed YANG modules of one Junos family into the compact schema the emulator
 * loads (see src/schema/format.ts for the format; keep the two in step).
 *
 * Every schema node and every type is interned: a subtree that occurs many times (a
 * grouping used in hundreds of places, the same hierarchy under `configuration` and under
 * `groups <name>`) is stored once and referenced by index. Names, enumeration values and
 * junos:must texts go to one string table.
 */
import { sub, subs } from './yang.mjs';

export const FORMAT_VERSION = 1;

const BUILTIN = new Set([
  'string', 'empty', 'boolean', 'enumeration', 'union', 'decimal64', 'bits', 'binary', 'identityref',
  'instance-identifier', 'leafref',
  'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64',
]);
const EXT_MODULE = 'junos-common-ddl-extensions';
const TYPES_MODULE = 'junos-common-types';

/** Statements that carry nothing the schema keeps. */
const IGNORED = new Set([
  'description', 'reference', 'status', 'units', 'max-elements', 'min-elements', 'config', 'when',
  'if-feature', 'grouping', 'typedef', 'must', 'unique', 'junos:trans-script', 'error-message',
  'error-app-tag', 'position', 'value', 'yang-version', 'namespace', 'prefix', 'organization', 'contact',
  'revision', 'import', 'include', 'belongs-to', 'extension', 'feature', 'identity', 'rpc', 'notification',
  'deviation', 'augment', 'module', 'submodule',
]);

const stripPrefix = (s) => s.slice(s.indexOf(':') + 1);
const normRange = (s) => s.replace(/\s+/g, '').trim();
/** Messages continued over several lines in the YANG read as one line. */
const oneLine = (s) => s.replace(/\s*\n\s*/g, ' ').trim();

/** Leaves the YANG types as plain strings that Junos checks as a Junos type. */
export const JUNOS_OVERRIDES = {
  'interfaces interface name': 'interface-device',
};

export function compileFamily(parsedModules, { family = '', release = '', log = () => {}, overrides = JUNOS_OVERRIDES } = {}) {
  /** name → { st, name, prefix, imports: Map<prefix, moduleName>, scope } */
  const modules = new Map();
  for (const st of parsedModules) {
    if (st.kw !== 'module' && st.kw !== 'submodule') continue;
    const m = { st, name: st.arg, prefix: sub(st, 'prefix')?.arg ?? '', imports: new Map() };
    for (const imp of subs(st, 'import')) m.imports.set(sub(imp, 'prefix')?.arg ?? imp.arg, imp.arg);
    m.scope = makeScope(st, null, m);
    modules.set(m.name, m);
  }

  const stats = { unhandled: new Map(), duplicates: 0, uses: 0, refines: 0, augments: 0, musts: 0 };
  const note = (kw) => stats.unhandled.set(kw, (stats.unhandled.get(kw) ?? 0) + 1);

  // ---- interning tables ----
  const strings = [];
  const stringIds = new Map();
  const str = (s) => {
    let id = stringIds.get(s);
    if (id === undefined) { id = strings.length; strings.push(s); stringIds.set(s, id); }
    return id;
  };
  const nodes = [];
  const nodeIds = new Map();
  const internNode = (obj) => {
    const n = canonicalNode(obj);
    const key = JSON.stringify(n);
    let id = nodeIds.get(key);
    if (id === undefined) { id = nodes.length; nodes.push(n); nodeIds.set(key, id); }
    return id;
  };
  const types = [];
  const typeIds = new Map();
  const internType = (t) => {
    const key = JSON.stringify(t);
    let id = typeIds.get(key);
    if (id === undefined) { id = types.length; types.push(t); typeIds.set(key, id); }
    return id;
  };

  // ---- scopes: groupings and typedefs, lexically nested ----
  function makeScope(st, parent, mod) {
    const g = subs(st, 'grouping');
    const t = subs(st, 'typedef');
    if (parent && g.length === 0 && t.length === 0) return parent;
    const scope = { parent, mod, groupings: new Map(), typedefs: new Map() };
    for (const s of g) scope.groupings.set(s.arg, { st: s, scope: null });
    for (const s of t) scope.typedefs.set(s.arg, { st: s, scope: null });
    for (const v of scope.groupings.values()) v.scope = scope;
    for (const v of scope.typedefs.values()) v.scope = scope;
    return scope;
  }
  function lookup(kind, name, scope) {
    const i = name.indexOf(':');
    if (i >= 0) {
      const pfx = name.slice(0, i);
      const local = name.slice(i + 1);
      if (pfx !== scope.mod.prefix) {
        const target = modules.get(scope.mod.imports.get(pfx));
        if (!target) throw new Error(`${scope.mod.name}: unknown prefix ${pfx} in ${name}`);
        return target.scope[kind].get(local);
      }
      name = local;
    }
    for (let s = scope; s; s = s.parent) {
      const hit = s[kind].get(name);
      if (hit) return hit;
    }
    return undefined;
  }
  /** Local name of a Junos extension statement (`junos:must` → `must`), else undefined. */
  function junosExt(st, scope) {
    const i = st.kw.indexOf(':');
    if (i < 0) return undefined;
    const mod = scope.mod.imports.get(st.kw.slice(0, i));
    return mod === EXT_MODULE ? st.kw.slice(i + 1) : undefined;
  }

  // ---- types ----
  function compileType(st, scope) {
    const name = st.arg;
    let t;
    if (BUILTIN.has(name)) {
      t = { b: name === 'identityref' || name === 'bits' || name === 'binary' || name === 'leafref' || name === 'instance-identifier' ? 'string' : name };
    } else {
      const td = lookup('typedefs', name, scope);
      if (!td) throw new Error(`${scope.mod.name}: unknown type ${name}`);
      const inner = sub(td.st, 'type');
      t = { ...compileType(inner, td.scope) };
      if (td.scope.mod.name === TYPES_MODULE) t.j = stripPrefix(name);
    }
    for (const s of st.subs) {
      const ext = junosExt(s, scope);
      if (s.kw === 'range') t.r = normRange(s.arg);
      else if (s.kw === 'length') t.l = normRange(s.arg);
      else if (s.kw === 'pattern') {
        t.p = [...(t.p ?? []), s.arg];
        const em = sub(s, 'error-message');
        if (em) t.m = oneLine(em.arg);
      } else if (ext === 'posix-pattern') t.x = [...(t.x ?? []), s.arg];
      else if (ext === 'pattern-message') t.m = oneLine(s.arg);
      else if (s.kw === 'enum') t.e = [...(t.e ?? []), str(s.arg)];
      else if (s.kw === 'type') t.u = [...(t.u ?? []), internType(canonicalType(compileType(s, scope)))];
      else if (s.kw === 'fraction-digits') t.f = Number(s.arg);
      else if (s.kw === 'bit' || s.kw === 'base' || s.kw === 'path' || s.kw === 'require-instance') { /* kept as string */ }
      else if (!IGNORED.has(s.kw)) note(`type/${s.kw}`);
    }
    return t;
  }
  function canonicalType(t) {
    const o = { b: t.b };
    for (const k of ['j', 'r', 'l', 'p', 'x', 'm', 'e', 'u', 'f']) if (t[k] !== undefined) o[k] = t[k];
    return o;
  }
  const typeOf = (st, scope) => internType(canonicalType(compileType(st, scope)));

  // ---- nodes ----
  function canonicalNode(n) {
    const o = { k: n.k };
    for (const key of ['y', 'o', 'm', 'd', 't', 'c', 'x', 'w']) {
      const v = n[key];
      if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
      o[key] = v;
    }
    return o;
  }

  /** Accumulator for a node's body: children as [nameId, nodeId] pairs, choices, musts. */
  const newBody = () => ({ c: [], x: [] });
  function addChild(body, name, id) {
    const nid = str(name);
    if (body.c.some(([n]) => n === nid)) { stats.duplicates++; return; }
    body.c.push([nid, id]);
  }
  function mergeBody(into, from) {
    for (const [n, id] of from.c) {
      if (into.c.some(([m]) => m === n)) { stats.duplicates++; continue; }
      into.c.push([n, id]);
    }
    into.x.push(...from.x);
  }

  const usesMemo = new Map();
  function expandUses(st, scope) {
    stats.uses++;
    const g = lookup('groupings', st.arg, scope);
    if (!g) throw new Error(`${scope.mod.name}:${st.line}: unknown grouping ${st.arg}`);
    let body = usesMemo.get(g);
    if (!body) {
      body = newBody();
      expandBody(g.st.subs, makeScope(g.st, g.scope, g.scope.mod), body);
      usesMemo.set(g, body);
    }
    const refines = subs(st, 'refine');
    const augments = subs(st, 'augment');
    if (refines.length === 0 && augments.length === 0) return body;
    let pairs = body.c;
    for (const r of refines) {
      stats.refines++;
      pairs = modifyAt(pairs, r.arg.split('/').filter(Boolean).map(stripPrefix), (n) => applyRefine(n, r, scope));
    }
    for (const a of augments) {
      stats.augments++;
      pairs = modifyAt(pairs, a.arg.split('/').filter(Boolean).map(stripPrefix), (n) => applyAugment(n, a, scope));
    }
    return { c: pairs, x: body.x };
  }

  function applyRefine(n, r, scope) {
    const o = { ...n };
    for (const s of r.subs) {
      const ext = junosExt(s, scope);
      if (s.kw === 'default') o.d = s.arg;
      else if (s.kw === 'mandatory') o.m = s.arg === 'true' ? 1 : undefined;
      else if (s.kw === 'presence') { if (o.k === 'c') o.k = 'p'; }
      else if (ext === 'must') o.w = [...(o.w ?? []), str(s.arg), -1];
      else if (ext === 'must-message' && o.w) o.w = [...o.w.slice(0, -1), str(oneLine(s.arg))];
      else if (!IGNORED.has(s.kw)) note(`refine/${s.kw}`);
    }
    return o;
  }
  function applyAugment(n, a, scope) {
    const body = newBody();
    for (let i = 0; i < (n.c?.length ?? 0); i += 2) body.c.push([n.c[i], n.c[i + 1]]);
    body.x = [...(n.x ?? [])];
    const extra = newBody();
    expandBody(a.subs, makeScope(a, scope, scope.mod), extra);
    mergeBody(body, extra);
    return { ...n, c: body.c.flat(), x: body.x };
  }
  /** Returns new pairs where the node at `path` (below these pairs) is replaced by fn(node). */
  function modifyAt(pairs, path, fn) {
    const nid = stringIds.get(path[0]);
    const i = pairs.findIndex(([n]) => n === nid);
    if (i < 0) throw new Error(`refine/augment target not found: ${path.join('/')}`);
    const node = nodes[pairs[i][1]];
    let changed;
    if (path.length === 1) changed = fn(node);
    else {
      const kids = [];
      for (let j = 0; j < (node.c?.length ?? 0); j += 2) kids.push([node.c[j], node.c[j + 1]]);
      changed = { ...node, c: modifyAt(kids, path.slice(1), fn).flat() };
    }
    const out = pairs.slice();
    out[i] = [pairs[i][0], internNode(changed)];
    return out;
  }

  function expandBody(stmts, scope, body) {
    for (const st of stmts) {
      switch (st.kw) {
        case 'container': case 'list': case 'leaf': case 'leaf-list':
          addChild(body, st.arg, buildNode(st, scope));
          break;
        case 'uses':
          mergeBody(body, expandUses(st, scope));
          break;
        case 'choice': {
          const cases = [];
          const inner = newBody();
          for (const c of st.subs) {
            const one = newBody();
            if (c.kw === 'case') expandBody(c.subs, makeScope(c, scope, scope.mod), one);
            else if (['container', 'list', 'leaf', 'leaf-list', 'choice', 'uses'].includes(c.kw)) expandBody([c], scope, one);
            else { if (!IGNORED.has(c.kw) && c.kw !== 'default' && c.kw !== 'mandatory') note(`choice/${c.kw}`); continue; }
            cases.push(one.c.map(([n]) => n));
            mergeBody(inner, one);
          }
          mergeBody(body, inner);
          body.x.push([str(st.arg), cases]);
          break;
        }
        case 'anyxml': case 'anydata':
          addChild(body, st.arg, internNode({ k: 'c' }));
          break;
        default:
          if (!IGNORED.has(st.kw) && !junosExt(st, scope) && !isNodeProp(st.kw)) note(st.kw);
      }
    }
  }
  const isNodeProp = (kw) => ['key', 'ordered-by', 'presence', 'type', 'default', 'mandatory', 'config'].includes(kw);

  function mustsOf(st, scope) {
    const w = [];
    for (const s of st.subs) {
      const ext = junosExt(s, scope);
      if (ext === 'must') { w.push(str(s.arg), -1); stats.musts++; }
      else if (ext === 'must-message' && w.length && w[w.length - 1] === -1) w[w.length - 1] = str(oneLine(s.arg));
    }
    return w;
  }

  function buildNode(st, outer) {
    const scope = makeScope(st, outer, outer.mod);
    const ordered = sub(st, 'ordered-by')?.arg === 'user' ? 1 : undefined;
    const w = mustsOf(st, scope);
    if (st.kw === 'leaf' || st.kw === 'leaf-list') {
      const ty = sub(st, 'type');
      if (!ty) throw new Error(`${scope.mod.name}:${st.line}: ${st.kw} ${st.arg} has no type`);
      const t = typeOf(ty, scope);
      const mandatory = sub(st, 'mandatory')?.arg === 'true' ? 1 : undefined;
      const dflt = sub(st, 'default')?.arg;
      if (st.kw === 'leaf' && types[t].b === 'empty') return internNode({ k: 'e', m: mandatory, w });
      if (st.kw === 'leaf') return internNode({ k: 'f', m: mandatory, d: dflt, t, w });
      return internNode({ k: 'L', o: ordered, t, w });
    }
    const body = newBody();
    expandBody(st.subs, scope, body);
    const c = body.c.flat();
    if (st.kw === 'container') return internNode({ k: sub(st, 'presence') ? 'p' : 'c', c, x: body.x, w });
    const keys = (sub(st, 'key')?.arg ?? '').split(/\s+/).filter(Boolean).map(str);
    return internNode({ k: 'l', y: keys, o: ordered, c, x: body.x, w });
  }

  // ---- the root: `container configuration` plus every top-level augment ----
  let rootPairs = [];
  let rootModule;
  for (const m of modules.values()) {
    for (const st of subs(m.st, 'container')) {
      if (st.arg !== 'configuration') continue;
      rootModule = m;
      rootPairs = [[str('configuration'), buildNode(st, m.scope)]];
    }
  }
  if (!rootModule) throw new Error('no module defines container configuration');
  let augmentCount = 0;
  for (const m of modules.values()) {
    for (const a of subs(m.st, 'augment')) {
      const path = a.arg.split('/').filter(Boolean).map(stripPrefix);
      rootPairs = modifyAt(rootPairs, path, (n) => applyAugment(n, a, m.scope));
      augmentCount++;
    }
  }
  // Where the YANG says only `type string` but Junos checks more (interface names), the
  // generator names the Junos type itself: { path below configuration (and groups): jt typedef }.
  for (const [rel, j] of Object.entries(overrides)) {
    const segs = rel.split(' ');
    const retype = (n) => ({ ...n, t: internType({ b: 'union', u: [internType({ b: 'string', j }), internType({ b: 'string', p: ['<.*>|$.*'] })] }) });
    for (const base of [['configuration'], ['configuration', 'groups']]) {
      try {
        rootPairs = modifyAt(rootPairs, [...base, ...segs], retype);
      } catch {
        log(`${family}: override target ${rel} not found under ${base.join(' ')}`);
      }
    }
  }
  const root = rootPairs[0][1];
  log(`${family}: ${modules.size} modules, ${augmentCount} top-level augments, ${stats.uses} uses expanded, ` +
    `${nodes.length} nodes (${nodeIds.size} unique), ${types.length} types, ${strings.length} strings, ` +
    `${stats.duplicates} duplicate names dropped`);
  if (stats.unhandled.size) log(`${family}: statements ignored: ${[...stats.unhandled].map(([k, v]) => `${k}×${v}`).join(', ')}`);

  // Drop nodes no longer reachable (superseded by refine/augment rewrites) and renumber.
  const keep = new Map();
  const order = [];
  const visit = (id) => {
    if (keep.has(id)) return;
    keep.set(id, -1);
    const n = nodes[id];
    for (let i = 1; i < (n.c?.length ?? 0); i += 2) visit(n.c[i]);
    keep.set(id, order.length);
    order.push(id);
  };
  visit(root);
  const outNodes = order.map((id) => {
    const n = { ...nodes[id] };
    if (n.c) n.c = n.c.map((v, i) => (i % 2 ? keep.get(v) : v));
    return n;
  });
  return {
    v: FORMAT_VERSION,
    family,
    release,
    root: keep.get(root),
    s: strings,
    t: types,
    n: outNodes,
  };
}
