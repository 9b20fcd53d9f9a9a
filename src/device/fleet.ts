/** A fleet: `--devices N` members of one configuration, each with its own device-id. */
import type { AgentConfig } from '../outbound/config.js';
import { UsageError } from '../errors.js';

/**
 * The device-id of member `n` of a fleet: `{n}` in the configured id is replaced by n,
 * otherwise `-n` is appended. A single device keeps its id.
 */
export function fleetDeviceId(deviceId: string, n: number, count: number): string {
  if (count <= 1) return deviceId;
  return deviceId.includes('{n}') ? deviceId.replaceAll('{n}', String(n)) : `${deviceId}-${n}`;
}

/** Member `n`'s configuration: every client's device-id made its own. */
export function fleetConfig(config: AgentConfig, n: number, count: number): AgentConfig {
  return { ...config, clients: config.clients.map((c) => ({ ...c, deviceId: fleetDeviceId(c.deviceId, n, count) })) };
}

/** How many devices the flags ask for; UsageError for a count the other flags rule out. */
export function fleetCount(f: { devices?: number; sshPort?: number }, config: AgentConfig | undefined): number {
  const count = f.devices ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new UsageError('--devices must be a whole number of at least 1');
  if (!config && f.sshPort === undefined) {
    throw new UsageError('nothing to do: configure an NMS (--host/--cert/--device-id/--secret or --config) or an SSH face (--ssh-port); run with no arguments for the demo');
  }
  if (count > 1 && !config) throw new UsageError('--devices needs an NMS to dial (--host ... or --config)');
  if (count > 1 && f.sshPort !== undefined) throw new UsageError('the SSH face serves one device: use --ssh-port without --devices');
  return count;
}
