/**
 * A compact reporter for `npm test` at a terminal: one live line (files done of all, tests
 * passed, failed, skipped, time), each failure in full the moment its file ends, the skipped
 * tests with their reasons, then node's closing lines (# tests, # pass, # fail, ...).
 * scripts/run-tests.mjs uses it when stdout is a terminal; elsewhere (CI, a pipe) the TAP
 * reporter runs unchanged. NCGD_TEST_FILES is the number of test files (for "n/N").
 */
import path from 'node:path';

const total = Number(process.env.NCGD_TEST_FILES) || 0;
const root = process.cwd();
const began = Date.now();
const red = (s) => `\x1b[31m${s}\x1b[0m`;
const green = (s) => `\x1b[32m${s}\x1b[0m`;
const dim = (s) => `\x1b[2m${s}\x1b[0m`;

function rel(file) {
  return file ? path.relative(root, file) : '';
}

function elapsed() {
  const s = Math.round((Date.now() - began) / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** The error of a failed test as a few lines: the assertion's message, where it failed. */
function describeError(error) {
  const e = error?.cause ?? error;
  if (!e) return '';
  const text = String(e.stack ?? e.message ?? e);
  const lines = text.split('\n');
  const body = lines.filter((l) => !/^\s+at /.test(l)).slice(0, 30);
  const at = lines.find((l) => /^\s+at .*dist\/test\//.test(l)) ?? lines.find((l) => /^\s+at /.test(l));
  return [...body, ...(at ? [at.trim()] : [])].map((l) => `    ${l}`).join('\n');
}

export default async function* compactReporter(source) {
  let files = 0;
  let pass = 0;
  let fail = 0;
  let skip = 0;
  const skipped = [];
  const summary = [];
  const status = () => `${dim('tests')} files ${files}${total ? `/${total}` : ''} · ${green(`${pass} passed`)} · ${fail ? red(`${fail} failed`) : '0 failed'} · ${skip} skipped · ${elapsed()}`;
  const live = () => `\r\x1b[K${status()}`;
  let shownAt = 0;
  /** The live line, at most ten times a second. */
  const tick = () => {
    if (Date.now() - shownAt < 100) return '';
    shownAt = Date.now();
    return live();
  };
  yield live();
  for await (const ev of source) {
    const d = ev.data ?? {};
    const isFile = d.file && d.name === d.file;
    switch (ev.type) {
      case 'test:complete':
        if (isFile) {
          files++;
          yield live();
        }
        break;
      case 'test:pass':
        if (isFile) break;
        if (d.skip !== undefined && d.skip !== false) {
          skip++;
          skipped.push(`  - ${rel(d.file)} › ${d.name}${typeof d.skip === 'string' ? `: ${d.skip}` : ''}`);
        } else if (d.todo === undefined || d.todo === false) pass++;
        yield tick();
        break;
      case 'test:fail': {
        if (d.todo !== undefined && d.todo !== false) break;
        fail++;
        const where = isFile ? `${rel(d.file)} (the file itself failed)` : `${rel(d.file)} › ${d.name}`;
        yield `\r\x1b[K${red('✗')} ${where}\n${describeError(d.details?.error)}\n${live().slice(1)}`;
        break;
      }
      case 'test:diagnostic':
        if (d.nesting === 0 && !d.file) summary.push(`# ${d.message}`);
        break;
      default:
        break;
    }
  }
  yield `\r\x1b[K${status()}\n`;
  if (skipped.length) yield `skipped:\n${skipped.join('\n')}\n`;
  yield `${summary.join('\n')}\n`;
}
