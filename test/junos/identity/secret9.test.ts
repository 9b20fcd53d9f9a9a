import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSecret9, encodeSecret9, isSecret9 } from '../../../src/junos/identity/secret9.js';
import { convertSecret } from '../../../src/cli/commands/secret9-command.js';
import { UsageError } from '../../../src/errors.js';

/** A small seeded generator (mulberry32) so failures reproduce. */
function seeded(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(r * n);
  };
}

test('known vectors decode to hello', () => {
  assert.equal(decodeSecret9('$9$FNkC3/t1IcevLuOWx'), 'hello');
  assert.equal(decodeSecret9('$9$o1aGiPfz/Cuk.tO'), 'hello');
});

test('isSecret9 tells $9$ strings from plain secrets', () => {
  assert.equal(isSecret9('$9$FNkC3/t1IcevLuOWx'), true);
  assert.equal(isSecret9('hello'), false);
  assert.equal(isSecret9('$9$'), false);
  assert.equal(isSecret9('$9$abc!'), false);
});

test('encoding with a fixed generator is reproducible and decodes back', () => {
  const a = encodeSecret9('hello', seeded(7));
  const b = encodeSecret9('hello', seeded(7));
  assert.equal(a, b);
  assert.ok(a.startsWith('$9$'));
  assert.equal(decodeSecret9(a), 'hello');
});

test('random round trips (seeded, bounded)', () => {
  const rng = seeded(20261121);
  const pool = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
  for (let i = 0; i < 300; i++) {
    const len = 1 + rng(40);
    let plain = '';
    for (let j = 0; j < len; j++) plain += pool[rng(pool.length)];
    const enc = encodeSecret9(plain, rng);
    assert.ok(isSecret9(enc), enc);
    assert.equal(decodeSecret9(enc), plain, `round trip of ${JSON.stringify(plain)} via ${enc}`);
  }
});

test('non-ASCII secrets round trip as UTF-8', () => {
  const plain = 'pässwörd-秘密';
  assert.equal(decodeSecret9(encodeSecret9(plain)), plain);
});

test('every salt family round trips (0 to 3 filler characters)', () => {
  // Salt index 0 is in the first family (3 fillers), 64 in the last (none).
  for (const saltIndex of [0, 20, 40, 64]) {
    let first = true;
    const rng = (n: number): number => {
      if (first) {
        first = false;
        return saltIndex;
      }
      return n - 1;
    };
    const enc = encodeSecret9('secret123', rng);
    assert.equal(decodeSecret9(enc), 'secret123', enc);
  }
});

test('malformed $9$ strings give a clear error', () => {
  const cases: [string, RegExp][] = [
    ['hello', /does not start with \$9\$/],
    ['$9$', /nothing after/],
    ['$9$FNkC3/t1IcevLuOW', /ends in the middle/],
    ['$9$FNkC3/t1Ic!vLuOWx', /not in the \$9\$ alphabet/],
    ['$9$QzF', /ends inside its salt/],
  ];
  for (const [input, re] of cases) {
    assert.throws(() => decodeSecret9(input), (err: Error) => re.test(err.message) && !err.message.includes('\n'), input);
  }
});

test('secret command conversion: encode, decode, and bad input as usage errors', () => {
  assert.equal(convertSecret('decode', '$9$o1aGiPfz/Cuk.tO'), 'hello');
  assert.equal(convertSecret('decode', convertSecret('encode', 'n3tconf!')), 'n3tconf!');
  assert.throws(() => convertSecret('decode', '$9$@@'), UsageError);
  assert.throws(() => convertSecret('encode', ''), UsageError);
});
