/**
 * The directory that puts the emulated Junos `cli` on a shell's PATH: one small sh script,
 * written once per process into a directory under the process's temp root (temp-root.ts), that runs the cli's compiled entry point with
 * the same node binary as the emulator (a dropped-privilege user's PATH may not have node).
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../temp-root.js';

let binDir: string | undefined;

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Path of the cli's entry point (dist/src/junos/cli/main.js next to this module). */
export function cliEntryPoint(): string {
  return fileURLToPath(new URL('../junos/cli/main.js', import.meta.url));
}

/** The directory holding the `cli` script; created on first use, removed with the temp root. */
export function cliBinDir(): string {
  if (binDir && existsSync(join(binDir, 'cli'))) return binDir;
  const dir = makeTempDir('bin-', 0o755);
  const script = `#!/bin/sh\n# Emulated Junos cli: a NETCONF client of the emulated device.\nexec ${shQuote(process.execPath)} ${shQuote(cliEntryPoint())} "$@"\n`;
  writeFileSync(join(dir, 'cli'), script, { mode: 0o755 });
  chmodSync(join(dir, 'cli'), 0o755);
  binDir = dir;
  return dir;
}
