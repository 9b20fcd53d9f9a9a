/**
 * Value checks for schema leaves: built-in YANG types with their range, length and
 * pattern restrictions, junos:posix-pattern, enumerations, unions, and the Junos typedefs
 * checked in code (junos-types.ts).
 */
import type { RawType } from './format.js';
import { junosTypeCheck } from './junos-types.js';

export interface ValueProblem {
  /** What Junos puts in error-message: `invalid value` or `value outside range`. */
  message: 'invalid value' | 'value outside range';
  /** The explanation Junos adds: the pattern-message, the range, the allowed values. */
  detail: string;
  kind: 'number' | 'range' | 'length' | 'pattern' | 'enumeration' | 'type' | 'flag';
}

/** A compiled type: raw type plus the string table to read enum names. */
export interface TypeContext {
  types: RawType[];
  strings: string[];
}

const INT_BOUNDS: Record<string, [bigint, bigint]> = {
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-2147483648n, 2147483647n],
  int64: [-9223372036854775808n, 9223372036854775807n],
  uint8: [0n, 255n],
  uint16: [0n, 65535n],
  uint32: [0n, 4294967295n],
  uint64: [0n, 18446744073709551615n],
};

const regexCache = new Map<string, RegExp | null>();

/** YANG patterns are XML Schema regular expressions: implicitly anchored, `^` and `$` literal. */
export function xsdToRegExp(p: string): RegExp | null {
  const key = 'x' + p;
  if (regexCache.has(key)) return regexCache.get(key)!;
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\' && i + 1 < p.length) { out += c + p[++i]; continue; }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') { inClass = true; out += c; if (p[i + 1] === '^') { out += '^'; i++; } continue; }
    if (c === '^' || c === '$') { out += '\\' + c; continue; }
    out += c;
  }
  let re: RegExp | null;
  try { re = new RegExp(`^(?:${out})$`); } catch { re = null; }
  regexCache.set(key, re);
  return re;
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'a-zA-Z0-9', alpha: 'a-zA-Z', digit: '0-9', xdigit: '0-9A-Fa-f', lower: 'a-z', upper: 'A-Z',
  space: ' \\t\\n\\r\\f\\v', blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f\\x7f',
  word: 'A-Za-z0-9_',
};

/** junos:posix-pattern: a POSIX extended regular expression; returns the regex and whether it is negated (`!`). */
export function posixToRegExp(p: string): { re: RegExp | null; negate: boolean } {
  const negate = p.startsWith('!');
  const body = negate ? p.slice(1) : p;
  const key = 'p' + body;
  if (!regexCache.has(key)) {
    let out = '';
    for (let i = 0; i < body.length; i++) {
      const c = body[i];
      if (c === '[') {
        // bracket expression: backslash is literal, [:class:] expands, ] first is literal
        let j = i + 1;
        let cls = '[';
        if (body[j] === '^') { cls += '^'; j++; }
        if (body[j] === ']') { cls += '\\]'; j++; }
        for (; j < body.length && body[j] !== ']'; j++) {
          const m = /^\[:([a-z]+):\]/.exec(body.slice(j));
          if (m && POSIX_CLASSES[m[1]]) { cls += POSIX_CLASSES[m[1]]; j += m[0].length - 1; continue; }
          const d = body[j];
          cls += d === '\\' || d === '[' || d === '/' ? '\\' + d : d;
        }
        out += cls + ']';
        i = j;
        continue;
      }
      if (c === '\\' && i + 1 < body.length) { out += c + body[++i]; continue; }
      out += c;
    }
    let re: RegExp | null;
    try { re = new RegExp(out); } catch { re = null; }
    regexCache.set(key, re);
  }
  return { re: regexCache.get(key)!, negate };
}

interface Bound { lo: string; hi: string }
function parseRanges(r: string): Bound[] {
  return r.split('|').map((part) => {
    const i = part.indexOf('..');
    return i < 0 ? { lo: part, hi: part } : { lo: part.slice(0, i), hi: part.slice(i + 2) };
  });
}

