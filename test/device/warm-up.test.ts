/**
 * A fleet thread's warm-up (src/device/warm-up.ts): one session on a scratch device of each
 * profile, before the devices dial. Each shipped profile answers every RPC of it (an RPC
 * that failed would leave its code cold, and say the list is wrong), and the session ends
 * by itself well within its limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WARM_UP_LIMIT_MS, warmProfile, warmUp } from '../../src/device/warm-up.js';
import { listShippedProfiles } from '../../src/junos/identity/profile.js';
import { createLogger } from '../../src/log.js';

test('the warm-up session of every shipped profile gets a reply to each RPC, none an error, and ends by itself', async () => {
  const profiles = listShippedProfiles();
  assert.ok(profiles.length >= 4, `shipped profiles: ${profiles.join(', ')}`);
  for (const profile of profiles) {
    const t0 = performance.now();
    const said = await warmProfile(profile);
    const ms = performance.now() - t0;
    assert.match(said, /<hello[\s\S]*<\/hello>/, `${profile}: the device's hello`);
    const replies = said.match(/<rpc-reply/g) ?? [];
    assert.equal(replies.length, 8, `${profile}: ${replies.length} replies`);
    assert.doesNotMatch(said, /<rpc-error>/, `${profile}: an RPC of the warm-up failed`);
    assert.match(said, /message-id="8">\s*<ok\/>\s*<\/rpc-reply>\s*\]\]>\]\]>\s*(<!-- session end [^>]*-->\s*)?$/, `${profile}: the session closed with an <ok/>`);
    assert.ok(ms < WARM_UP_LIMIT_MS, `${profile}: ${ms.toFixed(0)} ms, up to the limit`);
  }
});

test('warmUp logs each profile once at debug, and an unknown profile does not fail it', async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', format: 'json', destination: { write: (l: string) => void lines.push(l) } });
  await warmUp(['mx', 'mx', 'no-such-profile'], logger);
  const records = lines.map((l) => JSON.parse(l) as { msg: string; profile: string; reason?: string });
  assert.deepEqual(
    records.map((r) => [r.msg, r.profile]),
    [
      ['fleet thread warmed up', 'mx'],
      ['fleet thread warm-up failed; going on', 'no-such-profile'],
    ],
  );
});
