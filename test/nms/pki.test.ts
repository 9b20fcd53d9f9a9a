/**
 * The lab PKI: the certificates it makes are what they claim to be (names, validity, chain)
 * and work as real TLS servers, in Node's tls and in grpc-js.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { ReferenceNms } from '../../src/nms/server.js';
import { makeCa, makeSelfSigned, makeSigned, oneLineCert, type Pem } from '../../src/nms/pki.js';
import { rawClient, status, type RawClient } from '../support/nms-raw-device.js';

const servers: tls.Server[] = [];
const clients: RawClient[] = [];
const nmss: ReferenceNms[] = [];
after(async () => {
  for (const c of clients) c.close();
  for (const n of nmss) await n.stop();
  for (const s of servers) s.close();
});

/** A TLS server with `pem` on 127.0.0.1; resolves with its port. */
async function tlsServer(pem: Pem): Promise<number> {
  const s = tls.createServer({ cert: pem.cert, key: pem.key }, (sock) => sock.end('hi'));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as AddressInfo).port;
}

/** Connects trusting only `ca`, naming the server `name`; resolves with the error code or 'ok'. */
function handshake(port: number, ca: string, name: string): Promise<string> {
  return new Promise((resolve) => {
    const opts: tls.ConnectionOptions = { host: '127.0.0.1', port, ca, checkServerIdentity: (_h, cert) => tls.checkServerIdentity(name, cert) };
    const sock = tls.connect(opts, () => {
      sock.destroy();
      resolve('ok');
    });
    sock.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

test('CN-only certificates for a hostname and for an IP carry no SAN', async () => {
  const host = await makeSelfSigned({ commonName: 'nms.lab' });
  const ip = await makeSelfSigned({ commonName: '192.0.2.7' });
  const h = new X509Certificate(host.cert);
  assert.equal(h.subject, 'CN=nms.lab');
  assert.equal(h.subjectAltName, undefined);
  assert.equal(h.ca, false);
  assert.ok(h.checkPrivateKey(createPrivateKey(host.key)));
  assert.equal(new X509Certificate(ip.cert).subject, 'CN=192.0.2.7');
  assert.equal(new X509Certificate(ip.cert).subjectAltName, undefined);
  assert.match(host.key, /^-----BEGIN PRIVATE KEY-----\n/);
  // A hostname CN without SAN works as a TLS server name.
  assert.equal(await handshake(await tlsServer(host), host.cert, 'nms.lab'), 'ok');
});

test('SAN IP with a CN that does not match: the SAN names the server', async () => {
  const pem = await makeSelfSigned({ commonName: 'nms.elsewhere.example', ipSans: ['127.0.0.1'] });
  const c = new X509Certificate(pem.cert);
  assert.equal(c.subject, 'CN=nms.elsewhere.example');
  assert.equal(c.subjectAltName, 'IP Address:127.0.0.1');
  const port = await tlsServer(pem);
  assert.equal(await handshake(port, pem.cert, '127.0.0.1'), 'ok');
  assert.equal(await handshake(port, pem.cert, '127.0.0.2'), 'ERR_TLS_CERT_ALTNAME_INVALID');
});

test('CA chain, EC and RSA: the server certificate verifies against the CA only', async () => {
  for (const [caType, serverType] of [['ec', 'rsa'], ['rsa', 'ec']] as const) {
    const ca = await makeCa({ commonName: `lab CA ${caType}`, keyType: caType });
    const server = await makeSigned(ca, { commonName: 'nms.lab', ipSans: ['127.0.0.1'], keyType: serverType });
    const caX = new X509Certificate(ca.cert);
    const sX = new X509Certificate(server.cert);
    assert.ok(caX.ca);
    assert.equal(sX.issuer, caX.subject);
    assert.ok(sX.verify(caX.publicKey));
    assert.equal(sX.publicKey.asymmetricKeyType, serverType);
    const port = await tlsServer(server);
    assert.equal(await handshake(port, ca.cert, '127.0.0.1'), 'ok');
  }
});

test('expired and untrusted certificates fail verification', async () => {
  const day = 24 * 3600 * 1000;
  const expired = await makeSelfSigned({ ipSans: ['127.0.0.1'], notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) });
  assert.ok(new Date(new X509Certificate(expired.cert).validTo).getTime() < Date.now());
  assert.equal(await handshake(await tlsServer(expired), expired.cert, '127.0.0.1'), 'CERT_HAS_EXPIRED');
  const served = await makeSelfSigned({ ipSans: ['127.0.0.1'] });
  const other = await makeSelfSigned({ ipSans: ['127.0.0.1'] });
  assert.equal(await handshake(await tlsServer(served), other.cert, '127.0.0.1'), 'DEPTH_ZERO_SELF_SIGNED_CERT');
});

test('grpc-js serves with these certificates (self-signed RSA, CA-signed EC)', async () => {
  const rsa = await makeSelfSigned({ commonName: 'nms.lab', ipSans: ['127.0.0.1'], keyType: 'rsa' });
  const ca = await makeCa({});
  const signed = await makeSigned(ca, { ipSans: ['127.0.0.1'] });
  for (const [pem, trusted] of [[rsa, rsa.cert], [signed, ca.cert]] as const) {
    const nms = new ReferenceNms({ cert: pem.cert, key: pem.key });
    nmss.push(nms);
    const port = await nms.start();
    const c = rawClient(port, trusted);
    clients.push(c);
    assert.equal(await status(c), 'SUCCESS');
  }
});

test('oneLineCert gives the base64 body, which turns back into the same certificate', async () => {
  const pem = await makeSelfSigned({});
  const line = oneLineCert(pem.cert);
  assert.doesNotMatch(line, /\s|-----/);
  const back = `-----BEGIN CERTIFICATE-----\n${line}\n-----END CERTIFICATE-----\n`;
  assert.equal(new X509Certificate(back).fingerprint256, new X509Certificate(pem.cert).fingerprint256);
  assert.throws(() => oneLineCert('nothing'), /no PEM certificate/);
});
