/**
 * junos:must expressions: a boolean algebra over configuration paths.
 *
 *   "(!(\".. .. ccc\" || \".. .. mpls\"))"      neither sibling statement may be configured
 *   "(\"interfaces $$\")"                      the value must name a configured interface
 *   "(any \"policy-options policy-statement <*> term <*> from\")"
 *
 * A quoted path is true when the statement exists. Paths are absolute (from the configuration
 * root) unless they start with `..` (up one level per `..`, from the statement that carries
 * the rule) or `.` (the statement itself). Inside a path `$$` is the value (or key) of the
 * statement carrying the rule, `${name}` the key of the enclosing `name` list entry, `<*>`
 * any list entry, `$$={v}` requires the value to equal v, and `$$-IFL` names an interface
 * with its unit. `any`/`all`/`unique` quantify over the entries `<*>` matches.
 */
export type MustExpr =
  | { op: 'path'; quant?: 'any' | 'all' | 'unique'; up: number; self: boolean; words: string[] }
  | { op: 'not'; arg: MustExpr }
  | { op: 'and' | 'or'; args: [MustExpr, MustExpr] };

type Tok = { t: '(' | ')' | '!' | '&&' | '||' } | { t: 's'; v: string } | { t: 'w'; v: string };

function tokenize(expr: string): Tok[] | null {
  const out: Tok[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === ' ' || c === '\t' || c === '\n') { i++; continue; }
    if (c === '(' || c === ')' || c === '!') { out.push({ t: c }); i++; continue; }
    if (expr.startsWith('&&', i) || expr.startsWith('||', i)) { out.push({ t: expr.slice(i, i + 2) as '&&' | '||' }); i += 2; continue; }
    if (c === '"') {
      const end = expr.indexOf('"', i + 1);
      if (end < 0) return null;
      out.push({ t: 's', v: expr.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const m = /^[A-Za-z_][\w-]*/.exec(expr.slice(i));
    if (!m) return null;
    out.push({ t: 'w', v: m[0] });
    i += m[0].length;
  }
  return out;
}

/** Parses a junos:must expression; null when it uses a shape this reader does not know. */
export function parseMust(expr: string): MustExpr | null {
  const tokens = tokenize(expr);
  if (!tokens) return null;
  const toks: Tok[] = tokens;
  let p = 0;
  const peek = () => toks[p]?.t;
  function primary(): MustExpr | null {
    const t = toks[p];
    if (!t) return null;
    if (t.t === '!') { p++; const a = primary(); return a && { op: 'not', arg: a }; }
    if (t.t === '(') {
      p++;
      const e = orExpr();
      if (!e || peek() !== ')') return null;
      p++;
      return e;
    }
    let quant: 'any' | 'all' | 'unique' | undefined;
    if (t.t === 'w') {
      if (t.v !== 'any' && t.v !== 'all' && t.v !== 'unique') return null;
      quant = t.v;
      p++;
    }
    const s = toks[p];
    if (!s || s.t !== 's') return null;
    p++;
    const words = s.v.trim().split(/\s+/).filter(Boolean);
    let up = 0;
    let self = false;
    while (words[0] === '..') { up++; words.shift(); }
    if (up === 0 && words[0] === '.') { self = true; words.shift(); }
    return { op: 'path', quant, up, self, words };
  }
  function andExpr(): MustExpr | null {
    let a = primary();
    while (a && peek() === '&&') { p++; const b = primary(); if (!b) return null; a = { op: 'and', args: [a, b] }; }
    return a;
  }
  function orExpr(): MustExpr | null {
    let a = andExpr();
    while (a && peek() === '||') { p++; const b = andExpr(); if (!b) return null; a = { op: 'or', args: [a, b] }; }
    return a;
  }
  const e = orExpr();
  return e && p === toks.length ? e : null;
}
