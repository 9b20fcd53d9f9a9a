/**
 * The event model, in process (a real device and datastore, NETCONF sessions): each event
 * changes every view consistently (XML, text, JSON), the syslog gets Junos's line, the
 * counters stay monotonic across a flap, someone else's commit lands in the history,
 * alarms come and go, a reboot clears transient conditions; bad events are one-line errors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { applyEvent, eventsOf, parseEvent, EventError } from '../../../src/junos/life/events.js';
import { bootOf } from '../../../src/junos/life/boot.js';
import { TestClient } from '../../support/netconf-client.js';

const SETUP = [
  'set interfaces ge-0/0/1 unit 0 family inet address 203.0.113.1/30',
  'set routing-options autonomous-system 65000',
  'set protocols bgp group ext type external',
  'set protocols bgp group ext peer-as 65001',
  'set protocols bgp group ext neighbor 203.0.113.2',
  'set protocols ospf area 0.0.0.0 interface ge-0/0/1.0',
];

async function lab(hostname: string, now?: () => number) {
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname, ...(now ? { now } : {}) });
  const c = new TestClient(dev.openNetconf({ user: 'nms' }));
  await c.open();
  const cmd = (line: string, format = 'text') => c.rpc(`<command format="${format}">${line}</command>`);
  return { dev, c, cmd };
}

const ev = (dev: EmulatedDevice, ...words: string[]) => applyEvent(dev, parseEvent(words));

test('parseEvent reads the command-line forms and refuses bad ones with one line', () => {
  assert.deepEqual(parseEvent(['link-flap', 'ge-0/0/1', '--for', '20']), { kind: 'link-flap', ifd: 'ge-0/0/1', forSeconds: 20 });
  assert.deepEqual(parseEvent(['alarm', 'set', '--class', 'minor', 'system', 'Disk', 'full']), { kind: 'alarm-set', alarm: { kind: 'system', cls: 'Minor', text: 'Disk full' } });
  assert.deepEqual(parseEvent(['commit', 'set system location building b2', '--user', 'ops', '--comment', 'moved']), { kind: 'commit', lines: ['set system location building b2'], user: 'ops', comment: 'moved' });
  assert.deepEqual(parseEvent(['cpu', '85']), { kind: 'cpu', level: 85 });
  for (const bad of [['nope'], ['link-down'], ['cpu', 'high'], ['commit', 'show version'], ['link-flap', 'ge-0/0/1', '--bogus', '1'], ['alarm', 'set']]) {
    assert.throws(() => parseEvent(bad), (e: Error) => e instanceof EventError && !e.message.includes('\n'), bad.join(' '));
  }
});

test('someone else commits: the history, show system commit, the syslog and the model follow', async () => {
  const { dev, cmd } = await lab('ev-1');
  const r = await ev(dev, 'commit', ...SETUP, '--user', 'ops', '--comment', 'add peering');
  assert.match(r, /committed by ops \(add peering\): 6 changes/);
  assert.match(await cmd('show system commit'), /0 {3}\S+ \S+ UTC by ops via cli\s+add peering/);
  assert.match(await cmd('show log messages'), /UI_COMMIT: User 'ops' requested 'commit' operation \(comment: add peering\)/);
  assert.match(await cmd('show bgp summary'), /203\.0\.113\.2\s+65001/);
  // The same lines again change nothing; a bad line changes nothing either.
  assert.match(await ev(dev, 'commit', SETUP[1]), /nothing to commit/);
  await assert.rejects(ev(dev, 'commit', 'set interfaces bogus-9 mtu nine'), EventError);
  assert.equal(dev.datastore.history().length, 2);
  await dev.close();
});

test('link-down: oper-status, last-flapped, routes, ARP, BGP and OSPF agree in XML, text and JSON; counters never go back', async () => {
  const { dev, cmd } = await lab('ev-2');
  await ev(dev, 'commit', ...SETUP);
  const before = /<input-bytes>(\d+)<\/input-bytes>/.exec(await cmd('show interfaces ge-0/0/1 extensive', 'xml'))![1];
  assert.match(await cmd('show route 203.0.113.0/30'), /203\.0\.113\.0\/30/);
  assert.match(await ev(dev, 'link-down', 'ge-0/0/1'), /ge-0\/0\/1 link down/);
  const xml = await cmd('show interfaces ge-0/0/1 extensive', 'xml');
  assert.match(xml, /<oper-status>down<\/oper-status>/);
  assert.match(xml, /<carrier-transitions>1<\/carrier-transitions>/);
  const after = /<input-bytes>(\d+)<\/input-bytes>/.exec(xml)![1];
  assert.ok(BigInt(after) >= BigInt(before), `counters went back: ${before} -> ${after}`);
  assert.match(await cmd('show interfaces terse ge-0/0/1'), /ge-0\/0\/1\s+up\s+down/);
  assert.match(await cmd('show interfaces terse ge-0/0/1', 'json'), /"oper-status"[\s\S]*?"data" : "down"|"oper-status"[\s\S]*?"data": "down"/);
  assert.doesNotMatch(await cmd('show route 203.0.113.0/30'), /203\.0\.113\.0\/30/);
  assert.doesNotMatch(await cmd('show arp no-resolve'), /203\.0\.113\.2/);
  assert.match(await cmd('show bgp summary'), /203\.0\.113\.2[^\n]*Active/);
  assert.doesNotMatch(await cmd('show ospf neighbor'), /203\.0\.113\.2/);
  const log = await cmd('show log messages');
  assert.match(log, /mib2d\[\d+\]: SNMP_TRAP_LINK_DOWN: ifIndex \d+, ifAdminStatus up\(1\), ifOperStatus down\(2\), ifName ge-0\/0\/1/);
  assert.match(log, /BGP_NEIGHBOR_STATE_CHANGED: BGP peer 203\.0\.113\.2 \(External AS 65001\) changed state from Established to Idle/);
  await ev(dev, 'link-up', 'ge-0/0/1');
  assert.match(await cmd('show interfaces terse ge-0/0/1'), /ge-0\/0\/1\s+up\s+up/);
  assert.match(await cmd('show bgp summary'), /203\.0\.113\.2[^\n]*Establ/);
  const again = /<input-bytes>(\d+)<\/input-bytes>/.exec(await cmd('show interfaces ge-0/0/1 extensive', 'xml'))![1];
  assert.ok(BigInt(again) >= BigInt(after));
  assert.match(await cmd('show log messages'), /SNMP_TRAP_LINK_UP: ifIndex \d+, ifAdminStatus up\(1\), ifOperStatus up\(1\), ifName ge-0\/0\/1/);
  await assert.rejects(ev(dev, 'link-down', 'ge-9/9/9'), /no interface ge-9\/9\/9/);
  await dev.close();
});

test('bgp-down/up and ospf-down/up: the peer, its routes and flap count follow', async () => {
  const { dev, cmd } = await lab('ev-3');
  await ev(dev, 'commit', ...SETUP);
  await ev(dev, 'bgp-down', '203.0.113.2');
  const xml = await cmd('show bgp neighbor 203.0.113.2', 'xml');
  assert.match(xml, /<peer-state>Active<\/peer-state>/);
  assert.match(xml, /<flap-count>1<\/flap-count>/);
  assert.doesNotMatch(await cmd('show route protocol bgp'), /172\.\d+/);
  await ev(dev, 'bgp-up', '203.0.113.2');
  assert.match(await cmd('show route protocol bgp'), /172\.\d+/);
  await assert.rejects(ev(dev, 'bgp-down', '198.51.100.9'), /no BGP neighbor/);
  assert.match(await cmd('show ospf neighbor'), /203\.0\.113\.2/);
  await ev(dev, 'ospf-down', 'ge-0/0/1.0');
  assert.doesNotMatch(await cmd('show ospf neighbor'), /203\.0\.113\.2/);
  assert.match(await cmd('show log messages'), /RPD_OSPF_NBRDOWN: OSPF neighbor 203\.0\.113\.2 \(realm ospf-v2 ge-0\/0\/1\.0 area 0\.0\.0\.0\) state changed from Full to Down/);
  await ev(dev, 'ospf-up', 'ge-0/0/1');
  assert.match(await cmd('show ospf neighbor'), /203\.0\.113\.2/);
  await dev.close();
});

test('alarms, cpu, memory, temperature and a switchover show in the chassis views; a reboot clears what was transient', async () => {
  const { dev, c, cmd } = await lab('ev-4');
  assert.match(await cmd('show chassis alarms'), /No alarms currently active/);
  await ev(dev, 'alarm', 'set', 'chassis', 'FPC 0 Major Errors');
  await ev(dev, 'alarm', 'set', '--class', 'minor', 'system', 'Disk usage high');
  assert.match(await cmd('show chassis alarms'), /1 alarms currently active[\s\S]*Major\s+FPC 0 Major Errors/);
  assert.match(await cmd('show system alarms'), /Minor\s+Disk usage high/);
  assert.match(await cmd('show chassis alarms', 'json'), /FPC 0 Major Errors/);
  await ev(dev, 'alarm', 'clear', 'chassis');
  assert.match(await cmd('show chassis alarms'), /No alarms currently active/);
  await ev(dev, 'cpu', '90');
  await ev(dev, 'memory', '80');
  await ev(dev, 'temperature', '82');
  const re = await c.rpc('<get-route-engine-information/>');
  assert.match(re, /<cpu-idle>10<\/cpu-idle>/);
  assert.match(re, /<temperature junos:celsius="82">/);
  assert.match(await cmd('show chassis alarms'), /Temperature Hot/);
  assert.match(await cmd('show system memory'), /Free memory: +\d+ Kbytes \( 20%\)/);
  assert.match(await cmd('show chassis environment'), /Routing Engine 0 +Check/);
  await ev(dev, 're-switchover');
  assert.match(await cmd('show chassis routing-engine'), /Slot 0:\s+Current state\s+Backup[\s\S]*Slot 1:\s+Current state\s+Master/);
  await ev(dev, 'link-down', 'ge-0/0/1');
  const boot = bootOf(dev);
  boot.bootSeconds = 0;
  assert.match(await ev(dev, 'reboot'), /rebooting/);
  await assert.rejects(ev(dev, 'cpu', '5'), /the device is (going down|down)/);
  await boot.settled();
  assert.equal(boot.state, 'up');
  const c2 = new TestClient(dev.openNetconf({ user: 'nms' }));
  await c2.open();
  assert.match(await c2.rpc('<command format="text">show interfaces terse ge-0/0/1</command>'), /ge-0\/0\/1\s+up\s+up/);
  assert.match(await c2.rpc('<get-route-engine-information/>'), /<cpu-idle>97<\/cpu-idle>/);
  assert.ok(eventsOf(dev).total() >= 9);
  await dev.close();
});

test('a model dropped as idle (or for memory) comes back the same, and events after the drop still keep the times of what they did not change', async () => {
  // A clock that moves only when told: the views below show ages and times "ago", which
  // must not change between two looks at the same model (they did when a second ticked by).
  let t = Date.UTC(2026, 11, 6, 12, 0, 0, 400);
  const { dev, cmd } = await lab('ev-drop', () => t);
  t += 30_000;
  await ev(dev, 'commit', ...SETUP);
  t += 20_000;
  await ev(dev, 'link-down', 'ge-0/0/1');
  t += 5_000;
  const flapped = async (ifd: string) => /Last flapped\s*:\s*([^\n]+)/.exec(await cmd(`show interfaces ${ifd}`))![1];
  const views = async () => [await cmd('show interfaces terse'), await cmd('show route'), await flapped('ge-0/0/0'), await flapped('ge-0/0/1')];
  const before = await views();
  assert.equal(dev.dropRebuildable(), true, 'the model was there to drop');
  assert.deepEqual(await views(), before, 'rebuilt the same');
  assert.equal(dev.dropRebuildable(), true);
  t += 90_000;
  await ev(dev, 'link-up', 'ge-0/0/1');
  assert.match(await cmd('show interfaces terse ge-0/0/1'), /ge-0\/0\/1\s+up\s+up/);
  const at = (shown: string) => shown.replace(/ \(.*/, '');
  assert.equal(at(await flapped('ge-0/0/0')), '2026-12-06 12:00:00 UTC', 'an interface as the profile has it came up with the boot');
  assert.equal(at(before[3]), '2026-12-06 12:00:50 UTC', 'the link went down then');
  assert.equal(at(await flapped('ge-0/0/0')), at(before[2]), 'an interface the events left alone keeps its last flap');
  assert.equal(at(await flapped('ge-0/0/1')), '2026-12-06 12:02:25 UTC', 'and the link came up at the event');
  assert.match(await cmd('show bgp summary'), /203\.0\.113\.2[^\n]*Establ/);
  await dev.close();
});
