/**
 * Debian's Python packages for the tests that drive real Python programs (PyEZ, ncclient,
 * grpcio): checks that they import, and as root installs them from Debian when missing,
 * serialised with flock because test files run in parallel and apt must not.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Python, where its python3-* packages install (not a pyenv one). */
export const PYTHON = '/usr/bin/python3';

const APT_LOCK = '/tmp/ncgd-apt-python-clients.lock';
const INSTALL_TIMEOUT_MS = 300_000;

function importable(imports: string): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', `import ${imports}`], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

/**
 * Null when `import IMPORTS` works in Debian's Python (installing PACKAGES first if needed and
 * allowed); otherwise the reason, for the tests to skip with.
 */
export async function ensureDebianPython(imports: string, packages: string[], what: string): Promise<string | null> {
  if (importable(imports)) return null;
  const list = packages.join(' ');
  if (!existsSync(PYTHON)) return `${PYTHON} not found: ${what} need Debian's python3`;
  if (process.getuid?.() !== 0) return `${list} are not installed and this is not root: apt-get install them to run ${what}`;
  const script = `${PYTHON} -c 'import ${imports}' 2>/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${list}; }`;
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn('flock', [APT_LOCK, 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), INSTALL_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    child.on('error', (e) => resolve({ code: -1, out: e.message }));
  });
  if (r.code !== 0 || !importable(imports)) return `installing ${list} failed: ${r.out.trim().split('\n').slice(-3).join(' | ')}`;
  return null;
}
