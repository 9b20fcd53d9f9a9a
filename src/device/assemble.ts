/**
 * A device, or a fleet, assembled from the device command's options: emulated devices, the
 * cli's device sockets, the session backends (chosen through src/backends/registry.ts), the
 * outbound agents, the status surface, live reload and the SSH face.
 */
import { rm, rmdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { ownDir } from '../own-files.js';
import { makeTempDir } from '../temp-root.js';
import path from 'node:path';
import type { Logger } from '../log.js';
import type { EmulatedDevice } from '../junos/device.js';
import { lockStateDir } from '../junos/config/state-lock.js';
import type { Agent } from '../outbound/agent.js';
import { agentConfigOf, backendSpecs, faultsOf } from './options.js';
import type { DeviceSettings } from './settings.js';
import { startFleetThreads } from './fleet-threads.js';
import { processActivityBuffer, startMemoryGuard, type ProcessActivity } from './memory-guard.js';
import { describeShard } from './shard.js';
import { configSnapshot } from './config-watch.js';
import { raiseFdLimit } from './fd-limit.js';
import { resolveDeviceSecrets } from './secrets.js';
import { recorderFromFlags } from '../record/hook.js';
import { layoutOf, type Block, type Layout } from './layout.js';
import { Stops, type Run, type SshFaceInfo } from './run.js';
import { Outfitter, sessionsUser } from './equipment.js';
import { startMembers } from './members.js';
import { startSshFaces } from './ssh-faces.js';
import { warmUp } from './warm-up.js';
import { deviceControl, serveControl, serveMetrics, startScenario, type DeviceControl } from './surface.js';

export type { DeviceSettings } from './settings.js';

export interface RunningDevice {
  /** The first (or only) emulated device. */
  device: EmulatedDevice;
  devices: EmulatedDevice[];
  agents: Agent[];
  /** The first device's SSH face port (every device's: sshFaces). */
  sshPort?: number;
  /** Each device's SSH face, in the order of `devices`. */
  sshFaces: SshFaceInfo[];
  /**
   * Worker threads running the fleet (`--threads`): `devices`, `agents` and `sshFaces` are
   * then the main thread's, the fleet's first device only; `control` answers for every thread.
   */
  threads: number;
  /** What the control socket serves, for every device of the process. */
  control: DeviceControl;
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

/** Which block of the fleet this thread runs, when it is a worker thread of a threaded fleet (fleet-threads.ts). */
export interface ThreadPlacement {
  /** Device numbers first..last; such a thread has no control socket, metrics or configuration watch of its own. */
  block: Block;
  /** Where the threads of the process see each other's sessions (memory-guard.ts). */
  activity?: ProcessActivity;
}

/**
 * Starts everything the settings ask for; resolves once it is all listening/dialling. A
 * failed start leaves nothing behind (run directory, sockets, listeners, half-started clients).
 */
export async function startDevice(settings: DeviceSettings, logger: Logger, placement?: ThreadPlacement): Promise<RunningDevice> {
  const stops = new Stops(logger);
  // A failed start leaves no empty state directory of its own making behind either.
  const stateDir = settings.stateDir ? path.resolve(settings.stateDir) : undefined;
  const madeStateDir = stateDir !== undefined && !existsSync(stateDir);
  try {
    return await assemble(resolveDeviceSecrets(settings), logger, placement, stops);
  } catch (err) {
    await stops.run();
    if (madeStateDir) await rmdir(stateDir).catch(() => undefined);
    throw err;
  }
}

/** The state directory (created 0700), the fleet's lock on it, and the run directory. */
async function prepareFiles(s: DeviceSettings, logger: Logger, stops: Stops, layout: Run['layout']): Promise<{ stateDir?: string; runDir: string }> {
  const stateDir = s.stateDir ? path.resolve(s.stateDir) : undefined;
  if (stateDir) await ownDir(stateDir);
  else if (layout.main) logger.warn('no --state-dir: commits are kept in memory only and are lost when the device stops');
  // A fleet holds its directory's lock too (each member locks its own device-N).
  const fleetLock = stateDir && layout.fleet && layout.main ? lockStateDir(stateDir, `nc-grpc-device fleet of ${layout.total}`) : undefined;
  if (fleetLock) stops.atEnd(() => fleetLock.release());
  // Private files of this run: a directory the session user can traverse but not list; each
  // cli device socket sits in a 0700 subdirectory of the session user's (see device-socket.ts).
  // It sits under the process's temp root, which a later start sweeps if this one is killed.
  const runDir = makeTempDir('run-', 0o711);
  stops.atEnd(() => rm(runDir, { recursive: true, force: true }));
  return { stateDir, runDir };
}

/** The run as the settings describe it, nothing started yet but its files. */
async function prepareRun(s: DeviceSettings, logger: Logger, placement: ThreadPlacement | undefined, stops: Stops): Promise<Run> {
  const faults = faultsOf(s);
  const config = agentConfigOf(s);
  if (config) backendSpecs(s);
  const layout = layoutOf(s, config, placement?.block);
  const recorder = recorderFromFlags(s, logger);
  const files = await prepareFiles(s, logger, stops, layout);
  return { settings: s, logger, config, layout, faults, recorder, ...files, stops, startedAt: Date.now(), devices: [], numbers: [], agents: [], sshFaces: [], sshSessions: [] };
}

/** What the start says about the fleet and the faults, and fault changes passed on to the other threads. */
function announce(run: Run): void {
  const { layout, logger, faults } = run;
  const main = layout.main;
  if (layout.fleet && main) {
    const { plan } = layout;
    logger.info({ devices: plan.last - plan.first + 1, total: layout.total, threads: layout.threads, profiles: plan.groups.map((g) => `${g.profile}:${g.count}`).join(',') }, run.config ? 'fleet started, devices dialling' : 'fleet started');
  }
  if (faults.list().length && main) logger.info({ faults: faults.list() }, 'faults injected from the start');
  faults.on('change', () => {
    if (main) logger.info({ faults: faults.list() }, 'faults changed');
    run.others?.faults(faults.list());
  });
}

/** The profiles of the devices this thread runs. */
function profilesOf(layout: Layout): Set<string> {
  const profiles = new Set<string>();
  for (let n = layout.mine.first; n <= layout.mine.last; n++) profiles.add(layout.plan.profileOf(n));
  return profiles;
}

async function assemble(s: DeviceSettings, logger: Logger, placement: ThreadPlacement | undefined, stops: Stops): Promise<RunningDevice> {
  // Before the file is read: the watch armed later catches up with any change made meanwhile.
  const configSeen = s.config ? configSnapshot(s.config) : undefined;
  const run = await prepareRun(s, logger, placement, stops);
  const { layout } = run;
  const outfitter = new Outfitter(run, sessionsUser(run, run.config?.username));
  const control = deviceControl(run, outfitter);
  await serveMetrics(run, control);
  const { plan } = layout;
  if (plan.shard && layout.main) logger.info({ shard: `${plan.shard.index}/${plan.shard.count}`, first: plan.first, last: plan.last, total: layout.total }, describeShard(layout.total, plan.shard));
  if (layout.fleet && layout.main) raiseFdLimit(plan.last - plan.first + 1, logger);
  // A fleet thread's one-time setup (schema, profile, compiled code) is paid now, before its
  // devices dial, not by the NMS's first poll of them (warm-up.ts).
  if (layout.fleet) await warmUp(profilesOf(layout), logger);
  await startMembers(run, outfitter);
  // Near its memory limit this thread's devices degrade instead of the process dying (memory-guard.ts).
  // A fleet on several threads collects only when every thread is quiet.
  const activity = placement?.activity ?? (layout.workerBlocks.length ? { shared: processActivityBuffer(1 + layout.workerBlocks.length), slot: 0 } : undefined);
  const guard = startMemoryGuard(() => run.devices, logger, undefined, undefined, { process: activity });
  stops.add(() => guard.stop());
  if (layout.workerBlocks.length) {
    const others = await startFleetThreads(s, layout.workerBlocks, logger, activity?.shared);
    run.others = others;
    stops.add(() => others.stop());
  }
  announce(run);
  await startSshFaces(run, outfitter);
  await startScenario(run, control);
  await serveControl(run, control, configSeen);
  const { devices, agents, sshFaces } = run;
  return { device: devices[0], devices, agents, sshPort: sshFaces[0]?.port, sshFaces, threads: layout.threads, control, close: () => stops.run(), event: (words, device) => control.events.apply(words, device) };
}
