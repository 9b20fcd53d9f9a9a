/**
 * `node dist/bench/commit.js [--mb 2.7] [--commits 5]`: commit time with a large
 * configuration and a full rollback history (50 revisions) in a state directory.
 * Prints, per commit: the time the commit call blocks the event loop, and the time until
 * the commit is on disk. Always exits 0 (figures, not assertions).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createConfigDatastore } from '../src/junos/config/index.js';

const { values } = parseArgs({ options: { mb: { type: 'string' }, commits: { type: 'string' }, history: { type: 'string' } } });
const targetBytes = Number(values.mb ?? '2.7') * 1024 * 1024;
const commits = Number(values.commits ?? '5');
const historyDepth = Number(values.history ?? '50');

function bigConfig(bytes: number): string {
  const parts = ['system {\n    host-name bench;\n}\ninterfaces {\n'];
  let size = parts[0].length;
  for (let i = 0; size < bytes; i++) {
    const s = `    ge-${Math.floor(i / 4096)}/${Math.floor(i / 64) % 64}/${i % 64} {\n        description "bench interface ${i}";\n        unit 0 {\n            family inet {\n                address 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32;\n            }\n        }\n    }\n`;
    parts.push(s);
    size += s.length;
  }
  parts.push('}\n');
  return parts.join('');
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ncgd-bench-commit-'));
try {
  const content = bigConfig(targetBytes);
  const ds = await createConfigDatastore({ stateDir: dir, initialConfig: { format: 'text', content } });
  const s = ds.openSession(1, 'bench');
  const commit = async (i: number): Promise<{ blocked: number; saved: number }> => {
    s.applyCliLine(`set system location building-${i}`);
    const t0 = performance.now();
    const r = s.commit({ log: `bench ${i}` }) as { saved?: Promise<unknown> };
    const blocked = performance.now() - t0;
    await r.saved;
    return { blocked, saved: performance.now() - t0 };
  };
  for (let i = 0; i < historyDepth - 1; i++) await commit(i);
  const rows: { blocked: number; saved: number }[] = [];
  for (let i = 0; i < commits; i++) rows.push(await commit(1000 + i));
  await ds.close();
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`configuration ${(content.length / 1024 / 1024).toFixed(2)} MB, history ${ds.history().length} revisions, ${commits} commits`);
  console.log(`event loop blocked per commit: median ${med(rows.map((r) => r.blocked)).toFixed(0)} ms (max ${Math.max(...rows.map((r) => r.blocked)).toFixed(0)} ms)`);
  console.log(`commit until on disk:          median ${med(rows.map((r) => r.saved)).toFixed(0)} ms (max ${Math.max(...rows.map((r) => r.saved)).toFixed(0)} ms)`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
