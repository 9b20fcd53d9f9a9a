/**
 * A small YANG reader: enough of RFC 7950 for Juniper's published configuration modules.
 *
 * parseYang(text) → the module's statement tree. A statement is { kw, arg, subs, line }.
 * Handles `//` and `/* *\/` comments, unquoted, single-quoted and double-quoted arguments
 * (escapes \n \t \" \\; other backslashes are kept as written, as YANG 1 did), and
 * `"a" + "b"` concatenation.
 */

export class YangSyntaxError extends Error {}

function tokenize(text, file) {
  const toks = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  const fail = (msg) => {
    throw new YangSyntaxError(`${file}:${line}: ${msg}`);
  };
  while (i < n) {
    const c = text[i];
    if (c === '\n') { line++; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated comment');
      for (let j = i; j < end; j++) if (text[j] === '\n') line++;
      i = end + 2;
      continue;
    }
    if (c === '{' || c === '}' || c === ';') {
      toks.push({ t: c, line });
      i++;
      continue;
    }
    if (c === '+' ) {
      toks.push({ t: '+', line });
      i++;
      continue;
    }
    if (c === '"') {
      const start = line;
      let s = '';
      i++;
      for (;;) {
        if (i >= n) fail('unterminated string');
        const d = text[i];
        if (d === '"') {
          // Juniper's files hold a few unescaped quotes inside strings ("Invalid key string ", \, ...").
          // A real closing quote is followed by ; { + or a line end: otherwise keep the quote.
          let k = i + 1;
          while (text[k] === ' ' || text[k] === '\t') k++;
          const after = text[k];
          if (k >= n || after === ';' || after === '{' || after === '}' || after === '+' || after === '\n' || after === '\r') { i++; break; }
          s += d;
          i++;
          continue;
        }
        if (d === '\\' && i + 1 < n) {
          const e = text[i + 1];
          if (e === 'n') s += '\n';
          else if (e === 't') s += '\t';
          else if (e === '"') s += '"';
          else if (e === '\\') s += '\\';
          else s += '\\' + e;
          i += 2;
          continue;
        }
        if (d === '\n') line++;
        s += d;
        i++;
      }
      toks.push({ t: 's', v: s, line: start });
      continue;
    }
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(i + 1, end);
      for (const ch of s) if (ch === '\n') line++;
      toks.push({ t: 's', v: s, line });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < n) {
      const d = text[j];
      if (d === ' ' || d === '\t' || d === '\r' || d === '\n' || d === ';' || d === '{' || d === '}') break;
      if (d === '/' && (text[j + 1] === '/' || text[j + 1] === '*')) break;
      j++;
    }
    toks.push({ t: 'w', v: text.slice(i, j), line });
    i = j;
  }
  return toks;
}

/** Parses one YANG file into its top statement (`module` or `submodule`). */
export function parseYang(text, file = '<yang>') {
  const toks = tokenize(text, file);
  let p = 0;
  const fail = (msg) => {
    const t = toks[Math.min(p, toks.length - 1)];
    throw new YangSyntaxError(`${file}:${t ? t.line : 0}: ${msg}`);
  };
  function argument() {
    const t = toks[p];
    if (!t) fail('unexpected end of file');
    if (t.t === 'w') { p++; return t.v; }
    if (t.t !== 's') return undefined;
    let s = t.v;
    p++;
    while (toks[p] && toks[p].t === '+' && toks[p + 1] && toks[p + 1].t === 's') {
      s += toks[p + 1].v;
      p += 2;
    }
    return s;
  }
  function statement() {
    const k = toks[p];
    if (!k || k.t !== 'w') fail(`expected a keyword, got ${k ? (k.v ?? k.t) : 'end of file'}`);
    p++;
    const st = { kw: k.v, arg: undefined, subs: [], line: k.line };
    const t = toks[p];
    if (t && (t.t === 'w' || t.t === 's')) st.arg = argument();
    const e = toks[p];
    if (!e) fail('unexpected end of file');
    if (e.t === ';') { p++; return st; }
    if (e.t !== '{') fail(`expected ; or { after ${st.kw}`);
    p++;
    while (toks[p] && toks[p].t !== '}') st.subs.push(statement());
    if (!toks[p]) fail(`missing } for ${st.kw} opened on line ${k.line}`);
    p++;
    return st;
  }
  const top = statement();
  if (p !== toks.length) fail('text after the end of the module');
  return top;
}

export const sub = (st, kw) => st.subs.find((s) => s.kw === kw);
export const subs = (st, kw) => st.subs.filter((s) => s.kw === kw);
