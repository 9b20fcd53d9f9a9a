/**
 * Juniper's YANG modules of each family (21.4R1), as the device serves them with
 * `get-schema` and lists them in `netconf-state/schemas` (RFC 6022), generated into
 * data/yang/modules.br by scripts/yang/gen-modules.mjs.
 *
 *   yangModules('junos-es')                  → [{ name, revision, namespace }] of the family
 *   yangModuleText('junos-es', 'junos-es-conf-system', '2019-01-01') → the module's text
 *
 * The index is read once per process; the texts (86 MB for the four families) are
 * decompressed on demand (about 0.2 s) and dropped after a minute without a request, so
 * a fleet does not keep them.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

export interface YangModule {
  name: string;
  revision: string;
  namespace: string;
}

interface Index {
  v: number;
  release: string;
  families: Record<string, string[]>;
  modules: (YangModule & { id: string; length: number })[];
  /** Per family: `parent/name` and `name` → the statement's description. */
  help?: Record<string, Record<string, string>>;
}

function dataFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../../data/yang/modules.br'), path.resolve(here, '../../data/yang/modules.br')];
  return candidates.find((p) => fs.existsSync(p)) ?? candidates[0];
}

let index: { idx: Index; offsets: Map<string, [number, number]>; headEnd: number } | undefined;
let body: { buf: Buffer; timer: NodeJS.Timeout } | undefined;
const KEEP_MS = 60_000;

function decompressed(): Buffer {
  if (body) {
    body.timer.refresh();
    return body.buf;
  }
  let buf: Buffer;
  try {
    buf = zlib.brotliDecompressSync(fs.readFileSync(dataFile()));
  } catch (e) {
    throw new Error(`cannot read the YANG modules (${dataFile()}): ${(e as Error).message}`);
  }
  const timer = setTimeout(() => (body = undefined), KEEP_MS);
  timer.unref();
  body = { buf, timer };
  return buf;
}

function load(): NonNullable<typeof index> {
  if (index) return index;
  const buf = decompressed();
  const n = buf.readUInt32BE(0);
  const idx = JSON.parse(buf.subarray(4, 4 + n).toString('utf8')) as Index;
  if (idx.v !== 2) throw new Error(`YANG modules: format ${idx.v}, expected 2 (regenerate with npm run gen:modules)`);
  const offsets = new Map<string, [number, number]>();
  let at = 4 + n;
  for (const m of idx.modules) {
    offsets.set(m.id, [at, at + m.length]);
    at += m.length;
  }
  index = { idx, offsets, headEnd: 4 + n };
  return index;
}

/** The release the modules come from (`21.4R1`). */
export function yangRelease(): string {
  return load().idx.release;
}

/** The modules of a family (common modules, configuration, operational commands), sorted by name. */
export function yangModules(family: string): YangModule[] {
  const { idx } = load();
  const ids = new Set(idx.families[family] ?? []);
  return idx.modules.filter((m) => ids.has(m.id)).map(({ name, revision, namespace }) => ({ name, revision, namespace })).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** A module's text, or undefined when the family has no such module (revision: any when absent). */
export function yangModuleText(family: string, name: string, revision?: string): string | undefined {
  const { idx, offsets } = load();
  const ids = idx.families[family] ?? [];
  const id = ids.find((i) => i.startsWith(`${name}@`) && (!revision || i === `${name}@${revision}`));
  const at = id ? offsets.get(id) : undefined;
  return at ? decompressed().subarray(at[0], at[1]).toString('utf8') : undefined;
}

const helpCache = new Map<string, Map<string, string>>();

/**
 * The one-line help of configuration statements (their YANG `description`), for the cli's
 * `?`: keyed `parent/name` (the statement it sits in) and `name`, as gen-modules.mjs read
 * them from the family's configuration modules.
 */
export function statementHelp(family: string): Map<string, string> {
  let help = helpCache.get(family);
  if (!help) {
    help = new Map(Object.entries(load().idx.help?.[family] ?? {}));
    helpCache.set(family, help);
  }
  return help;
}
