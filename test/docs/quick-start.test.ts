/**
 * The README's quick start, run exactly as written: its shell block is taken from README.md
 * and run by bash (aliases on, as in an interactive shell), as an unprivileged user when the
 * tests run as root (and that user can reach the tree), in the repository's top directory. Only `npm install` is left out (the
 * test runs from a built tree). It uses the commands' default ports (8443, 8444): when
 * something else holds them, the test is skipped and says why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../support/agent-harness.js';

/** The first ```sh block after `## Quick start`. */
export function quickStartBlock(readme: string): string[] {
  const at = readme.indexOf('\n## Quick start');
  assert.ok(at >= 0, 'README.md has a Quick start section');
  const m = /```sh\n([\s\S]*?)\n```/.exec(readme.slice(at));
  assert.ok(m, 'the Quick start has a sh block');
  return m[1].split('\n');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

test('the README quick start runs as written: certs, nms, a device, status --wait, session --list, --rpc, --command', async (t) => {
  const lines = quickStartBlock(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8'));
  assert.match(lines[0], /^npm install\s/, 'the block starts with npm install');
  const script = lines.filter((l) => !/^npm install\b/.test(l));
  assert.ok(script.some((l) => /nc-grpc-device session --list\b/.test(l)), 'the quick start lists the waiting devices with no other argument');
  if (!(await portFree(8443)) || !(await portFree(8444))) {
    t.skip('127.0.0.1:8443 or :8444 is in use here (the quick start uses the default ports)');
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-quick-start-'));
  // As root, the block runs as nobody (the quick start needs no privilege), when nobody can
  // reach the tree (a clone under /root cannot be): else as root.
  const asNobody =
    process.getuid?.() === 0 &&
    spawnSync('test', ['-r', path.join(REPO_ROOT, 'dist/src/cli/main.js'), '-a', '-x', REPO_ROOT], { uid: 65534, gid: 65534, timeout: 10_000 }).status === 0;
  if (asNobody) chownSync(dir, 65534, 65534);
  const child = spawn('bash', ['-O', 'expand_aliases', '-c', `set -e\n${script.join('\n')}\n`], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TMPDIR: dir, LANG: 'C.UTF-8' },
    ...(asNobody ? { uid: 65534, gid: 65534 } : {}),
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 120_000);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(timer);
  try {
    assert.equal(code, 0, `the quick start failed (exit ${code}):\n${out}\n${err}`);
    assert.match(out, /^wrote server\.crt$/m);
    assert.match(out, /^next:$/m);
    assert.match(out, /^r1\s+waiting/m, 'session --list shows r1 waiting');
    assert.match(out, /<software-information>[\s\S]*<host-name>/, 'the RPC reply');
    assert.match(out, /^Interface\s+Admin\s+Link/m, 'the csh session ran the cli');
    assert.match(err, /1\/1 connected/, 'status --wait said when the device was connected');
  } finally {
    // Whatever the block left running (nothing, when its last line ran) goes with its group.
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone: nothing was left
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
