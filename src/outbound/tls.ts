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

/**
 * Channel credentials for one configured server. The identity rule's verdict is kept per
 * certificate (the certificate objects are made once per certificate: peer-cert-cache.ts).
 */
export function serverCredentials(server: ServerConfig, onIdentityError?: (reason: string) => void): grpc.ChannelCredentials {
  const verdicts = new WeakMap<PeerCertificate, string | null>();
  return cachingPeerCertificates(
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
