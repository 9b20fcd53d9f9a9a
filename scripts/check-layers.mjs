#!/usr/bin/env node
/**
 * Import-shape check of src/: fails (exit 1) on
 *   - an import from a lower layer to a higher one, or between two peer rooms of one layer;
 *   - the same inside a room that has its own layers (SUBLAYERS, e.g. junos/);
 *   - any import cycle among files (inside a room too; type-only imports included).
 *
 *   node scripts/check-layers.mjs [--repo DIR] [--warn-only]
 *
 * test/layers.test.ts runs it on every `npm test`. A new room (src/<folder>/) goes into
 * LAYERS below, at the height docs/development.md draws it; a new folder of a room with
 * sub-layers goes into that room's SUBLAYERS line.
 *
 * A room is src/<folder>/ (sub-folders belong to their room) or a top-level src/<file>.ts.
 * An import is allowed when it stays in its room or goes to a room of a LOWER layer.
 * Type-only imports count: a type is a dependency of the design as much as a value is.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// Lowest first. Rooms on one line are peers: they may not import one another.
const LAYERS = [
  ['printable.ts', 'digest.ts'], //            text made safe for terminals and logs; SHA-256 without Hash objects
  ['log.ts', 'errors.ts', 'wire'], //         base: logging, the user-facing error family, protos
  ['own-files.ts', 'native-memory.ts', 'temp-root.ts'], // files in owned places, never through a link; freed native memory given back; the process's temp root
  ['session'], //                              the seam: ByteSession, SessionKind, SessionBackend
  ['netconf'], //                              NETCONF the protocol: framing, xml, rpc-error, session
  ['schema'], //                               the Junos configuration schema (from YANG): loader, value checks
  ['junos'], //                                the emulated device: identity, profiles, rpcs, config, cli
  ['shell', 'ssh'], //                         PTY shells and the SSH face (faces that carry sessions)
  ['backends'], //                             every SessionBackend, and their registry
  ['faults', 'record'], //                     fault kinds and injection; session transcripts, replay, profile capture
  ['outbound'], //                             the dial-out client: walk, reconnect, protocols, bridge
  ['status', 'nms'], //                        control socket & metrics; the reference NMS
  ['device'], //                               a device or fleet assembled from options
  ['index.ts', 'cli'], //                      the library API and the command line
];

// Rooms with layers of their own, lowest first; '.' is the room's loose top-level files.
const SUBLAYERS = {
  junos: [
    ['identity'], //  profile (+ RPC family), $9$ secrets, syslog ring
    ['files'], //     the device's file system (/var/tmp, /var/log, ...): store and placement
    ['config'], //    the candidate/committed datastore: tree, parsers, merge, commit checks, history
    ['oper'], //      the operational model (interfaces, neighbours, routes) derived from config + profile
    ['life'], //      its life: boot cycle (reboot, halt), events, software, scenarios, syslog out
    ['rpcs'], //      every RPC (one module each), their registry, reply templates and formats
    ['cli', '.'], //  the emulated Junos cli (a NETCONF client); the device assembled (device.ts, stdio-face.ts)
  ],
};

const args = process.argv.slice(2);
const repo = path.resolve(args.includes('--repo') ? args[args.indexOf('--repo') + 1] : process.cwd());
const warnOnly = args.includes('--warn-only');
const src = path.join(repo, 'src');

const rankIn = (layers) => {
  const m = new Map();
  layers.forEach((rooms, i) => rooms.forEach((r) => m.set(r, i)));
  return m;
};
const rank = rankIn(LAYERS);
const subRank = Object.fromEntries(Object.entries(SUBLAYERS).map(([room, l]) => [room, rankIn(l)]));
const roomOf = (rel) => rel.split('/')[0]; // rel is relative to src/
const subRoomOf = (rel) => {
  const parts = rel.split('/');
  return parts.length > 2 ? parts[1] : '.';
};

const files = [];
const walk = (d) => {
  for (const e of readdirSync(d).sort()) {
    const p = path.join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(ts|mts)$/.test(e) && !e.endsWith('.d.ts')) files.push(p);
  }
};
walk(src);
const relOf = (p) => path.relative(src, p).split(path.sep).join('/');
const known = new Set(files.map(relOf));

const problems = [];
const unknown = new Set();
const edges = new Map(); // file -> files it imports (within src/)
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

/** The rule between two rooms of one layer list: null when allowed, else why not. */
function against(ranks, from, to, where) {
  for (const r of [from, to]) if (!ranks.has(r)) unknown.add(where(r));
  if (!ranks.has(from) || !ranks.has(to)) return null;
  if (ranks.get(to) < ranks.get(from)) return null;
  return ranks.get(to) === ranks.get(from) ? 'a peer room' : 'a higher layer';
}

