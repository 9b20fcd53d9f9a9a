/**
 * Every relative link in the README and the docs it links to resolves: the file exists, and
 * an #anchor names a heading (GitHub's slug) or an <a id> of that file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../support/agent-harness.js';

/** The Markdown files of the repository (not node_modules, dist or VCS folders). */
function markdownFiles(dir = REPO_ROOT, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    if (['node_modules', 'dist', '.git'].includes(e)) continue;
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) markdownFiles(p, out);
    else if (e.endsWith('.md')) out.push(p);
  }
  return out;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The text outside fenced code blocks and inline code. */
function prose(md: string): string {
  return md.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

export function anchorsOf(md: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of md.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  for (const m of md.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

test('the README and every doc: relative links reach a file, anchors a heading', () => {
  const files = markdownFiles();
  assert.ok(files.some((f) => f.endsWith(`${path.sep}docs${path.sep}wire.md`)), 'docs/ is there');
  const broken: string[] = [];
  let checked = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
      checked++;
      const [rel, anchor] = target.split('#', 2);
      const dest = rel ? path.resolve(path.dirname(file), rel) : file;
      const where = `${path.relative(REPO_ROOT, file)}: ${target}`;
      if (!existsSync(dest)) {
        broken.push(`${where} (no such file)`);
        continue;
      }
      if (anchor !== undefined && dest.endsWith('.md') && !anchorsOf(readFileSync(dest, 'utf8')).has(anchor)) broken.push(`${where} (no such anchor)`);
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(checked > 40, `links checked: ${checked}`);
});

test('the README links every page of docs/, and every page links back', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const pages = readdirSync(path.join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md'));
  assert.ok(pages.length >= 10, pages.join(' '));
  for (const p of pages) {
    assert.ok(readme.includes(`](docs/${p})`), `README.md links docs/${p}`);
    assert.match(readFileSync(path.join(REPO_ROOT, 'docs', p), 'utf8'), /\]\(\.\.\/README\.md/, `docs/${p} links back to the README`);
  }
});

test('the README keeps its first screen: the two commands first, then a sentence, a picture and the quick start', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const lines = readme.split('\n');
  assert.equal(lines[0], '# nc-grpc-device');
  assert.match(lines[3], /^npm install && npm start\s/);
  assert.match(lines[4], /^npm ci && npm test\s/);
  const sections = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(sections.slice(0, 3), ['Quick start', 'Which face do I need', 'Documentation']);
  // A README of one screenful and a bit: the reference lives in docs/.
  assert.ok(lines.length < 150, `README.md has ${lines.length} lines`);
  // The old section anchors still land somewhere (other pages and bookmarks use them).
  for (const old of ['running-a-device', 'configuration', 'behaviour-on-the-wire', 'labs-and-fleets', 'reference-nms', 'development', 'using-it-as-a-library']) {
    assert.ok(anchorsOf(readme).has(old), `README.md keeps #${old}`);
  }
});

test('slug follows GitHub: punctuation dropped, spaces to hyphens', () => {
  assert.equal(slug('NETCONF: the emulated device'), 'netconf-the-emulated-device');
  assert.equal(slug('Flow control: a slow NMS'), 'flow-control-a-slow-nms');
  assert.equal(slug('Status, logs and metrics'), 'status-logs-and-metrics');
  assert.equal(slug('$9$ secrets'), '9-secrets');
});
