/**
 * Certificate rules: the device trusts only the configured certificate or CA and checks the
 * server's identity (SAN IP present => CN ignored; else CN must equal the address dialled).
 * A server that fails verification is down: no Initialize ever reaches it.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { checkIdentity } from '../../src/outbound/tls.js';
import { peerCertificateCounts } from '../../src/outbound/peer-cert-cache.js';
import { makeCa, makeSelfSigned, makeSigned } from '../../src/nms/pki.js';
import { Harness, catBackends, client, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

test('identity rule on CN and SAN text', () => {
  assert.equal(checkIdentity('10.0.0.1', 'nms.example', 'IP Address:10.0.0.1'), undefined);
  assert.match(checkIdentity('10.0.0.2', '10.0.0.2', 'IP Address:10.0.0.1')!, /SubjectAltName/);
  assert.equal(checkIdentity('nms.example', 'NMS.example', undefined), undefined);
  assert.equal(checkIdentity('127.0.0.1', '127.0.0.1', 'DNS:other.example'), undefined);
  assert.match(checkIdentity('nms.example', 'other.example', undefined)!, /CN/);
});

async function expectSession(serverPem: { cert: string; key: string }, trusted: string, name: string): Promise<void> {
  const { nms, port } = await h.nms(serverPem);
  const c = client(name, [{ address: '127.0.0.1', port, trustedCert: trusted }]);
  h.agent([c], catBackends());
  const s = await nms.requestSession(c.deviceId, c.secret, 'csh');
  s.send('verified');
  await s.waitFor((o) => o.includes('verified'), 5000);
  await s.close();
}

async function expectRefused(serverPem: { cert: string; key: string }, trusted: string, name: string, why: RegExp): Promise<void> {
  const { nms, port } = await h.nms(serverPem);
  const c = client(name, [{ address: '127.0.0.1', port, trustedCert: trusted }], { waittime: 1 });
  const agent = h.agent([c], catBackends());
  await until(() => /./.test(agent.status().clients[0].lastError ?? ''), 10_000, 'a verification error');
  // Let at least one more walk happen, then look at what the NMS saw.
  await new Promise((r) => setTimeout(r, 1200));
  assert.match(agent.status().clients[0].lastError ?? '', why);
  assert.equal(nms.events.filter((e: { type: string }) => e.type === 'initialize').length, 0, 'no Initialize may reach an unverified server');
  assert.equal(nms.events.filter((e: { type: string }) => e.type === 'status').length, 0, 'no RPC at all may reach an unverified server');
}

test('CN equal to the address dialled, no SAN: accepted', async () => {
  const pem = await makeSelfSigned({ commonName: '127.0.0.1' });
  await expectSession(pem, pem.cert, 'cn');
});

test('SAN IP with a CN that does not match: accepted (CN ignored)', async () => {
  const pem = await makeSelfSigned({ commonName: 'not-this-host.example', ipSans: ['127.0.0.1'] });
  await expectSession(pem, pem.cert, 'san');
});

test('CA chain: trusted-cert holds the CA', async () => {
  const ca = await makeCa({ commonName: 'Lab CA' });
  const pem = await makeSigned(ca, { commonName: 'nms', ipSans: ['127.0.0.1'] });
  await expectSession(pem, ca.cert, 'ca');
});

test('wrong host: refused, no Initialize', async () => {
  const pem = await makeSelfSigned({ commonName: 'nms.elsewhere.example' });
  await expectRefused(pem, pem.cert, 'wronghost', /CN/);
});

test('SAN IP of another address: refused even when the CN matches', async () => {
  const pem = await makeSelfSigned({ commonName: '127.0.0.1', ipSans: ['127.0.0.2'] });
  await expectRefused(pem, pem.cert, 'wrongsan', /SubjectAltName/);
});

test('expired certificate: refused, no Initialize', async () => {
  const pem = await makeSelfSigned({
    commonName: '127.0.0.1',
    ipSans: ['127.0.0.1'],
    notBefore: new Date(Date.now() - 10 * 86400_000),
    notAfter: new Date(Date.now() - 86400_000),
  });
  await expectRefused(pem, pem.cert, 'expired', /expired/i);
});

test('untrusted certificate (trusted-cert is another one): refused, no Initialize', async () => {
  const pem = await makeSelfSigned({ commonName: '127.0.0.1', ipSans: ['127.0.0.1'] });
  const other = await makeSelfSigned({ commonName: '127.0.0.1', ipSans: ['127.0.0.1'] });
  await expectRefused(pem, other.cert, 'untrusted', /certificate|verify|self.signed/i);
});

test('the certificate is translated once per certificate, and the identity rule still holds per server on every connection', async () => {
  const pem = await makeSelfSigned({ commonName: 'nms.cache.example', ipSans: ['127.0.0.1'] });
  const { nms, port } = await h.nms(pem);
  const c = client('cache', [{ address: '127.0.0.1', port, trustedCert: pem.cert }]);
  h.agent([c], catBackends());
  const before = { ...peerCertificateCounts };
  for (let i = 0; i < 4; i++) {
    const s = await nms.requestSession(c.deviceId, c.secret, 'csh');
    s.send(`n${i}`);
    await s.waitFor((o) => o.includes(`n${i}`), 5000);
    await s.close();
  }
  assert.ok(peerCertificateCounts.translated - before.translated <= 1, `translated ${peerCertificateCounts.translated - before.translated} times`);
  assert.ok(peerCertificateCounts.cached - before.cached >= 3, `answered from the cache ${peerCertificateCounts.cached - before.cached} times`);
  // The same certificate, dialled by a name it does not carry: refused, cache or not.
  const other = client('cache-name', [{ address: 'localhost', port, trustedCert: pem.cert }], { waittime: 1 });
  const agent = h.agent([other], catBackends());
  await until(() => /SubjectAltName/.test(agent.status().clients[0].lastError ?? ''), 10_000, 'the identity refusal');
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(nms.pendingInitializes(other.deviceId), 0, 'no Initialize from the refused client');
});
