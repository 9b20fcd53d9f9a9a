/**
 * The command line loads a subcommand's module only when its first word names it: `status`
 * does not load the emulated device, the SSH face or the reference NMS; the top-level help
 * still lists every subcommand, a subcommand's help is its own, and a misspelt one is the
 * same one-line usage error as before.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Harness, MAIN_JS } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

const SUBCOMMANDS = ['demo', 'netconf', 'check', 'nms', 'session', 'certs', 'status', 'fault', 'event', 'scenario', 'secret', 'inventory', 'lab', 'replay', 'profile'];

function cli(args: string[], execArgv: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [...execArgv, MAIN_JS, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, COLUMNS: '200', ...env } });
}

/** Runs the cli with a module-load hook and gives every URL it loaded (node's own excepted). */
function loadedBy(args: string[]): { urls: string[]; status: number | null; stderr: string } {
  const dir = h.tempDir('ncgd-loads-');
  const log = path.join(dir, 'loaded.txt');
  writeFileSync(log, '', { mode: 0o600 });
  writeFileSync(
    path.join(dir, 'hooks.mjs'),
    "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(process.env.NCGD_TEST_LOADED, url + '\\n');\n  return next(url, context);\n}\n",
  );
  writeFileSync(path.join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)});\n`);
  const r = cli(args, ['--import', pathToFileURL(path.join(dir, 'register.mjs')).href], { NCGD_TEST_LOADED: log });
  const urls = readFileSync(log, 'utf8').split('\n').filter((u) => u && !u.startsWith('node:'));
  return { urls, status: r.status, stderr: r.stderr };
}

test('status and --version load neither the device nor the SSH face nor the NMS; netconf loads the device', () => {
  const status = loadedBy(['status', '--control', path.join(h.tempDir(), 'no.sock')]);
  assert.equal(status.status, 1, status.stderr);
  assert.match(status.stderr, /nc-grpc-device: /);
  assert.ok(status.urls.some((u) => u.endsWith('/cli/commands/status-command.js')), status.urls.join('\n'));
  for (const heavy of ['/junos/device.js', '/ssh/server.js', '/nms/server.js', '/cli/commands/lab-command.js', '/node_modules/ssh2/']) {
    assert.ok(!status.urls.some((u) => u.includes(heavy)), `status loaded ${heavy}`);
  }
  const version = loadedBy(['--version']);
  assert.equal(version.status, 0, version.stderr);
  assert.ok(!version.urls.some((u) => u.includes('/junos/device.js')), '--version loaded the device');
  // The hook does see a command's modules: netconf's loads the device.
  const netconf = loadedBy(['netconf', '--help']);
  assert.equal(netconf.status, 0, netconf.stderr);
  assert.ok(netconf.urls.some((u) => u.includes('/junos/device.js')), 'netconf --help did not load its own module');
});

test('the top-level help lists every subcommand; a subcommand help is its own; a misspelt subcommand is one usage line', () => {
  const help = cli(['--help']);
  assert.equal(help.status, 0, help.stderr);
  for (const c of SUBCOMMANDS) assert.match(help.stdout, new RegExp(`nc-grpc-device ${c}\\b`), `--help lists ${c}`);
  const status = cli(['status', '--help']);
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, /^nc-grpc-device status\b/);
  assert.match(status.stdout, /--wait/);
  assert.doesNotMatch(status.stdout, /--ssh-port/, 'the device flags are not status flags');
  // Flags before the subcommand: yargs still reads the subcommand (all are declared then).
  const sock = path.join(h.tempDir(), 'none.sock');
  const late = cli(['--control', sock, 'status']);
  assert.equal(late.status, 1, late.stderr);
  assert.match(late.stderr, /no agent is listening on/);
  const typo = cli(['stauts']);
  assert.equal(typo.status, 2);
  assert.equal(typo.stderr.trim(), 'nc-grpc-device: Unknown argument: stauts (see nc-grpc-device --help)');
});
