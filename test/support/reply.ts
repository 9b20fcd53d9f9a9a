/** Test support: reading NETCONF rpc-replies in assertions. */
import assert from 'node:assert/strict';
import { child, elements, parseXml, textOf, type XmlElement } from '../../src/netconf/xml.js';

/** The first element of an rpc-reply (fails on rpc-error). */
export function top(reply: string): XmlElement {
  const first = elements(parseXml(reply))[0];
  assert.ok(first, `empty reply: ${reply}`);
  assert.notEqual(first.name, 'rpc-error', reply);
  return first;
}

/** The children of e named n. */
export const kids = (e: XmlElement, n: string): XmlElement[] => elements(e).filter((c) => c.name === n);

/** The trimmed text at a path of child names under el; undefined where the path ends early. */
export function txt(el: XmlElement | undefined, ...path: string[]): string | undefined {
  let cur = el;
  for (const p of path) cur = cur ? child(cur, p) : undefined;
  return cur ? textOf(cur).trim() : undefined;
}

/** The text of a reply that is all text (JSON). */
export const bodyText = (reply: string): string => textOf(parseXml(reply)).trim();
