/**
 * The sessions' user (the JET app's `username`) changed in the configuration file applies on
 * live reload to sessions opened from then on, as the Junos app does after a commit; a live
 * session keeps the user it started as. Switching users needs root (CI runs as root).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { NmsSession } from '../../src/nms/server.js';
import { Harness, MAIN_JS, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

const asRoot = process.getuid?.() === 0;

/** The output of one shell command, between two markers (the echo of the command is not taken). */
async function run(s: NmsSession, command: string, tag: string): Promise<string> {
  s.send(`echo "<${tag}"; ${command}; echo "${tag}>"`);
  await s.waitFor((o) => new RegExp(`<${tag}\\r?\\n[\\s\\S]*?${tag}>`).test(o), 10_000);
  return new RegExp(`<${tag}\\r?\\n([\\s\\S]*?)${tag}>`).exec(s.output())![1].trim();
}

test('reload: a changed username applies to new sessions; live ones keep theirs', { skip: asRoot ? false : 'needs root to run sessions as other users' }, async () => {
  const { nms, port, dir, certFile } = await h.nmsWithCertFile();
  const file = path.join(dir, 'device.json');
  const writeConfig = (username: string) => {
    const json = {
      username,
      clients: [{ name: 'u', 'device-id': 'reload-user', secret: 'user-secret-1', waittime: 5, servers: [{ address: '127.0.0.1', port, 'trusted-cert-file': certFile }] }],
    };
    writeFileSync(file + '.tmp', JSON.stringify(json));
    renameSync(file + '.tmp', file);
  };
  writeConfig('nobody');
  const child = spawn(process.execPath, [MAIN_JS, '--config', file, '--state-dir', dir, '--log-format', 'json', '--log-level', 'info'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let logs = '';
  child.stderr!.on('data', (d) => (logs += d));
  h.defer(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  const before = await nms.requestSession('reload-user', 'user-secret-1', 'csh', { timeoutMs: 15_000 });
  await before.waitFor((o) => o.includes('csh session is started'), 5000);
  assert.equal(await run(before, 'id -un', 'b1'), 'nobody');

  writeConfig('daemon');
  child.kill('SIGHUP');
  await until(() => /configuration reloaded/.test(logs), 10_000, 'the reload to be applied');
  assert.doesNotMatch(logs, /configuration rejected/);

  const afterChange = await nms.requestSession('reload-user', 'user-secret-1', 'csh', { timeoutMs: 15_000 });
  await afterChange.waitFor((o) => o.includes('csh session is started'), 5000);
  assert.equal(await run(afterChange, 'id -un', 'a1'), 'daemon');
  // The new user's shell reaches the device through the emulated cli (its own device socket).
  assert.match(await run(afterChange, 'cli -c "show version"', 'a2'), /Hostname:/);
  // The session opened before the change keeps its user, and its cli.
  assert.equal(await run(before, 'id -un', 'b2'), 'nobody');
  assert.match(await run(before, 'cli -c "show version"', 'b3'), /Hostname:/);

  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await exited;
});
