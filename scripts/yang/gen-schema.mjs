#!/usr/bin/env node
/**
 * Generates data/schema/<family>.json.gz from Juniper's published YANG.
 *
 *   node scripts/yang/gen-schema.mjs [YANG_DIR] [family ...]
 *   npm run gen:schema -- ../shared/junos-yang/21.4R1
 *
 * YANG_DIR holds common/ and <family>/conf-with-extensions/ (default: ../shared/junos-yang/21.4R1
 * relative to the repository). Families default to junos, junos-es, junos-ex, junos-qfx.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseYang, YangSyntaxError } from './yang.mjs';
import { compileFamily } from './compile.mjs';
import { SUPPLEMENTS } from './supplements.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FAMILIES = ['junos', 'junos-es', 'junos-ex', 'junos-qfx'];

function main(argv) {
  const dir = path.resolve(repo, argv[0] ?? '../shared/junos-yang/21.4R1');
  const families = argv.length > 1 ? argv.slice(1) : FAMILIES;
  for (const f of families) if (!FAMILIES.includes(f)) throw new Error(`unknown family ${f} (one of ${FAMILIES.join(', ')})`);
  const commonDir = path.join(dir, 'common');
  if (!fs.existsSync(commonDir)) throw new Error(`${commonDir}: not found (give the YANG directory as the first argument)`);
  const release = path.basename(dir);
  const outDir = path.join(repo, 'data', 'schema');
  fs.mkdirSync(outDir, { recursive: true });
  const readDir = (d) => fs.readdirSync(d).filter((f) => f.endsWith('.yang')).sort()
    .map((f) => parseYang(fs.readFileSync(path.join(d, f), 'utf8'), path.join(d, f)));
  const common = readDir(commonDir);
  for (const family of families) {
    const t0 = performance.now();
    const confDir = path.join(dir, family, 'conf-with-extensions');
    const mods = [...common, ...readDir(confDir)];
    if (SUPPLEMENTS[family]) mods.push(parseYang(SUPPLEMENTS[family], `supplements.mjs (${family})`));
    const t1 = performance.now();
    const schema = compileFamily(mods, { family, release, log: (m) => console.log(m) });
    const t2 = performance.now();
    const json = JSON.stringify(schema);
    const gz = zlib.gzipSync(json, { level: 9 });
    const out = path.join(outDir, `${family}.json.gz`);
    fs.writeFileSync(out, gz);
    console.log(`${family}: parse ${(t1 - t0).toFixed(0)} ms, compile ${(t2 - t1).toFixed(0)} ms, ` +
      `${(json.length / 1e6).toFixed(2)} MB JSON, ${(gz.length / 1e6).toFixed(2)} MB gzipped → ${path.relative(repo, out)}`);
  }
}

try {
  main(process.argv.slice(2));
} catch (e) {
  console.error(`gen-schema: ${e instanceof YangSyntaxError || e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
