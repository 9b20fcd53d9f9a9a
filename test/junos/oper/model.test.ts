/**
 * The operational model follows the committed configuration: after host-name, interface
 * (description, address, disable, MTU) and static-route changes committed over NETCONF,
 * get-software-information, get-system-information, get-interface-information and
 * get-route-information say so, in XML, text and JSON alike. In-process NETCONF sessions
 * (the stdio face's session) with the real datastore.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lockStateDir, StateLockedError } from '../../../src/junos/config/state-lock.js';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { nameMatcher } from '../../../src/junos/rpcs/get-interface-information.js';
import { child, parseXml, textOf } from '../../../src/netconf/xml.js';
import { TestClient } from '../../support/netconf-client.js';
import { until } from '../../support/agent-harness.js';
import { bodyText, kids, top, txt } from '../../support/reply.js';
import { commitChanges } from './changes.js';


async function open(now?: () => number) {
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'mx960-7', now });
  const c = new TestClient(dev.openNetconf({ user: 'nms' }));
  await c.open();
  return { dev, c };
}

test('host name, interfaces and routes follow a committed configuration', async () => {
  const { dev, c } = await open();
  try {
    assert.equal(txt(top(await c.rpc('<get-software-information/>')), 'host-name'), 'mx960-7');
    const before = top(await c.rpc('<get-interface-information><interface-name>ge-0/0/1</interface-name></get-interface-information>'));
    assert.equal(kids(child(before, 'physical-interface')!, 'logical-interface').length, 0);
    const serial = txt(top(await c.rpc('<get-system-information/>')), 'serial-number');

    await commitChanges(c);

    assert.equal(txt(top(await c.rpc('<get-software-information/>')), 'host-name'), 'lab-mx');
    const sys = top(await c.rpc('<get-system-information/>'));
    assert.equal(txt(sys, 'host-name'), 'lab-mx');
    assert.equal(txt(sys, 'serial-number'), serial, 'the serial number does not change with the host name');
    assert.match(bodyText(await c.rpc('<command format="text">show version</command>')), /Hostname: lab-mx/);

    const info = top(await c.rpc('<get-interface-information><interface-name>ge-0/0/1</interface-name></get-interface-information>'));
    const ifd = child(info, 'physical-interface')!;
    assert.equal(txt(ifd, 'description'), 'uplink to core');
    assert.equal(txt(ifd, 'mtu'), '9192');
    const ifl = child(ifd, 'logical-interface')!;
    assert.equal(txt(ifl, 'name'), 'ge-0/0/1.0');
    assert.equal(txt(ifl, 'description'), 'core p2p');
    const fam = child(ifl, 'address-family')!;
    assert.equal(txt(fam, 'mtu'), '9178');
    assert.equal(txt(fam, 'interface-address', 'ifa-local'), '203.0.113.1');
    assert.equal(txt(fam, 'interface-address', 'ifa-destination'), '203.0.113.0/30');

    const ge0 = child(top(await c.rpc('<get-interface-information><terse/><interface-name>ge-0/0/0</interface-name></get-interface-information>')), 'physical-interface')!;
    assert.equal(txt(ge0, 'admin-status'), 'down');
    assert.equal(txt(ge0, 'oper-status'), 'down');

    const routes = top(await c.rpc('<get-route-information><table>inet.0</table></get-route-information>'));
    const rts = kids(child(routes, 'route-table')!, 'rt');
    const dests = rts.map((r) => txt(r, 'rt-destination'));
    assert.ok(dests.includes('203.0.113.0/30') && dests.includes('203.0.113.1/32'), dests.join(' '));
    assert.ok(!dests.includes('192.0.2.0/24'), 'the disabled interface has no direct route');
    const def = rts.find((r) => txt(r, 'rt-destination') === '0.0.0.0/0')!;
    assert.equal(txt(def, 'rt-entry', 'protocol-name'), 'Static');
    assert.equal(txt(def, 'rt-entry', 'nh', 'to'), '203.0.113.2');
    assert.equal(txt(def, 'rt-entry', 'nh', 'via'), 'ge-0/0/1.0');

    const one = top(await c.rpc('<get-route-information><destination>10.99.1.1</destination></get-route-information>'));
    assert.deepEqual(kids(child(one, 'route-table')!, 'rt').map((r) => txt(r, 'rt-destination')), ['10.99.0.0/16']);
    const sum = top(await c.rpc('<get-route-summary-information/>'));
    const protos = kids(child(sum, 'route-table')!, 'protocols').map((p) => txt(p, 'protocol-name'));
    assert.deepEqual(protos, ['Direct', 'Local', 'Static']);
  } finally {
    await dev.close();
  }
});

test('text, XML and JSON of the same RPC state the same facts', async () => {
  // A stopped clock: counters grow with time, and the replies are compared with each other.
  const { dev, c } = await open(() => Date.parse('2026-03-01T12:00:00Z'));
  try {
    await commitChanges(c);
    const rpc = (fmt: string) => `<get-interface-information format="${fmt}"><interface-name>ge-0/0/1</interface-name></get-interface-information>`;
    const xml = child(top(await c.rpc(rpc('xml'))), 'physical-interface')!;
    const json = JSON.parse(bodyText(await c.rpc(rpc('json')))) as Record<string, any>;
    const jIfd = json['interface-information'][0]['physical-interface'][0];
    assert.equal(jIfd['description'][0].data, txt(xml, 'description'));
    assert.equal(jIfd['mtu'][0].data, txt(xml, 'mtu'));
    assert.equal(jIfd['admin-status'][0].attributes['junos:format'], 'Enabled');
    assert.equal(jIfd['logical-interface'][0]['address-family'][0]['interface-address'][0]['ifa-local'][0].data, '203.0.113.1');
    assert.deepEqual(jIfd['if-device-flags'][0]['ifdf-present'], [{ data: [null] }]);
    const output = child(parseXml(await c.rpc(rpc('text'))), 'output');
    assert.ok(output, 'format="text" answers <output>');
    const text = textOf(output);
    assert.match(text, /Physical interface: ge-0\/0\/1, Enabled, Physical link is Up/);
    assert.match(text, /Description: uplink to core/);
    assert.match(text, /MTU: 9192/);
    assert.match(text, /Local: 203\.0\.113\.1/);
    // The same through <command> and its cli words.
    assert.equal(textOf(child(parseXml(await c.rpc('<command format="text">show interfaces ge-0/0/1</command>')), 'output')!), text);

    for (const [fmt, check] of [
      ['text', (s: string) => assert.match(s, /0\.0\.0\.0\/0\s+\*\[Static\/5\][\s\S]*to 203\.0\.113\.2 via ge-0\/0\/1\.0/)],
      ['json', (s: string) => assert.equal(JSON.parse(s)['route-information'][0]['route-table'][0]['rt'][0]['rt-entry'][0]['nh'][0]['to'][0].data, '203.0.113.2')],
    ] as const) {
      check(bodyText(await c.rpc(`<get-route-information format="${fmt}"><destination>0.0.0.0/0</destination><exact/></get-route-information>`)));
    }
    const desc = textOf(child(parseXml(await c.rpc('<get-interface-information format="text"><descriptions/></get-interface-information>')), 'output')!);
    assert.match(desc, /ge-0\/0\/1\s+up\s+up\s+uplink to core/);
    assert.match(desc, /ge-0\/0\/1\.0\s+up\s+up\s+core p2p/);
    const bad = await c.rpc('<get-route-summary-information format="yaml"/>');
    assert.match(bad, /invalid format: yaml/);
  } finally {
    await dev.close();
  }
});

test('counters grow with time, deterministically per interface', async () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const { dev, c } = await open(() => clock);
  try {
    const bytes = async () => {
      const ifd = child(top(await c.rpc('<get-interface-information><extensive/><interface-name>ge-0/0/0</interface-name></get-interface-information>')), 'physical-interface')!;
      assert.equal(txt(ifd, 'if-type'), 'Ethernet');
      assert.ok(child(ifd, 'ethernet-mac-statistics'));
      return Number(txt(ifd, 'traffic-statistics', 'input-bytes'));
    };
    clock += 3600_000;
    const a = await bytes();
    clock += 60_000;
    const b = await bytes();
    assert.ok(a > 0 && b > a, `${a} then ${b}`);
    assert.equal(await bytes(), b, 'the same instant gives the same counters');
  } finally {
    await dev.close();
  }
});

test('Junos interface-name patterns: *, ?, [abc] and ranges', () => {
  const m = nameMatcher('[afgxe][et]-*');
  assert.ok(m('ge-0/0/0') && m('xe-1/0/3') && m('et-0/0/1') && m('fe-0/0/1'));
  assert.ok(!m('lo0') && !m('em0') && !m('ge0'));
  const r = nameMatcher('ge-0/0/[0-2]');
  assert.ok(r('ge-0/0/0') && r('ge-0/0/2') && !r('ge-0/0/3') && !r('ge-0/0/0.0'));
  assert.ok(nameMatcher('ge-0/0/?')('ge-0/0/7'));
  assert.ok(nameMatcher('ge-0/0/0.*')('ge-0/0/0.0'));
});

test('get-interface-information name classes and levels over NETCONF', async () => {
  const { dev, c } = await open();
  try {
    const names = (r: string) => kids(top(r), 'physical-interface').map((p) => txt(p, 'name'));
    assert.deepEqual(names(await c.rpc('<get-interface-information><terse/><interface-name>ge-0/0/[0-2]</interface-name></get-interface-information>')), ['ge-0/0/0', 'ge-0/0/1', 'ge-0/0/2']);
    const media = child(top(await c.rpc('<get-interface-information><media/><interface-name>ge-0/0/0</interface-name></get-interface-information>')), 'physical-interface')!;
    assert.equal(txt(media, 'link-mode'), 'Full-duplex');
    assert.equal(txt(media, 'if-type'), 'Ethernet');
    const brief = child(top(await c.rpc('<get-interface-information><brief/><interface-name>ge-0/0/0</interface-name></get-interface-information>')), 'physical-interface')!;
    assert.equal(child(brief, 'traffic-statistics'), undefined);
    assert.equal(top(await c.rpc('<get-interface-information><detail/></get-interface-information>')).attrs['junos:style'], 'detail');
    assert.match(await c.rpc('<get-interface-information><interface-name>ge-9/9/9</interface-name></get-interface-information>'), /device ge-9\/9\/9 not found/);
  } finally {
    await dev.close();
  }
});

test('a commit keeps the age of routes and the last flap of interfaces it did not change (as Junos: a host-name commit flaps nothing)', async () => {
  let clock = Date.UTC(2026, 0, 1);
  const boot = clock;
  const { dev, c } = await open(() => clock);
  const commit = async (lines: string) => {
    const load = await c.rpc(`<load-configuration action="set" format="text"><configuration-set>${lines}</configuration-set></load-configuration>`);
    assert.doesNotMatch(load, /<rpc-error>/, load);
    assert.doesNotMatch(await c.rpc('<commit-configuration/>'), /<rpc-error>/);
  };
  const ages = async () => {
    const info = top(await c.rpc('<get-route-information><table>inet.0</table></get-route-information>'));
    const out: Record<string, number> = {};
    for (const rt of kids(kids(info, 'route-table')[0]!, 'rt')) {
      const age = child(kids(rt, 'rt-entry')[0]!, 'age')!;
      out[txt(rt, 'rt-destination')!] = Number(age.attrs['junos:seconds']);
    }
    return out;
  };
  const flapped = async (name: string) => {
    const pif = kids(top(await c.rpc(`<get-interface-information><interface-name>${name}</interface-name><detail/></get-interface-information>`)), 'physical-interface')[0]!;
    return Number(child(pif, 'interface-flapped')!.attrs['junos:seconds']);
  };
  clock = boot + 300_000;
  await commit('set interfaces ge-0/0/1 disable\nset interfaces ge-0/0/4 unit 0 family inet address 203.0.113.5/30\nset routing-options static route 0.0.0.0/0 next-hop 203.0.113.6');
  clock = boot + 400_000;
  const before = await ages();
  assert.equal(before['0.0.0.0/0'], 100, JSON.stringify(before));
  const flapBefore = await flapped('ge-0/0/1');
  clock = boot + 500_000;
  await commit('set system host-name mx960-renamed');
  clock = boot + 600_000;
  const after = await ages();
  assert.deepEqual(Object.keys(after), Object.keys(before));
  // Every route is 200 s older than before, not reset by the unrelated commit.
  for (const [dest, age] of Object.entries(before)) assert.equal(after[dest], age + 200, `${dest}: ${JSON.stringify(after)}`);
  assert.equal(await flapped('ge-0/0/1'), flapBefore, 'ge-0/0/1 did not flap again');
  // A change to an interface does flap it.
  await commit('delete interfaces ge-0/0/1 disable');
  clock = boot + 610_000;
  assert.equal(await flapped('ge-0/0/1'), (boot + 600_000) / 1000);
  await dev.close();
});

test('the model is dropped a while after the last session and rebuilt the same, after a commit too; a session open keeps it', async () => {
  // A clock that stands still: route ages and flap times read the same in both looks however
  // slow the machine is.
  const clock = Date.UTC(2026, 2, 1, 8, 0, 0);
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'mx960-idle', modelIdleMs: 100, now: () => clock });
  const ask = '<get-interface-information><terse/></get-interface-information>';
  const poll = async (): Promise<string[]> => {
    const c = new TestClient(dev.openNetconf({ user: 'nms' }));
    await c.open();
    const replies = [await c.rpc(ask), await c.rpc('<get-route-information/>'), await c.rpc('<get-software-information/>')];
    await c.rpc('<close-session/>');
    await c.until(() => c.ended !== undefined);
    return replies;
  };
  try {
    const first = await poll();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(dev.dropRebuildable(), false, 'dropped already after the idle time');
    assert.deepEqual(await poll(), first, 'rebuilt the same');
    // With a session open the model stays.
    const c = new TestClient(dev.openNetconf({ user: 'nms' }));
    await c.open();
    await c.rpc(ask);
    await commitChanges(c);
    const after = [await c.rpc(ask), await c.rpc('<get-route-information/>'), await c.rpc('<get-software-information/>')];
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(dev.dropRebuildable(), true, 'kept while a session is open');
    assert.equal(dev.hostname, 'lab-mx', 'the host name is known without the model');
    assert.deepEqual([await c.rpc(ask), await c.rpc('<get-route-information/>'), await c.rpc('<get-software-information/>')], after, 'rebuilt the same after a commit');
    await c.rpc('<close-session/>');
  } finally {
    await dev.close();
  }
});

test('a device whose sessions come far apart drops its model as its session ends; sessions close together keep it the idle time', async () => {
  const clock = Date.UTC(2026, 2, 1, 8, 0, 0);
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'mx960-apart', lazy: true, modelIdleMs: 60_000, now: () => clock });
  const session = async (): Promise<string> => {
    const c = new TestClient(dev.openNetconf({ user: 'nms' }));
    await c.open();
    const reply = await c.rpc('<get-interface-information><terse/></get-interface-information>');
    await c.rpc('<close-session/>');
    await c.until(() => c.ended !== undefined);
    return reply;
  };
  try {
    // The first session (none before it): dropped as it ends, datastore and model.
    const first = await session();
    await until(() => !dev.materialised, 2000, 'dropped at the end of a lone session');
    assert.equal(dev.dropRebuildable(), false, 'nothing left to drop');
    // The next one comes within the idle time of the first's end: kept for that time.
    assert.equal(await session(), first, 'rebuilt the same');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(dev.materialised, true, 'kept: sessions close together');
    assert.equal(dev.dropRebuildable(), true, 'the model was there');
  } finally {
    await dev.close();
  }
});

test('a lazy in-memory device idle a while goes back to unbuilt while its configuration is the factory one, and answers the same when built again; a changed candidate or a commit keeps it built', async () => {
  let clock = Date.UTC(2026, 2, 1, 8, 0, 0);
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'mx960-lazy', lazy: true, modelIdleMs: 100, now: () => clock });
  const asks = ['<get-interface-information><terse/></get-interface-information>', '<get-configuration/>', '<get-commit-information/>', '<get-system-uptime-information/>', '<get-route-information/>'];
  const { session, idle } = lazySessions(dev, asks);
  try {
    clock += 60_000;
    const first = await session();
    assert.equal(dev.materialised, true);
    await idle();
    assert.equal(dev.materialised, false, 'dropped while pristine');
    const again = await session();
    assert.deepEqual(again, first, 'the same device again (the factory commit keeps its time)');
    // A candidate changed and left uncommitted: kept, with the change.
    await session(async (c) => {
      assert.match(await c.rpc('<load-configuration action="set" format="text"><configuration-set>set system location building lazy-1</configuration-set></load-configuration>'), /<load-configuration-results/);
    });
    await idle();
    assert.equal(dev.materialised, true, 'an uncommitted change keeps the datastore');
    const kept = await session(async (c) => {
      assert.match(await c.rpc('<get-configuration database="candidate" format="set"/>'), /building lazy-1/);
    });
    assert.ok(kept.length === asks.length);
  } finally {
    await dev.close();
  }
});

test('a lazy device with a state directory drops its factory datastore when idle and reads it again from disk, the same; the directory stays locked meanwhile; a commit keeps it built', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ncgd-lazy-disk-'));
  let clock = Date.UTC(2026, 2, 1, 8, 0, 0);
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'mx960-disk', lazy: true, stateDir: dir, modelIdleMs: 100, now: () => clock });
  const asks = ['<get-interface-information><terse/></get-interface-information>', '<get-configuration/>', '<get-commit-information/>', '<get-system-uptime-information/>', '<get-rollback-information><rollback>0</rollback></get-rollback-information>'];
  const { session, idle } = lazySessions(dev, asks);
  try {
    clock += 60_000;
    const first = await session();
    assert.equal(dev.materialised, true);
    await idle();
    assert.equal(dev.materialised, false, 'dropped: the factory revision is on disk');
    assert.throws(() => lockStateDir(dir, 'another'), StateLockedError, 'still locked while dropped');
    assert.deepEqual(await session(), first, 'read again from disk: the same answers');
    await idle();
    assert.equal(dev.materialised, false);
    // A commit: the datastore is no longer the factory one and stays built.
    await session(async (c) => commitChanges(c));
    await idle();
    assert.equal(dev.materialised, true, 'a commit keeps it built');
  } finally {
    await dev.close();
  }
  lockStateDir(dir, 'another').release();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A NETCONF session on DEV that asks ASKS in turn (and runs EXTRA before it closes), giving
 * the replies; idle() waits past the device's model idle time (100 ms in these tests).
 */
function lazySessions(dev: EmulatedDevice, asks: string[]) {
  const session = async (extra?: (c: TestClient) => Promise<void>): Promise<string[]> => {
    const c = new TestClient(dev.openNetconf({ user: 'nms' }));
    await c.open();
    const replies: string[] = [];
    for (const a of asks) replies.push(await c.rpc(a));
    if (extra) await extra(c);
    await c.rpc('<close-session/>');
    await c.until(() => c.ended !== undefined);
    return replies;
  };
  const idle = () => new Promise((r) => setTimeout(r, 300));
  return { session, idle };
}
