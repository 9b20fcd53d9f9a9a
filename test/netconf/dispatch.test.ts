/**
 * The NETCONF server session with an injected dispatcher and no device behind it: the
 * protocol part (hello, message-id echo, rpc-error shaping, close-session, end) needs
 * nothing of Junos. In-process, milliseconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetconfSession } from '../../src/netconf/session.js';
import { RpcError } from '../../src/netconf/rpc-error.js';
import type { NetconfServerInfo, RpcDispatcher } from '../../src/netconf/dispatch.js';
import { silentLogger } from '../../src/log.js';
import { TestClient } from '../support/netconf-client.js';

const info: NetconfServerInfo = {
  profile: { capabilities: ['urn:ietf:params:netconf:base:1.0', 'urn:example:cap'], loginClass: 'operator', xmlRelease: '1.2R0' },
  now: () => Date.UTC(2024, 0, 2, 3, 4, 5),
};

function open(dispatch: RpcDispatcher) {
  let closed = 0;
  const session = new NetconfSession({ device: info, config: { close: () => void closed++ }, dispatch, sessionId: 7, user: 'alice', logger: silentLogger });
  return { client: new TestClient(session), closed: () => closed };
}

test('hello from the injected server info; every RPC goes to the dispatcher, its reply wrapped', async () => {
  const seen: string[] = [];
  const { client } = open(async (op) => {
    seen.push(op.name);
    return `<echo>${op.name}</echo>`;
  });
  const hello = await client.open();
  assert.match(hello, /<!-- user alice, class operator -->/);
  assert.match(hello, /<capability>urn:example:cap<\/capability>/);
  assert.match(hello, /<session-id>7<\/session-id>/);
  const reply = await client.rpc('<anything-at-all/>', 'message-id="42"');
  assert.match(reply, /^<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1\.0" xmlns:junos="http:\/\/xml\.juniper\.net\/junos\/1\.2R0\/junos" message-id="42">/);
  assert.match(reply, /<echo>anything-at-all<\/echo>/);
  assert.deepEqual(seen, ['anything-at-all']);
});

test('an RpcError from the dispatcher is the reply; warnings follow the body; end closes', async () => {
  const { client, closed } = open(async (op) => {
    if (op.name === 'fail') throw new RpcError({ type: 'application', tag: 'operation-failed', message: 'nope' });
    if (op.name === 'warn') return { body: '<ok/>', warnings: [new RpcError({ type: 'application', tag: 'operation-failed', severity: 'warning', message: 'careful' })] };
    return { body: '<bye/>', end: true };
  });
  await client.open();
  assert.match(await client.rpc('<fail/>'), /<error-message>\s*nope\s*<\/error-message>/);
  const warned = await client.rpc('<warn/>');
  assert.ok(warned.indexOf('<ok/>') < warned.indexOf('careful'));
  assert.match(await client.rpc('<last/>'), /<bye\/>/);
  await client.until(() => client.ended !== undefined);
  assert.equal(closed(), 1);
});

test('close-session is the protocol\'s own: the dispatcher never sees it', async () => {
  const seen: string[] = [];
  const { client, closed } = open(async (op) => (seen.push(op.name), '<ok/>'));
  await client.open();
  assert.match(await client.rpc('<close-session/>'), /<ok\/>/);
  await client.until(() => client.ended !== undefined);
  assert.match(client.raw, /<!-- session end at 2024-01-02 03:04:05 UTC -->/);
  assert.deepEqual(seen, []);
  assert.equal(closed(), 1);
});
