/**
 * What a device's settings (settings.ts) say about the NMS to dial (agentConfigOf), the
 * faults to inject from the start (faultsOf) and the session backends (backendSpecs).
 */
import { readFileSync } from 'node:fs';
import { clientFromParts, validateAgentConfig, validateTransport, type AgentConfig } from '../outbound/config.js';
import { parseAgentConfigFile } from '../outbound/junos-config.js';
import { clientProtocol, protocolFor } from '../outbound/protocols/index.js';
import { DEFAULT_PROTOCOL } from '../wire/contract.js';
import { decodeSecret9, isSecret9 } from '../junos/identity/secret9.js';
import { FaultSet, FaultSpecError } from '../faults/faults.js';
import { UsageError } from '../errors.js';
import type { SessionKind } from '../session/byte-session.js';
import { flagName, type DeviceSettings } from './settings.js';

/** The faults of `--fault`; a bad spec is a usage error. */
export function faultsOf(s: DeviceSettings): FaultSet {
  try {
    return new FaultSet(s.fault ?? []);
  } catch (err) {
    if (err instanceof FaultSpecError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * The session backends' specs (src/backends/registry.ts): --netconf-command C is `exec:C`,
 * --netconf-backend and --shell-backend are specs as given; none: the built-in ones.
 */
export function backendSpecs(s: DeviceSettings): Record<SessionKind, string | undefined> {
  if (s.netconfBackend && s.netconfCommand) throw new UsageError(`give either ${flagName('netconfBackend')} or ${flagName('netconfCommand')}, not both`);
  return { netconf: s.netconfCommand ? `exec:${s.netconfCommand}` : s.netconfBackend, csh: s.shellBackend };
}

/** Reads the agent configuration the settings describe, or undefined when no NMS is configured. */
export function agentConfigOf(s: DeviceSettings): AgentConfig | undefined {
  if (s.config && s.host) throw new UsageError(`give either ${flagName('config')} or ${flagName('host')} (with ${flagName('cert')} and ${flagName('deviceId')}), not both`);
  if (s.config) {
    // --secret-file (or --secret, NCGD_SECRET): the secret of clients without a `secret` statement.
    const cfg = parseAgentConfigFile(s.config, s.secret);
    if (s.protocol) cfg.protocol = s.protocol;
    if (s.username) cfg.username = s.username;
    return withTransportSettings(cfg, s);
  }
  if (!s.host) {
    for (const name of ['cert', 'certFile', 'deviceId', 'secret'] as const) {
      if (s[name]) throw new UsageError(`${flagName('host')} is required with ${flagName('cert')}, ${flagName('deviceId')} and ${flagName('secret')} (the NMS to dial)`);
    }
    return undefined;
  }
  const protocol = s.protocol ?? DEFAULT_PROTOCOL;
  const secret = s.secret && isSecret9(s.secret) ? decodeSecret9(s.secret) : s.secret;
  const client = clientFromParts(
    { ...s, secret: secret ?? protocolFor(protocol).defaultSecret },
    (p) => readFileSync(p, 'utf8'),
    clientProtocol(protocol),
    flagName,
  );
  return validateAgentConfig(withTransportSettings({ clients: [client], protocol, username: s.username }, s), 'flags');
}

/** --keepalive and --connect-timeout override the configuration file's. */
function withTransportSettings(cfg: AgentConfig, s: DeviceSettings): AgentConfig {
  const out = { ...cfg };
  if (s.keepalive !== undefined) out.keepalive = s.keepalive;
  if (s.connectTimeout !== undefined) out.connectTimeout = s.connectTimeout;
  validateTransport(out, (field) => `--${field}`);
  return out;
}
