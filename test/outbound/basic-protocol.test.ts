/**
 * The 20.2 basic protocol through the reference NMS: handshake with the shared string, one
 * NETCONF session per connection with request_id echoed, and a wrong string refused.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASIC_DEFAULT_SECRET } from '../../src/outbound/protocols/basic.js';
import { EmulatedDevice } from '../../src/junos/device.js';
import { DeviceNetconfBackend } from '../../src/backends/junos-netconf.js';
import { ReferenceNms } from '../../src/nms/server.js';
import { Harness, client, loopbackPki, testLogger, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

async function basicNms(basicSecret?: string) {
  const pem = await loopbackPki();
  const nms = new ReferenceNms({ host: '127.0.0.1', port: 0, cert: pem.cert, key: pem.key, logger: testLogger, basicSecret });
  const port = await nms.start();
  h.defer(() => nms.stop());
  return { nms, server: { address: '127.0.0.1', port, trustedCert: pem.cert } };
}

test('basic: handshake, NETCONF hello and a reply, then a second session on a new connection', async () => {
  const { nms, server } = await basicNms();
  const device = await EmulatedDevice.create({ profile: 'mx', logger: testLogger });
  h.defer(() => device.close());
  const backend = new DeviceNetconfBackend(device, 'nobody');
  h.agent([client('basic', [server], { secret: BASIC_DEFAULT_SECRET })], { netconf: backend, csh: backend }, 'basic');
  const s = await nms.requestBasicSession({ timeoutMs: 10_000 });
  await s.waitFor((o) => o.includes('</hello>') && o.includes(']]>]]>'), 10_000);
  s.send('<rpc message-id="7"><get-software-information/></rpc>]]>]]>');
  await s.waitFor((o) => /message-id="7"[\s\S]*<software-information>[\s\S]*\]\]>\]\]>/.test(o), 10_000);
  s.send('<rpc><close-session/></rpc>]]>]]>');
  await s.ended;
  const second = await nms.requestBasicSession({ timeoutMs: 10_000 });
  await second.waitFor((o) => o.includes('</hello>'), 10_000);
  assert.notEqual(second.peer, s.peer, 'each basic session on a connection of its own');
  await second.close();
  assert.ok(nms.events.some((e) => e.type === 'basic-auth' && e.ok === true));
});

test('basic: a wrong shared string is refused by the NMS and no session opens', async () => {
  const { nms, server } = await basicNms('the-nms-string');
  const backendDevice = await EmulatedDevice.create({ profile: 'mx', logger: testLogger });
  h.defer(() => backendDevice.close());
  const backend = new DeviceNetconfBackend(backendDevice, 'nobody');
  const agent = h.agent([client('basicbad', [server], { secret: 'not-the-string', waittime: 1 })], { netconf: backend, csh: backend }, 'basic');
  await until(() => nms.events.some((e) => e.type === 'basic-auth' && e.ok === false), 10_000, 'a refused handshake');
  await until(() => /Auth failed|refused|handshake/i.test(agent.status().clients[0].lastError ?? ''), 5000, 'the error in status');
  assert.equal(nms.events.filter((e) => e.type === 'session-open').length, 0);
});
