import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { runNetconfOnStdio } from '../../../src/junos/stdio-face.js';
import { child, elements, parseXml, textOf } from '../../../src/netconf/xml.js';
import { stubDatastore, TestClient } from '../../support/netconf-client.js';

async function open(profile: string) {
  const dev = await EmulatedDevice.create({ profile, hostname: `cmd-${profile}`, datastoreFactory: stubDatastore });
  const c = new TestClient(dev.openNetconf({ user: 'nms' }));
  await c.open();
  return { dev, c };
}
const cmd = (c: TestClient, line: string, format?: string) =>
  c.rpc(`<command${format ? ` format="${format}"` : ''}>${line.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</command>`);

test('show version: xml, text and json; invoke-on all-routing-engines per RE count', async () => {
  const { dev, c } = await open('mx');
  const x = parseXml(await cmd(c, 'show version', 'xml'));
  assert.equal(textOf(child(child(x, 'software-information')!, 'host-name')!), 'cmd-mx');
  const t = await cmd(c, 'show version', 'text');
  assert.match(t, /<output>\nHostname: cmd-mx\nModel: mx960\nJunos: 21\.4R3\.15\n/);
  const j = parseXml(await cmd(c, 'show version', 'json'));
  const json = JSON.parse(textOf(j));
  assert.equal(json['software-information'][0]['host-name'][0].data, 'cmd-mx');
  // dual RE: multi-routing-engine-results with re0 and re1 (what PyEZ facts expect)
  const m = parseXml(await cmd(c, 'show version invoke-on all-routing-engines', 'xml'));
  const multi = child(m, 'multi-routing-engine-results')!;
  assert.deepEqual(elements(multi).map((i) => textOf(child(i, 're-name')!)), ['re0', 're1']);
  await dev.close();
  // single RE: plain software-information
  const srx = await open('srx');
  const s = parseXml(await cmd(srx.c, 'show version invoke-on all-routing-engines', 'xml'));
  assert.equal(elements(s)[0].name, 'software-information');
  await srx.dev.close();
});

test('| display xml rpc answers the RPC the command maps to', async () => {
  const { dev, c } = await open('mx');
  assert.match(await cmd(c, 'show system uptime | display xml rpc', 'xml'), /\n<rpc>\n<get-system-uptime-information>\n<\/get-system-uptime-information>\n<\/rpc>\n/);
  const r = parseXml(await cmd(c, 'show interfaces terse ge-0/0/0 | display xml rpc', 'xml'));
  const gi = child(child(r, 'rpc')!, 'get-interface-information')!;
  assert.ok(child(gi, 'terse'));
  assert.equal(textOf(child(gi, 'interface-name')!), 'ge-0/0/0');
  assert.match(await cmd(c, 'show chassis hardware | display xml rpc'), /<get-chassis-inventory>/);
  await dev.close();
});

test('text outputs in CLI style', async () => {
  const { dev, c } = await open('mx');
  const terse = await cmd(c, 'show interfaces terse', 'text');
  assert.match(terse, /Interface {15}Admin Link Proto {4}Local {17}Remote\n/);
  assert.match(terse, /\nge-0\/0\/0\.0 {14}up {4}up {3}inet {5}192\.0\.2\.1\/24\n/);
  assert.match(await cmd(c, 'show system uptime', 'text'), /System booted: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(/);
  assert.match(await cmd(c, 'show system information', 'text'), /Hostname: cmd-mx/);
  const hw = await cmd(c, 'show chassis hardware', 'text');
  assert.match(hw, /Hardware inventory:/);
  assert.ok(hw.includes(dev.serialNumber));
  const cfg = await cmd(c, 'show configuration system', 'text');
  assert.match(cfg, /<configuration-information>\n<configuration-output>\n/);
  assert.match(cfg, /domain-name example\.net;|<configuration-output>/);
  await dev.close();
});

test('unknown command gets the Junos syntax error naming the bad word', async () => {
  const { dev, c } = await open('ex');
  const r = parseXml(await cmd(c, 'show flux-capacitor', 'text'));
  const err = child(r, 'rpc-error')!;
  assert.equal(textOf(child(err, 'error-message')!).trim(), 'syntax error');
  assert.equal(textOf(child(child(err, 'error-info')!, 'bad-element')!), 'flux-capacitor');
  assert.match(await cmd(c, 'show virtual-chassis', 'xml'), /<virtual-chassis-information>/);
  await dev.close();
});

test('stdio face: hello out, rpc in, close-session ends it', async () => {
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'stdio', datastoreFactory: stubDatastore });
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (b: Buffer) => (out += b.toString()));
  const done = runNetconfOnStdio(dev, input, output, { user: 'ops' });
  input.write('<rpc message-id="1"><get-software-information/></rpc>]]>]]><rpc message-id="2"><close-session/></rpc>]]>]]>');
  await done;
  assert.match(out, /^<!-- No zombies/);
  assert.match(out, /<host-name>stdio<\/host-name>/);
  assert.match(out, /<!-- session end at .* UTC -->\n$/);
  await dev.close();
});

test('show configuration with a deep path answers that statement only (xml), with the real datastore', async () => {
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'cfg-mx' });
  const c = new TestClient(dev.openNetconf({ user: 'nms' }));
  await c.open();
  const x = parseXml(await cmd(c, 'show configuration interfaces ge-0/0/0 unit 0'));
  const conf = child(x, 'configuration')!;
  assert.deepEqual(elements(conf).map((e) => e.name), ['interfaces']);
  const ifs = elements(child(conf, 'interfaces')!);
  assert.deepEqual(ifs.map((i) => textOf(child(i, 'name')!)), ['ge-0/0/0']);
  assert.deepEqual(elements(ifs[0]).map((e) => e.name), ['name', 'unit']);
  const host = parseXml(await cmd(c, 'show configuration system host-name'));
  assert.deepEqual(elements(child(child(host, 'configuration')!, 'system')!).map((e) => e.name), ['host-name']);
  await dev.close();
});
