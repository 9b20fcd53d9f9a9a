/**
 * `nc-grpc-device netconf` as `netconf interactive`: a real child process on stdin/stdout.
 * A commit is seen by `show system uptime` (who and when) and, with a state directory, by the
 * next session of another process.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Harness, MAIN_JS } from './support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());
const EOM = ']]>]]>';

function netconf(input: string[], args: string[]): string {
  const r = spawnSync(process.execPath, [MAIN_JS, 'netconf', ...args], { input: input.map((i) => `<rpc>${i}</rpc>${EOM}`).join(''), encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('netconf on stdio: hello first, commit recorded with its user, kept in the state directory', () => {
  const dir = h.tempDir();
  const out = netconf(
    [
      '<load-configuration action="set" format="text"><configuration-set>set system location building stdio-1</configuration-set></load-configuration>',
      '<commit-configuration><log>from stdio</log></commit-configuration>',
      '<command format="text">show system uptime</command>',
    ],
    ['--profile', 'ex', '--user', 'alice', '--state-dir', dir],
  );
  assert.ok(out.startsWith('<!-- No zombies were killed'), out.slice(0, 80));
  assert.match(out, /<!-- user alice, class super-user -->/);
  assert.match(out, /<commit-success\/>/);
  assert.match(out, /Last configured: .* by alice/);
  const again = netconf(['<get-configuration database="committed" format="set"/>'], ['--profile', 'ex', '--state-dir', dir]);
  assert.match(again, /set system location building stdio-1/);
});
