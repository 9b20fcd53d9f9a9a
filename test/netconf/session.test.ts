import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmulatedDevice } from '../../src/junos/device.js';
import { encodeChunks } from '../../src/netconf/framing.js';
import { parseXml, child, textOf } from '../../src/netconf/xml.js';
import { stubDatastore, TestClient } from '../support/netconf-client.js';

async function device(profile = 'mx', extra: Partial<Parameters<typeof EmulatedDevice.create>[0]> = {}) {
  return EmulatedDevice.create({ profile, hostname: 'lab-r1', datastoreFactory: stubDatastore, ...extra });
}

test('hello: comments, capabilities one per line, session-id, no base:1.1 on a 21.x profile', async () => {
  const dev = await device();
  const c = new TestClient(dev.openNetconf({ user: 'alice' }));
  const hello = await c.next();
  const lines = hello.split('\n');
  assert.equal(lines[0], '<!-- No zombies were killed during the creation of this user interface -->');
  assert.equal(lines[1], '<!-- user alice, class super-user -->');
  assert.equal(lines[2], '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">');
  assert.equal(lines[3], '  <capabilities>');
  assert.equal(lines[4], '    <capability>urn:ietf:params:netconf:base:1.0</capability>');
  assert.ok(!hello.includes('base:1.1'));
  assert.match(hello, /\n {2}<session-id>\d+<\/session-id>\n<\/hello>\n$/);
  assert.ok(c.raw.endsWith('</hello>\n]]>]]>\n'));
  const c2 = new TestClient(dev.openNetconf());
  const id = (h: string) => Number(/<session-id>(\d+)</.exec(h)![1]);
  const hello2 = await c2.next();
  assert.notEqual(id(hello), id(hello2));
  assert.match(hello2, /<!-- user nobody, class super-user -->/);
  await dev.close();
});

test('replies echo rpc attributes, accept a declaration and a prefix, and use the Junos layout', async () => {
  const dev = await device();
  const c = new TestClient(dev.openNetconf());
  await c.open();
  c.send('<?xml version="1.0" encoding="UTF-8"?><nc:rpc xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="urn:uuid:42" foo="b&amp;r"><get-software-information/></nc:rpc>');
  const reply = await c.next();
  assert.match(reply, /^<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:junos="http:\/\/xml.juniper.net\/junos\/21.4R0\/junos" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="urn:uuid:42" foo="b&amp;r">\n<software-information>\n/);
  assert.ok(reply.endsWith('\n</software-information>\n</rpc-reply>\n'));
  const sw = child(parseXml(reply), 'software-information')!;
  assert.equal(textOf(child(sw, 'host-name')!), 'lab-r1');
  assert.equal(textOf(child(sw, 'product-model')!), 'mx960');
  assert.equal(textOf(child(sw, 'junos-version')!), '21.4R3.15');
  // no message-id in, none out
  const r2 = await c.rpc('<get-software-information/>', '');
  assert.ok(!r2.split('\n')[0].includes('message-id'));
  await dev.close();
});

test('client hello is optional; several RPCs in one write are answered in order', async () => {
  const dev = await device();
  const c = new TestClient(dev.openNetconf());
  await c.next();
  c.session.write(']]>]]><rpc message-id="a"><get-software-information/></rpc>]]>]]><rpc message-id="b"><nope/></rpc>]]>]]><rpc message-id="c"><get-software-information/></rpc>]]>]]>');
  const a = await c.next();
  const b = await c.next();
  const cc = await c.next();
  assert.match(a, /message-id="a"/);
  assert.match(b, /message-id="b"/);
  assert.match(cc, /message-id="c"/);
  assert.match(cc, /<software-information>/);
  await dev.close();
});

test('unknown RPC gets the Junos syntax error and the session goes on', async () => {
  const dev = await device();
  const c = new TestClient(dev.openNetconf());
  await c.open();
  const r = await c.rpc('<get-flux-capacitor-status/>');
  const err = child(parseXml(r), 'rpc-error')!;
  assert.equal(textOf(child(err, 'error-type')!), 'protocol');
  assert.equal(textOf(child(err, 'error-tag')!), 'operation-failed');
  assert.equal(textOf(child(err, 'error-severity')!), 'error');
  assert.equal(textOf(child(err, 'error-message')!).trim(), 'syntax error');
  assert.equal(textOf(child(child(err, 'error-info')!, 'bad-element')!), 'get-flux-capacitor-status');
  assert.match(await c.rpc('<get-software-information/>'), /<software-information>/);
  await dev.close();
});

