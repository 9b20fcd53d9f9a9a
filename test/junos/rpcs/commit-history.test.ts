/**
 * Commit history as Junos keeps it, over real NETCONF sessions of an emulated device with a
 * state directory: get-commit-information and `show system commit`, commit confirmed (its
 * note and its rollback), commit at (scheduled, listed, cleared), the rescue configuration,
 * and all of it after a restart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { TestClient } from '../../support/netconf-client.js';
import { until } from '../../support/agent-harness.js';

const dirs: string[] = [];
const devices: EmulatedDevice[] = [];
after(async () => {
  for (const d of devices) await d.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function stateDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'ncgd-history-'));
  dirs.push(d);
  return d;
}

async function device(dir: string): Promise<EmulatedDevice> {
  const d = await EmulatedDevice.create({ profile: 'mx', hostname: 'hist', stateDir: dir });
  devices.push(d);
  return d;
}

async function session(dev: EmulatedDevice, user: string, client: string): Promise<TestClient> {
  const c = new TestClient(dev.openNetconf({ user, client }));
  await c.open();
  return c;
}

const set = (line: string) => `<load-configuration action="set" format="text"><configuration-set>${line}</configuration-set></load-configuration>`;

/** The `<commit-history>` entries of a reply: [sequence, user, client, comment, log]. */
function entries(reply: string): string[][] {
  return [...reply.matchAll(/<commit-history>([\s\S]*?)<\/commit-history>/g)].map(([, e]) =>
    ['sequence-number', 'user', 'client', 'comment', 'log'].map((n) => new RegExp(`<${n}>([^<]*)</${n}>`).exec(e)?.[1] ?? ''),
  );
}

test('every commit records user, client, time, comment and log; get-commit-information and show system commit list them; they survive a restart', async () => {
  const dir = stateDir();
  const dev = await device(dir);
  // An SSH NETCONF session names its client by the peer address; history says "netconf".
  const nc = await session(dev, 'lab', '127.0.0.1');
  await nc.rpc(set('set system location building b1'));
  assert.match(await nc.rpc('<commit-configuration><log>first change</log></commit-configuration>'), /<commit-success\/>/);
  const cli = await session(dev, 'ops', 'cli');
  await cli.rpc(set('set system location building b2'));
  await cli.rpc('<commit-configuration/>');

  const reply = await nc.rpc('<get-commit-information/>');
  assert.match(reply, /<commit-information>\n<commit-history>\n<sequence-number>0<\/sequence-number>\n<user>ops<\/user>\n<client>cli<\/client>\n<date-time junos:seconds="\d+">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC<\/date-time>\n<\/commit-history>/);
  assert.deepEqual(entries(reply).slice(0, 3), [
    ['0', 'ops', 'cli', '', ''],
    ['1', 'lab', 'netconf', '', 'first change'],
    ['2', 'root', 'other', '', ''],
  ]);
  const text = await nc.rpc('<command format="text">show system commit</command>');
  assert.match(text, /<output>\n?0   \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by ops via cli\n1   \S+ \S+ UTC by lab via netconf\n    first change\n2   \S+ \S+ UTC by root via other/);

  // Restart on the same state directory: the metadata is still there.
  await dev.close();
  const again = await device(dir);
  const c2 = await session(again, 'lab', 'outbound-https');
  assert.deepEqual(entries(await c2.rpc('<get-commit-information/>')).slice(0, 2), [
    ['0', 'ops', 'cli', '', ''],
    ['1', 'lab', 'netconf', '', 'first change'],
  ]);
});

test('a revision file written before commit metadata (no comment, a peer address as client) still loads', async () => {
  const dir = stateDir();
  const dev = await device(dir);
  const c = await session(dev, 'lab', 'netconf');
  await c.rpc(set('set system location building old'));
  await c.rpc('<commit-configuration><log>old file</log></commit-configuration>');
  await dev.close();
  // Rewrite the newest file as the former code wrote it: client was the SSH peer address.
  const rb = path.join(dir, 'rollbacks');
  const newest = readdirSync(rb).sort().at(-1)!;
  const [tag, meta, ...body] = readFileSync(path.join(rb, newest), 'utf8').split('\n');
  const m = JSON.parse(meta.slice(3));
  assert.equal(m.comment, undefined);
  m.client = '10.0.0.9';
  writeFileSync(path.join(rb, newest), [tag, `## ${JSON.stringify(m)}`, ...body].join('\n'));
  const again = await device(dir);
  const c2 = await session(again, 'lab', 'netconf');
  assert.deepEqual(entries(await c2.rpc('<get-commit-information/>'))[0], ['0', 'lab', 'netconf', '', 'old file']);
});

test('commit confirmed warns that it will roll back, is listed with its minutes, and its rollback is root\'s "commit confirmed rollback"', async () => {
  const dev = await device(stateDir());
  const c = await session(dev, 'lab', 'netconf');
  await c.rpc(set('set system location building conf'));
  const reply = await c.rpc('<commit-configuration><confirmed/><confirm-timeout>5</confirm-timeout><log>try it</log></commit-configuration>');
  assert.match(reply, /<commit-results>\n<output>commit confirmed will be automatically rolled back in 5 minutes unless confirmed<\/output>\n<routing-engine junos:style="normal">\n<name>re0<\/name>\n<commit-success\/>/);
  assert.deepEqual(entries(await c.rpc('<get-commit-information/>'))[0], ['0', 'lab', 'netconf', 'commit confirmed, rollback in 5mins', 'try it']);
  assert.match(await c.rpc('<command format="text">show system commit</command>'), /0   \S+ \S+ UTC by lab via netconf commit confirmed, rollback in 5mins\n    try it\n/);
  // A plain commit confirms it; then base NETCONF's one-second confirm-timeout really runs out.
  assert.doesNotMatch(await c.rpc('<commit-configuration/>'), /<output>/);
  await c.rpc(set('set system location building conf2'));
  await c.rpc('<commit><confirmed/><confirm-timeout>1</confirm-timeout></commit>');
  await until(async () => entries(await c.rpc('<get-commit-information/>'))[0][3] === 'commit confirmed rollback', 20_000, 'the automatic rollback');
  const h = entries(await c.rpc('<get-commit-information/>'));
  assert.deepEqual(h[0], ['0', 'root', 'other', 'commit confirmed rollback', '']);
  assert.deepEqual(h[1].slice(0, 4), ['1', 'lab', 'netconf', 'commit confirmed, rollback in 1mins']);
  assert.match(await c.rpc('<get-configuration database="committed" format="text"/>'), /building conf;/);
});

