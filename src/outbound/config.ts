import { X509Certificate } from 'node:crypto';
import { UsageError } from '../errors.js';
import { DEFAULT_PROTOCOL, type ProtocolName } from '../wire/contract.js';
import { protocolFor } from './protocols/index.js';
import type { AgentConfig, ClientConfig } from './config-types.js';

/**
 * The agent's configuration: defaults, checks, and the one client of the command-line flags.
 * The model itself (AgentConfig, ClientConfig, ServerConfig) is in config-types.ts.
 */
export type { AgentConfig, ClientConfig, ReconnectStrategy, ServerConfig } from './config-types.js';

export const DEFAULT_PORT = 443;
export const DEFAULT_WAITTIME = 30;
/**
 * Keepalive default: 300 s, the shortest interval a gRPC C-core server (grpcio, as the
 * sample NMS) accepts on a connection without data (min_recv_ping_interval_without_data,
 * 2 strikes): faster pings get the connection closed with ENHANCE_YOUR_CALM, which would
 * fail the pending Initialize. A frozen NMS is found dead within 300 + 20 s.
 */
export const DEFAULT_KEEPALIVE = 300;
export const DEFAULT_CONNECT_TIMEOUT = 10;

/** The keepalive and connect bound of a configuration, in ms, defaults applied. */
export function transportTiming(cfg: Pick<AgentConfig, 'keepalive' | 'connectTimeout'>): { keepaliveMs: number; connectTimeoutMs: number } {
  return { keepaliveMs: (cfg.keepalive ?? DEFAULT_KEEPALIVE) * 1000, connectTimeoutMs: (cfg.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT) * 1000 };
}

/** A configuration error users see: one line naming what is wrong (and where). */
export class ConfigError extends UsageError {}

const PEM_RE = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/**
 * Turns a certificate as a device takes it into PEM: a one-line body (with or without its
 * BEGIN/END markers) gets the markers on their own lines and 64-column lines; normal PEM
 * (one or more certificates) is kept.
 */
export function normalizeCertificate(input: string, what = 'certificate'): string {
  const text = input.trim().replace(/^"|"$/g, '').replace(/\\n/g, '\n');
  const blocks = [...text.matchAll(PEM_RE)].map((m) => m[1]);
  const bodies = blocks.length ? blocks : [text];
  const out = bodies.map((body) => {
    const b64 = body.replace(/\s+/g, '');
    if (!b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) {
      throw new ConfigError(`${what} is not a PEM certificate (expected base64 between BEGIN/END CERTIFICATE markers)`);
    }
    const lines = b64.match(/.{1,64}/g) ?? [];
    return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
  });
  return out.join('');
}

function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** Checks an AgentConfig; throws ConfigError naming the first problem. */
export function validateAgentConfig(cfg: AgentConfig, source = 'configuration'): AgentConfig {
  if (!Array.isArray(cfg.clients) || cfg.clients.length === 0) {
    throw new ConfigError(`${source}: no outbound-https client is configured`);
  }
  validateTransport(cfg, source);
  const names = new Set<string>();
  for (const c of cfg.clients) {
    const where = `${source}: client ${c.name || '(unnamed)'}`;
    if (!c.name) throw new ConfigError(`${source}: a client has no name`);
    if (names.has(c.name)) throw new ConfigError(`${where}: the name is used twice`);
    names.add(c.name);
    if (!c.deviceId) throw new ConfigError(`${where}: device-id is missing`);
    if (!c.secret) throw new ConfigError(`${where}: secret is missing`);
    if (!Number.isInteger(c.waittime) || c.waittime < 0) throw new ConfigError(`${where}: waittime must be a whole number of seconds`);
    if (c.reconnectStrategy !== 'in-order' && c.reconnectStrategy !== 'sticky') {
      throw new ConfigError(`${where}: reconnect-strategy must be in-order or sticky`);
    }
    if (!c.servers.length) throw new ConfigError(`${where}: no server is configured`);
    for (const s of c.servers) {
      if (!s.address) throw new ConfigError(`${where}: a server has no address`);
      if (!isPort(s.port)) throw new ConfigError(`${where}: server ${s.address}: port must be 1-65535`);
      if (!s.trustedCert) throw new ConfigError(`${where}: server ${s.address}: trusted-cert is missing`);
      try {
        new X509Certificate(s.trustedCert);
      } catch (err) {
        throw new ConfigError(`${where}: server ${s.address}: trusted-cert is not a valid X.509 certificate (${(err as Error).message})`);
      }
    }
  }
  return cfg;
}

/** Checks keepalive and connect-timeout; throws ConfigError naming the bad one. */
export function validateTransport(cfg: Pick<AgentConfig, 'keepalive' | 'connectTimeout'>, source = 'configuration'): void {
  // Flags are named as typed; a file's keys after the file's name.
  const name = (key: string) => (source === 'flags' ? `--${key}` : `${source}: ${key}`);
  const k = cfg.keepalive;
  if (k !== undefined && (typeof k !== 'number' || !Number.isFinite(k) || k < 0 || (k > 0 && k < 0.1) || k > 86_400)) {
    throw new ConfigError(`${name('keepalive')} must be seconds between 0.1 and 86400, or 0 to turn it off`);
  }
  const t = cfg.connectTimeout;
  if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t) || t < 0.1 || t > 3600)) {
    throw new ConfigError(`${name('connect-timeout')} must be seconds between 0.1 and 3600`);
  }
}

/** The one-client configuration of the command-line flags. */
export interface ClientFlags {
  host?: string;
  port?: number;
  cert?: string;
  certFile?: string;
  deviceId?: string;
  secret?: string;
  waittime?: number;
  reconnectStrategy?: string;
  name?: string;
}

/**
 * Builds one client from flags; `readFile` reads --cert-file. Missing pieces are named in
 * the error so the user knows which flag to add.
 */
export function clientFromFlags(f: ClientFlags, readFile: (p: string) => string, protocol: ProtocolName = DEFAULT_PROTOCOL): ClientConfig {
  if (!f.host) throw new ConfigError('--host is required (the NMS address, as named by its certificate)');
  if (f.cert && f.certFile) throw new ConfigError('give either --cert or --cert-file, not both');
  if (!f.cert && !f.certFile) throw new ConfigError('--cert (certificate body on one line) or --cert-file (PEM file) is required');
  const needsDeviceId = protocolFor(protocol).needsDeviceId;
  if (needsDeviceId && !f.deviceId) throw new ConfigError('--device-id is required (or --protocol basic for the 20.2 app, which has none)');
  if (needsDeviceId && !f.secret) throw new ConfigError('--secret is required');
  let certText: string;
  if (f.certFile) {
    try {
      certText = readFile(f.certFile);
    } catch (err) {
      throw new ConfigError(`cannot read --cert-file ${f.certFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  } else certText = f.cert!;
  const strategy = f.reconnectStrategy ?? 'in-order';
  if (strategy !== 'in-order' && strategy !== 'sticky') throw new ConfigError('--reconnect-strategy must be in-order or sticky');
  return {
    name: f.name ?? 'cli',
    deviceId: f.deviceId ?? 'basic',
    secret: f.secret ?? '',
    waittime: f.waittime ?? DEFAULT_WAITTIME,
    reconnectStrategy: strategy,
    servers: [{ address: f.host, port: f.port ?? DEFAULT_PORT, trustedCert: normalizeCertificate(certText, f.certFile ? `--cert-file ${f.certFile}` : '--cert') }],
  };
}
