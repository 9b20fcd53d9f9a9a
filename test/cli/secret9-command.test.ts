import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Runs the secret command in a child process through yargs, failing the way the CLI does:
 * one line on stderr, exit 2 for usage errors.
 */
function runSecret(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const driver = `
    import yargs from 'yargs';
    import { secretCommand } from './dist/src/cli/commands/secret9-command.js';
    import { reportFatal } from './dist/src/errors.js';
    import { UsageError } from './dist/src/errors.js';
    try {
      await yargs(process.argv.slice(1)).command(secretCommand).strict().exitProcess(false)
        .fail((msg, err) => { throw err ?? new UsageError(msg); }).parseAsync();
    } catch (err) { reportFatal(err); }
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', driver, ...args], { cwd: root, input: input ?? '', encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('secret decode prints the plain secret', () => {
  const r = runSecret(['secret', 'decode', '$9$FNkC3/t1IcevLuOWx']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'hello\n');
});

test('secret encode output decodes back; stdin with -', () => {
  const enc = runSecret(['secret', 'encode', 'lab-secret 42']);
  assert.equal(enc.status, 0, enc.stderr);
  assert.match(enc.stdout, /^\$9\$\S+\n$/);
  const dec = runSecret(['secret', 'decode', '-'], enc.stdout);
  assert.equal(dec.status, 0, dec.stderr);
  assert.equal(dec.stdout, 'lab-secret 42\n');
});

test('a malformed $9$ string exits 2 with one clear line', () => {
  const r = runSecret(['secret', 'decode', '$9$FNkC3/t1IcevLuOW']);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^nc-grpc-device: secret decode: malformed \$9\$ secret: .+\n$/);
});
