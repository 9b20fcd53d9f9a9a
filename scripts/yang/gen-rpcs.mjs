#!/usr/bin/env node
/**
 * Generates data/rpcs/<family>.json.gz from Juniper's published operational YANG
 * (<YANG_DIR>/<family>/rpc/*.yang): every real Junos RPC of the family and its input
 * parameters, so the device tells an RPC Junos lacks (syntax error) from a real one it
 * does not emulate, and a wrong parameter from a right one.
 *
 *   node scripts/yang/gen-rpcs.mjs [YANG_DIR] [family ...]
 *   npm run gen:rpcs -- ../shared/junos-yang/21.4R1
 *
 * Output: {"release": "21.4R1", "family": F, "rpcs": {NAME: {PARAM: KIND}}} where KIND is
 * "flag" (type empty), "leaf" (a value), "leaf-list" or "container"; the values of an
 * enumeration leaf are flags too (Junos takes `<terse/>` for level terse). Parameters of a
 * `uses` are expanded; those inside choice/case are flattened (any of them is accepted).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseYang, sub, subs, YangSyntaxError } from './yang.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FAMILIES = ['junos', 'junos-es', 'junos-ex', 'junos-qfx'];

/** The input parameters of a statement list, with groupings of the module expanded. */
function params(stmts, groupings, out, depth = 0) {
  if (depth > 20) throw new Error('grouping nesting deeper than 20');
  for (const st of stmts) {
    switch (st.kw) {
      case 'leaf': {
        const type = sub(st, 'type');
        out[st.arg] = type && type.arg === 'empty' ? 'flag' : 'leaf';
        // A DDL choice of keywords (level: terse|brief|detail...) is sent as `<terse/>`.
        if (type && type.arg === 'enumeration') for (const e of subs(type, 'enum')) out[e.arg] ??= 'flag';
        break;
      }
      case 'leaf-list':
        out[st.arg] = 'leaf-list';
        break;
      case 'container':
      case 'list':
      case 'anyxml':
      case 'anydata':
        out[st.arg] = 'container';
        break;
      case 'choice':
      case 'case':
        params(st.subs, groupings, out, depth + 1);
        break;
      case 'uses': {
        const g = groupings.get(st.arg.replace(/^[^:]*:/, ''));
        if (!g) throw new Error(`uses ${st.arg}: no such grouping`);
        params(g.subs, groupings, out, depth + 1);
        break;
      }
      default:
        break;
    }
  }
  return out;
}

function family(dir, fam) {
  const rpcDir = path.join(dir, fam, 'rpc');
  if (!fs.existsSync(rpcDir)) throw new Error(`${rpcDir}: not found (give the YANG directory as the first argument)`);
  const rpcs = {};
  for (const f of fs.readdirSync(rpcDir).filter((n) => n.endsWith('.yang')).sort()) {
    const file = path.join(rpcDir, f);
    const mod = parseYang(fs.readFileSync(file, 'utf8'), file);
    const groupings = new Map(subs(mod, 'grouping').map((g) => [g.arg, g]));
    for (const rpc of subs(mod, 'rpc')) {
      const input = sub(rpc, 'input');
      rpcs[rpc.arg] = input ? params(input.subs, groupings, {}) : {};
    }
  }
  return Object.fromEntries(Object.entries(rpcs).sort(([a], [b]) => a.localeCompare(b)));
}

function main(argv) {
  const dir = path.resolve(repo, argv[0] ?? '../shared/junos-yang/21.4R1');
  const families = argv.length > 1 ? argv.slice(1) : FAMILIES;
  for (const f of families) if (!FAMILIES.includes(f)) throw new Error(`unknown family ${f} (one of ${FAMILIES.join(', ')})`);
  const outDir = path.join(repo, 'data', 'rpcs');
  fs.mkdirSync(outDir, { recursive: true });
  for (const fam of families) {
    const rpcs = family(dir, fam);
    const json = JSON.stringify({ release: path.basename(dir), family: fam, rpcs });
    const gz = zlib.gzipSync(json, { level: 9 });
    const out = path.join(outDir, `${fam}.json.gz`);
    fs.writeFileSync(out, gz);
    console.log(`${fam}: ${Object.keys(rpcs).length} RPCs, ${(json.length / 1e3).toFixed(0)} kB JSON, ${(gz.length / 1e3).toFixed(0)} kB gzipped → ${path.relative(repo, out)}`);
  }
}

try {
  main(process.argv.slice(2));
} catch (e) {
  console.error(`gen-rpcs: ${e instanceof YangSyntaxError || e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
