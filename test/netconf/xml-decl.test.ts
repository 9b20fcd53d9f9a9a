/**
 * RPCs that begin with an XML declaration, as ncclient sends them, on every face. Over
 * outbound HTTPS the device adds a newline to every command (as the contract says), so
 * every message after the first starts with `\n<?xml ...?>`: that must still be an RPC.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { DeviceNetconfBackend } from '../../src/backends/junos-netconf.js';
import { EmulatedDevice } from '../../src/junos/device.js';
import { runNetconfOnStdio } from '../../src/junos/stdio-face.js';
import { Harness, client, testLogger } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

const EOM = ']]>]]>';
const DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const rpc = (id: string) => `${DECL}<nc:rpc xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="${id}"><get-software-information/></nc:rpc>`;

/** The replies in `out` (after the hello), in order. */
function replies(out: string): string[] {
  return out.split(EOM).slice(1).map((s) => s.trim()).filter((s) => s.startsWith('<rpc-reply'));
}

function checkReplies(got: string[], ids: string[]): void {
  const out = got.join('\n');
  assert.equal(got.length, ids.length, out.slice(-800));
  got.forEach((r, i) => {
    assert.match(r, new RegExp(`^<rpc-reply [^>]*message-id="${ids[i]}"`), r.slice(0, 300));
    assert.doesNotMatch(r, /<rpc-error>/, r.slice(0, 600));
    assert.match(r, /<software-information>/);
  });
}

test('outbound HTTPS: a hello and two RPCs, each starting with an XML declaration, all answered with their message-ids', async () => {
  const { nms, server } = await h.nms();
  const device = await EmulatedDevice.create({ profile: 'mx', logger: testLogger });
  h.defer(() => device.close());
  const c = client('xmldecl', [server]);
  const nc = new DeviceNetconfBackend(device, 'lab');
  h.agent([c], { netconf: nc, csh: nc });
  const s = await nms.requestSession(c.deviceId, c.secret, 'netconf');
  await s.waitFor((o) => o.includes(EOM), 5000);
  s.send(`${DECL}<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>${EOM}`);
  s.send(rpc('urn:uuid:1') + EOM);
  s.send(rpc('urn:uuid:2') + EOM);
  const out = await s.waitFor((o) => replies(o).length >= 2, 10_000);
  checkReplies(replies(out), ['urn:uuid:1', 'urn:uuid:2']);
  await s.close();
});

test('stdio: whitespace and newlines before an XML declaration are accepted', async () => {
  const device = await EmulatedDevice.create({ profile: 'mx', logger: testLogger });
  h.defer(() => device.close());
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (b: Buffer) => (out += b.toString()));
  const done = runNetconfOnStdio(device, input, output, { user: 'lab' });
  input.write(`\n  ${rpc('a')}${EOM}\r\n\t${rpc('b')}${EOM}\n`);
  input.write(`<rpc message-id="c"><close-session/></rpc>${EOM}`);
  await done;
  const got = replies(out);
  assert.match(got.pop() ?? '', /message-id="c"[\s\S]*<ok\/>/);
  checkReplies(got, ['a', 'b']);
});
