/**
 * What a transcript never holds: secrets. Values of secret-bearing statements (XML elements,
 * curly-brace and set text), Junos `$9$` and crypt hashes (`$1$`, `$5$`, `$6$`), lines Junos
 * marks `## SECRET-DATA`, and what is typed at a password prompt of a shell session.
 */

export const REDACTED = '[redacted]';

/** Statements whose value is a secret, as Junos names them (XML elements and text keywords). */
export const SECRET_STATEMENTS = [
  'encrypted-password',
  'plain-text-password-value',
  'secret',
  'authentication-key',
  'pre-shared-key',
  'ascii-text',
  'hexadecimal',
  'simple-password',
  'hello-authentication-key',
  'md5',
  'authentication-password',
  'privacy-password',
  'shared-secret',
  'key',
];

const HASH = /\$(?:9|1|5|6|2[aby]?|sha1|sha256|sha512)\$[^\s"'<>;]+/g;
const ELEMENT = new RegExp(`(<(?:[\\w.-]+:)?(${SECRET_STATEMENTS.join('|')})(?:\\s[^>]*)?>)([^<]*)(</)`, 'g');
// A statement whose next word is another secret statement (`pre-shared-key ascii-text "..."`) leaves the value to that one.
const TEXT_STATEMENT = new RegExp(`(^|[\\s{;])(${SECRET_STATEMENTS.join('|')})(\\s+)(?!(?:${SECRET_STATEMENTS.join('|')})\\s)("(?:[^"\\\\]|\\\\.)*"|[^\\s;{}]+)`, 'gm');
const COMMUNITY_XML = /(<community>\s*<name>)([^<]*)(<\/name>)/g;
const COMMUNITY_TEXT = /(^|[\s{;])(community\s+)("(?:[^"\\]|\\.)*"|[^\s;{}]+)/gm;
const SECRET_LINE = /^([^\n]*?)("(?:[^"\\]|\\.)*"|\S+)(;?\s*## SECRET-DATA)/gm;

/** Whatever any rule below needs: one scan tells most replies (no secret at all) apart. */
const ANY_SECRET = new RegExp([...SECRET_STATEMENTS, 'community', 'SECRET-DATA'].join('|') + '|\\$');

/**
 * The text with every secret replaced by `[redacted]`. Each rule runs only where a plain
 * substring search finds what it needs (most replies hold no secret): recording stays cheap.
 */
export function redactSecrets(text: string): string {
  if (!text || !ANY_SECRET.test(text)) return text;
  let t = text;
  const names = SECRET_STATEMENTS.some((n) => t.includes(n));
  if (names && t.includes('<')) t = t.replace(ELEMENT, (_m, open: string, _name: string, value: string, close: string) => (value.trim() ? `${open}${REDACTED}${close}` : `${open}${value}${close}`));
  if (t.includes('SECRET-DATA')) t = t.replace(SECRET_LINE, (_m, head: string, _value: string, tail: string) => `${head}"${REDACTED}"${tail}`);
  if (names) t = t.replace(TEXT_STATEMENT, (m, lead: string, name: string, gap: string, value: string) => (value.startsWith('[') || value.startsWith('<') ? m : `${lead}${name}${gap}"${REDACTED}"`));
  if (t.includes('community')) {
    t = t
      .replace(COMMUNITY_XML, (_m, a: string, _v: string, b: string) => `${a}${REDACTED}${b}`)
      .replace(COMMUNITY_TEXT, (m, lead: string, kw: string, v: string) => (v === REDACTED || v.startsWith('<') ? m : `${lead}${kw}"${REDACTED}"`));
  }
  if (t.includes('$')) t = t.replace(HASH, REDACTED);
  return t;
}

/** A prompt after which what the user types is a secret (su, passwd, ssh, request ... password). */
export const PASSWORD_PROMPT = /(password|passphrase|secret)[^:\n]*:\s*$/i;
