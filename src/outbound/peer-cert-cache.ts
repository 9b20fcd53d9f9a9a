/**
 * TLS connections to an NMS that look at its certificate once per certificate, not once per
 * connection. Node's TLS client turns the server's certificate chain into JavaScript objects
 * (`getPeerCertificate(true)`) on every connection for the identity check, and grpc-js does
 * it again (`getPeerCertificate()`); for a fleet that opens a connection per device and per
 * session, that is a large part of its CPU (about 0.4-0.8 ms a connection on this machine).
 *
 * Here every connection still has its certificate chain verified by OpenSSL (trust, dates,
 * signatures) and the identity rule applied, and the bytes on the wire are grpc-js's own
 * (the same tls.connect options: ALPN h2, server name, the shared secure context): only the
 * translation of the certificate into objects is kept, keyed by the certificate's DER bytes
 * (read through the socket's X509Certificate handle, which translates nothing).
 *
 * Built on grpc-js's credentials interface (`_createSecureConnector`, declared in its types):
 * when a grpc-js version lacks what this needs, the connection is made by grpc-js as before.
 */
import * as grpc from '@grpc/grpc-js';
import tls, { type PeerCertificate, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { X509Certificate } from 'node:crypto';

type Connector = ReturnType<grpc.ChannelCredentials['_createSecureConnector']>;

/** Certificates remembered (distinct NMS certificates in one process are few). */
const MAX_CERTS = 64;
const byDer = new Map<string, PeerCertificate & DetailedPeerCertificate>();
const nodeGetPeerCertificate = tls.TLSSocket.prototype.getPeerCertificate;

/** Translations made, and answered from the cache (for tests and the curious). */
export const peerCertificateCounts = { translated: 0, cached: 0 };

/**
 * The certificate as the identity check reads it (subject CN, SubjectAltName, the DER bytes,
 * dates, fingerprint), from the X509Certificate handle: made once per certificate.
 */
function fromX509(x: X509Certificate): PeerCertificate & DetailedPeerCertificate {
  const cn = x.subject
    .split('\n')
    .find((line) => line.startsWith('CN='))
    ?.slice(3);
  const cert = {
    subject: cn === undefined ? {} : { CN: cn },
    issuer: {},
    subjectaltname: x.subjectAltName,
    raw: x.raw,
    valid_from: x.validFrom,
    valid_to: x.validTo,
    fingerprint256: x.fingerprint256,
    serialNumber: x.serialNumber,
  };
  return cert as unknown as PeerCertificate & DetailedPeerCertificate;
}

/**
 * A getPeerCertificate for one socket. The DER bytes come through the socket's
 * X509Certificate handle, which translates nothing (Node's getPeerCertificate turns the
 * certificate into objects, about half a millisecond a connection); the objects are made
 * once per certificate. Node 20 hands the peer certificate over to the first X509Certificate
 * asked for (getPeerCertificate answers empty after it), so this socket's answer is kept.
 */
function cachingGetPeerCertificate(socket: TLSSocket): TLSSocket['getPeerCertificate'] {
  let mine: (PeerCertificate & DetailedPeerCertificate) | undefined;
  return function getPeerCertificate(detailed?: boolean): PeerCertificate & DetailedPeerCertificate {
    if (mine) return mine;
    const x509 = typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined;
    if (!x509) return nodeGetPeerCertificate.call(socket, detailed) as PeerCertificate & DetailedPeerCertificate;
    const key = x509.raw.toString('base64');
    let hit = byDer.get(key);
    if (hit) {
      peerCertificateCounts.cached++;
    } else {
      hit = fromX509(x509);
      peerCertificateCounts.translated++;
      if (byDer.size >= MAX_CERTS) byDer.clear();
      byDer.set(key, hit);
    }
    mine = hit;
    return hit;
  } as TLSSocket['getPeerCertificate'];
}

/**
 * What grpc-js's secure connector does, with the caching getPeerCertificate on the socket:
 * the TLS socket at once, and `secure` settling when the handshake has (certificate checked).
 */
function secureSocket(connection: tls.ConnectionOptions): { socket: TLSSocket; secure: Promise<void> } {
  let tlsSocket!: TLSSocket;
  const secure = new Promise<void>((resolve, reject) => {
    tlsSocket = tls.connect(connection, () => {
      if ((connection.rejectUnauthorized ?? true) && !tlsSocket.authorized) {
        reject(tlsSocket.authorizationError);
        return;
      }
      resolve();
    });
    // Set before the handshake ends: Node's identity check asks for it then.
    tlsSocket.getPeerCertificate = cachingGetPeerCertificate(tlsSocket);
    tlsSocket.on('error', (error) => reject(error));
  });
  return { socket: tlsSocket, secure };
}

/** TLS over a connected plain socket (grpc-js's connector interface). */
function connect(options: tls.ConnectionOptions, socket: Socket): Promise<{ socket: Socket; secure: boolean }> {
  const tlsSocket = secureSocket({ socket, ...options });
  return tlsSocket.secure.then(() => ({ socket: tlsSocket.socket, secure: true }));
}

/** TCP opened by the TLS socket itself (h2-grpc.ts: Dial.connector.open). */
function open(options: tls.ConnectionOptions, host: string, port: number): { socket: Socket; secure: Promise<unknown> } {
  const { socket: _none, ...rest } = options;
  const opened = secureSocket({ ...rest, host, port });
  // As on a plain socket: no Nagle delay once TCP is up (the ClientHello is out).
  opened.socket.once('connect', () => opened.socket.setNoDelay(true));
  return opened;
}

class CachingCredentials extends grpc.ChannelCredentials {
  constructor(private readonly inner: grpc.ChannelCredentials) {
    super();
  }

  _isSecure(): boolean {
    return true;
  }

  _equals(other: grpc.ChannelCredentials): boolean {
    return other === this;
  }

  _createSecureConnector(...args: Parameters<grpc.ChannelCredentials['_createSecureConnector']>): Connector {
    const inner = this.inner._createSecureConnector(...args);
    const options = (inner as unknown as { connectionOptions?: tls.ConnectionOptions }).connectionOptions;
    if (!options || typeof options !== 'object') return inner;
    return {
      connect: (socket: Socket) => connect(options, socket),
      open: (host: string, port: number) => open(options, host, port),
      waitForReady: () => inner.waitForReady(),
      getCallCredentials: () => inner.getCallCredentials(),
      destroy: () => inner.destroy(),
    } as Connector;
  }
}

/** `creds` (grpc-js TLS channel credentials) with the certificate translated once per certificate. */
export function cachingPeerCertificates(creds: grpc.ChannelCredentials): grpc.ChannelCredentials {
  return new CachingCredentials(creds);
}
