/**
 * The system RPCs (alarms, environment, memory, storage, users, NTP, SNMP, file list
 * detail, checksums, ping, traceroute) through a NETCONF session of a real emulated
 * device with its real datastore: XML shapes, `<command>` text and JSON of the same
 * reply, and answers that follow the committed configuration (addresses, NTP servers)
 * and the open sessions.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { child, elements, parseXml, textOf } from '../../../src/netconf/xml.js';
import { TestClient } from '../../support/netconf-client.js';
import { top, txt } from '../../support/reply.js';

async function open(profile = 'mx') {
  const dev = await EmulatedDevice.create({ profile, hostname: 'sys-1' });
  const c = new TestClient(dev.openNetconf({ user: 'nms', client: '192.0.2.77' }));
  await c.open();
  return { dev, c };
}


/** `<command format=F>` answers: the text output, the parsed JSON. */
async function asText(c: TestClient, cmd: string): Promise<string> {
  const out = top(await c.rpc(`<command format="text">${cmd}</command>`));
  assert.equal(out.name, 'output');
  return textOf(out).replace(/^\n/, "");
}
async function asJson(c: TestClient, cmd: string): Promise<Record<string, unknown[]>> {
  const root = parseXml(await c.rpc(`<command format="json">${cmd}</command>`));
  return JSON.parse(textOf(root)) as Record<string, unknown[]>;
}

async function commitSet(c: TestClient, lines: string[]) {
  const load = await c.rpc(`<load-configuration action="set" format="text"><configuration-set>${lines.join('\n')}</configuration-set></load-configuration>`);
  assert.ok(!load.includes('<rpc-error>'), load);
  const commit = await c.rpc('<commit-configuration/>');
  assert.ok(!commit.includes('<rpc-error>'), commit);
}

test('alarms: chassis none, system the rescue-configuration alarm, in xml, text and json', async () => {
  const { dev, c } = await open();
  const ch = top(await c.rpc('<get-alarm-information/>'));
  assert.equal(ch.name, 'alarm-information');
  assert.ok(child(child(ch, 'alarm-summary')!, 'no-active-alarms'));
  assert.equal(await asText(c, 'show chassis alarms'), 'No alarms currently active\n');
  const sys = top(await c.rpc('<get-system-alarm-information/>'));
  assert.equal(txt(child(sys, 'alarm-summary'), 'active-alarm-count'), '1');
  assert.equal(txt(child(sys, 'alarm-detail'), 'alarm-description'), 'Rescue configuration is not set');
  assert.match(await asText(c, 'show system alarms'), /^1 alarms currently active\nAlarm time {15}Class  Description\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC  Minor  Rescue configuration is not set\n$/);
  const j = await asJson(c, 'show system alarms');
  assert.deepEqual((j['alarm-information'][0] as Record<string, { data: string }[]>)['alarm-detail'].length, 1);
  await dev.close();
});

