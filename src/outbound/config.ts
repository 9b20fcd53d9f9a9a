import { X509Certificate } from 'node:crypto';
import { UsageError } from '../errors.js';
import type { ProtocolName } from '../wire/contract.js';
import { isPort } from '../wire/port.js';
import type { AgentConfig, ClientConfig, ReconnectStrategy } from './config-types.js';

/**
 * The agent's configuration: defaults, checks, and the one client of the command-line flags.
 * The model itself (AgentConfig, ClientConfig, ServerConfig) is in config-types.ts.
 */
export type { AgentConfig, ClientConfig, ReconnectStrategy, ServerConfig } from './config-types.js';

export const RECONNECT_STRATEGIES = ['in-order', 'sticky'] as const satisfies readonly ReconnectStrategy[];
export const DEFAULT_RECONNECT_STRATEGY: ReconnectStrategy = 'in-order';

export function isReconnectStrategy(v: unknown): v is ReconnectStrategy {
  return (RECONNECT_STRATEGIES as readonly unknown[]).includes(v);
}

/** What a bad reconnect strategy is told. */
export const RECONNECT_STRATEGY_RULE = `reconnect-strategy must be ${RECONNECT_STRATEGIES.join(' or ')}`;

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
    if (/\.\.\.|…/.test(b64)) {
      throw new ConfigError(`${what} is cut short ("..." in it, as in the documentation's examples): paste the whole certificate, e.g. the line \`nc-grpc-device certs\` prints`);
    }
    if (!b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) {
      throw new ConfigError(`${what} is not a PEM certificate (expected base64 between BEGIN/END CERTIFICATE markers)`);
    }
    const lines = b64.match(/.{1,64}/g) ?? [];
    return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
  });
  return out.join('');
}

/** Checks an AgentConfig; throws ConfigError naming the first problem. */
export function validateAgentConfig(cfg: AgentConfig, source = 'configuration'): AgentConfig {
  if (!Array.isArray(cfg.clients) || cfg.clients.length === 0) {
    throw new ConfigError(`${source}: no outbound-https client is configured`);
  }
  validateTransport(cfg, inSource(source));
  const names = new Set<string>();
  for (const c of cfg.clients) {
    const where = `${source}: client ${c.name || '(unnamed)'}`;
    if (!c.name) throw new ConfigError(`${source}: a client has no name`);
    if (names.has(c.name)) throw new ConfigError(`${where}: the name is used twice`);
    names.add(c.name);
    if (!c.deviceId) throw new ConfigError(`${where}: device-id is missing`);
    if (!c.secret) throw new ConfigError(`${where}: secret is missing`);
    if (!Number.isInteger(c.waittime) || c.waittime < 0) throw new ConfigError(`${where}: waittime must be a whole number of seconds`);
    if (!isReconnectStrategy(c.reconnectStrategy)) throw new ConfigError(`${where}: ${RECONNECT_STRATEGY_RULE}`);
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

/** How messages name a field of a configuration: as typed in its source (`--keepalive`, `lab.json: keepalive`). */
export type FieldNamer = (field: string) => string;

/** Fields named after the file (or source) they came from. */
export const inSource = (source: string): FieldNamer => (field) => `${source}: ${field}`;

/** Checks keepalive and connect-timeout; throws ConfigError naming the bad one. */
export function validateTransport(cfg: Pick<AgentConfig, 'keepalive' | 'connectTimeout'>, name: FieldNamer = inSource('configuration')): void {
  const k = cfg.keepalive;
  if (k !== undefined && (typeof k !== 'number' || !Number.isFinite(k) || k < 0 || (k > 0 && k < 0.1) || k > 86_400)) {
    throw new ConfigError(`${name('keepalive')} must be seconds between 0.1 and 86400, or 0 to turn it off`);
  }
  const t = cfg.connectTimeout;
  if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t) || t < 0.1 || t > 3600)) {
    throw new ConfigError(`${name('connect-timeout')} must be seconds between 0.1 and 3600`);
  }
}

/** One client given piece by piece (the device's settings, the basic app's arguments). */
export interface ClientParts {
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

/** What building a client needs to know of its protocol (src/outbound/protocols/index.ts). */
export interface ClientProtocol {
  name: ProtocolName;
  needsDeviceId: boolean;
  /** The protocols that need no device id, for the message when one is missing. */
  withoutDeviceId: readonly string[];
}

/**
 * Builds one client from its parts; `readFile` reads certFile. Missing pieces are named in
 * the error as the source spells them (`name`: `--cert-file` on the command line, `-cert-file`
 * in JET arguments), so the user knows what to add.
 */
export function clientFromParts(f: ClientParts, readFile: (p: string) => string, protocol: ClientProtocol, name: (part: keyof ClientParts | 'protocol') => string): ClientConfig {
  if (!f.host) throw new ConfigError(`${name('host')} is required (the NMS address, as named by its certificate)`);
  if (f.cert && f.certFile) throw new ConfigError(`give either ${name('cert')} or ${name('certFile')}, not both`);
  if (!f.cert && !f.certFile) throw new ConfigError(`${name('cert')} (certificate body on one line) or ${name('certFile')} (PEM file) is required`);
  const needsDeviceId = protocol.needsDeviceId;
  const without = protocol.withoutDeviceId.length ? ` (or ${name('protocol')} ${protocol.withoutDeviceId.join('|')}, which has none)` : '';
  if (needsDeviceId && !f.deviceId) throw new ConfigError(`${name('deviceId')} is required${without}`);
  if (needsDeviceId && !f.secret) throw new ConfigError(`${name('secret')} is required`);
  let certText: string;
  if (f.certFile) {
    try {
      certText = readFile(f.certFile);
    } catch (err) {
      throw new ConfigError(`cannot read ${name('certFile')} ${f.certFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  } else certText = f.cert!;
  const strategy = f.reconnectStrategy ?? DEFAULT_RECONNECT_STRATEGY;
  if (!isReconnectStrategy(strategy)) throw new ConfigError(`${name('reconnectStrategy')} must be ${RECONNECT_STRATEGIES.join(' or ')}`);
  return {
    name: f.name ?? 'cli',
    // A protocol without device ids: the client is named after it.
    deviceId: f.deviceId ?? protocol.name,
    secret: f.secret ?? '',
    waittime: f.waittime ?? DEFAULT_WAITTIME,
    reconnectStrategy: strategy,
    servers: [{ address: f.host, port: f.port ?? DEFAULT_PORT, trustedCert: normalizeCertificate(certText, f.certFile ? `${name('certFile')} ${f.certFile}` : name('cert')) }],
  };
}