test('malformed XML gets an rpc-error and the session goes on', async () => {
  const dev = await device();
  const c = new TestClient(dev.openNetconf());
  await c.open();
  c.send('<rpc message-id="9"><get-software-information></rpc>');
  const r = await c.next();
  const err = child(parseXml(r), 'rpc-error')!;
  assert.equal(textOf(child(err, 'error-tag')!), 'operation-failed');
  assert.match(textOf(child(err, 'error-message')!), /syntax error/);
  assert.match(await c.rpc('<get-software-information/>'), /<host-name>lab-r1<\/host-name>/);
  await dev.close();
});

test('oversized message is refused with an rpc-error and the session goes on', async () => {
  const dev = await device('mx', { maxMessageBytes: 2000 });
  const c = new TestClient(dev.openNetconf());
  await c.open();
  c.send(`<rpc message-id="big"><get-software-information>${'<x/>'.repeat(2000)}</get-software-information></rpc>`);
  const r = await c.next();
  assert.match(r, /<rpc-error>/);
  assert.match(r, /exceeds the limit/);
  assert.match(await c.rpc('<get-software-information/>'), /<software-information>/);
  await dev.close();
});

test('close-session: ok, session-end comment, then end', async () => {
  const dev = await device();
  const c = new TestClient(dev.openNetconf());
  await c.open();
  const r = await c.rpc('<close-session/>', 'message-id="101"');
  assert.match(r, /<rpc-reply [^>]*message-id="101">\n<ok\/>\n<\/rpc-reply>\n$/);
  await c.until(() => c.ended !== undefined);
  assert.match(c.raw, /<\/rpc-reply>\n]]>]]>\n<!-- session end at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC -->\n$/);
  assert.deepEqual(c.ended, { exitCode: 0, signal: null });
  assert.deepEqual(dev.sessionIds(), []);
  await dev.close();
});

test('kill-session: own session is invalid-value; another session ends', async () => {
  const dev = await device();
  const a = new TestClient(dev.openNetconf());
  const b = new TestClient(dev.openNetconf());
  await a.open();
  const helloB = await b.open();
  const idB = /<session-id>(\d+)</.exec(helloB)![1];
  const idA = dev.sessionIds().find((x) => String(x) !== idB)!;
  const own = child(parseXml(await a.rpc(`<kill-session><session-id>${idA}</session-id></kill-session>`)), 'rpc-error')!;
  assert.equal(textOf(child(own, 'error-type')!), 'application');
  assert.equal(textOf(child(own, 'error-tag')!), 'invalid-value');
  const ok = await a.rpc(`<kill-session><session-id>${idB}</session-id></kill-session>`);
  assert.match(ok, /<ok\/>/);
  await b.until(() => b.ended !== undefined);
  assert.deepEqual(dev.sessionIds(), [idA]);
  const none = await a.rpc('<kill-session><session-id>1</session-id></kill-session>');
  assert.match(none, /<rpc-error>/);
  await dev.close();
});

test('kill() ends the session with the signal name', async () => {
  const dev = await device();
  const s = dev.openNetconf();
  const c = new TestClient(s);
  await c.next();
  s.kill(15);
  await c.until(() => c.ended !== undefined);
  assert.deepEqual(c.ended, { exitCode: null, signal: 'SIGTERM' });
  assert.equal(s.ended, true);
  await dev.close();
});

test('chunked framing is used only when the profile and the client both advertise base:1.1', async () => {
  const dev = await EmulatedDevice.create({ profile: 'mx', datastoreFactory: stubDatastore });
  // A profile without 1.1: a 1.1 client hello keeps end-of-message framing.
  const c = new TestClient(dev.openNetconf());
  await c.next();
  c.send('<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>');
  assert.match(await c.rpc('<get-software-information/>'), /<software-information>/);
  await dev.close();
  // A profile with 1.1 (same profile, capability added in a copy).
  const mx = (await import('../../src/junos/identity/profile.js')).loadProfile('mx');
  const copy = { ...mx, capabilities: [...mx.capabilities, 'urn:ietf:params:netconf:base:1.1'] };
  const dev2 = await EmulatedDevice.create({ profile: 'mx', datastoreFactory: stubDatastore });
  Object.defineProperty(dev2, 'profile', { value: copy });
  const d = new TestClient(dev2.openNetconf());
  const hello = await d.next();
  assert.match(hello, /base:1.1/);
  d.send('<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>');
  d.mode = 'chunked';
  d.session.write(encodeChunks('<rpc message-id="7"><get-software-information/></rpc>', 5));
  const r = await d.next();
  assert.match(r, /message-id="7"/);
  assert.ok(d.raw.endsWith('\n##\n'));
  await dev2.close();
});
