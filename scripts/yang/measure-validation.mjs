#!/usr/bin/env node
/**
 * Prints what schema checks cost inside a device process (figures only, no assertions;
 * needs npm run build): for each shipped profile, the first device's creation (which
 * loads its family's schema) against a second one of the same family (shared schema),
 * with heap growth; then, for a large configuration (test/fixtures/config/mx.conf plus
 * N generated interfaces with units, addresses and OSPF), the load-time schema walk and
 * the commit-time checks.
 *
 *   node --expose-gc scripts/yang/measure-validation.mjs [N=2000]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => path.join(repo, 'dist/src', p);
const { EmulatedDevice } = await import(dist('junos/device.js'));
const { loadSchema } = await import(dist('schema/index.js'));
const { parseText } = await import(dist('junos/config/text.js'));
const { schemaProblems } = await import(dist('junos/config/schema-check.js'));
const { commitCheck } = await import(dist('junos/config/commit-check.js'));
const gc = globalThis.gc ?? (() => {});
const mb = (n) => (n / 1048576).toFixed(1);

for (const profile of ['mx', 'srx', 'ex']) {
  gc();
  const h0 = process.memoryUsage().heapUsed;
  let t = performance.now();
  const a = await EmulatedDevice.create({ profile, hostname: `m-${profile}-1` });
  const first = performance.now() - t;
  gc();
  const h1 = process.memoryUsage().heapUsed;
  t = performance.now();
  const b = await EmulatedDevice.create({ profile, hostname: `m-${profile}-2` });
  const second = performance.now() - t;
  gc();
  const h2 = process.memoryUsage().heapUsed;
  console.log(`${profile.padEnd(4)} first device ${first.toFixed(0)} ms heap +${mb(h1 - h0)} MB | second device (shared schema) ${second.toFixed(0)} ms heap +${mb(h2 - h1)} MB`);
  await a.close();
  await b.close();
}

const n = Number(process.argv[2] ?? 2000);
let text = readFileSync(path.join(repo, 'test/fixtures/config/mx.conf'), 'utf8');
const ifs = [];
const ospf = [];
for (let i = 0; i < n; i++) {
  const name = `ge-${Math.floor(i / 480)}/${Math.floor(i / 48) % 10}/${i % 48}`;
  ifs.push(`${name} { description "port ${i}"; mtu 9192; unit 0 { family inet { address 10.${i >> 8}.${i & 255}.1/24; } } }`);
  ospf.push(`interface ${name}.0 { hello-interval 10; }`);
}
text += `\ninterfaces { ${ifs.join('\n')} }\nprotocols { ospf { area 0.0.0.1 { ${ospf.join('\n')} } } }\n`;
const tree = parseText(text);
const schema = loadSchema('junos');
const time = (f, reps = 5) => {
  f();
  const t = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - t) / reps;
};
const lines = text.split('\n').length;
const w = time(() => schemaProblems(schema, tree));
let stats;
const c = time(() => (stats = commitCheck(schema, tree).stats));
console.log(`large config (${lines} lines, ${n} generated interfaces): load-time schema walk ${w.toFixed(1)} ms, commit-time checks ${c.toFixed(1)} ms`);
console.log(`  must rules evaluated ${stats.evaluated}, skipped ${stats.skipped} ${JSON.stringify(stats.skippedShapes)}`);