function inRanges(r: string, value: bigint | number, min: bigint | number, max: bigint | number): boolean {
  const conv = (s: string, dflt: bigint | number): bigint | number =>
    s === 'min' ? min : s === 'max' ? max : typeof dflt === 'bigint' && /^[+-]?\d+$/.test(s) ? BigInt(s) : Number(s);
  return parseRanges(r).some(({ lo, hi }) => {
    const a = conv(lo, min);
    const b = conv(hi, max);
    return value >= a && value <= b;
  });
}

const rangeText = (r: string): string => r.replace(/\|/g, ', ');

function checkOne(t: RawType, value: string, ctx: TypeContext): ValueProblem | null {
  const b = t.b;
  if (b in INT_BOUNDS) {
    if (!/^[+-]?\d+$/.test(value)) return { message: 'invalid value', detail: `number expected: '${value}'`, kind: 'number' };
    const [min, max] = INT_BOUNDS[b];
    const v = BigInt(value);
    if (v < min || v > max) return { message: 'value outside range', detail: `Value ${value} is not within range (${min}..${max})`, kind: 'range' };
    if (t.r && !inRanges(t.r, v, min, max)) {
      return { message: 'value outside range', detail: `Value ${value} is not within range (${rangeText(t.r)})`, kind: 'range' };
    }
    return null;
  }
  switch (b) {
    case 'empty':
      return value === '' ? null : { message: 'invalid value', detail: `statement takes no value: '${value}'`, kind: 'flag' };
    case 'boolean':
      return value === 'true' || value === 'false' ? null : { message: 'invalid value', detail: `expecting true or false: '${value}'`, kind: 'type' };
    case 'decimal64': {
      const m = /^[+-]?(\d+)(?:\.(\d+))?$/.exec(value);
      if (!m || (t.f !== undefined && (m[2]?.length ?? 0) > t.f)) return { message: 'invalid value', detail: `number expected: '${value}'`, kind: 'number' };
      if (t.r && !inRanges(t.r, Number(value), -Infinity, Infinity)) {
        return { message: 'value outside range', detail: `Value ${value} is not within range (${rangeText(t.r)})`, kind: 'range' };
      }
      return null;
    }
    case 'enumeration': {
      const names = (t.e ?? []).map((i) => ctx.strings[i]);
      if (names.includes(value)) return null;
      return { message: 'invalid value', detail: `'${value}' is not one of: ${names.join(', ')}`, kind: 'enumeration' };
    }
    case 'union': {
      const members = (t.u ?? []).map((i) => ctx.types[i]);
      let best: ValueProblem | null = null;
      let bestScore = -1;
      for (const m of members) {
        const p = checkType(m, value, ctx);
        if (!p) return null;
        // Report the member the value was most likely meant for, not the `<*>`/`$var` escape.
        const isEscape = m.b === 'string' && m.p?.length === 1 && m.p[0] === '<.*>|$.*';
        const numeric = m.b in INT_BOUNDS || m.b === 'decimal64';
        const score = isEscape ? 0 : numeric && /^[+-]?\d/.test(value) ? 3 : numeric ? 1 : 2;
        if (score > bestScore) { best = p; bestScore = score; }
      }
      return best ?? { message: 'invalid value', detail: `invalid value: '${value}'`, kind: 'type' };
    }
    default:
      break;
  }
  // string (and the types read as strings)
  if (t.l) {
    const len = [...value].length;
    if (!inRanges(t.l, len, 0, Number.MAX_SAFE_INTEGER)) {
      return { message: 'invalid value', detail: `'${value}': length must be ${rangeText(t.l)}`, kind: 'length' };
    }
  }
  for (const p of t.p ?? []) {
    const re = xsdToRegExp(p);
    if (re && !re.test(value)) return { message: 'invalid value', detail: t.m ?? `'${value}' does not match pattern ${p}`, kind: 'pattern' };
  }
  for (const p of t.x ?? []) {
    const { re, negate } = posixToRegExp(p);
    if (re && re.test(value) === negate) return { message: 'invalid value', detail: t.m ?? `'${value}' does not match pattern ${p}`, kind: 'pattern' };
  }
  if (t.j) {
    const check = junosTypeCheck(t.j);
    const problem = check?.(value);
    if (problem) return { message: 'invalid value', detail: problem, kind: 'type' };
  }
  return null;
}

export function checkType(t: RawType, value: string, ctx: TypeContext): ValueProblem | null {
  return checkOne(t, value, ctx);
}
