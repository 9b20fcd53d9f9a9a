/**
 * Long configuration work does not freeze the device: while one NETCONF session (SSH face of
 * a device process) loads and commits tens of thousands of interface units, a second
 * session's small RPCs keep answering. Measured in the same run: the longest wait between
 * the second session's answers is a small part of the load's (and the commit's) duration.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../../support/agent-harness.js';
import { openChannel, spawnSshDevice, type OpenedChannel } from '../../support/ssh-harness.js';

const h = new Harness();
after(() => h.cleanup());
const EOM = ']]>]]>';
const HELLO = '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>';

/** `units` interface units (vlan-tagged, so that they commit), in curly-brace text. */
function unitsText(units: number): string {
  const ifds = new Set<string>();
  const parts: string[] = [];
  for (let i = 0; i < units; i++) {
    const ifd = `ge-0/${Math.floor(i / 16384) % 8}/${Math.floor(i / 16384 / 8)}`;
    ifds.add(ifd);
    const unit = i % 16384;
    parts.push(`interfaces { ${ifd} { unit ${unit} { vlan-id ${(unit % 4000) + 1}; family inet { address 172.${16 + ((i >> 16) & 15)}.${(i >> 8) & 255}.${i & 255}/32; } } } }\n`);
  }
  for (const ifd of ifds) parts.push(`interfaces { ${ifd} { vlan-tagging; } }\n`);
  return parts.join('');
}

async function netconfSession(port: number): Promise<OpenedChannel & { rpc(body: string, ms?: number): Promise<string> }> {
  const ch = await openChannel({ host: '127.0.0.1', port, username: 'lab', password: 'lab123' }, { subsystem: 'netconf' });
  ch.channel.write(HELLO + EOM);
  await ch.waitFor((o) => o.includes(EOM), 10_000);
  let seen = ch.output().indexOf(EOM) + EOM.length;
  let id = 0;
  return Object.assign(ch, {
    async rpc(body: string, ms = 120_000): Promise<string> {
      const mid = `m${++id}`;
      ch.channel.write(`<rpc message-id="${mid}">${body}</rpc>${EOM}`);
      const out = await ch.waitFor((o) => o.indexOf(EOM, seen) >= 0, ms);
      const end = out.indexOf(EOM, seen);
      const reply = out.slice(seen, end);
      seen = end + EOM.length;
      assert.match(reply, new RegExp(`message-id="${mid}"`));
      return reply;
    },
  });
}

/**
 * Runs `work` on session `a` while session `b` asks get-software-information over and over;
 * returns how long the work took and the longest time `b` went without an answer meanwhile.
 */
async function whileAnswering(a: { rpc(body: string, ms?: number): Promise<string> }, b: { rpc(body: string, ms?: number): Promise<string> }, body: string): Promise<{ reply: string; tookMs: number; maxGapMs: number; answers: number }> {
  let done = false;
  const t0 = performance.now();
  let last = t0;
  let maxGap = 0;
  let answers = 0;
  const pinger = (async () => {
    // bounded: the work ends within its own timeout
    while (!done) {
      const r = await b.rpc('<get-software-information/>', 120_000);
      assert.match(r, /<software-information>/);
      const now = performance.now();
      if (done) break;
      maxGap = Math.max(maxGap, now - last);
      last = now;
      answers++;
    }
  })();
  const reply = await a.rpc(body, 300_000);
  const t1 = performance.now();
  done = true;
  maxGap = Math.max(maxGap, t1 - last);
  await pinger;
  return { reply, tookMs: t1 - t0, maxGapMs: maxGap, answers };
}

test('while one session loads and commits 40k interface units, another session keeps answering', { timeout: 600_000 }, async () => {
  const dev = await spawnSshDevice(h, ['--ssh-user', 'lab:lab123', '--profile', 'mx', '--state-dir', h.tempDir()], 30_000);
  const a = await netconfSession(dev.port);
  const b = await netconfSession(dev.port);
  const units = 40_000;
  const text = unitsText(units);
  // Warm both sessions (and the device's first-use costs).
  await b.rpc('<get-software-information/>');
  await a.rpc('<load-configuration format="text"><configuration-text>system { location { building warm; } }</configuration-text></load-configuration>');

  const load = await whileAnswering(a, b, `<load-configuration format="text"><configuration-text>${text}</configuration-text></load-configuration>`);
  assert.match(load.reply, /<load-configuration-results>[\s\S]*<ok\/>/, load.reply.slice(0, 600));
  const commit = await whileAnswering(a, b, '<commit-configuration/>');
  assert.match(commit.reply, /<commit-success\/>/, commit.reply.slice(0, 600));
  const report = (w: typeof load) => `${w.tookMs.toFixed(0)} ms, longest wait of the other session ${w.maxGapMs.toFixed(0)} ms over ${w.answers} answers`;
  console.log(`load of ${units} units: ${report(load)}; commit: ${report(commit)}`);
  assert.ok(load.maxGapMs <= load.tookMs / 4, `load: ${report(load)}`);
  assert.ok(commit.maxGapMs <= commit.tookMs / 4, `commit: ${report(commit)}`);

  // All of the load is there, once.
  const set = await a.rpc('<get-configuration database="committed" format="set"/>');
  assert.equal(set.split('\n').filter((l) => l.includes(' vlan-id ')).length, units);
  a.channel.end();
  b.channel.end();
  a.conn.end();
  b.conn.end();
  dev.child.kill('SIGTERM');
});
