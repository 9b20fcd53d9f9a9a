/**
 * A profile's factory configuration, parsed once and copied for each device. The factory
 * text names the device (`{{hostname}}`), so each device's text differs; but a host name of
 * plain characters (letters, digits, `.`, `_`, `-`) parses as one word wherever it stands,
 * so the text is parsed once with a marker word in its place and each device gets a copy of
 * that tree with its name put where the marker is. A device of a fleet polled now and then
 * builds its datastore and operational model at each session (they are dropped between
 * sessions to keep the fleet small): the parse was a large part of that; a copy is a few
 * microseconds.
 *
 * The copy is the tree a parse of the device's own text gives: a name with other characters
 * (which quoting or a parse error could involve), a text that already holds the marker, or a
 * text that does not parse is parsed as the device's own, as before.
 */
import { ConfigTree, cloneNode, type ConfigNode } from './tree.js';
import { encodeTree } from './history-files.js';

const HOST = '{{hostname}}';
const MARK = 'ncgd-factory-host-name-marker';
const PLAIN = /^[A-Za-z0-9._-]+$/;
/** Templates kept (profiles in one process are few; a caller passing many texts only loses the sharing). */
const MAX_TEMPLATES = 64;

interface Template {
  tree: ConfigTree;
  /** The stored form (history-files.ts) of the tree, marker in place. */
  stored: string;
  marked: boolean;
}

/**
 * Templates by reader (`kind`) and text. Keyed by the text itself, the profile's one string,
 * whose hash V8 keeps with it: a lookup costs no new kilobyte-long key.
 */
const templates = new Map<string, Map<string, Template | null>>();
let templateCount = 0;

/** The device's factory tree and its stored form. */
export interface FactoryCopy {
  tree: ConfigTree;
  stored: string;
}

function template(kind: string, content: string, parse: (text: string) => ConfigTree): Template | null {
  let byText = templates.get(kind);
  let t = byText?.get(content);
  if (t !== undefined) return t;
  const marked = content.includes(HOST);
  try {
    const tree = parse(marked ? content.replaceAll(HOST, MARK) : content);
    t = { tree, stored: encodeTree(tree), marked };
  } catch {
    t = null; // each device's own parse reports the error, naming what it names
  }
  if (templateCount >= MAX_TEMPLATES) {
    templates.clear();
    templateCount = 0;
    byText = undefined;
  }
  if (!byText) templates.set(kind, (byText = new Map()));
  byText.set(content, t);
  templateCount++;
  return t;
}

function named(n: ConfigNode, host: string): ConfigNode {
  const c = cloneNode(n);
  const put = (x: ConfigNode): void => {
    if (x.name.includes(MARK)) x.name = x.name.replaceAll(MARK, host);
    if (x.value?.includes(MARK)) x.value = x.value.replaceAll(MARK, host);
    if (x.comment?.includes(MARK)) x.comment = x.comment.replaceAll(MARK, host);
    if (x.keys) for (const k of x.keys) if (k.value.includes(MARK)) k.value = k.value.replaceAll(MARK, host);
    for (const child of x.children) put(child);
  };
  put(c);
  return c;
}

/**
 * The factory configuration `content` (with `{{hostname}}` standing for the device's name)
 * as `parse` reads it for a device named `hostname`: a copy of a tree parsed once per
 * (`kind`, content), or the device's own parse when the name is not plain.
 */
export function factoryTree(kind: string, content: string, parse: (text: string) => ConfigTree, hostname: string): ConfigTree {
  const t = shared(kind, content, parse, hostname);
  return t ? copyOf(t, hostname) : parse(content.replaceAll(HOST, hostname));
}

/** factoryTree() with the tree's stored form (history-files.ts), for a datastore's first revision. */
export function factoryCopy(kind: string, content: string, parse: (text: string) => ConfigTree, hostname: string): FactoryCopy {
  const t = shared(kind, content, parse, hostname);
  if (!t) {
    const tree = parse(content.replaceAll(HOST, hostname));
    return { tree, stored: encodeTree(tree) };
  }
  // The marker and a plain name are written as they are in the stored form (JSON).
  return { tree: copyOf(t, hostname), stored: t.marked ? t.stored.replaceAll(MARK, hostname) : t.stored };
}

function copyOf(t: Template, hostname: string): ConfigTree {
  return new ConfigTree(t.marked ? named(t.tree.root, hostname) : cloneNode(t.tree.root));
}

/** The template for this text and name, or null when the device's own text must be parsed. */
function shared(kind: string, content: string, parse: (text: string) => ConfigTree, hostname: string): Template | null {
  if (content.includes(MARK) || (content.includes(HOST) && !PLAIN.test(hostname))) return null;
  return template(kind, content, parse);
}
