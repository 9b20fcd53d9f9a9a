/**
 * The Junos configuration schema of a device family, generated from Juniper's published
 * YANG (scripts/yang/gen-schema.mjs → data/schema/<family>.json.gz).
 *
 * loadSchema(family) reads a family once per process; every device of a fleet shares it.
 * Nodes are shared between all the places a YANG grouping is used, so a node does not
 * know its own name or parent: walk from `schema.root` by element names.
 *
 *   const s = loadSchema(familyForProfile('srx'));
 *   const zone = s.walk(['security', 'zones', 'security-zone']);   // list, keys ['name']
 *   checkValue(s.walk(['system', 'host-name'])!, 'a/b')             // → { message: 'invalid value', detail: 'Must be ...' }
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { FORMAT_VERSION, type RawNode, type RawSchema } from './format.js';
import { checkType, type ValueProblem } from './values.js';
import { parseMust, type MustExpr } from './must.js';

export type { ValueProblem } from './values.js';
export type { MustExpr } from './must.js';
export { parseMust } from './must.js';
export { checkInterfaceName, isIPv4 } from './junos-types.js';

export const FAMILIES = ['junos', 'junos-es', 'junos-ex', 'junos-qfx'] as const;
export type SchemaFamily = (typeof FAMILIES)[number];

/** Profile (platform) name → Junos YANG family. */
export const PROFILE_FAMILIES: Readonly<Record<string, SchemaFamily>> = Object.freeze({
  mx: 'junos',
  srx: 'junos-es',
  ex: 'junos-ex',
  qfx: 'junos-qfx',
});

/** The family of a profile (`mx`, `srx`, `ex`, `qfx`); undefined for an unknown profile. */
export function familyForProfile(profile: string): SchemaFamily | undefined {
  return PROFILE_FAMILIES[profile.toLowerCase()];
}

export type SchemaKind = 'container' | 'list' | 'leaf' | 'leaf-list' | 'flag';

const APPLY = new Set(['apply-groups', 'apply-groups-except', 'apply-macro']);

const KIND: Record<RawNode['k'], SchemaKind> = { c: 'container', p: 'container', l: 'list', f: 'leaf', L: 'leaf-list', e: 'flag' };

export interface MustRule {
  /** The junos:must expression as the YANG writes it. */
  expression: string;
  /** The junos:must-message ('' when the YANG gives none). */
  message: string;
  /** The parsed expression, null for shapes parseMust does not know. */
  parsed: MustExpr | null;
}

export interface Choice {
  name: string;
  /** Element names of each case (a statement from one case excludes the others). */
  cases: string[][];
}

export class SchemaNode {
  readonly kind: SchemaKind;
  /** Index in the family's node table (stable within one generated schema). */
  readonly id: number;
  private map: Map<string, number> | undefined;
  private musts: MustRule[] | undefined;

  constructor(private readonly schema: Schema, id: number, private readonly raw: RawNode) {
    this.id = id;
    this.kind = KIND[raw.k];
  }

  /** A container that means something by itself (YANG `presence`). */
  get presence(): boolean {
    return this.raw.k === 'p';
  }

  /** List key element names, in order (`['name']`; some lists have several). */
  get keys(): string[] {
    return (this.raw.y ?? []).map((i) => this.schema.strings[i]);
  }

  /** `ordered-by user` (lists and leaf-lists): entries keep the order they were given. */
  get orderedByUser(): boolean {
    return this.raw.o === 1;
  }

  /** YANG `mandatory true`. */
  get mandatory(): boolean {
    return this.raw.m === 1;
  }

  /** YANG `default`, as text. */
  get default(): string | undefined {
    return this.raw.d;
  }

  /** Child element names in schema order. */
  childNames(): string[] {
    const c = this.raw.c ?? [];
    const out: string[] = [];
    for (let i = 0; i < c.length; i += 2) out.push(this.schema.strings[c[i]]);
    return out;
  }

  /** The child element `name`, or undefined when the schema has no such statement here. */
  child(name: string): SchemaNode | undefined {
    if (!this.map) {
      const c = this.raw.c ?? [];
      this.map = new Map();
      for (let i = 0; i < c.length; i += 2) this.map.set(this.schema.strings[c[i]], c[i + 1]);
    }
    const id = this.map.get(name);
    return id === undefined ? undefined : this.schema.node(id);
  }

  /** Children that must be present: YANG `mandatory` leaves plus the list keys. */
  mandatoryChildren(): string[] {
    const keys = this.keys;
    const out = [...keys];
    for (const name of this.childNames()) {
      if (!keys.includes(name) && this.child(name)!.mandatory) out.push(name);
    }
    return out;
  }

  /**
   * For a container Junos writes with a bare value (`autonomous-system 65000;`, `filter { input f1; }`):
   * the leaf that takes the value, which the YANG lists first (`as-number`, `filter-name`).
   * Undefined when the first statement is not a leaf.
   */
  valueChild(): string | undefined {
    if (this.kind !== 'container') return undefined;
    const first = this.childNames().find((n) => !APPLY.has(n));
    return first !== undefined && this.child(first)!.kind === 'leaf' ? first : undefined;
  }

