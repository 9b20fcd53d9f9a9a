/**
 * TLS towards one NMS server: trust only that server's certificate (self-signed) or its CA,
 * and check the server's identity by the rule of Junos outbound HTTPS:
 * a certificate with a SubjectAltName IP entry names the server by those IPs (the CN is
 * ignored); otherwise its subject CN must equal the address dialled.
 * Chain, validity dates and signatures are checked by Node's TLS; only the identity rule is ours.
 */
import * as grpc from '@grpc/grpc-js';
import { isIP } from 'node:net';
import type { PeerCertificate } from 'node:tls';
import type { ServerConfig } from './config-types.js';
import { cachingPeerCertificates } from './peer-cert-cache.js';

/** Reasons a server's certificate was refused, as one line. */
export class IdentityError extends Error {
  readonly code = 'ERR_NCGD_SERVER_IDENTITY';
  constructor(message: string) {
    super(message);
    this.name = 'IdentityError';
  }
}

function sanEntries(altNames: string | undefined): { ips: string[]; dns: string[] } {
  const ips: string[] = [];
  const dns: string[] = [];
  for (const part of (altNames ?? '').split(/,\s*/)) {
    const m = /^(IP Address|DNS):(.*)$/.exec(part.trim());
    if (!m) continue;
    (m[1] === 'DNS' ? dns : ips).push(m[2].trim());
  }
  return { ips, dns };
}

function sameIp(a: string, b: string): boolean {
  const norm = (s: string) => (isIP(s) === 6 ? s.toLowerCase().replace(/(^|:)0+(?=[0-9a-f])/g, '$1') : s);
  return norm(a) === norm(b);
}

/** The identity rule, on a certificate's CN and SAN text; returns why it fails, or undefined. */
export function checkIdentity(address: string, commonName: string | undefined, subjectAltName: string | undefined): string | undefined {
  const { ips } = sanEntries(subjectAltName);
  if (ips.length) {
    if (ips.some((ip) => sameIp(ip, address))) return undefined;
    return `certificate names IP ${ips.join(', ')} in its SubjectAltName, not ${address}`;
  }
  const cn = commonName ?? '';
  if (cn && cn.toLowerCase() === address.toLowerCase()) return undefined;
  return `certificate CN is "${cn}", not the address dialled (${address})`;
}

function peerCn(cert: PeerCertificate): string | undefined {
  const cn = cert.subject?.CN as string | string[] | undefined;
  return Array.isArray(cn) ? cn[0] : cn;
}

type ConnectorArgs = Parameters<grpc.ChannelCredentials['_createSecureConnector']>;

/**
 * TLS credentials that send the SNI server name only for DNS names: grpc-js sets
 * `servername` to the host dialled even when it is an IP address, which RFC 6066 forbids and
 * Node flags (DEP0123) on every connection. The identity check does not use it (it checks the
 * configured address), so for an IP it is simply left out.
 */
class DnsOnlyServername extends grpc.ChannelCredentials {
  constructor(private readonly inner: grpc.ChannelCredentials) {
    super();
  }
  _isSecure(): boolean {
    return this.inner._isSecure();
  }
  _equals(other: grpc.ChannelCredentials): boolean {
    return other === this || (other instanceof DnsOnlyServername && this.inner._equals(other.inner));
  }
  _createSecureConnector(...args: ConnectorArgs): ReturnType<grpc.ChannelCredentials['_createSecureConnector']> {
    const connector = this.inner._createSecureConnector(...args);
    const opts = (connector as unknown as { connectionOptions?: { servername?: string } }).connectionOptions;
    if (opts && typeof opts.servername === 'string' && isIP(opts.servername) !== 0) delete opts.servername;
    return connector;
  }
}

/** `creds`, sending the TLS server name only when the host dialled is a DNS name. */
export function dnsOnlyServername(creds: grpc.ChannelCredentials): grpc.ChannelCredentials {
  return new DnsOnlyServername(creds);
}

/**
 * Channel credentials for one configured server. The identity rule's verdict is kept per
 * certificate (the certificate objects are made once per certificate: peer-cert-cache.ts).
 */
export function serverCredentials(server: ServerConfig, onIdentityError?: (reason: string) => void): grpc.ChannelCredentials {
  const verdicts = new WeakMap<PeerCertificate, string | null>();
  return cachingPeerCertificates(
    new DnsOnlyServername(
      grpc.credentials.createSsl(Buffer.from(server.trustedCert), null, null, {
        checkServerIdentity: (_host: string, cert: PeerCertificate) => {
          let reason = verdicts.get(cert);
          if (reason === undefined) {
            reason = checkIdentity(server.address, peerCn(cert), cert.subjectaltname) ?? null;
            verdicts.set(cert, reason);
          }
          if (reason === null) return undefined;
          onIdentityError?.(reason);
          return new IdentityError(reason);
        },
      }),
    ),
  );
}

/** Shared credentials, one per (address, port, trusted certificate): one TLS context for a whole fleet. */
const shared = new Map<string, { creds: grpc.ChannelCredentials; identity: { reason?: string; at: number } }>();
/** Distinct servers remembered; a reload with many new certificates starts the cache over. */
const MAX_SHARED = 256;

/**
 * Channel credentials for `server`, shared by every channel (of every device of the
 * process) to that server with that trusted certificate: one secure context (the CA parsed
 * once) instead of one per link or probe. `identityError(since)` is the last identity
 * refusal seen through them at or after `since` (ms), for a probe to report.
 */
export function sharedServerCredentials(server: ServerConfig): { creds: grpc.ChannelCredentials; identityError(since: number): string | undefined } {
  const key = `${server.address}\0${server.port}\0${server.trustedCert.trim()}`;
  let entry = shared.get(key);
  if (!entry) {
    if (shared.size >= MAX_SHARED) shared.clear();
    const identity: { reason?: string; at: number } = { at: 0 };
    entry = { creds: serverCredentials(server, (reason) => Object.assign(identity, { reason, at: Date.now() })), identity };
    shared.set(key, entry);
  }
  const { creds, identity } = entry;
  return { creds, identityError: (since) => (identity.reason !== undefined && identity.at >= since ? identity.reason : undefined) };
}
