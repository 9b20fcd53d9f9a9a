/**
 * Configuration groups: what `show configuration | display inheritance` shows.
 *
 * `groups { NAME { ...configuration... } }` holds reusable statements; `apply-groups [ A B ]`
 * at some level of the configuration makes that level inherit what each group holds at the
 * same level. The rules followed here, as Junos documents them:
 *  - a statement written in the configuration itself beats any group's;
 *  - of the groups listed in one `apply-groups`, the first listed wins;
 *  - groups applied at a deeper level beat groups applied above it;
 *  - `apply-groups-except [ A ]` stops A, applied above, from reaching this level and below;
 *  - an entry whose name is `<pattern>` (shell glob: `*`, `?`, `[a-z]`, `[!x]`) gives its
 *    statements to the existing entries whose names match; it never creates one;
 *  - leaf-lists collect the values of every source;
 *  - inactive groups, inactive `apply-groups` and inactive statements inside groups are
 *    left out; an inactive statement of the configuration is kept as it is;
 *  - groups `re0`/`re1` apply only on that routing engine.
 * The result holds neither `groups` nor `apply-groups`/`apply-groups-except`.
 */
import { ConfigTree, type ConfigNode, isLeafList, keyString } from './tree.js';

export interface ExpandOptions {
  /** Record on each inherited node the group it came from (`junos:group` in XML and JSON). */
  mark?: boolean;
  /** The routing engine the configuration is read on; decides whether `re0`/`re1` apply. Default re0. */
  routingEngine?: string;
}

/** One group's statements at the level being expanded. */
interface Source {
  group: string;
  node: ConfigNode;
}

/** One statement of the level being built: the configuration's own, and what groups give it. */
interface Slot {
  own?: ConfigNode;
  /** Contributions, best first. */
  from: { src: Source; rank: number }[];
}

const APPLY = new Set(['apply-groups', 'apply-groups-except']);

export function expandGroups(tree: ConfigTree, opts: ExpandOptions = {}): ConfigTree {
  const groups = new Map<string, ConfigNode>();
  const re = opts.routingEngine ?? 're0';
  for (const g of tree.root.children) {
    const name = g.keys?.[0]?.value;
    if (g.name !== 'groups' || g.kind !== 'entry' || g.inactive || name === undefined) continue;
    if (/^re\d+$/.test(name) && name !== re) continue;
    groups.set(name, g);
  }
  const ex = new Expander(groups, !!opts.mark);
  const root = ex.build(tree.root, [], [], []) ?? { ...tree.root, children: [] };
  return new ConfigTree(root);
}

class Expander {
  constructor(
    private readonly groups: Map<string, ConfigNode>,
    private readonly mark: boolean,
  ) {}

  /**
   * The expanded form of one statement: `own` is the configuration's (if any), `inherited`
   * what groups applied above give it (best first), `path` its element path, `steps` the
   * configuration's nodes from the root down to it.
   */
  build(own: ConfigNode | undefined, inherited: Source[], path: string[], steps: ConfigNode[]): ConfigNode | undefined {
    if (own && (own.inactive || own.kind === 'leaf')) return this.copyOwn(own);
    const sources = own ? this.sourcesAt(own, inherited, steps) : inherited;
    const proto = own ?? sources[0]?.node;
    if (!proto) return undefined;
    if (!own && (proto.kind === 'leaf' || proto.kind === 'flag')) return this.copyInherited(proto, sources[0].group);

    const slots = this.slots(own, sources, path);
    const isRoot = path.length === 0;
    const children: ConfigNode[] = [];
    for (const s of slots) {
      const first = s.own ?? s.from[0].src.node;
      if (isRoot && first.name === 'groups') continue;
      const built = this.build(
        s.own,
        s.from.map((f) => f.src),
        [...path, first.name],
        s.own ? [...steps, s.own] : steps,
      );
      if (built) children.push(built);
    }

    const out: ConfigNode = own ? shallow(own) : shallow(proto);
    out.children = children;
    if (!own) {
      if (this.mark) out.group = sources[0].group;
      delete out.comment;
      // A container that only held patterns matching nothing: nothing inherited.
      if (!children.length && sources.some((s) => s.node.children.length)) return undefined;
    }
    if (out.kind === 'flag' && children.length) out.kind = 'container';
    return out;
  }

  /** Groups reaching this statement: its own apply-groups first, then those from above. */
  private sourcesAt(own: ConfigNode, inherited: Source[], steps: ConfigNode[]): Source[] {
    const active = own.children.filter((c) => !c.inactive && c.kind === 'leaf');
    const except = new Set(active.filter((c) => c.name === 'apply-groups-except').map((c) => c.value ?? ''));
    const out: Source[] = [];
    for (const a of active) {
      if (a.name !== 'apply-groups') continue;
      const g = this.groups.get(a.value ?? '');
      if (!g) continue;
      for (const n of descend(g, steps)) out.push({ group: a.value ?? '', node: n });
    }
    for (const s of inherited) if (!except.has(s.group)) out.push(s);
    const seen = new Set<ConfigNode>();
    return out.filter((s) => (seen.has(s.node) ? false : (seen.add(s.node), true)));
  }

