/**
 * Spellings that other tools use for our flags, accepted as they are typed there, and
 * values that the flag parser would otherwise mistake for flags.
 */
import type { Argv } from 'yargs';
import { splitArguments } from '../outbound/jet-args.js';
import { jetFlags, textFlags } from '../device/settings.js';

/** The arguments a command's options builder declares (what its handler gets). */
export type ArgsOf<B> = B extends (y: Argv<object>) => Argv<infer U> ? U : never;

/** JET argument strings use single dashes (-host -port -cert): accept them as long flags. */
const JET_FLAGS = new RegExp(`^-(${jetFlags().join('|')})(=[\\s\\S]*)?$`);

/** Juniper's request_session.py takes `-d DEVICE -sk SECRET -s TYPE`: accepted by `session`. */
const REQUEST_SESSION_FLAGS: Record<string, string> = { '-sk': '--secret', '-s': '--type' };

/**
 * Flags whose value is free text (certificates, secrets, file names, commands, XML): the
 * next word is their value, whatever it starts with. yargs takes a word starting with `-`
 * for a flag (`--cert "-----BEGIN CERTIFICATE-----..."` failed with `Unknown arguments:
 * ---BEGIN CERTIFICATE-----`), so such pairs are bound as `--flag=value` before it sees them.
 */
const TEXT_FLAGS = new Set([
  // The device command's (src/device/settings.ts).
  ...textFlags(),
  // Other commands'.
  'device',
  'nms-ops',
  'command',
  'rpc',
  'basic-secret',
  'key',
  'out',
  'user',
  'profile',
]);
/** Short aliases of text flags of `session`. */
const SESSION_SHORT: Record<string, string> = { '-d': 'device', '-c': 'command' };

/** The long flag a word names when it takes a free-text value (`--cert`, `-d`), else undefined. */
function textFlag(word: string, session: boolean): string | undefined {
  if (session && SESSION_SHORT[word]) return SESSION_SHORT[word];
  const m = /^--([a-z][a-z-]*)$/.exec(word);
  return m && TEXT_FLAGS.has(m[1]) ? m[1] : undefined;
}

/**
 * A whole JET argument string given as one shell argument
 * (`"-host nms -port 8443 -cert -----BEGIN CERTIFICATE----- MII... -----END CERTIFICATE-----"`):
 * its words, with an unquoted PEM gathered back into one value. Undefined when the word is not one.
 */
function jetArgumentString(word: string): string[] | undefined {
  if (!/^-[a-z]/.test(word) || !/\s/.test(word)) return undefined;
  let words: string[];
  try {
    words = splitArguments(word);
  } catch {
    return undefined;
  }
  if (!words.length || !JET_FLAGS.test(words[0])) return undefined;
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    out.push(w);
    if (!/^-(cert)$/.test(w) || !words[i + 1]?.startsWith('-----BEGIN')) continue;
    let value = words[++i];
    while (!/-----END CERTIFICATE-----\s*$/.test(value) && i + 1 < words.length) value += ` ${words[++i]}`;
    out.push(value);
  }
  return out;
}

export function normalizeArgv(argv: string[]): string[] {
  const session = argv[0] === 'session';
  const out: string[] = [];
  const queue = [...argv];
  while (queue.length) {
    const raw = queue.shift()!;
    if (raw === '--') {
      out.push(raw, ...queue);
      break;
    }
    let word = session ? (REQUEST_SESSION_FLAGS[raw] ?? raw) : raw;
    if (!session) {
      const split = jetArgumentString(word);
      if (split) {
        queue.unshift(...split);
        continue;
      }
      if (JET_FLAGS.test(word)) word = `-${word}`;
    }
    const flag = textFlag(word, session);
    if (flag && queue.length && queue[0] !== '--' && queue[0].startsWith('-')) {
      out.push(`--${flag}=${queue.shift()!}`);
      continue;
    }
    out.push(word);
  }
  return out;
}
