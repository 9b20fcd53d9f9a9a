/**
 * Commit-time checks against the Junos schema (what `validate`, `commit check` and every
 * commit run), on the configuration with its groups applied, inactive statements left out:
 *
 * - mandatory statements (YANG `mandatory true`; inside a choice only when their case is
 *   chosen) and list keys: `Missing mandatory statement: 'NAME'`;
 * - `junos:must` rules, evaluated generically (see evalMust for the shapes enforced);
 *   the error carries the rule's junos:must-message.
 *
 * Junos ends a failed check with `configuration check-out failed` (with
 * `: (missing mandatory statements)` when statements are missing).
 */
import { RpcError } from '../../netconf/rpc-error.js';
import type { MustExpr, Schema, SchemaNode } from '../../schema/index.js';
import { editPath } from './errors.js';
import { expandGroups } from './groups.js';
import { validateTree } from './validate.js';
import { isHiddenList, schemaView } from './schema-check.js';
import { daemonChecks } from './commit-rules.js';
import type { ConfigNode, ConfigTree } from './tree.js';

export interface CommitCheckStats {
  /** must rules met on present statements and evaluated. */
  evaluated: number;
  /** must rules met but skipped: a shape evalMust does not enforce. */
  skipped: number;
  /** Shapes skipped, with counts (`$$-IFL`, `$$={`, `unique`, `all`, `unparsed`, `${var}`). */
  skippedShapes: Record<string, number>;
}

/** One statement on the way down: its node, its schema node, its element path. */
interface Frame {
  cfg: ConfigNode;
  sch: SchemaNode;
  els: string[];
}

type Verdict = boolean | 'skip';

/** Mandatory statements (not keys) of each schema node, computed once per process. */
const mandatoryCache = new WeakMap<SchemaNode, string[]>();

export class CommitChecker {
  readonly stats: CommitCheckStats = { evaluated: 0, skipped: 0, skippedShapes: {} };
  readonly errors: RpcError[] = [];
  /** junos:must refusals among errors: mgd's statement constraint checks. */
  constraints = 0;

  constructor(private readonly schema: Schema, private readonly root: ConfigNode) {}

  run(): void {
    this.visit([{ cfg: this.root, sch: this.schema.root, els: [] }], []);
  }

  private skip(shape: string): 'skip' {
    this.stats.skippedShapes[shape] = (this.stats.skippedShapes[shape] ?? 0) + 1;
    return 'skip';
  }

  private visit(chain: Frame[], words: string[]): void {
    const { cfg, sch, els } = chain[chain.length - 1];
    if (cfg.kind === 'container' || cfg.kind === 'entry' || cfg === this.root) this.mandatory(cfg, sch, words);
    for (const c of cfg.children) {
      if (c.inactive) continue;
      if (chain.length === 1 && c.name === 'groups') continue;
      const s = sch.child(c.name);
      if (!s) continue;
      const hidden = c.kind === 'entry' && isHiddenList([...els, c.name]);
      const inner = c.kind === 'entry' ? [...words, ...(hidden ? [] : [c.name]), ...(c.keys ?? []).map((k) => k.value)] : [...words, c.name];
      const frame: Frame = { cfg: c, sch: s, els: [...els, c.name] };
      const next = [...chain, frame];
      // Rules on list keys are checked with the key as the statement (`$$` its value).
      const keyed: [Frame[], { expression: string; message: string; parsed: MustExpr | null }][] = s.mustRules().map((r) => [next, r]);
      if (c.kind === 'entry' && s.keys.some((k) => s.child(k)?.mustRules().length)) {
        for (const k of c.keys ?? []) {
          const ks = s.child(k.name);
          if (!ks) continue;
          const kf: Frame = { cfg: { name: k.name, kind: 'leaf', value: k.value, children: [] }, sch: ks, els: [...frame.els, k.name] };
          for (const r of ks.mustRules()) keyed.push([[...next, kf], r]);
        }
      }
      for (const [ctx, rule] of keyed) {
        const v = this.evalRule(rule.parsed, rule.expression, ctx);
        if (v === 'skip') {
          this.stats.skipped++;
          continue;
        }
        this.stats.evaluated++;
        if (!v) {
          this.constraints++;
          const stmt = c.kind === 'leaf' ? `${c.name} ${c.value ?? ''}` : c.kind === 'entry' ? [hidden ? '' : c.name, ...(c.keys ?? []).map((k) => k.value)].join(' ').trim() : c.name;
          this.errors.push(
            new RpcError({
              type: 'protocol',
              tag: 'operation-failed',
              message: rule.message || `'${stmt}' is not allowed here (${rule.expression})`,
              path: editPath(words),
              badElement: stmt,
            }),
          );
        }
      }
      if (c.kind === 'container' || c.kind === 'entry') this.visit(next, inner);
    }
  }

