#!/usr/bin/env node
/**
 * Runs the compiled tests: every *.test.js under dist/test/ (or under the folders/files
 * given), through `node --test`. Node 20's --test takes no glob, and the tests live in
 * folders that mirror src/.   node scripts/run-tests.mjs [dist/test/outbound ...]
 * At a terminal the report is compact (scripts/test-reporter.mjs); otherwise TAP.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const roots = process.argv.slice(2);
const files = [];
const walk = (p) => {
  if (statSync(p).isDirectory()) for (const e of readdirSync(p).sort()) walk(path.join(p, e));
  else if (p.endsWith('.test.js')) files.push(p);
};
for (const r of roots.length ? roots : [path.join(root, 'dist/test')]) walk(path.resolve(r));
// The real-client files (test/interop: Ansible playbooks, PyEZ, ncclient) are the longest, up
// to several minutes each: started first, the shorter files fill the slots around them
// instead of leaving them to run last, nearly alone.
files.sort((a, b) => Number(b.includes(`${path.sep}interop${path.sep}`)) - Number(a.includes(`${path.sep}interop${path.sep}`)));
if (!files.length) {
  console.error('run-tests: no *.test.js found (run `npm run build` first)');
  process.exit(1);
}
// At a terminal a compact reporter (a live line, failures in full); elsewhere TAP, as CI reads
// it (NCGD_TEST_REPORTER=tap|spec|compact chooses).
const choice = process.env.NCGD_TEST_REPORTER || (process.stdout.isTTY ? 'compact' : 'tap');
const reporter = choice === 'compact' ? path.join(root, 'scripts/test-reporter.mjs') : choice;
// Files side by side: one more than the cores (many tests wait on timers, peers and child
// processes, so a core per file leaves a quarter of the machine idle), 2 to 4;
// NCGD_TEST_CONCURRENCY sets it.
const asked = Number.parseInt(process.env.NCGD_TEST_CONCURRENCY ?? '', 10);
const concurrency = asked >= 1 ? asked : Math.min(4, Math.max(2, availableParallelism() + 1));
const child = spawn(process.execPath, ['--test', `--test-concurrency=${concurrency}`, `--test-reporter=${reporter}`, '--test-reporter-destination=stdout', ...files], {
  stdio: 'inherit',
  env: { ...process.env, NCGD_TEST_FILES: String(files.length) },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
// Device processes a test ended with SIGKILL leave their temp roots (src/temp-root.ts); the
// next device start would remove them, and so does the end of the run.
child.on('exit', async (code, signal) => {
  try {
    const { sweepStaleRoots } = await import(path.join(root, 'dist/src/temp-root.js'));
    await sweepStaleRoots();
  } catch {
    // Nothing to sweep with (no build): the next device start sweeps.
  }
  process.exit(code ?? (signal ? 1 : 0));
});
