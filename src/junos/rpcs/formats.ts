/**
 * Junos JSON of a reply's XML (mechanical on Junos too: every RPC gets it unless its
 * module brings its own), and helpers for the modules' text renderings. There is no
 * generic text: each RPC's text is its module's Junos table or block.
 */
import { child, elements, parseXml, textOf, type XmlElement } from '../../netconf/xml.js';

/** A reply body parsed under one wrapper element (the reply may hold several elements). */
export function parseReply(replyXml: string): XmlElement {
  return parseXml(`<r xmlns:junos="urn:x-junos">${replyXml}</r>`);
}

/** The trimmed text of a child element ('' when absent). */
export const t = (el: XmlElement | undefined, name: string): string => {
  const c = el ? child(el, name) : undefined;
  return c ? textOf(c).trim() : '';
};

/** Pads a text column; a value as wide as the column still gets one space. */
export function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s.padEnd(n);
}

/** Junos JSON of an element (each element a list of objects, text as "data"). */
function toJunosJson(el: XmlElement): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const attrs = Object.entries(el.attrs);
  if (attrs.length) obj.attributes = Object.fromEntries(attrs);
  const kids = elements(el);
  if (kids.length === 0) {
    const raw = textOf(el);
    const text = raw.trim();
    // A flag (`<current-active/>`) is `"data": [null]`; an empty container with a line break stays `{}`.
    if (text !== '') obj.data = text;
    else if (raw === '') obj.data = [null];
    return obj;
  }
  for (const k of kids) {
    const list = (obj[k.name] ??= []) as unknown[];
    list.push(toJunosJson(k));
  }
  return obj;
}

/** A reply body as Junos JSON. */
export function replyAsJson(replyXml: string): string {
  const root = parseReply(replyXml);
  const out: Record<string, unknown> = {};
  for (const k of elements(root)) ((out[k.name] ??= []) as unknown[]).push(toJunosJson(k));
  return JSON.stringify(out, null, 4);
}