  private mandatory(cfg: ConfigNode, sch: SchemaNode, words: string[]): void {
    let m = mandatoryCache.get(sch);
    if (!m) {
      const keys = sch.keys;
      m = sch.mandatoryChildren().filter((n) => !keys.includes(n));
      mandatoryCache.set(sch, m);
    }
    if (!m.length) return;
    const present = new Set(cfg.children.map((c) => c.name));
    const choices = sch.choices();
    for (const name of m) {
      if (present.has(name)) continue;
      // Inside a choice, a mandatory statement counts only when its case is chosen.
      const cases = choices.flatMap((ch) => ch.cases).filter((cs) => cs.includes(name));
      if (cases.length && !cases.some((cs) => cs.some((n) => present.has(n)))) continue;
      this.errors.push(
        new RpcError({
          type: 'protocol',
          tag: 'operation-failed',
          message: `Missing mandatory statement: '${name}'`,
          path: editPath(words),
          badElement: name,
        }),
      );
    }
  }

  private evalRule(e: MustExpr | null, text: string, chain: Frame[]): Verdict {
    if (!e) return this.skip('unparsed');
    if (text.includes('$$-IFL')) return this.skip('$$-IFL');
    if (text.includes('$$={')) return this.skip('$$={value}');
    return this.evalMust(e, chain);
  }

  /**
   * Enforced shapes: quoted paths, absolute or relative (`..` up one statement each, `.`
   * the statement itself), with `$$` (the statement's value or key), `${list}` (the key of
   * the enclosing entry of that list), `<*>` (any entry, any value), `any` (same as a bare
   * path: some match exists), combined with `!`, `&&`, `||` and parentheses. Skipped:
   * `all`, `unique`, `$$-IFL`, `$$={value}`, `${name}` with no such enclosing entry.
   */
  private evalMust(e: MustExpr, chain: Frame[]): Verdict {
    switch (e.op) {
      case 'not': {
        const v = this.evalMust(e.arg, chain);
        return v === 'skip' ? v : !v;
      }
      case 'and':
      case 'or': {
        const a = this.evalMust(e.args[0], chain);
        const b = this.evalMust(e.args[1], chain);
        if (a === 'skip' || b === 'skip') return 'skip';
        return e.op === 'and' ? a && b : a || b;
      }
      case 'path': {
        if (e.quant === 'all' || e.quant === 'unique') return this.skip(e.quant);
        const self = chain[chain.length - 1].cfg;
        const selfValue = self.kind === 'leaf' ? self.value ?? '' : self.keys?.[0]?.value ?? '';
        const words: string[] = [];
        for (const w of e.words) {
          if (!w.includes('$')) {
            words.push(w);
            continue;
          }
          let bad = false;
          const r = w
            .replace(/\$\{([\w-]+)\}/g, (_m, name: string) => {
              const f = [...chain].reverse().find((fr) => fr.cfg.name === name && fr.cfg.kind === 'entry');
              if (!f) bad = true;
              return f?.cfg.keys?.[0]?.value ?? '';
            })
            .replace(/\$\$/g, selfValue);
          if (bad) return this.skip('${var}');
          words.push(r);
        }
        let base: Frame;
        if (e.self) base = chain[chain.length - 1];
        else if (e.up > 0) {
          const i = chain.length - 1 - e.up;
          if (i < 0) return false;
          base = chain[i];
        } else base = chain[0];
        return this.match(base.cfg, base.sch, base.els, words, 0);
      }
    }
  }

  /** Children of a node by name, and entries of lists without keyword by first key (built once per node). */
  private index(cfg: ConfigNode, els: string[]): { byName: Map<string, ConfigNode[]>; byKey: Map<string, ConfigNode[]> } {
    let ix = this.indexes.get(cfg);
    if (!ix) {
      ix = { byName: new Map(), byKey: new Map() };
      for (const c of cfg.children) {
        if (c.inactive) continue;
        const a = ix.byName.get(c.name) ?? [];
        a.push(c);
        ix.byName.set(c.name, a);
        const k = c.keys?.[0]?.value;
        if (c.kind === 'entry' && k !== undefined && isHiddenList([...els, c.name])) {
          const b = ix.byKey.get(k) ?? [];
          b.push(c);
          ix.byKey.set(k, b);
        }
      }
      this.indexes.set(cfg, ix);
    }
    return ix;
  }

  private readonly indexes = new Map<ConfigNode, { byName: Map<string, ConfigNode[]>; byKey: Map<string, ConfigNode[]> }>();

