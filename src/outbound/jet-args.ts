/**
 * Arguments of the basic (20.2) JET app, as a Junos `extension-service application ...
 * arguments "..."` statement gives them, or as argv: the NMS host, its port and its
 * certificate (one-line contents or a file). Both `--flag` and `-flag` spellings, with the
 * value after `=` or as the next word.
 */
import { ConfigError, DEFAULT_PORT } from './config.js';
import { portOfText } from '../wire/port.js';

export interface JetArguments {
  host: string;
  port: number;
  cert?: string;
  certFile?: string;
  secret?: string;
  deviceId?: string;
}

type Key = 'host' | 'port' | 'cert' | 'certFile' | 'secret' | 'deviceId';
const FLAGS: Record<string, Key> = {
  host: 'host',
  port: 'port',
  cert: 'cert',
  'cert-file': 'certFile',
  secret: 'secret',
  'device-id': 'deviceId',
};

/**
 * Splits an argument string into words the way a shell would for the simple cases:
 * whitespace separates, single and double quotes group, backslash escapes.
 */
export function splitArguments(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length && /["\\$`]/.test(text[i + 1])) word += text[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new ConfigError(`unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/** How the JET arguments spell a part of a client (`certFile` → `-cert-file`). */
export function jetSpelling(part: string): string {
  return `-${part.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The known flag a word names (`--port`, `-port`, `--port=1`), or undefined. */
function flagOf(word: string): { key: Key; name: string; inline?: string } | undefined {
  const m = /^--?([a-z][a-z-]*)(?:=([\s\S]*))?$/.exec(word);
  if (!m || !(m[1] in FLAGS)) return undefined;
  return { key: FLAGS[m[1]], name: m[1], inline: m[2] };
}

/**
 * Parses JET-style arguments. `host` is required; `port` defaults to 443. Throws
 * ConfigError naming the offending flag.
 */
export function parseJetArguments(argv: string[] | string): JetArguments {
  const words = typeof argv === 'string' ? splitArguments(argv) : argv;
  const found: Partial<Record<Key, string>> = {};
  let last: Key | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const flag = flagOf(word);
    if (!flag) {
      if (word.startsWith('-')) throw new ConfigError(`unknown flag ${word} (expected -host, -port, -cert, -cert-file, -device-id, -secret)`);
      // The word after a secret may be the rest of it: never echo it.
      const shown = last === 'secret' ? '' : ` ${JSON.stringify(word)}`;
      throw new ConfigError(`unexpected word${shown} (values follow their flag, e.g. -host nms.example.net)`);
    }
    if (found[flag.key] !== undefined) throw new ConfigError(`-${flag.name} is given twice`);
    let value = flag.inline;
    if (value === undefined) {
      const next = words[i + 1];
      // A PEM header starts with dashes: take it as the value, not as a flag.
      if (next === undefined || (flagOf(next) && !next.startsWith('-----'))) throw new ConfigError(`-${flag.name} needs a value`);
      value = next;
      i++;
    }
    if (flag.key === 'cert' && value.startsWith('-----BEGIN')) {
      // An unquoted PEM splits into several words: take them up to the END marker.
      while (!/-----END CERTIFICATE-----\s*$/.test(value) && i + 1 < words.length) value += ` ${words[++i]}`;
    }
    if (!value) throw new ConfigError(`-${flag.name} needs a value`);
    found[flag.key] = value;
    last = flag.key;
  }
  if (!found.host) throw new ConfigError('-host is required (the NMS address, as named by its certificate)');
  let port = DEFAULT_PORT;
  if (found.port !== undefined) {
    const n = portOfText(found.port);
    if (n === undefined) throw new ConfigError(`-port must be 1-65535 (got ${JSON.stringify(found.port)})`);
    port = n;
  }
  if (found.cert !== undefined && found.certFile !== undefined) throw new ConfigError('give either -cert or -cert-file, not both');
  const out: JetArguments = { host: found.host, port };
  if (found.cert !== undefined) out.cert = found.cert;
  if (found.certFile !== undefined) out.certFile = found.certFile;
  if (found.secret !== undefined) out.secret = found.secret;
  if (found.deviceId !== undefined) out.deviceId = found.deviceId;
  return out;
}
