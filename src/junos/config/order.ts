/**
 * Where Junos puts a new statement: inside a container, statements stand in the order of
 * the schema, whatever order they were added in; the entries of one list (and the values
 * of one leaf-list) stay together in the order they were added (ordered-by-user lists, and
 * in practice every list: Junos does not sort entries).
 *
 * The order is the YANG child order of the device's family (src/schema), except where
 * Juniper's published YANG does not follow what Junos writes:
 *  - the top level, which the YANG lists alphabetically (one module per top-level
 *    statement), where Junos writes `version`, `groups`, `apply-groups`, `system`, ...,
 *    `interfaces`, ..., `routing-options`, `protocols`, ...;
 *  - the first statements of `system` (`host-name`, `domain-name`, `time-zone`,
 *    `authentication-order`, `root-authentication`, `name-server`, `radius-server`), which
 *    Junos writes before `login`, where the YANG has some of them much later.
 * Checked against the real configurations in test/fixtures/config (test/junos/config/order.test.ts).
 *
 * Only new statements are placed: what a configuration already holds keeps its place
 * (a loaded or restored configuration is not reordered, so it reads back byte for byte).
 */
import type { Schema, SchemaNode } from '../../schema/index.js';
import { normalisePath } from './schema.js';
import type { ConfigNode, ElementPath } from './tree.js';

/**
 * Puts the new statement `n` among the children of `parent` (at element path `parentPath`);
 * `keeps(path)`, when given, tells the containers a deletion must not take away with their
 * last statement (YANG presence containers).
 */
export interface Placer {
  (parent: ConfigNode, parentPath: ElementPath, n: ConfigNode): void;
  keeps?: (path: ElementPath) => boolean;
}

/** Appends: the order statements are given in (no schema). */
export const appendPlacer: Placer = (parent, _path, n) => {
  parent.children.push(n);
};

/** Junos' top-level order, as real configurations show it; the rest follows in YANG order. */
const TOP_ORDER = [
  'version', 'groups', 'apply-groups', 'apply-groups-except', 'apply-macro', 'system', 'logical-systems',
  'chassis', 'services', 'interfaces', 'snmp', 'forwarding-options', 'event-options', 'routing-options',
  'protocols', 'security', 'policy-options', 'class-of-service', 'firewall', 'access',
  'routing-instances', 'applications', 'bridge-domains', 'ethernet-switching-options', 'vlans',
  'switch-options', 'poe', 'virtual-chassis',
];

/** Statements Junos writes first in `system`, in this order; the rest follows in YANG order. */
const SYSTEM_FIRST = [
  'apply-groups', 'apply-groups-except', 'apply-macro', 'host-name', 'domain-name', 'domain-search',
  'time-zone', 'authentication-order', 'root-authentication', 'name-server', 'radius-server', 'tacplus-server',
];

const OVERRIDES = new Map<string, string[]>([
  ['', TOP_ORDER],
  ['system', SYSTEM_FIRST],
]);

const ranks = new WeakMap<SchemaNode, Map<string, Map<string, number>>>();

/** Rank of each child name of `sn` (lower first), with the override for `key` if any. */
function rankTable(sn: SchemaNode, key: string): Map<string, number> {
  let byKey = ranks.get(sn);
  if (!byKey) {
    byKey = new Map();
    ranks.set(sn, byKey);
  }
  let t = byKey.get(key);
  if (!t) {
    t = new Map();
    const first = OVERRIDES.get(key) ?? [];
    first.forEach((name, i) => t!.set(name, i));
    sn.childNames().forEach((name, i) => {
      if (!t!.has(name)) t!.set(name, first.length + i);
    });
    byKey.set(key, t);
  }
  return t;
}

/**
 * The rank of each statement name under `parentPath` (lower first), or undefined when the
 * schema does not know that hierarchy.
 */
export function statementRanks(schema: Schema, parentPath: ElementPath): Map<string, number> | undefined {
  const sn = schema.walk(parentPath);
  if (!sn || (sn.kind !== 'container' && sn.kind !== 'list')) return undefined;
  const p = normalisePath(parentPath);
  // The inside of a group or a logical system is ordered as the top level.
  const key = p.length === 1 && (p[0] === 'groups' || p[0] === 'logical-systems') ? '' : p.join('/');
  return rankTable(sn, key);
}