  /** Whether statements matching words[i..] exist below `cfg` (set-form words, `<*>` any). */
  private match(cfg: ConfigNode, sch: SchemaNode, els: string[], words: string[], i: number): boolean {
    if (i >= words.length) return true;
    const w = words[i];
    const eq = (pat: string, v: string | undefined) => v !== undefined && (pat === v || (pat.startsWith('<') && pat.endsWith('>') && glob(pat.slice(1, -1)).test(v)));
    const ix = this.index(cfg, els);
    for (const c of ix.byName.get(w) ?? []) {
      const s = sch.child(c.name);
      if (c.kind === 'entry') {
        const keys = c.keys ?? [];
        if (i + 1 >= words.length) return true;
        if (keys.every((k, j) => i + 1 + j >= words.length || eq(words[i + 1 + j], k.value))) {
          if (s && this.match(c, s, [...els, c.name], words, i + 1 + keys.length)) return true;
        }
        continue;
      }
      if (c.kind === 'leaf') {
        if (i + 1 >= words.length) return true;
        if (eq(words[i + 1], c.value) && i + 2 >= words.length) return true;
        continue;
      }
      if (!s) return i + 1 >= words.length;
      if (this.match(c, s, [...els, c.name], words, i + 1)) return true;
    }
    // Lists written without their keyword: `interfaces ge-0/0/0`, also `interfaces ge-0/0/0.0` for a unit.
    const wild = w.startsWith('<') && w.endsWith('>');
    const dot = w.lastIndexOf('.');
    const cands = wild ? [...ix.byKey.values()].flat() : [...(ix.byKey.get(w) ?? []), ...(dot > 0 ? ix.byKey.get(w.slice(0, dot)) ?? [] : [])];
    for (const c of cands) {
      const s = sch.child(c.name);
      if (!s) continue;
      const k = c.keys?.[0]?.value;
      if (eq(w, k)) {
        if (this.match(c, s, [...els, c.name], words, i + 1)) return true;
      } else if (k !== undefined && w.startsWith(`${k}.`) && c.name === 'interface') {
        if (this.match(c, s, [...els, c.name], ['unit', w.slice(k.length + 1), ...words.slice(i + 1)], 0)) return true;
      }
    }
    return false;
  }
}

const globs = new Map<string, RegExp>();
/** `<*>`, `<st*>`: a Junos wildcard name as a regular expression. */
function glob(p: string): RegExp {
  let re = globs.get(p);
  if (!re) {
    re = new RegExp(`^${p.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    globs.set(p, re);
  }
  return re;
}

/**
 * The commit-time errors of `tree` (none: it may be committed), with the check-out failure
 * last, and what was evaluated.
 */
export function commitCheck(schema: Schema, tree: ConfigTree): { errors: RpcError[]; stats: CommitCheckStats; constraints: number } {
  const expanded = expandGroups(tree);
  const checker = new CommitChecker(schema, schemaView(expanded.root, schema.root));
  checker.run();
  return { errors: checker.errors, stats: checker.stats, constraints: checker.constraints };
}

/** Junos' closing words when mgd's statement constraint checks (junos:must, family rules) refused. */
export const CONSTRAINT_CHECKOUT = 'configuration check-out failed: (statements constraint check failed)';
/** The same closing on a commit (not `commit check`), as Junos prints it. */
export const CONSTRAINT_COMMIT = 'commit failed: (statements constraint check failed)';

export function checkoutFailed(errors: RpcError[], constraint = false): RpcError {
  const missing = errors.some((e) => e.info.message.startsWith('Missing mandatory statement'));
  return new RpcError({
    type: 'protocol',
    tag: 'operation-failed',
    message: missing ? 'configuration check-out failed: (missing mandatory statements)' : constraint ? CONSTRAINT_CHECKOUT : 'configuration check-out failed',
  });
}

/**
 * What `validate`, `commit check` and a commit refuse: undefined groups, and with a schema
 * its commit-time checks; followed by Junos' closing `configuration check-out failed`.
 * Empty when the candidate may be committed.
 */
export function checkCandidate(tree: ConfigTree, schema: Schema | undefined): RpcError[] {
  const errors = validateTree(tree).filter((e) => !e.isWarning);
  let constraint = false;
  if (schema) {
    const checked = commitCheck(schema, tree);
    errors.push(...checked.errors);
    constraint = checked.constraints > 0;
  }
  // What Junos' daemons refuse beyond the YANG (commit-rules.ts), once the rest is sound.
  if (schema && !errors.length) errors.push(...daemonChecks(expandGroups(tree), schema.family, () => (constraint = true)));
  return errors.length ? [...errors, checkoutFailed(errors, constraint)] : [];
}
