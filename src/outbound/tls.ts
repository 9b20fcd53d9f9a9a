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
import type { ServerConfig } from './config.js';

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

/** Channel credentials for one configured server. */
export function serverCredentials(server: ServerConfig, onIdentityError?: (reason: string) => void): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(Buffer.from(server.trustedCert), null, null, {
    checkServerIdentity: (_host: string, cert: PeerCertificate) => {
      const reason = checkIdentity(server.address, peerCn(cert), cert.subjectaltname);
      if (!reason) return undefined;
      onIdentityError?.(reason);
      return new IdentityError(reason);
    },
  });
}
