#!/usr/bin/env node
/**
 * Import-direction check: fails (exit 1) on any import in src/ from a lower layer to a
 * higher one, or between two different rooms of the same layer.
 *
 *   node scripts/check-layers.mjs [--repo DIR] [--warn-only]
 *
 * test/layers.test.ts runs it on every `npm test`. A new room (src/<folder>/) goes into
 * LAYERS below, at the height docs/development.md draws it.
 *
 * A room is src/<folder>/ (sub-folders belong to their room) or a top-level src/<file>.ts.
 * An import is allowed when it stays in its room or goes to a room of a LOWER layer.
 * Type-only imports count: a type is a dependency of the design as much as a value is.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// Lowest first. Rooms on one line are peers: they may not import one another.
const LAYERS = [
  ['log.ts', 'errors.ts', 'wire'], //         base: logging, the user-facing error family, protos
  ['session'], //                              the seam: ByteSession, SessionKind, SessionBackend
  ['netconf'], //                              NETCONF the protocol: framing, xml, rpc-error, session
  ['schema'], //                               the Junos configuration schema (from YANG): loader, value checks
  ['junos'], //                                the emulated device: identity, profiles, rpcs, config, cli
  ['shell', 'ssh'], //                         PTY shells and the SSH face (faces that carry sessions)
  ['backends'], //                             every SessionBackend, and their registry
  ['faults'], //                               fault kinds and injection into sessions
  ['outbound'], //                             the dial-out client: walk, reconnect, protocols, bridge
  ['status', 'nms'], //                        control socket & metrics; the reference NMS
  ['device'], //                               a device or fleet assembled from options
  ['index.ts', 'cli'], //                      the library API and the command line
];

const args = process.argv.slice(2);
const repo = path.resolve(args.includes('--repo') ? args[args.indexOf('--repo') + 1] : process.cwd());
const warnOnly = args.includes('--warn-only');
const src = path.join(repo, 'src');

const rank = new Map();
LAYERS.forEach((rooms, i) => rooms.forEach((r) => rank.set(r, i)));
const roomOf = (rel) => rel.split('/')[0]; // rel is relative to src/

const files = [];
const walk = (d) => {
  for (const e of readdirSync(d)) {
    const p = path.join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(ts|mts)$/.test(e) && !e.endsWith('.d.ts')) files.push(p);
  }
};
walk(src);

const problems = [];
const unknown = new Set();
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/gm;
for (const file of files) {
  const rel = path.relative(src, file).split(path.sep).join('/');
  const from = roomOf(rel);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const target = path.relative(src, path.resolve(path.dirname(file), spec)).split(path.sep).join('/');
    if (target.startsWith('..')) {
      problems.push(`${rel}: imports ${spec}, outside src/`);
      continue;
    }
    const to = roomOf(target.replace(/\.js$/, '.ts'));
    if (to === from) continue;
    for (const r of [from, to]) if (!rank.has(r)) unknown.add(r);
    if (!rank.has(from) || !rank.has(to)) continue;
    if (rank.get(to) >= rank.get(from)) {
      const line = text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
      const why = rank.get(to) === rank.get(from) ? 'a peer room' : 'a higher layer';
      problems.push(`src/${rel}:${line}: ${from} -> ${to} (${why}): ${spec}`);
    }
  }
}
if (unknown.size) problems.push(`rooms not placed in a layer (add them to LAYERS): ${[...unknown].sort().join(', ')}`);

console.log(`layers (lowest first): ${LAYERS.map((l) => l.join(' ')).join('  <  ')}`);
console.log(`${files.length} files checked`);
if (problems.length) {
  console.log(`${problems.length} import(s) against the layer order:\n  ${problems.join('\n  ')}`);
  process.exit(warnOnly ? 0 : 1);
}
console.log('no import runs from a lower layer to a higher one');
