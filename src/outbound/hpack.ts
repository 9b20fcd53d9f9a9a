/**
 * HPACK (RFC 7541) for the device's own HTTP/2 client (h2-connection.ts): the header blocks
 * it sends and the ones it reads. Decoding is hpack.js's bit decoder (integers, strings,
 * Huffman) and its table (static and dynamic, size updates), driven here field by field
 * (RFC 7541 section 6) instead of through its stream-based decompressor, whose stream state an idle
 * connection would keep for as long as it waits; encoding is the little the device needs, coded as
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
interface TableEntry {
  name: string;
  value: string;
  nameSize: number;
}
/** hpack.js's decoder of one connection's bytes (each call throws when the bytes run out or are wrong). */
interface BitDecoder {
  push(chunk: Buffer): void;
  isEmpty(): boolean;
  decodeBit(): number;
  decodeInt(): number;
  /** A string's bytes (Huffman decoded). */
  decodeStr(): ArrayLike<number>;
}
/** hpack.js's table: static entries, then the dynamic ones (index 62 up). */
interface Table {
  lookup(index: number): TableEntry;
  add(name: string, value: string, nameSize: number, valueSize: number): void;
  updateSize(size: number): void;
}
const hpack = require('hpack.js') as {
  decoder: { create(): BitDecoder };
  table: { create(options: { maxSize: number }): Table };
  utils: { stringify(bytes: ArrayLike<number>): string };
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
  private bits: BitDecoder | undefined;
  private table: Table | undefined;
  private error: Error | undefined;

  /** The fields of one whole block, in order; throws on a block that is not valid HPACK. */
  decode(block: Buffer): [string, string][] {
    if (this.error) throw this.error;
    const d = (this.bits ??= hpack.decoder.create());
    const table = (this.table ??= hpack.table.create({ maxSize: DECODER_TABLE_SIZE }));
    const fields: [string, string][] = [];
    try {
      d.push(block);
      while (!d.isEmpty()) {
        // 1xxxxxxx: an indexed field.
        if (d.decodeBit()) {
          const e = table.lookup(d.decodeInt());
          fields.push([e.name, e.value]);
          continue;
        }
        // 01xxxxxx: a literal added to the table; 001xxxxx: a table size update;
        // 0000xxxx / 0001xxxx: a literal not indexed / never indexed.
        const incremental = d.decodeBit();
        if (!incremental) {
          if (d.decodeBit()) {
            table.updateSize(d.decodeInt());
            continue;
          }
          d.decodeBit();
        }
        const index = d.decodeInt();
        let name: string;
        let nameSize: number;
        if (index === 0) {
          const raw = d.decodeStr();
          nameSize = raw.length;
          name = hpack.utils.stringify(raw);
        } else {
          const e = table.lookup(index);
          name = e.name;
          nameSize = e.nameSize;
        }
        const rawValue = d.decodeStr();
        const value = hpack.utils.stringify(rawValue);
        if (incremental) table.add(name, value, nameSize, rawValue.length);
        fields.push([name, value]);
      }
    } catch (err) {
      // The table no longer matches the peer's: every later block fails too.
      this.error = err as Error;
      throw err;
    }
    return fields;
  }
}