/**
 * The highest rank among a parent's children, remembered while the parent keeps the same
 * children array and length: a statement that ranks at least as high goes at the end
 * without a scan (thousands of units under one interface are each placed in constant time).
 */
const highest = new WeakMap<ConfigNode, { arr: ConfigNode[]; len: number; max: number }>();

function highestRank(parent: ConfigNode, ranks: Map<string, number>): { arr: ConfigNode[]; len: number; max: number } {
  const have = highest.get(parent);
  if (have && have.arr === parent.children && have.len === parent.children.length) return have;
  let max = -1;
  for (const c of parent.children) {
    const rc = ranks.get(c.name);
    if (rc !== undefined && rc > max) max = rc;
  }
  const h = { arr: parent.children, len: parent.children.length, max };
  highest.set(parent, h);
  return h;
}

/** Per schema node: for each statement in a YANG choice, the statements of the other cases. */
const rivalTables = new WeakMap<SchemaNode, Map<string, Set<string>>>();

function rivalsOf(sn: SchemaNode): Map<string, Set<string>> {
  let t = rivalTables.get(sn);
  if (!t) {
    t = new Map();
    for (const ch of sn.choices()) {
      for (const cs of ch.cases) {
        const others = ch.cases.filter((o) => o !== cs).flat().filter((x) => !cs.includes(x));
        for (const name of cs) {
          const have = t.get(name) ?? new Set<string>();
          for (const o of others) have.add(o);
          t.set(name, have);
        }
      }
    }
    rivalTables.set(sn, t);
  }
  return t;
}

/**
 * A new statement of one case of a choice takes the place of the other cases' statements
 * (`default-policy deny-all` after `permit-all`, `then discard` after `then accept`): as
 * on Junos, the last one set wins. A new children array when something goes, so indexes
 * kept on the old one see the change.
 */
export function dropRivals(schema: Schema, parent: ConfigNode, parentPath: ElementPath, name: string): void {
  const sn = schema.walk(parentPath);
  if (!sn || (sn.kind !== 'container' && sn.kind !== 'list')) return;
  const rivals = rivalsOf(sn).get(name);
  if (!rivals || !rivals.size || !parent.children.some((c) => rivals.has(c.name))) return;
  parent.children = parent.children.filter((c) => !rivals.has(c.name));
}

/**
 * Places new statements in Junos' schema order (see the file comment); a statement of one
 * case of a choice drops those of the other cases (dropRivals).
 */
export function schemaPlacer(schema: Schema): Placer {
  const place: Placer = (parent, parentPath, n) => {
    dropRivals(schema, parent, parentPath, n.name);
    const ranks = statementRanks(schema, parentPath);
    const r = ranks?.get(n.name);
    if (ranks === undefined || r === undefined) {
      parent.children.push(n);
      return;
    }
    const h = highestRank(parent, ranks);
    if (h.max <= r) {
      parent.children.push(n);
      h.max = r;
      h.len++;
      return;
    }
    const at = parent.children.findIndex((c) => {
      const rc = ranks.get(c.name);
      return rc !== undefined && rc > r;
    });
    if (at < 0) parent.children.push(n);
    else parent.children.splice(at, 0, n);
    h.len = parent.children.length;
  };
  place.keeps = (path) => schema.walk(path)?.presence === true;
  return place;
}

/**
 * Statements of `n` (recursively) that stand before one the order puts first: empty when the
 * tree is in Junos order. Each as `path: name after other`.
 */
export function orderProblems(schema: Schema, root: ConfigNode): string[] {
  const out: string[] = [];
  const walk = (n: ConfigNode, path: string[]): void => {
    const ranks = statementRanks(schema, path);
    let last = -1;
    let lastName = '';
    for (const c of n.children) {
      const r = ranks?.get(c.name);
      if (r !== undefined) {
        if (r < last) out.push(`${path.join(' ') || '(top)'}: ${c.name} after ${lastName}`);
        else {
          last = r;
          lastName = c.name;
        }
      }
      if (c.children.length && ranks?.has(c.name)) walk(c, [...path, c.name]);
    }
  };
  walk(root, []);
  return out;
}
