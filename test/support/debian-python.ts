/**
 * Debian's Python packages for the tests that drive real Python programs (PyEZ, ncclient,
 * grpcio) and other Debian packages (Ansible): checks that they import or exist, and as root
 * installs them from Debian when missing, serialised with flock because test files run in parallel and apt must not.
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
  if (!existsSync(PYTHON)) return `${PYTHON} not found: ${what} need Debian's python3`;
  return ensureDebianPackages(() => importable(imports), `${PYTHON} -c 'import ${imports}' 2>/dev/null`, packages, what);
}

/**
 * Null when `present()` holds (installing Debian's PACKAGES first, as root, when it does not;
 * `check` is the same test as a shell command, run again under the apt lock); otherwise the
 * reason, for the tests to skip with. Installs are serialised with one flock for all tests.
 */
export async function ensureDebianPackages(present: () => boolean, check: string, packages: string[], what: string, timeoutMs = INSTALL_TIMEOUT_MS): Promise<string | null> {
  if (present()) return null;
  const list = packages.join(' ');
  if (process.getuid?.() !== 0) return `${list} are not installed and this is not root: apt-get install them to run ${what}`;
  const script = `${check} || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${list}; }`;
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn('flock', [APT_LOCK, 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    child.on('error', (e) => resolve({ code: -1, out: e.message }));
  });
  if (r.code !== 0 || !present()) return `installing ${list} failed: ${r.out.trim().split('\n').slice(-3).join(' | ')}`;
  return null;
}
