#!/usr/bin/env node
/**
 * Prints what loading a schema costs, each family in a fresh process (cold): load time,
 * heap and RSS growth after load, and after touching every node (worst case: every child
 * map built). Needs a build (npm run build). Figures only, no assertions.
 *
 *   node scripts/yang/measure-schema.mjs
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const mod = path.join(repo, 'dist/src/schema/index.js');
const child = `
const mb = (n) => (n / 1048576).toFixed(1);
gc(); const m0 = process.memoryUsage();
const t0 = performance.now();
const { loadSchema } = await import(${JSON.stringify(mod)});
const t1 = performance.now();
const s = loadSchema(process.argv[1]);
const t2 = performance.now();
gc(); const m1 = process.memoryUsage();
for (let i = 0; i < s.size; i++) { const n = s.node(i); n.child(''); n.mustRules(); }
const t3 = performance.now();
gc(); const m2 = process.memoryUsage();
console.log(process.argv[1].padEnd(10), 'import', (t1 - t0).toFixed(0).padStart(4), 'ms  load', (t2 - t1).toFixed(0).padStart(4),
  'ms  heap +' + mb(m1.heapUsed - m0.heapUsed), 'MB  rss +' + mb(m1.rss - m0.rss), 'MB  | all nodes touched',
  (t3 - t2).toFixed(0), 'ms  heap +' + mb(m2.heapUsed - m0.heapUsed), 'MB  rss +' + mb(m2.rss - m0.rss), 'MB  (' + s.size + ' nodes)');
`;
for (const family of ['junos', 'junos-es', 'junos-ex', 'junos-qfx']) {
  process.stdout.write(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', child, family], { encoding: 'utf8' }));
}
