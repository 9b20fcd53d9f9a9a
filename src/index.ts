/**
 * nc-grpc-device as a library, for test suites that drive the emulator from Node or
 * TypeScript: start a device (or a fleet) in-process, the reference NMS it dials, and a lab
 * PKI for both. Everything listens on 127.0.0.1 unless told otherwise; every handle has a
 * close() that ends its sessions and releases its ports and files.
 *
 *   import { makeSelfSigned, ReferenceNms, startDevice } from 'nc-grpc-device';
 *   const pki = await makeSelfSigned({ commonName: 'nms', ipSans: ['127.0.0.1'] });
 *   const nms = new ReferenceNms({ cert: pki.cert, key: pki.key });
 *   const port = await nms.start();
 *   const dev = await startDevice({ nms: { host: '127.0.0.1', port, cert: pki.cert, deviceId: 'r1', secret: 's' } });
 *   const nc = await nms.requestSession('r1', 's', 'netconf');
 *   ...
 *   await dev.close(); await nms.stop();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger, type Logger } from './log.js';
import { startDevice as startFromFlags, type DeviceFlags } from './device/assemble.js';
import type { EmulatedDevice } from './junos/device.js';
import type { ProtocolName } from './wire/contract.js';
import type { ReconnectStrategy } from './outbound/config.js';

export { ReferenceNms, NmsSession, NmsRequestError, type ReferenceNmsOptions, type NmsEvent } from './nms/server.js';
export { makeCa, makeSelfSigned, makeSigned, oneLineCert, type CaOptions, type CertOptions, type Pem } from './nms/pki.js';
export { EmulatedDevice, type EmulatedDeviceOptions } from './junos/device.js';
export { listShippedProfiles } from './junos/profile.js';
export { parseEvent, applyEvent, eventsOf, EventError, EVENT_USAGE, type DeviceEvent } from './junos/life/events.js';
export { bootOf, type DeviceBoot } from './junos/life/boot.js';
export { FAULT_KINDS, parseFault, type Fault } from './faults/kinds.js';
export { UserError, UsageError, RuntimeError } from './errors.js';
export { PROTOCOL_NAMES, type ProtocolName } from './wire/contract.js';
export type { Logger } from './log.js';

/** The NMS a device dials (one outbound-https client with one server). */
export interface NmsTarget {
  /** Address as the NMS certificate names it (an IP SAN, or the CN). */
  host: string;
  port?: number;
  /** The NMS certificate, or its CA's: PEM, or the body on one line. */
  cert: string;
  deviceId?: string;
  secret?: string;
  /** enhanced (default, Junos 20.3+) or basic (20.2). */
  protocol?: ProtocolName;
  /** Seconds between walks that found no server (default 30). */
  waittime?: number;
  reconnectStrategy?: ReconnectStrategy;
}

export interface DeviceOptions {
  /** The NMS to dial; or `configFile`, a Junos or JSON configuration with many clients. */
  nms?: NmsTarget;
  configFile?: string;
  /** mx (default), ex, srx, or a profile directory. */
  profile?: string;
  /** Where the configuration, rollbacks and host key live (default: nothing kept). */
  stateDir?: string;
  hostname?: string;
  /** The sessions' user (default nobody). */
  username?: string;
  /** Serve NETCONF and the cli over SSH too (port 0 picks one): users as NAME:PASSWORD. */
  ssh?: { port: number; host?: string; users?: string[]; authorizedKeysFile?: string };
  /** Fault specs, e.g. ['output-delay=200'] (see FAULT_KINDS). */
  faults?: string[];
  /** Control socket for `nc-grpc-device status` (default: <stateDir>/control.sock, else a private one). */
  controlSocket?: string;
  /** Logs (default: none). */
  logger?: Logger;
  /** Seconds a reboot keeps a device down (default: the profile's). */
  bootTime?: number;
  /** A scenario file (YAML timeline of events) run from the start. */
  scenario?: string;
}

export interface FleetOptions extends DeviceOptions {
  /** How many devices; each device-id gets -N appended, or `{n}` in it replaced by N. */
  devices: number;
}

export interface RunningDevice {
  /** The first (or only) device: its NETCONF server and datastore. */
  readonly device: EmulatedDevice;
  readonly devices: readonly EmulatedDevice[];
  /** The SSH face's port, when one was asked for. */
  readonly sshPort?: number;
  /**
   * Stops everything: live sessions get the stop message and end, the agents stop dialling,
   * sockets and ports close. Resolves when all is closed; calling it again is harmless.
   */
  close(): Promise<void>;
  /**
   * Applies a device event, as `nc-grpc-device event` does: `['link-down', 'ge-0/0/1']`,
   * `['commit', 'set system location building b2', '--user', 'ops']`; `device` selects in a
   * fleet (a number, a range 1-50, all, a host name or a device-id). Resolves to one line per device.
   */
  event(words: string[], device?: string): Promise<{ device: number; hostname: string; result: string }[]>;
}

function toFlags(o: DeviceOptions, devices: number): DeviceFlags {
  const n = o.nms;
  return {
    host: n?.host,
    port: n?.port,
    cert: n?.cert,
    deviceId: n?.deviceId,
    secret: n?.secret,
    waittime: n?.waittime,
    reconnectStrategy: n?.reconnectStrategy,
    protocol: n?.protocol,
    config: o.configFile,
    profile: o.profile ?? 'mx',
    stateDir: o.stateDir,
    hostname: o.hostname,
    username: o.username,
    allowRootShell: false,
    shellPrompt: false,
    sshPort: o.ssh?.port,
    sshHost: o.ssh?.host ?? '127.0.0.1',
    sshUser: o.ssh?.users,
    sshAuthorizedKeys: o.ssh?.authorizedKeysFile,
    fault: o.faults,
    control: o.controlSocket,
    devices,
    logLevel: 'silent',
    bootTime: o.bootTime,
    scenario: o.scenario,
  };
}

async function start(o: DeviceOptions, devices: number): Promise<RunningDevice> {
  const flags = toFlags(o, devices);
  // A library user's device never takes the per-user default control socket.
  const own = flags.control === undefined && flags.stateDir === undefined ? await mkdtemp(path.join(tmpdir(), 'ncgd-lib-')) : undefined;
  if (own) flags.control = path.join(own, 'control.sock');
  let running;
  try {
    running = await startFromFlags(flags, o.logger ?? silentLogger);
  } catch (err) {
    if (own) await rm(own, { recursive: true, force: true });
    throw err;
  }
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await running.stop();
      if (own) await rm(own, { recursive: true, force: true });
    })());
  return { device: running.device, devices: running.devices, sshPort: running.sshPort, close, event: (words, device) => running.control.events.apply(words, device) };
}

/** Starts one emulated device: dialling `nms` (or the clients of `configFile`) and/or serving SSH. */
export function startDevice(options: DeviceOptions): Promise<RunningDevice> {
  return start(options, 1);
}

/** Starts a fleet of devices in this process, all dialling the same NMS(s). */
export function startFleet(options: FleetOptions): Promise<RunningDevice> {
  return start(options, options.devices);
}
