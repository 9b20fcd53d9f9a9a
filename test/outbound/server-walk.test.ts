/**
 * The server walk: in-order and sticky failover between two NMSs, waittime, and a live
 * session surviving the loss of its server's Initialize channel.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { MSG_CSH_STARTED } from '../../src/outbound/session-bridge.js';
import { Harness, catBackends, client, loopbackPki, until } from '../support/agent-harness.js';
import { TcpProxy, freePort } from '../support/tcp-proxy.js';

const h = new Harness();
after(() => h.cleanup());

function initializes(nms: { events: readonly { type: string }[] }): number {
  return nms.events.filter((e) => e.type === 'initialize').length;
}

for (const strategy of ['in-order', 'sticky'] as const) {
  test(`${strategy}: first server down, second used; on loss the strategy picks the next server`, async () => {
    const pem = await loopbackPki();
    const portA = await freePort();
    const b = await h.nms(pem);
    const proxyB = new TcpProxy(b.port);
    await proxyB.start();
    h.defer(() => proxyB.close());
    const servers = [
      { address: '127.0.0.1', port: portA, trustedCert: pem.cert },
      { address: '127.0.0.1', port: proxyB.port, trustedCert: pem.cert },
    ];
    const c = client(`walk-${strategy}`, servers, { reconnectStrategy: strategy, waittime: 1 });
    h.agent([c], catBackends());
    await until(() => b.nms.pendingInitializes(c.deviceId) === 1, 10_000, 'the device at NMS B');
    // A comes up; nothing moves while B's connection lives.
    const a = await h.nms(pem, portA);
    // B's connections drop, B itself stays up.
    const beforeB = initializes(b.nms);
    proxyB.dropAll();
    if (strategy === 'in-order') {
      await until(() => a.nms.pendingInitializes(c.deviceId) === 1, 10_000, 'the device back at NMS A');
      assert.equal(b.nms.pendingInitializes(c.deviceId), 0);
    } else {
      await until(() => initializes(b.nms) > beforeB && b.nms.pendingInitializes(c.deviceId) === 1, 10_000, 'the device back at NMS B');
      assert.equal(initializes(a.nms), 0, 'sticky must not move to A while B is reachable');
    }
  });
}

test('after a full unsuccessful walk the device waits waittime seconds', async () => {
  const refuser = new TcpProxy(undefined);
  await refuser.start();
  h.defer(() => refuser.close());
  const pem = await loopbackPki();
  const c = client('wait', [{ address: '127.0.0.1', port: refuser.port, trustedCert: pem.cert }], { waittime: 1 });
  h.agent([c], catBackends());
  // One walk may connect more than once (gRPC reconnects within a probe): group by time.
  const walkStarts = () => refuser.attempts.filter((t, i, all) => i === 0 || t - all[i - 1] > 300);
  await until(() => walkStarts().length >= 3, 15_000, 'three walks');
  for (let i = 1; i < walkStarts().length; i++) {
    const gap = walkStarts()[i] - walkStarts()[i - 1];
    assert.ok(gap >= 900, `walks ${gap} ms apart`);
  }
});

test('a live session survives the loss of the pending Initialize connection', async () => {
  const pem = await loopbackPki();
  const b = await h.nms(pem);
  const proxy = new TcpProxy(b.port);
  await proxy.start();
  h.defer(() => proxy.close());
  const c = client('survive', [{ address: '127.0.0.1', port: proxy.port, trustedCert: pem.cert }]);
  h.agent([c], catBackends());
  const s = await b.nms.requestSession(c.deviceId, c.secret, 'csh');
  await s.waitFor((o) => o.includes(MSG_CSH_STARTED), 5000);
  await until(() => b.nms.pendingInitializes(c.deviceId) === 1, 5000, 'the next pending Initialize');
  // Break every connection but the session's: the pending Initialize's among them.
  const before = initializes(b.nms);
  proxy.dropAllExcept(Number(s.peer.split(':').pop()));
  await until(() => initializes(b.nms) > before && b.nms.pendingInitializes(c.deviceId) === 1, 10_000, 'a re-armed Initialize');
  s.send('still here');
  await s.waitFor((o) => o.includes('still here'), 5000);
  await s.close();
});
