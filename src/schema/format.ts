/**
 * The on-disk format of data/schema/<family>.json.gz, written by scripts/yang/compile.mjs.
 * Keep the two in step (bump `v` on any change).
 *
 * Nodes and types are interned: equal subtrees are stored once and referenced by index.
 * Every name, enumeration value and junos:must text is an index into `s`.
 */
export const FORMAT_VERSION = 1;

export interface RawSchema {
  v: number;
  family: string;
  /** YANG release the schema was generated from, e.g. 21.4R1. */
  release: string;
  /** Index in `n` of the `configuration` container. */
  root: number;
  /** String table. */
  s: string[];
  t: RawType[];
  n: RawNode[];
}

export interface RawNode {
  /** c container, p presence container, l list, f leaf, L leaf-list, e empty leaf (flag). */
  k: 'c' | 'p' | 'l' | 'f' | 'L' | 'e';
  /** List keys (string ids), in order. */
  y?: number[];
  /** 1: ordered-by user. */
  o?: 1;
  /** 1: mandatory. */
  m?: 1;
  /** Default value. */
  d?: string;
  /** Type index. */
  t?: number;
  /** Children: name id, node index, name id, node index, ... in YANG order. */
  c?: number[];
  /** Choices: [choice name id, [[member name ids of case 1], [case 2], ...]]. */
  x?: [number, number[][]][];
  /** junos:must: expression id, message id (-1: none), ... */
  w?: number[];
}

export interface RawType {
  /** YANG built-in base type (string, uint32, enumeration, union, empty, decimal64, boolean, ...). */
  b: string;
  /** Name of the junos-common-types typedef (ipv4prefix, interface-name, ...): checked in code. */
  j?: string;
  /** range, normalised: `1..255|300..400`, min/max allowed. */
  r?: string;
  /** length, same syntax as range. */
  l?: string;
  /** YANG (XSD) patterns: all must match. */
  p?: string[];
  /** junos:posix-pattern: POSIX ERE, a leading `!` means must not match. */
  x?: string[];
  /** junos:pattern-message (or a pattern's error-message). */
  m?: string;
  /** Enumeration values (string ids). */
  e?: number[];
  /** Union members (type indices). */
  u?: number[];
  /** decimal64 fraction-digits. */
  f?: number;
}
