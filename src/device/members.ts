/**
 * The devices this thread runs: each an emulated device (host name, state directory and
 * device-id of its number in the fleet), equipped for sessions, and its agent dialling out.
 */
import { EmulatedDevice } from '../junos/device.js';
import { loadProfile } from '../junos/identity/profile.js';
import { Agent } from '../outbound/agent.js';
import { fleetConfig } from './fleet.js';
import type { Outfitter } from './equipment.js';
import { memberLogger, memberStateDir, type Run } from './run.js';
import { bootOf } from '../junos/life/boot.js';
import { placeFiles } from '../junos/files/index.js';
import { placeSoftware } from '../junos/life/software.js';
import { forwardSyslog } from '../junos/life/syslog-out.js';
import { rebootingAgent } from './reboot-faces.js';
import path from 'node:path';
import type { Logger } from '../log.js';

/** What the single device's lock names as its owner (a fleet member's is its number). */
function owner(run: Run): string {
  const faces = [run.config ? 'outbound HTTPS' : '', run.settings.sshPort !== undefined ? 'SSH face' : ''].filter(Boolean).join(', ');
  return `nc-grpc-device (${faces})`;
}

/**
 * Starts device n (global number) of a fleet, or the single device: host name
 * <hostname or profile prefix>-n (its serial number follows from it), state directory
 * device-n, device-id -n (or {n}).
 */
async function startMember(run: Run, outfitter: Outfitter, n: number): Promise<void> {
  const { settings: s, layout } = run;
  const fleet = layout.fleet;
  const log = memberLogger(run, n);
  const profile = layout.plan.profileOf(n);
  const device = await EmulatedDevice.create({
    profile,
    stateDir: memberStateDir(run, n),
    hostname: fleet ? `${s.hostname ?? loadProfile(profile).hostnamePrefix}-${n}` : s.hostname,
    owner: fleet ? `nc-grpc-device fleet, device ${n}` : owner(run),
    logger: log,
    faults: run.faults,
    // A fleet member parses its configuration and locks its directory when first used
    // (the fleet's directory is locked as the fleet starts).
    lazy: fleet,
  });
  bringToLife(run, device, n, log);
  run.devices.push(device);
  run.numbers.push(n);
  run.stops.add(() => device.close());
  await outfitter.addDevice();
  if (!run.config) return;
  const pacing = { spread: fleet && !s.storm, storm: s.storm, preconnect: s.preconnect, quiet: fleet };
  const backends = outfitter.backends(run.devices.length);
  // A reboot stops the member's agent and starts a new one (a new instance id) at boot, with
  // the configuration of then.
  const make = (instanceId?: string) =>
    new Agent({ config: fleetConfig(run.config!, n, layout.total), backends, instanceId: instanceId ?? s.instanceId, logger: log, faults: run.faults, pacing });
  const agent = make();
  agent.start();
  run.agents.push(agent);
  const slot = run.agents.length - 1;
  run.stops.add(() => run.agents[slot].stop());
  run.stops.add(bootOf(device).attach(rebootingAgent(() => run.agents[slot], (a) => (run.agents[slot] = a), make, s.instanceId)));
}

/**
 * A device's life: its boot time, syslog forwarding, and (with a state directory) its files
 * and software in it, the bytes in the process's shared blobs (stored once).
 */
function bringToLife(run: Run, device: EmulatedDevice, n: number, log: Logger): void {
  const boot = bootOf(device);
  if (run.settings.bootTime !== undefined) boot.bootSeconds = run.settings.bootTime;
  forwardSyslog(device);
  const own = memberStateDir(run, n);
  if (run.stateDir && own) {
    placeFiles(device, { dir: path.join(own, 'files'), blobs: path.join(run.stateDir, 'blobs') });
    placeSoftware(device, path.join(own, 'software.json'));
  }
  boot.onState((state) => {
    if (state === 'down' || state === 'up') log.info({ state, bootSeconds: boot.bootSeconds }, state === 'down' ? 'device went down (reboot, halt or power-off)' : 'device booted');
  });
}

/** Starts this thread's block of devices, in order. */
export async function startMembers(run: Run, outfitter: Outfitter): Promise<void> {
  for (let n = run.layout.mine.first; n <= run.layout.mine.last; n++) await startMember(run, outfitter, n);
}