test('commit at is scheduled, listed as pending, runs at its time; clear system commit cancels one', async () => {
  const dev = await device(stateDir());
  const c = await session(dev, 'lab', 'cli');
  const at = (ms: number) => new Date(Date.now() + ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');

  await c.rpc(set('set system location building later'));
  const when = at(3000);
  const reply = await c.rpc(`<commit-configuration><at-time>${when}</at-time><log>scheduled</log></commit-configuration>`);
  assert.match(reply, new RegExp(`<output>commit at will be executed at ${when} UTC</output>\\n<routing-engine junos:style="normal">\\n<name>re0</name>\\n<commit-check-success/>`));
  assert.doesNotMatch(await c.rpc('<get-configuration database="committed" format="text"/>'), /building later/, 'nothing is committed before its time');
  const pending = await c.rpc('<get-commit-information/>');
  assert.match(pending, new RegExp(`<commit-pending>\\n<user>lab</user>\\n<client>cli</client>\\n<date-time junos:seconds="\\d+">${when} UTC</date-time>\\n<log>scheduled</log>\\n</commit-pending>`));
  assert.match(await c.rpc('<command format="text">show system commit</command>'), new RegExp(`commit requested by lab via cli at ${when} UTC\\n    scheduled\\n0   `));
  // Another commit waits for the pending one.
  assert.match(await c.rpc('<commit-configuration/>'), /<rpc-error>[\s\S]*is pending: clear system commit cancels it/);

  await until(async () => /building later;/.test(await c.rpc('<get-configuration database="committed" format="text"/>')), 20_000, 'the scheduled commit');
  assert.deepEqual(entries(await c.rpc('<get-commit-information/>'))[0], ['0', 'lab', 'cli', 'commit at', 'scheduled']);
  assert.doesNotMatch(await c.rpc('<get-commit-information/>'), /commit-pending/);

  await c.rpc(set('set system location building never'));
  await c.rpc(`<commit-configuration><at-time>${at(3600_000)}</at-time></commit-configuration>`);
  assert.match(await c.rpc('<command format="text">clear system commit</command>'), /Pending commit cleared/);
  assert.doesNotMatch(await c.rpc('<get-commit-information/>'), /commit-pending/);
  assert.match(await c.rpc('<clear-system-commit/>'), /<rpc-error>[\s\S]*No pending commit/);
  assert.match(await c.rpc('<commit-configuration><at-time>25:00</at-time></commit-configuration>'), /<rpc-error>[\s\S]*invalid at-time: 25:00/);
  assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/, 'a plain commit works again once cleared');
});

test('rescue configuration: save (0600 in the state directory), show, load rescue, delete; it survives a restart', async () => {
  const dir = stateDir();
  const dev = await device(dir);
  const c = await session(dev, 'lab', 'netconf');
  assert.match(await c.rpc('<get-rescue-information/>'), /<rpc-error>[\s\S]*rescue configuration is not set/);
  assert.match(await c.rpc('<load-configuration rescue="rescue"/>'), /<load-configuration-results>\n<rpc-error>[\s\S]*rescue configuration is not set[\s\S]*<load-error-count>1/);
  await c.rpc(set('set system location building safe'));
  await c.rpc('<commit-configuration/>');
  assert.match(await c.rpc('<request-save-rescue-configuration/>'), /<ok\/>/);
  assert.equal(statSync(path.join(dir, 'rescue.conf')).mode & 0o777, 0o600);
  await c.rpc(set('set system location building risky'));
  await c.rpc('<commit-configuration/>');
  assert.match(await c.rpc('<get-rescue-information/>'), /<rescue-information>\n<configuration-information>\n<configuration-output>## Last commit: [^\n]+ by lab\n[\s\S]*building safe;/);
  assert.match(await c.rpc('<command format="text">show system configuration rescue</command>'), /building safe;/);

  await dev.close();
  const again = await device(dir);
  const c2 = await session(again, 'ops', 'netconf');
  assert.match(await c2.rpc('<load-configuration rescue="rescue"/>'), /<load-configuration-results>\n<ok\/>/);
  assert.match(await c2.rpc('<get-configuration compare="rollback" rollback="0" format="text"/>'), /-\s+building risky;\n\+\s+building safe;/);
  await c2.rpc('<commit-configuration/>');
  assert.match(await c2.rpc('<get-configuration database="committed" format="text"/>'), /building safe;/);
  assert.match(await c2.rpc('<request-delete-rescue-configuration/>'), /<ok\/>/);
  assert.throws(() => statSync(path.join(dir, 'rescue.conf')), /ENOENT/);
  assert.match(await c2.rpc('<get-rescue-information/>'), /rescue configuration is not set/);
});
