/**
 * One configuration exchange over the outbound-HTTPS face (the reference NMS, real TLS and gRPC, to an agent
 * whose NETCONF backend is the emulated device) and over `nc-grpc-device netconf` on stdio
 * (a real child process): the same exchange and checks (test/support/config-exchange.ts).
 * The SSH face and the cli are in test/ssh/device-process.test.ts.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, MAIN_JS } from '../../support/agent-harness.js';
import { outboundDeviceSession, rpc } from '../../support/outbound-device.js';
import { CONFIG_EXCHANGE, checkConfigExchange, repliesOf, stdioExchange } from '../../support/config-exchange.js';

const h = new Harness();
after(() => h.cleanup());

test('outbound HTTPS: bad statement refused, schema order, commit recorded as the session user via netconf, idempotent compare', async () => {
  const { s } = await outboundDeviceSession(h, { name: 'faces', hostname: 'faces-out', user: 'nmsuser' });
  const replies: string[] = [];
  for (const body of CONFIG_EXCHANGE) replies.push(await rpc(s, body));
  checkConfigExchange(replies, 'nmsuser', 'outbound');
  await s.close();
});

test('stdio netconf (child process): the same', async () => {
  const { code, out } = await stdioExchange(MAIN_JS, CONFIG_EXCHANGE, (f) => h.defer(f));
  assert.equal(code, 0, out.slice(-500));
  assert.ok(out.startsWith('<!-- No zombies were killed'));
  checkConfigExchange(repliesOf(out), 'alice', 'stdio');
});