test('environment, memory, storage, snmp: shapes, and text from the same reply', async () => {
  const { dev, c } = await open();
  const env = top(await c.rpc('<get-environment-information/>'));
  const items = elements(env).filter((e) => e.name === 'environment-item');
  assert.ok(items.length >= 8);
  assert.equal(txt(items[0], 'class'), 'Temp');
  assert.equal(txt(items[1], 'class'), undefined, 'class only on the first item of a class');
  assert.match(txt(items[0], 'temperature')!, /^\d+ degrees C \/ \d+ degrees F$/);
  const envText = await asText(c, 'show chassis environment');
  assert.match(envText, /^Class Item {27}Status {5}Measurement\nTemp  PEM 0 {26}OK {9}34 degrees C \/ 93 degrees F\n/);
  assert.match(envText, /\nFans  Fan Tray 0 Fan 0 {15}OK {9}Spinning at normal speed\n/);

  const mem = top(await c.rpc('<get-system-memory-information/>'));
  const sum = child(mem, 'system-memory-summary-information')!;
  assert.equal(txt(sum, 'system-memory-total'), String(16384 * 1024));
  assert.match(txt(sum, 'system-memory-free-percent')!, /^\d+%$/);
  const memText = await asText(c, 'show system memory');
  assert.match(memText, /^System memory usage distribution:\n {7}Total memory: 16777216 Kbytes \(100%\)\n/);
  assert.match(memText, /\n {8}Free memory: +\d+ Kbytes \( *\d+%\)\n$/);

  const st = top(await c.rpc('<get-system-storage/>'));
  const fss = elements(st).filter((e) => e.name === 'filesystem');
  assert.ok(fss.some((f) => txt(f, 'mounted-on') === '/var'));
  assert.match(await asText(c, 'show system storage'), /^Filesystem {14}Size {7}Used {6}Avail  Capacity  Mounted on\n\/dev\/gpt\/junos {11}19G {7}1\.5G {8}18G {8}8%  \/\.mount\n/);
  assert.equal(top(await c.rpc('<get-system-storage><detail/></get-system-storage>')).name, 'system-storage-information');

  const snmp = top(await c.rpc('<get-snmp-information/>'));
  assert.equal(txt(child(snmp, 'snmp-input-statistics'), 'packets'), '0');
  assert.match(await asText(c, 'show snmp statistics'), /^SNMP statistics:\n  Input:\n    Packets: 0, Bad versions: 0, Bad community names: 0,\n/);
  const sj = await asJson(c, 'show snmp statistics');
  assert.deepEqual((sj['snmp-statistics'][0] as Record<string, Record<string, unknown>[]>)['snmp-output-statistics'][0].traps, [{ data: '0' }]);
  await dev.close();
});

test('users: one entry per open session, with its user and peer', async () => {
  const { dev, c } = await open();
  const other = new TestClient(dev.openNetconf({ user: 'ops2', client: 'cli' }));
  await other.open();
  const u = top(await c.rpc('<get-system-users-information/>'));
  const up = child(u, 'uptime-information')!;
  assert.equal(txt(up, 'active-user-count'), '2');
  const entries = elements(child(up, 'user-table')!).filter((e) => e.name === 'user-entry');
  assert.deepEqual(entries.map((e) => [txt(e, 'user'), txt(e, 'from')]), [['nms', '192.0.2.77'], ['ops2', '-']]);
  const text = await asText(c, 'show system users');
  assert.match(text, /up .*, 2 users, load averages: /);
  assert.match(text, /\nnms {6}pts\/0 {4}192\.0\.2\.77 {22}\s*\d+:\d\d[AP]M {5}- /);
  other.send('<rpc><close-session/></rpc>');
  await other.next();
  await new Promise((r) => setImmediate(r));
  const after = top(await c.rpc('<get-system-users-information/>'));
  assert.equal(txt(child(after, 'uptime-information'), 'active-user-count'), '1');
  await dev.close();
});

test('ntp associations/status follow system ntp server and reachability', async () => {
  const { dev, c } = await open();
  assert.match(await asText(c, 'show ntp associations'), /^ {5}remote {11}refid {6}st t when poll reach {3}delay {3}offset {2}jitter\n=+\n$/);
  await commitSet(c, ['set interfaces ge-0/0/1 unit 0 family inet address 10.20.0.1/24', 'set system ntp server 10.20.0.5', 'set system ntp server 203.0.113.9']);
  const assoc = await asText(c, 'show ntp associations no-resolve');
  assert.match(assoc, /\n\*10\.20\.0\.5 {7}\.GPS\. {12}1 u/);
  assert.match(assoc, /\n 203\.0\.113\.9 {5}\.INIT\. {10}16 -/);
  const out = top(await c.rpc('<get-ntp-associations-information/>'));
  assert.equal(out.name, 'output');
  assert.match(await asText(c, 'show ntp status'), /stratum=2,[\s\S]*refid=10\.20\.0\.5,/);
  await dev.close();
});

