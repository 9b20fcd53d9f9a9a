/**
 * The agent's configuration model: outbound-https clients, each with an ordered server list.
 * Every input form (flags, JSON, Junos syntax) ends as an AgentConfig, validated in config.ts.
 * Types only, so the protocols and the channel can name them without importing config.ts
 * (which asks the protocol registry).
 */
import type { ProtocolName } from '../wire/contract.js';

export type ReconnectStrategy = 'in-order' | 'sticky';

export interface ServerConfig {
  /** Hostname or IPv4 address, dialled as written and checked against the certificate. */
  address: string;
  /** Default 443. */
  port: number;
  /** PEM of the server's self-signed certificate or of its CA. */
  trustedCert: string;
}

export interface ClientConfig {
  /** Any unique name; never sent to the NMS. */
  name: string;
  deviceId: string;
  /** Decoded shared secret. */
  secret: string;
  /** Seconds to sleep after a full unsuccessful walk; default 30. */
  waittime: number;
  reconnectStrategy: ReconnectStrategy;
  servers: ServerConfig[];
}

export interface AgentConfig {
  clients: ClientConfig[];
  /** The sessions' user (the JET app's `username`); default nobody. */
  username?: string;
  /** Which outbound-HTTPS protocol: enhanced (20.3+, default) or basic (20.2). */
  protocol?: ProtocolName;
  /** HTTP/2 keepalive ping interval in seconds while a call is open; 0 turns it off. Default 300. */
  keepalive?: number;
  /** Bound in seconds on TCP connect + TLS handshake + the server's HTTP/2 settings. Default 10. */
  connectTimeout?: number;
}
