/**
 * One configuration exchange over the outbound-HTTPS face (the reference NMS, real TLS and gRPC, to an agent
 * whose NETCONF backend is the emulated device) and over `nc-grpc-device netconf` on stdio
 * (a real child process): the same exchange and checks (test/support/config-exchange.ts).
 * The SSH face and the cli are in test/ssh/device-process.test.ts.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Harness, MAIN_JS } from '../../support/agent-harness.js';
import { EOM, outboundDeviceSession, rpc } from '../../support/outbound-device.js';
import { CONFIG_EXCHANGE, checkConfigExchange, repliesOf } from '../../support/config-exchange.js';

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
  const child = spawn(process.execPath, [MAIN_JS, 'netconf', '--profile', 'mx', '--user', 'alice'], { stdio: ['pipe', 'pipe', 'pipe'] });
  h.defer(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdin.end(CONFIG_EXCHANGE.map((r, i) => `<rpc message-id="${i + 1}">${r}</rpc>${EOM}`).join(''));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  assert.equal(code, 0, out.slice(-500));
  assert.ok(out.startsWith('<!-- No zombies were killed'));
  checkConfigExchange(repliesOf(out), 'alice', 'stdio');
});