test('file list detail and file checksum md5|sha-256|sha1 over the profile files', async () => {
  const { dev, c } = await open();
  const content = dev.profile.files.get('/etc/hosts.junos')!;
  const brief = top(await c.rpc('<file-list><path>/etc/</path></file-list>'));
  assert.equal(brief.attrs['junos:style'], 'brief');
  assert.match(await asText(c, 'file list /etc/'), /^\/etc\/:\nhosts\.junos\n$/);
  const verbose = top(await c.rpc('<file-list><detail/><path>/etc/</path></file-list>'));
  assert.equal(verbose.attrs['junos:style'], 'verbose');
  const fi = child(child(verbose, 'directory')!, 'file-information')!;
  assert.equal(txt(fi, 'file-size'), String(Buffer.byteLength(content)));
  assert.equal(child(fi, 'file-permissions')!.attrs['junos:format'], '-rw-r--r--');
  assert.match(await asText(c, 'file list detail /etc/'), new RegExp(`^/etc/:\\ntotal blocks: \\d+\\n-rw-r--r--  1 root   wheel +${Buffer.byteLength(content)} \\w{3} [ \\d]\\d \\d\\d:\\d\\d hosts\\.junos\\ntotal files: 1\\n$`));

  for (const [cli, rpc, algo, label] of [['md5', 'get-checksum-information', 'md5', 'MD5'], ['sha-256', 'get-sha256-checksum-information', 'sha256', 'SHA256'], ['sha1', 'get-sha1-checksum-information', 'sha1', 'SHA1']] as const) {
    const sum = createHash(algo).update(content).digest('hex');
    const x = top(await c.rpc(`<${rpc}><path>/etc/hosts.junos</path></${rpc}>`));
    assert.equal(txt(child(x, 'file-checksum'), 'checksum'), sum);
    assert.equal(txt(child(x, 'file-checksum'), 'computation-method'), label);
    assert.equal(await asText(c, `file checksum ${cli} /etc/hosts.junos`), `${label} (/etc/hosts.junos) = ${sum}\n`);
  }
  assert.equal(txt(child(top(await c.rpc('<get-checksum-information><sha-256/><path>/etc/hosts.junos</path></get-checksum-information>')), 'file-checksum'), 'computation-method'), 'SHA256');
  assert.match(await c.rpc('<get-checksum-information><path>/nope</path></get-checksum-information>'), /<error-message>\s*\/nope: No such file or directory\s*<\/error-message>/);
  await dev.close();
});

