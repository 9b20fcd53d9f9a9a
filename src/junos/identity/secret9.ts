/**
 * Junos `$9$` secrets: a reversible obfuscation (not encryption) Junos uses to store
 * shared secrets in its configuration.
 *
 * How it works: 65 characters are split into four families. The text after `$9$` starts
 * with a salt character; the salt's family says how many filler characters follow it
 * (3, 2, 1 or 0). Then each byte of the secret is written as a short run of characters.
 * What counts is the "gap" between consecutive characters: the forward distance in the
 * 65-character alphabet from the previous character, minus one. A byte is the weighted sum
 * of its run's gaps, the weights cycling through a fixed table per byte position.
 */
import { randomInt } from 'node:crypto';

const FAMILIES = ['QzF3n6/9CAtpu0O', 'B1IREhcSyrleKvMW8LXx', '7N-dVbwsY2g4oaJZGUDj', 'iHkq.mPf5T'];
const ALPHABET = FAMILIES.join('');
const SIZE = ALPHABET.length; // 65
const WEIGHTS: readonly (readonly number[])[] = [
  [1, 4, 32],
  [1, 16, 32],
  [1, 8, 32],
  [1, 64],
  [1, 32],
  [1, 4, 16, 128],
  [1, 32, 64],
];
const PREFIX = '$9$';

const INDEX = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));
/** Filler characters after a salt character of each family. */
const FILLERS = new Map<string, number>();
FAMILIES.forEach((fam, f) => {
  for (const c of fam) FILLERS.set(c, 3 - f);
});

/** A random integer in [0, n). */
export type Rng = (n: number) => number;
const cryptoRng: Rng = (n) => randomInt(n);

/** True when `s` looks like a `$9$` secret (prefix and alphabet; not a full decode). */
export function isSecret9(s: string): boolean {
  if (!s.startsWith(PREFIX) || s.length <= PREFIX.length) return false;
  for (const c of s.slice(PREFIX.length)) if (!INDEX.has(c)) return false;
  return true;
}

function malformed(why: string): Error {
  return new Error(`malformed $9$ secret: ${why}`);
}

/** Decodes a `$9$` secret to its plain text (UTF-8). Throws a one-line Error when malformed. */
export function decodeSecret9(s: string): string {
  if (!s.startsWith(PREFIX)) throw malformed('it does not start with $9$');
  const body = s.slice(PREFIX.length);
  for (const c of body) {
    if (!INDEX.has(c)) throw malformed(`character ${JSON.stringify(c)} is not in the $9$ alphabet`);
  }
  if (!body.length) throw malformed('nothing after $9$');
  const salt = body[0];
  let pos = 1 + FILLERS.get(salt)!;
  if (pos > body.length) throw malformed('it ends inside its salt');
  let prev = INDEX.get(salt)!;
  const bytes: number[] = [];
  while (pos < body.length) {
    const weights = WEIGHTS[bytes.length % WEIGHTS.length];
    if (pos + weights.length > body.length) throw malformed('it ends in the middle of a character');
    let value = 0;
    for (let i = 0; i < weights.length; i++) {
      const cur = INDEX.get(body[pos + i])!;
      const gap = (cur - prev - 1 + SIZE) % SIZE;
      value += gap * weights[i];
      prev = cur;
    }
    if (value > 255) throw malformed('a character decodes out of range');
    bytes.push(value);
    pos += weights.length;
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Encodes `plain` (as UTF-8) in `$9$` form. `rng` picks the salt and fillers; a fixed rng
 * gives reproducible output (tests).
 */
export function encodeSecret9(plain: string, rng: Rng = cryptoRng): string {
  const salt = ALPHABET[rng(SIZE)];
  let out = PREFIX + salt;
  for (let i = 0; i < FILLERS.get(salt)!; i++) out += ALPHABET[rng(SIZE)];
  let prev = INDEX.get(salt)!;
  const bytes = Buffer.from(plain, 'utf8');
  bytes.forEach((byte, n) => {
    const weights = WEIGHTS[n % WEIGHTS.length];
    // Split the byte into gaps, largest weight first.
    const gaps: number[] = new Array(weights.length);
    let rest = byte;
    for (let i = weights.length - 1; i >= 0; i--) {
      gaps[i] = Math.floor(rest / weights[i]);
      rest %= weights[i];
    }
    for (const gap of gaps) {
      prev = (prev + gap + 1) % SIZE;
      out += ALPHABET[prev];
    }
  });
  return out;
}
