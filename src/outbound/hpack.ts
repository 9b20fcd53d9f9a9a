/**
 * HPACK (RFC 7541) for the device's own HTTP/2 client (h2-connection.ts): the header blocks
 * it sends and the ones it reads. Decoding is hpack.js's decompressor (Huffman, the static
 * and the dynamic table, size updates); encoding is the little the device needs, coded as
 * nghttp2 codes it for a client whose encoder table is 0 bytes (Node's http2 with
 * maxDeflateDynamicTableSize 0, what the device used before): a table size update to 0 at
 * the head of the first block, a static entry whose name and value match as one index, every
 * other field a literal not indexed (its name by static index when it has one), each string
 * Huffman-coded when that is shorter.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface StaticEntry {
  name: string;
  value: string;
}
interface Decompressor {
  write(chunk: Buffer): void;
  execute(): void;
  read(): { name: string; value: string } | null;
  on(event: 'error', listener: (err: Error) => void): void;
}
const hpack = require('hpack.js') as {
  decompressor: { create(options: { table: { maxSize: number } }): Decompressor };
  huffman: { encode: [number, number][] };
  'static-table': { table: StaticEntry[] };
};

/** The decoding table size the device allows (HTTP/2's default: its SETTINGS do not change it). */
export const DECODER_TABLE_SIZE = 4096;

const HUFFMAN = hpack.huffman.encode;
const STATIC = hpack['static-table'].table;
/** Static index of a name (its first entry) and of a name with its value. */
const staticName = new Map<string, number>();
const staticPair = new Map<string, number>();
STATIC.forEach((e, i) => {
  if (!staticName.has(e.name)) staticName.set(e.name, i + 1);
  if (e.value !== '') staticPair.set(`${e.name}\0${e.value}`, i + 1);
});

/** Encodes header blocks for one connection. */
export class HeaderEncoder {
  private first = true;

  /** One block for `fields` ([name, value] in order, names lower case). */
  encode(fields: readonly (readonly [string, string])[]): Buffer {
    const out: number[] = [];
    if (this.first) {
      this.first = false;
      // Dynamic table size update to 0: nothing we send is indexed.
      out.push(0x20);
    }
    for (const [name, value] of fields) {
      const pair = staticPair.get(`${name}\0${value}`);
      if (pair !== undefined) {
        integer(out, pair, 7, 0x80);
        continue;
      }
      const index = staticName.get(name);
      if (index !== undefined) integer(out, index, 4, 0x00);
      else {
        out.push(0x00);
        string(out, name);
      }
      string(out, value);
    }
    return Buffer.from(out);
  }
}

/** An HPACK integer with an N-bit prefix, the prefix's other bits `flags`. */
function integer(out: number[], value: number, prefixBits: number, flags: number): void {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out.push(flags | value);
    return;
  }
  out.push(flags | max);
  let left = value - max;
  while (left >= 0x80) {
    out.push((left & 0x7f) | 0x80);
    left = Math.floor(left / 0x80);
  }
  out.push(left);
}

/** A string literal: Huffman-coded when shorter, raw bytes (latin1, as Node sends them) otherwise. */
function string(out: number[], text: string): void {
  const bytes = Buffer.from(text, 'latin1');
  let bits = 0;
  for (const b of bytes) bits += HUFFMAN[b][0];
  const huffLength = Math.ceil(bits / 8);
  if (huffLength >= bytes.length) {
    integer(out, bytes.length, 7, 0x00);
    for (const b of bytes) out.push(b);
    return;
  }
  integer(out, huffLength, 7, 0x80);
  let acc = 0;
  let accBits = 0;
  for (const b of bytes) {
    const [length, code] = HUFFMAN[b];
    // Codes are at most 30 bits: feed them in pieces of at most 16 so `acc` stays small.
    let remaining = length;
    while (remaining > 0) {
      const take = Math.min(remaining, 16);
      const piece = Math.floor(code / 2 ** (remaining - take)) & ((1 << take) - 1);
      acc = (acc << take) | piece;
      accBits += take;
      remaining -= take;
      while (accBits >= 8) {
        accBits -= 8;
        out.push((acc >>> accBits) & 0xff);
      }
      acc &= (1 << accBits) - 1;
    }
  }
  // Padding: the most significant bits of EOS (all ones).
  if (accBits > 0) out.push(((acc << (8 - accBits)) | ((1 << (8 - accBits)) - 1)) & 0xff);
}

/** Decodes the header blocks one connection receives (its dynamic table lives as long as it). */
export class HeaderDecoder {
  private decompressor: Decompressor | undefined;
  private error: Error | undefined;

  /** The fields of one whole block, in order; throws on a block that is not valid HPACK. */
  decode(block: Buffer): [string, string][] {
    if (this.error) throw this.error;
    let d = this.decompressor;
    if (!d) {
      d = hpack.decompressor.create({ table: { maxSize: DECODER_TABLE_SIZE } });
      d.on('error', (err) => (this.error = err));
      this.decompressor = d;
    }
    d.write(block);
    d.execute();
    const fields: [string, string][] = [];
    for (let f = d.read(); f !== null; f = d.read()) fields.push([f.name, f.value]);
    if (this.error) throw this.error;
    return fields;
  }
}
