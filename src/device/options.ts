/**
 * The device command's options: its flags (DeviceFlags), and what they say about the NMS to
 * dial (agentConfigFromFlags) and the faults to inject from the start (faultsFromFlags).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { clientFromFlags, validateAgentConfig, validateTransport, type AgentConfig, type ClientFlags } from '../outbound/config.js';
import { parseAgentConfigFile } from '../outbound/junos-config.js';
import { protocolFor } from '../outbound/protocols/index.js';
import { DEFAULT_PROTOCOL, type ProtocolName } from '../wire/contract.js';
import { decodeSecret9, isSecret9 } from '../junos/secret9.js';
import { FaultSet, FaultSpecError } from '../faults/faults.js';
import { UsageError } from '../errors.js';

/** The device command's flags: one client's flags (ClientFlags) plus the emulator's own. */
export interface DeviceFlags extends Omit<ClientFlags, 'name'> {
  config?: string;
  protocol?: string;
  instanceId?: string;
  keepalive?: number;
  connectTimeout?: number;
  profile: string;
  stateDir?: string;
  hostname?: string;
  username?: string;
  allowRootShell: boolean;
  shellPrompt: boolean;
  netconfCommand?: string;
  netconfBackend?: string;
  shellBackend?: string;
  sshKey?: string;
  sshPort?: number;
  sshHost: string;
  sshUser?: string[];
  sshAuthorizedKeys?: string;
  control?: string;
  metricsPort?: number;
  logFormat?: 'json' | 'pretty';
  logLevel: string;
  logFile?: string;
  /** `N` or `PROFILE:COUNT,...` (mixed fleet). */
  devices?: number | string;
  /** `I/N`: run shard I of N of the fleet (else NCGD_SHARDS and the pod index). */
  shard?: string;
  /** With a fleet's SSH faces: device n listens on this address + n-1. */
  sshAddressRange?: string;
  metricsHost?: string;
  /** Fleet: reconnect in step instead of spread (`--storm`). */
  storm?: boolean;
  /** Keep a spare connection from the start (`--preconnect`). */
  preconnect?: boolean;
  /** Fault specs (`--fault`, repeatable). */
  fault?: string[];
  secretFile?: string;
  sshUserFile?: string;
  /** Fleet: `auto` or how many threads run the devices (`--threads`). */
  threads?: string | number;
  /**
   * Internal: the block of the fleet one thread of a threaded fleet runs (fleet-threads.ts);
   * such a thread has no control socket, metrics or configuration watch of its own.
   */
  block?: { first: number; last: number };
  /** Seconds a reboot keeps a device down (`--boot-time`; default the profile's). */
  bootTime?: number;
  /** A scenario file run from the start (`--scenario`). */
  scenario?: string;
}

/** The faults of `--fault`; a bad spec is a usage error. */
export function faultsFromFlags(f: DeviceFlags): FaultSet {
  try {
    return new FaultSet((f.fault ?? []).map(String));
  } catch (err) {
    if (err instanceof FaultSpecError) throw new UsageError(err.message);
    throw err;
  }
}

/** Known hosts of the SSH bridges (trust on first use): kept in the state directory. */
export function knownHostsFile(f: DeviceFlags): string | undefined {
  return f.stateDir ? path.join(path.resolve(f.stateDir), 'known_hosts') : undefined;
}

/** Reads the agent configuration the flags describe, or undefined when no NMS is configured. */
export function agentConfigFromFlags(f: DeviceFlags): AgentConfig | undefined {
  if (f.config && f.host) throw new UsageError('give either --config or --host (with --cert and --device-id), not both');
  if (f.config) {
    // --secret-file (or --secret, NCGD_SECRET): the secret of clients without a `secret` statement.
    const cfg = parseAgentConfigFile(f.config, f.secret);
    if (f.protocol) cfg.protocol = f.protocol as ProtocolName;
    if (f.username) cfg.username = f.username;
    return withTransportFlags(cfg, f);
  }
  if (!f.host) {
    for (const flag of ['cert', 'certFile', 'deviceId', 'secret'] as const) {
      if (f[flag]) throw new UsageError('--host is required with --cert, --device-id and --secret (the NMS to dial)');
    }
    return undefined;
  }
  const protocol = (f.protocol ?? DEFAULT_PROTOCOL) as ProtocolName;
  const secret = f.secret && isSecret9(f.secret) ? decodeSecret9(f.secret) : f.secret;
  const client = clientFromFlags(
    {
      host: f.host,
      port: f.port,
      cert: f.cert,
      certFile: f.certFile,
      deviceId: f.deviceId,
      secret: secret ?? protocolFor(protocol).defaultSecret,
      waittime: f.waittime,
      reconnectStrategy: f.reconnectStrategy,
    },
    (p) => readFileSync(p, 'utf8'),
    protocol,
  );
  return validateAgentConfig(withTransportFlags({ clients: [client], protocol, username: f.username }, f), 'flags');
}

/** --keepalive and --connect-timeout override the configuration file's. */
function withTransportFlags(cfg: AgentConfig, f: DeviceFlags): AgentConfig {
  if (f.keepalive !== undefined) cfg.keepalive = f.keepalive;
  if (f.connectTimeout !== undefined) cfg.connectTimeout = f.connectTimeout;
  validateTransport(cfg, 'flags');
  return cfg;
}