  /**
   * For a list whose later keys are keywords (`route-filter 10.0.0.0/8 exact;` has keys
   * address, choice-ident, choice-value): the key whose enumeration holds `word`.
   */
  keyForWord(word: string): string | undefined {
    return this.keys.slice(1).find((k) => this.child(k)?.enumValues().includes(word));
  }

  /** choice/case groups among the children. */
  choices(): Choice[] {
    return (this.raw.x ?? []).map(([n, cases]) => ({
      name: this.schema.strings[n],
      cases: cases.map((c) => c.map((i) => this.schema.strings[i])),
    }));
  }

  /** junos:must rules carried by this statement. */
  mustRules(): MustRule[] {
    if (!this.musts) {
      const w = this.raw.w ?? [];
      this.musts = [];
      for (let i = 0; i < w.length; i += 2) {
        const expression = this.schema.strings[w[i]];
        this.musts.push({ expression, message: w[i + 1] >= 0 ? this.schema.strings[w[i + 1]] : '', parsed: parseMust(expression) });
      }
    }
    return this.musts;
  }

  /** For leaves and leaf-lists: null when `value` is acceptable, else the problem (Junos wording). */
  checkValue(value: string): ValueProblem | null {
    if (this.raw.t === undefined) {
      if (this.kind === 'flag') return value === '' ? null : { message: 'invalid value', detail: `statement takes no value: '${value}'`, kind: 'flag' };
      return null;
    }
    return checkType(this.schema.types[this.raw.t], value, this.schema);
  }

  /** Enumeration values of a leaf (also inside a union), else []. */
  enumValues(): string[] {
    if (this.raw.t === undefined) return [];
    const out: string[] = [];
    const walk = (ti: number) => {
      const t = this.schema.types[ti];
      for (const e of t.e ?? []) out.push(this.schema.strings[e]);
      for (const u of t.u ?? []) walk(u);
    };
    walk(this.raw.t);
    return out;
  }

  /** Name of the Junos typedef of a leaf (`ipv4prefix`, `interface-name`, ...), also inside a union. */
  junosType(): string | undefined {
    if (this.raw.t === undefined) return undefined;
    const find = (ti: number): string | undefined => {
      const t = this.schema.types[ti];
      return t.j ?? (t.u ?? []).map(find).find((x) => x !== undefined);
    };
    return find(this.raw.t);
  }
}

export class Schema {
  readonly family: string;
  readonly release: string;
  readonly strings: string[];
  readonly types: RawSchema['t'];
  private readonly raw: RawNode[];
  private readonly nodes: (SchemaNode | undefined)[];
  readonly root: SchemaNode;

  constructor(data: RawSchema) {
    if (data.v !== FORMAT_VERSION) throw new Error(`schema ${data.family}: format ${data.v}, expected ${FORMAT_VERSION} (regenerate with npm run gen:schema)`);
    this.family = data.family;
    this.release = data.release;
    this.strings = data.s;
    this.types = data.t;
    this.raw = data.n;
    this.nodes = new Array(data.n.length);
    this.root = this.node(data.root);
  }

  /** Number of distinct (interned) nodes. */
  get size(): number {
    return this.raw.length;
  }

  node(id: number): SchemaNode {
    let n = this.nodes[id];
    if (!n) {
      const raw = this.raw[id];
      if (!raw) throw new RangeError(`schema ${this.family}: no node ${id}`);
      n = new SchemaNode(this, id, raw);
      this.nodes[id] = n;
    }
    return n;
  }

  /** Walks from the configuration root by element names (list keys are not part of the path). */
  walk(names: readonly string[]): SchemaNode | undefined {
    let n: SchemaNode | undefined = this.root;
    for (const name of names) {
      n = n.child(name);
      if (!n) return undefined;
    }
    return n;
  }
}

/** Child `name` of `node` (undefined: unknown statement there). */
export function child(node: SchemaNode, name: string): SchemaNode | undefined {
  return node.child(name);
}

/** null when `value` suits the leaf, else the problem in Junos wording. */
export function checkValue(node: SchemaNode, value: string): ValueProblem | null {
  return node.checkValue(value);
}

/** data/schema of the repository: from dist/src/schema or src/schema. */
export function schemaDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [path.resolve(here, '../../../data/schema'), path.resolve(here, '../../data/schema')].find((p) =>
    fs.existsSync(path.join(p, 'junos.json.gz')),
  ) ?? path.resolve(here, '../../../data/schema');
}

const cache = new Map<string, Schema>();

/** The schema of a family, read on first use and shared by every caller in this process. */
export function loadSchema(family: SchemaFamily): Schema {
  let s = cache.get(family);
  if (!s) {
    if (!(FAMILIES as readonly string[]).includes(family)) throw new Error(`unknown schema family '${family}' (one of ${FAMILIES.join(', ')})`);
    const file = path.join(schemaDir(), `${family}.json.gz`);
    let data: RawSchema;
    try {
      data = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as RawSchema;
    } catch (e) {
      throw new Error(`cannot read schema ${file}: ${(e as Error).message}`);
    }
    s = new Schema(data);
    cache.set(family, s);
  }
  return s;
}
