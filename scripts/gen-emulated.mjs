#!/usr/bin/env node
/**
 * Writes docs/netconf.md's "What is emulated, per profile" section from the code
 * (src/junos/emulated.ts, built into dist/ first: `npm run build`).
 *
 *   npm run gen:emulated
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { emulatedMarkdown, withEmulatedSection } = await import(path.join(repo, 'dist/src/junos/emulated.js'));
const file = path.join(repo, 'docs/netconf.md');
const text = readFileSync(file, 'utf8');
const out = withEmulatedSection(text, await emulatedMarkdown());
if (out === undefined) {
  console.error('gen-emulated: docs/netconf.md has no emulated-per-profile markers');
  process.exit(1);
}
writeFileSync(file, out);
console.log('docs/netconf.md: emulated-per-profile section written');
process.exit(0);