for (const file of files) {
  const rel = relOf(file);
  const from = roomOf(rel);
  const text = readFileSync(file, 'utf8');
  const out = new Set();
  edges.set(rel, out);
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const target = relOf(path.resolve(path.dirname(file), spec)).replace(/\.(m?)js$/, '.$1ts');
    if (target.startsWith('..')) {
      problems.push(`${rel}: imports ${spec}, outside src/`);
      continue;
    }
    if (known.has(target) && target !== rel) out.add(target);
    else if (target === rel) problems.push(`src/${rel}: imports itself`);
    const line = text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0);
    const to = roomOf(target);
    if (to === from) {
      const ranks = subRank[from];
      if (!ranks) continue;
      const [sf, st] = [subRoomOf(rel), subRoomOf(target)];
      if (sf === st) continue;
      const why = against(ranks, sf, st, (r) => `${from}/${r === '.' ? '' : r}`);
      if (why) problems.push(`src/${rel}:${line}: ${from}/${sf} -> ${from}/${st} (${why}): ${spec}`);
      continue;
    }
    const why = against(rank, from, to, (r) => r);
    if (why) problems.push(`src/${rel}:${line}: ${from} -> ${to} (${why}): ${spec}`);
  }
}
if (unknown.size) problems.push(`rooms not placed in a layer (add them to LAYERS or SUBLAYERS): ${[...unknown].sort().join(', ')}`);

// Import cycles: strongly connected components of the file graph (Tarjan, iterative).
function cycles() {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const found = [];
  let next = 0;
  for (const start of edges.keys()) {
    if (index.has(start)) continue;
    const work = [[start, [...edges.get(start)], 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const [v, succ] = top;
      if (top[2] < succ.length) {
        const w = succ[top[2]++];
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, [...edges.get(w)], 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
        continue;
      }
      work.pop();
      if (work.length) {
        const u = work[work.length - 1][0];
        low.set(u, Math.min(low.get(u), low.get(v)));
      }
      if (low.get(v) === index.get(v)) {
        const comp = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1) found.push(comp.sort());
      }
    }
  }
  return found;
}

/** One shortest loop through the component's first file, for the message. */
function loopIn(comp) {
  const inComp = new Set(comp);
  const first = comp[0];
  const prev = new Map([[first, null]]);
  const queue = [first];
  while (queue.length) {
    const v = queue.shift();
    for (const w of edges.get(v)) {
      if (!inComp.has(w)) continue;
      if (w === first) {
        const loop = [first];
        for (let u = v; u !== first; u = prev.get(u)) loop.splice(1, 0, u);
        return [...loop, first];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return comp;
}

const loops = cycles();
for (const comp of loops) {
  problems.push(`import cycle among ${comp.length} files (${comp.join(', ')}): ${loopIn(comp).join(' -> ')}`);
}

console.log(`layers (lowest first): ${LAYERS.map((l) => l.join(' ')).join('  <  ')}`);
for (const [room, l] of Object.entries(SUBLAYERS)) console.log(`  ${room}/: ${l.map((r) => r.join(' ')).join('  <  ')}`);
console.log(`${files.length} files checked, ${loops.length} import cycle(s)`);
if (problems.length) {
  console.log(`${problems.length} problem(s) with the import shape:\n  ${problems.join('\n  ')}`);
  process.exit(warnOnly ? 0 : 1);
}
console.log('no import runs from a lower layer to a higher one, and no import cycle');