test('ping and traceroute answer from configured addresses: connected and neighbours reply, others are lost', async () => {
  const { dev, c } = await open();
  // The mx profile's ge-0/0/0.0 is 192.0.2.1/24.
  const ok = top(await c.rpc('<ping><host>192.0.2.9</host><count>3</count></ping>'));
  assert.equal(ok.name, 'ping-results');
  assert.equal(elements(ok).filter((e) => e.name === 'probe-result').length, 3);
  assert.ok(child(ok, 'ping-success'));
  assert.equal(txt(child(ok, 'probe-results-summary'), 'packet-loss'), '0');
  const lost = top(await c.rpc('<ping><host>203.0.113.50</host><count>2</count></ping>'));
  assert.ok(child(lost, 'ping-failure'));
  assert.equal(txt(child(lost, 'probe-results-summary'), 'packet-loss'), '100');
  assert.equal(txt(child(lost, 'probe-results-summary'), 'responses-received'), '0');

  const okText = await asText(c, 'ping 192.0.2.9 count 2 size 100');
  assert.match(okText, /^PING 192\.0\.2\.9 \(192\.0\.2\.9\): 100 data bytes\n108 bytes from 192\.0\.2\.9: icmp_seq=0 ttl=64 time=\d\.\d{3} ms\n108 bytes from 192\.0\.2\.9: icmp_seq=1 ttl=64 time=\d\.\d{3} ms\n\n--- 192\.0\.2\.9 ping statistics ---\n2 packets transmitted, 2 packets received, 0% packet loss\nround-trip min\/avg\/max\/stddev = [\d.\/]+ ms\n$/);
  assert.match(await asText(c, 'ping 203.0.113.50 count 1 rapid'), /\n1 packets transmitted, 0 packets received, 100% packet loss\n$/);
  // napalm's ping: <command> answering XML.
  assert.equal(top(await c.rpc('<command>ping 192.0.2.9 ttl 255 wait 2 size 100 count 5</command>')).name, 'ping-results');

  // A BGP neighbour off-subnet becomes reachable once configured.
  assert.ok(child(top(await c.rpc('<ping><host>198.18.0.1</host><count>1</count></ping>')), 'ping-failure'));
  await commitSet(c, ['set protocols bgp group ext neighbor 198.18.0.1 peer-as 65001']);
  assert.ok(child(top(await c.rpc('<ping><host>198.18.0.1</host><count>1</count></ping>')), 'ping-success'));
  const tr = top(await c.rpc('<traceroute><host>198.18.0.1</host></traceroute>'));
  const hops = elements(tr).filter((e) => e.name === 'hop');
  assert.equal(hops.length, 2);
  assert.equal(txt(hops[1], 'last-ip-address'), '198.18.0.1');
  assert.match(await asText(c, 'traceroute 192.0.2.9'), /^traceroute to 192\.0\.2\.9 \(192\.0\.2\.9\), 30 hops max, 40 byte packets\n 1  192\.0\.2\.9 \(192\.0\.2\.9\)  [\d.]+ ms  [\d.]+ ms  [\d.]+ ms\n$/);
  const far = await asText(c, 'traceroute 203.0.113.50 ttl 3');
  assert.equal(far, 'traceroute to 203.0.113.50 (203.0.113.50), 3 hops max, 40 byte packets\n 1  * * *\n 2  * * *\n 3  * * *\n');
  assert.match(await c.rpc('<ping><host>no-such-host</host></ping>'), /ping: cannot resolve no-such-host: Host name lookup failure/);
  assert.match(await c.rpc('<ping><host>192.0.2.9</host><count>0</count></ping>'), /<bad-element>count<\/bad-element>/);
  await dev.close();
});

test('show chassis fpc: slots with interfaces online, the others empty; one slot by number', async () => {
  const { dev, c } = await open('mx10003');
  const all = top(await c.rpc('<get-fpc-information/>'));
  assert.deepEqual(elements(all).map((f) => [txt(f, 'slot'), txt(f, 'state')]), [['0', 'Online'], ['1', 'Online']]);
  const one = top(await c.rpc('<get-fpc-information><fpc-slot>1</fpc-slot></get-fpc-information>'));
  assert.deepEqual(elements(one).map((f) => txt(f, 'slot')), ['1']);
  assert.match(await asText(c, 'show chassis fpc'), /\nSlot State {12}\(C\)  Total  Interrupt {6}DRAM \(MB\) Heap {5}Buffer\n  0  Online {12}34 {6}9 {10}0 {11}2048   14 {10}0\n  1  Online/);
  await dev.close();
});

test('the routing engines have the memory show system memory reports (profile memoryMB), as junos_facts hardware reads both', async () => {
  for (const [profile, mb] of [['mx', 16384], ['mx10003', 65536]] as const) {
    const { dev, c } = await open(profile);
    const sum = child(top(await c.rpc('<get-system-memory-information/>')), 'system-memory-summary-information')!;
    assert.equal(txt(sum, 'system-memory-total'), String(mb * 1024), profile);
    const res = elements(top(await c.rpc('<get-route-engine-information/>'))).filter((e) => e.name === 'route-engine');
    assert.ok(res.length > 0, profile);
    for (const re of res) {
      assert.equal(txt(re, 'memory-installed-size'), `(${mb} MB installed)`, profile);
      assert.equal(txt(re, 'memory-dram-size'), `${mb - 50} MB`, profile);
    }
    assert.match(await asText(c, 'show chassis routing-engine'), new RegExp(`DRAM +${mb - 50} MB \\(${mb} MB installed\\)`));
    await dev.close();
  }
});
