/**
 * A small element tree for what the NETCONF server parses (RPCs, configuration),
 * built with the streaming parser saxes. Namespace prefixes are kept but resolved
 * leniently: an unbound prefix is not an error, as Junos clients send `junos:` attributes.
 */
import { SaxesParser } from 'saxes';

export interface XmlElement {
  /** Local name, without prefix. */
  name: string;
  /** Prefix as written (`nc` for `<nc:rpc>`), or ''. */
  prefix: string;
  /** Namespace URI the prefix resolves to, or '' when unbound. */
  ns: string;
  /** Attributes as written, qualified names as keys (`message-id`, `xmlns:nc`, `junos:changed`). */
  attrs: Record<string, string>;
  /** Child elements and text runs, in document order. */
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

export class XmlSyntaxError extends Error {
  constructor(message: string, readonly line?: number, readonly column?: number) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

/** Parses one XML document (declaration and comments allowed) into its root element. */
export function parseXml(text: string): XmlElement {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: { el: XmlElement; nsMap: Map<string, string> }[] = [];
  let root: XmlElement | undefined;
  let failure: XmlSyntaxError | undefined;
  parser.on('error', (err) => {
    failure ??= new XmlSyntaxError(err.message.replace(/^undefined:/, '').trim(), parser.line, parser.column);
  });
  parser.on('opentag', (tag) => {
    const parentNs = stack.length ? stack[stack.length - 1].nsMap : new Map<string, string>();
    const nsMap = new Map(parentNs);
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) {
      const value = String(v);
      attrs[k] = value;
      if (k === 'xmlns') nsMap.set('', value);
      else if (k.startsWith('xmlns:')) nsMap.set(k.slice(6), value);
    }
    const colon = tag.name.indexOf(':');
    const prefix = colon >= 0 ? tag.name.slice(0, colon) : '';
    const el: XmlElement = {
      name: colon >= 0 ? tag.name.slice(colon + 1) : tag.name,
      prefix,
      ns: nsMap.get(prefix) ?? '',
      attrs,
      children: [],
    };
    if (stack.length) stack[stack.length - 1].el.children.push(el);
    else if (!root) root = el;
    stack.push({ el, nsMap });
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (t: string) => {
    if (stack.length) stack[stack.length - 1].el.children.push(t);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  try {
    parser.write(text).close();
  } catch (err) {
    failure ??= new XmlSyntaxError((err as Error).message);
  }
  if (failure) throw failure;
  if (!root) throw new XmlSyntaxError('no root element');
  return root;
}

/** Child elements only. */
export function elements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/** First child element with this local name. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  return elements(el).find((c) => c.name === name);
}

/** Concatenated text content of an element and its descendants. */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes text for element content. */
export function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (c) => ESCAPES[c]);
}

/** Escapes text for a double-quoted attribute value. */
export function escapeAttr(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ESCAPES[c]);
}

/** Serialises an element back to XML, as parsed (prefixes and attributes kept). */
export function serialize(el: XmlElement): string {
  const qname = el.prefix ? `${el.prefix}:${el.name}` : el.name;
  const attrs = Object.entries(el.attrs)
    .map(([k, v]) => ` ${k}="${escapeAttr(v)}"`)
    .join('');
  if (el.children.length === 0) return `<${qname}${attrs}/>`;
  const inner = el.children.map((c) => (typeof c === 'string' ? escapeText(c) : serialize(c))).join('');
  return `<${qname}${attrs}>${inner}</${qname}>`;
}
