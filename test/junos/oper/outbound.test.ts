/**
 * Through the outbound-HTTPS face: the reference NMS opens a NETCONF session over real
 * TLS and gRPC to an agent whose NETCONF backend is the emulated device, commits
 * host-name, interface and static-route changes, and reads them back from the
 * operational RPCs (XML, text and JSON) and from `<command>`.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from '../../support/agent-harness.js';
import { outboundDeviceSession, rpc } from '../../support/outbound-device.js';
import { CHANGES } from './changes.js';

const h = new Harness();
after(() => h.cleanup());

test('operational answers follow a commit made over outbound HTTPS', async () => {
  const { s } = await outboundDeviceSession(h, { name: 'oper', hostname: 'mx960-9', user: 'nms' });

  assert.match(await rpc(s, '<get-software-information/>'), /<host-name>mx960-9<\/host-name>/);
  const load = await rpc(s, `<load-configuration action="set" format="text"><configuration-set>${CHANGES}</configuration-set></load-configuration>`);
  assert.doesNotMatch(load, /<error-severity>error/, load);
  assert.match(await rpc(s, '<commit-configuration/>'), /<commit-success\/>|<ok\/>/);

  assert.match(await rpc(s, '<get-software-information/>'), /<host-name>lab-mx<\/host-name>/);
  assert.match(await rpc(s, '<get-system-information/>'), /<host-name>lab-mx<\/host-name>/);
  const xml = await rpc(s, '<get-interface-information><interface-name>ge-0/0/1</interface-name></get-interface-information>');
  assert.match(xml, /<description>uplink to core<\/description>/);
  assert.match(xml, /<ifa-local>203\.0\.113\.1<\/ifa-local>/);
  const terse = await rpc(s, '<command format="text">show interfaces terse ge-0/0/[01]</command>');
  assert.match(terse, /ge-0\/0\/0\s+down\s+down/);
  assert.match(terse, /ge-0\/0\/1\.0\s+up\s+up\s+inet\s+203\.0\.113\.1\/30/);
  const json = await rpc(s, '<get-route-information format="json"><protocol>static</protocol></get-route-information>');
  const body = JSON.parse(json.replace(/^[\s\S]*?<rpc-reply[^>]*>/, '').replace(/<\/rpc-reply>[\s\S]*$/, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  const dests = body['route-information'][0]['route-table'][0].rt.map((r: any) => r['rt-destination'][0].data);
  assert.deepEqual(dests, ['0.0.0.0/0', '10.99.0.0/16']);
  const text = await rpc(s, '<get-route-information format="text"><destination>0.0.0.0/0</destination><exact/></get-route-information>');
  assert.match(text, /<output>[\s\S]*0\.0\.0\.0\/0\s+\*\[Static\/5\][\s\S]*to 203\.0\.113\.2 via ge-0\/0\/1\.0/);
  await s.close();
});
