/**
 * `nc-grpc-device netconf` as `netconf interactive`: a real child process on stdin/stdout.
 * A commit is seen by `show system uptime` (who and when) and, with a state directory, by the
 * next session of another process.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Harness, MAIN_JS } from '../support/agent-harness.js';

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

test('show configuration | display inheritance | display set shows what groups give', () => {
  const out = netconf(
    [
      '<load-configuration action="set" format="text"><configuration-set>set groups site system location building grp-1\nset apply-groups site</configuration-set></load-configuration>',
      '<commit-configuration/>',
      '<command format="text">show configuration system | display inheritance | display set</command>',
      '<command format="text">show configuration system | display set</command>',
    ],
    ['--profile', 'mx'],
  );
  const outputs = [...out.matchAll(/<configuration-output>\n([\s\S]*?)<\/configuration-output>/g)].map((m) => m[1]);
  assert.equal(outputs.length, 2);
  assert.match(outputs[0], /^set system location building grp-1$/m);
  assert.doesNotMatch(outputs[1], /grp-1/);
  assert.match(outputs[1], /^set system host-name /m);
});
