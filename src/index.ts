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
import { startDevice as startFromSettings, type RunningDevice } from './device/assemble.js';
import { settingsFromLibrary, type LibraryGroup, type LibraryTop } from './device/settings.js';

export { ReferenceNms, NmsSession, NmsRequestError, type ReferenceNmsOptions, type NmsEvent } from './nms/server.js';
export { makeCa, makeSelfSigned, makeSigned, oneLineCert, type CaOptions, type CertOptions, type Pem } from './nms/pki.js';
export { EmulatedDevice, type EmulatedDeviceOptions } from './junos/device.js';
export { listShippedProfiles } from './junos/identity/profile.js';
export { parseEvent, applyEvent, eventsOf, EventError, EVENT_USAGE, type DeviceEvent } from './junos/life/events.js';
export { bootOf, type DeviceBoot } from './junos/life/boot.js';
export { FAULT_KINDS, parseFault, type Fault } from './faults/kinds.js';
export { UserError, UsageError, RuntimeError } from './errors.js';
export { PROTOCOL_NAMES, type ProtocolName } from './wire/contract.js';
export type { Logger } from './log.js';
export type { RunningDevice } from './device/assemble.js';

/**
 * The NMS a device dials (one outbound-https client with one server): host (as the NMS
 * certificate names it), port (443), cert (the NMS certificate or its CA's: PEM, or the body
 * on one line) or certFile, deviceId, secret, protocol (enhanced, or basic for 20.2), waittime (30),
 * reconnectStrategy. Every field is a device setting (src/device/settings.ts).
 */
export interface NmsTarget extends LibraryGroup<'nms'> {
  host: string;
}

/** Serve NETCONF and the cli over SSH too (port 0 picks one): host, users as NAME:PASSWORD, authorizedKeysFile. */
export interface SshFaceOptions extends LibraryGroup<'ssh'> {
  port: number;
}

/**
 * A device's options: the NMS to dial (`nms`), or `configFile` (a Junos or JSON configuration
 * with many clients); `ssh`; `faults` (specs such as 'output-delay=200', see FAULT_KINDS);
 * `controlSocket` (default <stateDir>/control.sock, else a private one); `logger` (default
 * none); and every other device setting under its own name (profile, stateDir, hostname,
 * username, keepalive, metricsPort, ...), as src/device/settings.ts declares them.
 */
export interface DeviceOptions extends Omit<LibraryTop, 'nms' | 'ssh'> {
  nms?: NmsTarget;
  ssh?: SshFaceOptions;
  logger?: Logger;
}

export interface FleetOptions extends DeviceOptions {
  /** How many devices; each device-id gets -N appended, or `{n}` in it replaced by N. */
  devices: number;
}

async function start(o: DeviceOptions, devices: number): Promise<RunningDevice> {
  const settings = { ...settingsFromLibrary({ ...o }), devices: String(devices) };
  // A library user's device never takes the per-user default control socket.
  const own = settings.control === undefined && settings.stateDir === undefined ? await mkdtemp(path.join(tmpdir(), 'ncgd-lib-')) : undefined;
  let running: RunningDevice;
  try {
    running = await startFromSettings(own ? { ...settings, control: path.join(own, 'control.sock') } : settings, o.logger ?? silentLogger);
  } catch (err) {
    if (own) await rm(own, { recursive: true, force: true });
    throw err;
  }
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await running.close();
      if (own) await rm(own, { recursive: true, force: true });
    })());
  return { ...running, close };
}

/** Starts one emulated device: dialling `nms` (or the clients of `configFile`) and/or serving SSH. */
export function startDevice(options: DeviceOptions): Promise<RunningDevice> {
  return start(options, 1);
}

/** Starts a fleet of devices in this process, all dialling the same NMS(s). */
export function startFleet(options: FleetOptions): Promise<RunningDevice> {
  return start(options, options.devices);
}
