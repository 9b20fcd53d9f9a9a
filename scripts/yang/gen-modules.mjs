#!/usr/bin/env node
/**
 * Generates data/yang/modules.br: Juniper's published YANG modules of each family
 * (<YANG_DIR>/common, <family>/conf-with-extensions, <family>/rpc), which the device serves
 * with `get-schema` and lists in `netconf-state/schemas` (src/schema/modules.ts), as Junos
 * serves its own. One Brotli stream with a 16 MiB window: the four families' modules repeat
 * each other, so ~95 MB of YANG takes ~1.3 MB.
 *
 *   node scripts/yang/gen-modules.mjs [YANG_DIR]
 *   npm run gen:modules -- ../shared/junos-yang/21.4R1
 *
 * Output (then Brotli): a 4-byte big-endian length, that many bytes of JSON index
 * {"v": 2, "release", "families": {F: [ID...]}, "modules": [{"id", "name", "revision",
 * "namespace", "length"}]} (ID `name@revision`), then each module's text in index order.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FAMILIES = ['junos', 'junos-es', 'junos-ex', 'junos-qfx'];
const dir = path.resolve(process.argv[2] ?? path.join(repo, '..', 'shared', 'junos-yang', '21.4R1'));
if (!fs.existsSync(path.join(dir, 'common'))) {
  console.error(`gen-modules: ${dir} is not a Juniper YANG release directory (no common/)`);
  process.exit(2);
}

const modules = {};
const families = {};
function readModule(file) {
  const text = fs.readFileSync(file, 'utf8');
  const name = /^\s*module\s+([\w.-]+)/m.exec(text)?.[1];
  if (!name) throw new Error(`${file}: no module statement`);
  const revision = /^\s*revision\s+"?(\d{4}-\d{2}-\d{2})"?/m.exec(text)?.[1] ?? '';
  const namespace = /^\s*namespace\s+"([^"]+)"/m.exec(text)?.[1] ?? '';
  const id = `${name}@${revision}`;
  modules[id] ??= { name, revision, namespace, text };
  return id;
}
const yangFiles = (d) => (fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith('.yang')).sort().map((f) => path.join(d, f)) : []);
const common = yangFiles(path.join(dir, 'common')).map(readModule);
for (const f of FAMILIES) {
  families[f] = [...common, ...yangFiles(path.join(dir, f, 'conf-with-extensions')).map(readModule), ...yangFiles(path.join(dir, f, 'rpc')).map(readModule)];
}
/**
 * The description of each configuration statement of a family, keyed `parent/name` (the
 * statement it sits in, through the groupings it uses) and `name`: the cli's `?` help.
 */
function statementHelp(ids) {
  const help = {};
  const open = (line) => /^\s*(container|list|leaf|leaf-list|grouping)\s+([\w.-]+)\s*\{\s*$/.exec(line);
  const texts = ids.filter((id) => /-conf-/.test(id)).map((id) => modules[id].text);
  const usedBy = new Map();
  for (const text of texts) {
    const stack = [];
    for (const line of text.split('\n')) {
      const o = open(line);
      if (o) {
        stack.push({ name: o[2], grouping: o[1] === 'grouping' });
        continue;
      }
      const u = /^\s*uses\s+([\w.-]+)\s*;/.exec(line);
      if (u) {
        const owner = [...stack].reverse().find((x) => x !== null);
        if (owner && !usedBy.has(u[1])) usedBy.set(u[1], owner.grouping ? (usedBy.get(owner.name) ?? '') : owner.name);
        continue;
      }
      if (/\{\s*$/.test(line)) stack.push(null);
      else if (/^\s*\}\s*$/.test(line)) stack.pop();
    }
  }
  for (const text of texts) {
    const stack = [];
    const described = new Set();
    for (const line of text.split('\n')) {
      const o = open(line);
      if (o) {
        stack.push({ name: o[2], grouping: o[1] === 'grouping' });
        continue;
      }
      const d = /^\s*description\s+"(.*)";\s*$/.exec(line);
      const top = stack[stack.length - 1];
      if (d && top && !top.grouping && !described.has(stack.length)) {
        described.add(stack.length);
        const owner = stack.slice(0, -1).reverse().find((x) => x !== null);
        const parent = !owner ? '' : owner.grouping ? (usedBy.get(owner.name) ?? '') : owner.name;
        const desc = d[1].trim();
        help[`${parent}/${top.name}`] ??= desc;
        help[top.name] ??= desc;
        continue;
      }
      if (/\{\s*$/.test(line)) stack.push(null);
      else if (/^\s*\}\s*$/.test(line)) {
        described.delete(stack.length);
        stack.pop();
      }
    }
  }
  return help;
}

const release = path.basename(dir);
// The same module of each family side by side (junos-conf-system, junos-es-conf-system, ...),
// each text after the JSON index: Brotli then finds each repeat within its window.
const base = (id) => id.replace(/^junos-(es|ex|qfx)-/, 'junos-');
const ids = Object.keys(modules).sort((a, b) => (base(a) < base(b) ? -1 : base(a) > base(b) ? 1 : a < b ? -1 : 1));
const help = Object.fromEntries(FAMILIES.map((f) => [f, statementHelp(families[f])]));
const index = { v: 2, release, families, help, modules: ids.map((id) => ({ id, name: modules[id].name, revision: modules[id].revision, namespace: modules[id].namespace, length: Buffer.byteLength(modules[id].text) })) };
const head = Buffer.from(JSON.stringify(index));
const len = Buffer.alloc(4);
len.writeUInt32BE(head.length);
const json = Buffer.concat([len, head, ...ids.map((id) => Buffer.from(modules[id].text))]);
const out = zlib.brotliCompressSync(json, {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_LGWIN]: 24, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: json.length },
});
fs.mkdirSync(path.join(repo, 'data', 'yang'), { recursive: true });
fs.writeFileSync(path.join(repo, 'data', 'yang', 'modules.br'), out);
console.log(`data/yang/modules.br: ${ids.length} modules, ${json.length} bytes, ${out.length} compressed`);
