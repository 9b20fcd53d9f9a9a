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

/** Bounds on one parsed document: nesting depth and element count (memory per message). */
export interface XmlLimits {
  maxDepth: number;
  maxElements: number;
}

/**
 * Junos configurations nest about 20 deep; 256 leaves room for any real RPC while
 * keeping recursive walks (serialise, text) shallow. Two million elements is more than
 * a 16 MiB configuration holds in practice (about 7 bytes per element at the least).
 */
export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 256, maxElements: 2_000_000 };

/** Thrown from inside the parser's callbacks to stop it at once. */
class LimitExceeded extends Error {}

/**
 * Prefix bindings in scope, one stack of URIs per prefix: an element that declares
 * prefixes pushes them and pops them at its end tag, so lookups and declarations cost
 * the same at any depth (no copy of the map per element).
 */
class NamespaceScopes {
  private readonly bound = new Map<string, string[]>();

  /** Binds this element's declarations; returns the prefixes to unbind at its end, or undefined. */
  declare(attrs: Record<string, string>): string[] | undefined {
    let declared: string[] | undefined;
    for (const k in attrs) {
      let prefix: string;
      if (k === 'xmlns') prefix = '';
      else if (k.startsWith('xmlns:')) prefix = k.slice(6);
      else continue;
      let stack = this.bound.get(prefix);
      if (!stack) this.bound.set(prefix, (stack = []));
      stack.push(attrs[k]);
      (declared ??= []).push(prefix);
    }
    return declared;
  }

  resolve(prefix: string): string {
    const stack = this.bound.get(prefix);
    return stack && stack.length ? stack[stack.length - 1] : '';
  }

  undeclare(prefixes: string[] | undefined): void {
    if (prefixes) for (const p of prefixes) this.bound.get(p)?.pop();
  }
}

/**
 * Parses one XML document (declaration and comments allowed) into its root element.
 * Cost is linear in the input; a document nested deeper than `limits.maxDepth` or
 * holding more than `limits.maxElements` elements is refused with an XmlSyntaxError
 * as soon as the limit is crossed.
 */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: { el: XmlElement; declared: string[] | undefined }[] = [];
  const scopes = new NamespaceScopes();
  let elementCount = 0;
  let root: XmlElement | undefined;
  let failure: XmlSyntaxError | undefined;
  const stop = (message: string): never => {
    failure ??= new XmlSyntaxError(message, parser.line, parser.column);
    throw new LimitExceeded(message);
  };
  parser.on('error', (err) => {
    failure ??= new XmlSyntaxError(err.message.replace(/^undefined:/, '').trim(), parser.line, parser.column);
    // The first error decides the reply; stop before a broken document costs more.
    throw new LimitExceeded(err.message);
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= limits.maxDepth) stop(`elements nested deeper than ${limits.maxDepth} levels`);
    if (++elementCount > limits.maxElements) stop(`more than ${limits.maxElements} elements in one message`);
    const attrs = tag.attributes as Record<string, string>;
    const declared = scopes.declare(attrs);
    const colon = tag.name.indexOf(':');
    const prefix = colon >= 0 ? tag.name.slice(0, colon) : '';
    const el: XmlElement = {
      name: colon >= 0 ? tag.name.slice(colon + 1) : tag.name,
      prefix,
      ns: scopes.resolve(prefix),
      attrs,
      children: [],
    };
    if (stack.length) stack[stack.length - 1].el.children.push(el);
    else if (!root) root = el;
    stack.push({ el, declared });
  });
  parser.on('closetag', () => {
    scopes.undeclare(stack.pop()?.declared);
  });
  const onText = (t: string) => {
    if (stack.length) stack[stack.length - 1].el.children.push(t);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  try {
    parser.write(text).close();
  } catch (err) {
    if (!(err instanceof LimitExceeded)) failure ??= new XmlSyntaxError((err as Error).message);
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

const TEXT_SPECIAL = /[&<>]/;
const ATTR_SPECIAL = /[&<>"]/;

/** Escapes text for element content (text with nothing to escape is returned as it is). */
export function escapeText(s: string): string {
  return TEXT_SPECIAL.test(s) ? s.replace(/[&<>]/g, (c) => ESCAPES[c]) : s;
}

/** Escapes text for a double-quoted attribute value. */
export function escapeAttr(s: string): string {
  return ATTR_SPECIAL.test(s) ? s.replace(/[&<>"]/g, (c) => ESCAPES[c]) : s;
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