  /**
   * The statements of one level, in order: the configuration's own, then what groups add
   * (a new leaf-list value or list entry next to its siblings of the same name).
   */
  private slots(own: ConfigNode | undefined, sources: Source[], path: string[]): Slot[] {
    const slots: Slot[] = (own?.children ?? []).filter((c) => !APPLY.has(c.name)).map((c) => ({ own: c, from: [] }));
    const leafListAt = (name: string, src: ConfigNode): boolean =>
      isLeafList(path, name) ||
      countLeaves(src, name) > 1 ||
      (own !== undefined && countLeaves(own, name) > 1);
    const find = (c: ConfigNode, src: ConfigNode): Slot[] => {
      if (c.kind === 'entry') {
        if (isPattern(c)) return slots.filter((s) => head(s).kind === 'entry' && head(s).name === c.name && patternMatches(c, head(s)));
        const ks = keyString(c);
        return slots.filter((s) => head(s).kind === 'entry' && head(s).name === c.name && keyString(head(s)) === ks);
      }
      if (c.kind === 'leaf' && leafListAt(c.name, src)) {
        return slots.filter((s) => head(s).kind === 'leaf' && head(s).name === c.name && head(s).value === c.value);
      }
      return slots.filter((s) => head(s).kind !== 'entry' && head(s).name === c.name).slice(0, 1);
    };
    // Patterns go second so that they also reach the entries other groups add.
    for (const patterns of [false, true]) {
      sources.forEach((src, rank) => {
        for (const c of src.node.children) {
          if (c.inactive || APPLY.has(c.name) || (c.kind === 'entry' && isPattern(c)) !== patterns) continue;
          const hits = find(c, src.node);
          if (hits.length) {
            for (const h of hits) h.from.push({ src: { group: src.group, node: c }, rank });
          } else if (!patterns) {
            insertAfterSameName(slots, { from: [{ src: { group: src.group, node: c }, rank }] });
          }
        }
      });
    }
    // Best first: by the rank of the group; within one group, exact names before patterns.
    for (const s of slots) s.from.sort((a, b) => a.rank - b.rank);
    return slots;
  }

  private copyOwn(n: ConfigNode): ConfigNode {
    const c = shallow(n);
    c.children = n.children.filter((k) => !APPLY.has(k.name)).map((k) => this.copyOwn(k));
    return c;
  }

  private copyInherited(n: ConfigNode, group: string): ConfigNode {
    const c = shallow(n);
    delete c.comment;
    if (this.mark) c.group = group;
    c.children = n.children.filter((k) => !k.inactive && !APPLY.has(k.name)).map((k) => this.copyInherited(k, group));
    return c;
  }
}

function head(s: Slot): ConfigNode {
  return s.own ?? s.from[0].src.node;
}

function countLeaves(n: ConfigNode, name: string): number {
  return n.children.filter((c) => c.kind === 'leaf' && c.name === name).length;
}

function insertAfterSameName(slots: Slot[], slot: Slot): void {
  const name = head(slot).name;
  let at = -1;
  slots.forEach((s, i) => {
    if (head(s).name === name) at = i;
  });
  if (at < 0) slots.push(slot);
  else slots.splice(at + 1, 0, slot);
}

/** A node without its children, edit markers and group mark. */
function shallow(n: ConfigNode): ConfigNode {
  const c: ConfigNode = { name: n.name, kind: n.kind, children: [] };
  if (n.keys) c.keys = n.keys.map((k) => ({ ...k }));
  if (n.value !== undefined) c.value = n.value;
  if (n.inactive) c.inactive = true;
  if (n.comment !== undefined) c.comment = n.comment;
  return c;
}

/**
 * The nodes of group `g` at the place of the configuration's `steps` (root first): entries
 * named exactly come before those whose pattern matches.
 */
function descend(g: ConfigNode, steps: ConfigNode[]): ConfigNode[] {
  let here = [g];
  for (const step of steps) {
    const next: ConfigNode[] = [];
    for (const h of here) {
      const kids = h.children.filter((c) => !c.inactive && c.name === step.name);
      if (step.kind !== 'entry') {
        next.push(...kids.filter((c) => c.kind !== 'entry' && c.kind !== 'leaf').slice(0, 1));
        continue;
      }
      const entries = kids.filter((c) => c.kind === 'entry');
      next.push(...entries.filter((c) => !isPattern(c) && keyString(c) === keyString(step)));
      next.push(...entries.filter((c) => isPattern(c) && patternMatches(c, step)));
    }
    here = next;
    if (!here.length) break;
  }
  return here;
}

const PATTERN = /^<(.+)>$/;

function isPattern(n: ConfigNode): boolean {
  return (n.keys ?? []).some((k) => PATTERN.test(k.value));
}

/** Whether each key of `pat` (a `<glob>` or a plain value) accepts the key of `n`. */
function patternMatches(pat: ConfigNode, n: ConfigNode): boolean {
  const pk = pat.keys ?? [];
  const nk = n.keys ?? [];
  if (pk.length !== nk.length || isPattern(n)) return false;
  return pk.every((k, i) => {
    const m = PATTERN.exec(k.value);
    return m ? globRegExp(m[1]).test(nk[i].value) : k.value === nk[i].value;
  });
}

const globCache = new Map<string, RegExp>();

/**
 * A shell glob as a regular expression: `*` any run of characters (`/` included), `?` one
 * character, `[...]` a class (`!` first negates; a `[` without its `]` stands for itself).
 */
export function globRegExp(glob: string): RegExp {
  const hit = globCache.get(glob);
  if (hit) return hit;
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[') {
      // A `]` right after `[` or `[!` belongs to the class.
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      const end = glob.indexOf(']', j);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, (x) => `\\${x}`)}]`;
      i = end;
    } else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const out = new RegExp(`^${re}$`);
  globCache.set(glob, out);
  return out;
}
