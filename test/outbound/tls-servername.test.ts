/**
 * The TLS server name (SNI) goes out only for DNS names: a device dialling an IP address
 * sends none (RFC 6066), so Node's DEP0123 warning never fires, and the identity check still
 * holds the certificate to the address dialled.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, catBackends, client, loopbackPki, until } from '../support/agent-harness.js';
import { makeSelfSigned } from '../../src/nms/pki.js';

const h = new Harness();
after(() => h.cleanup());

test('dialling 127.0.0.1: connected, no DEP0123 warning; a certificate naming another IP is still refused', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error & { code?: string }): void => {
    warnings.push(w.code ?? w.message);
  };
  process.on('warning', onWarning);
  h.defer(() => void process.off('warning', onWarning));
  const good = await h.nms(await loopbackPki());
  const c = client('sni-ip', [good.server]);
  h.agent([c], catBackends());
  await until(() => good.nms.pendingInitializes(c.deviceId) === 1, 10_000, 'the device at the NMS');

  const other = await makeSelfSigned({ commonName: 'nms', ipSans: ['192.0.2.1'] });
  const bad = await h.nms(other);
  const refused = client('sni-wrong-ip', [bad.server], { waittime: 1 });
  const agent = h.agent([refused], catBackends());
  await until(() => /192\.0\.2\.1/.test(agent.status().clients[0]?.lastError ?? ''), 10_000, 'the identity refusal');
  assert.equal(bad.nms.pendingInitializes(refused.deviceId), 0);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(warnings.filter((w) => w === 'DEP0123'), []);
});
