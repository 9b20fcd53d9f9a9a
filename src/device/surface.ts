/**
 * What a process shows and takes for all its devices (every thread's): status, inventory,
 * dropping connections, the control socket, metrics, and reloads of the configuration.
 */
import type { AgentConfig } from '../outbound/config.js';
import { startControl, startMetrics } from '../status/startup.js';
import type { AgentStatus, ClientState, Inventory, SshFaceStatus } from '../status/types.js';
import type { FaultSet } from '../faults/faults.js';
import { fleetConfig } from './fleet.js';
import { agentConfigOf } from './options.js';
import { watchConfig, type ConfigSnapshot } from './config-watch.js';
import type { Outfitter } from './equipment.js';
import type { Run } from './run.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { EventControl } from '../status/control.js';
import { UsageError } from '../errors.js';
import { eventControl, type DeviceEvents, type EventTarget } from './device-events.js';

/** What the control socket serves, for every device of the process. */
export interface DeviceControl {
  /** The clients of every thread, as of the last refresh() for the other threads'. */
  status(): AgentStatus;
  /** Brings the other threads' clients and devices up to date (before a status, inventory or scrape). */
  refresh(): Promise<void>;
  /** Clients counted by state, every thread's: what a progress line needs, without a whole status. */
  stateCounts(): StateCounts;
  inventory(): Inventory;
  faults: FaultSet;
  dropConnections(): number;
  /** Reads the configuration again (as a change of the --config file does): the clients added, removed, ... */
  reload(): Promise<Record<string, string[]>>;
  /** Device events (link-down, alarm, commit, reboot, ...) and scenarios: what `nc-grpc-device event` does. */
  events: DeviceEvents;
}

/** Clients counted by state, and sessions live. */
export interface StateCounts {
  clients: number;
  byState: Partial<Record<ClientState, number>>;
  sessions: number;
}

function stateCounts(run: Run): StateCounts {
  const byState: StateCounts['byState'] = {};
  let clients = 0;
  let sessions = 0;
  for (const a of run.agents) {
    clients += a.countStates(byState);
    sessions += a.countSessions();
  }
  const others = run.others?.counts();
  if (others) {
    clients += others.clients;
    sessions += others.sessions;
    for (const [state, n] of Object.entries(others.byState) as [ClientState, number][]) byState[state] = (byState[state] ?? 0) + n;
  }
  return { clients, byState, sessions };
}

/** Every client of the process (with its device's profile in a fleet). */
function status(run: Run, events: EventControl): AgentStatus {
  // Each agent's clients alone: the faults are the run's, listed once below.
  const clients: AgentStatus['clients'] = run.agents.flatMap((a, i) => a.clients().map((c) => ({ ...c, profile: run.devices[i]?.profile.name })));
  if (run.others) clients.push(...run.others.clients());
  const counts = events.counts();
  return {
    pid: process.pid,
    startedAt: run.agents[0]?.startedAt ?? run.startedAt,
    clients,
    faults: run.faults.list(),
    devices: run.layout.total,
    ...sshStatus(run),
    ...(Object.keys(counts).length ? { events: counts } : {}),
  };
}

/** The SSH faces at a glance: how many (every thread's), the first, its logins, sessions open on this thread's. */
function sshStatus(run: Run): { ssh?: SshFaceStatus } {
  const faces = run.sshFaces;
  if (!faces.length) return {};
  const sessions = run.sshSessions.reduce((n, s) => n + s(), 0);
  return { ssh: { faces: run.layout.sshPlace ? run.layout.total : faces.length, host: faces[0].host, port: faces[0].port, users: run.layout.sshUsers.map((u) => u.name), sessions } };
}

/** What NMS tools import: every device of the process, its identity, states and SSH face. */
function inventory(run: Run): Inventory {
  const shard = run.layout.plan.shard;
  const mine = run.devices.map((d, k) => {
    const { deviceIds, states } = run.agents[k]?.identities() ?? { deviceIds: [], states: [] };
    return {
      n: run.numbers[k],
      hostname: d.hostname,
      profile: d.profile.name,
      model: d.profile.model,
      serial: d.serialNumber,
      deviceIds,
      states,
      ...(run.sshFaces[k] ? { ssh: run.sshFaces[k] } : {}),
    };
  });
  return { pid: process.pid, total: run.layout.total, ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}), devices: [...mine, ...(run.others?.devices() ?? [])] };
}

/**
 * A reload: a changed sessions' user (the JET app's username) applies to sessions opened
 * from now on, as on Junos after a commit; live sessions keep theirs. Then the clients.
 */
async function applyConfig(run: Run, outfitter: Outfitter, next: AgentConfig): Promise<Record<string, string[]>> {
  await outfitter.changeUser(next.username);
  // A member rebooted from now on dials with the new configuration.
  run.config = next;
  const total: Record<string, string[]> = {};
  for (const [i, agent] of run.agents.entries()) {
    const result = await agent.apply(fleetConfig(next, run.numbers[i], run.layout.total));
    for (const [k, v] of Object.entries(result)) total[k] = [...new Set([...(total[k] ?? []), ...v])];
  }
  // The other threads read the file themselves.
  run.others?.reload();
  return total;
}

/** The control of the run's devices (nothing served yet). */
export function deviceControl(run: Run, outfitter: Outfitter): DeviceControl {
  const targets = (): EventTarget[] => run.devices.map((device, k) => ({ n: run.numbers[k], device, deviceIds: () => run.agents[k]?.identities().deviceIds ?? [] }));
  const events = eventControl(targets, run.layout.total, () => run.others);
  run.stops.add(() => events.stop());
  return {
    events,
    status: () => status(run, events),
    refresh: () => run.others?.refresh() ?? Promise.resolve(),
    stateCounts: () => stateCounts(run),
    inventory: () => inventory(run),
    faults: run.faults,
    dropConnections: () => run.agents.reduce((n, a) => n + a.dropConnections(), 0) + (run.others?.drop() ?? 0),
    reload: async () => (run.config ? applyConfig(run, outfitter, agentConfigOf(run.settings)!) : {}),
  };
}

/** Metrics, bound before any client dials: a port clash ends the start before anything goes out. */
export async function serveMetrics(run: Run, control: DeviceControl): Promise<void> {
  const s = run.settings;
  if (!run.layout.main || s.metricsPort === undefined) return;
  const metrics = await startMetrics(s.metricsPort, control.status, run.logger, s.metricsHost, control.refresh);
  run.stops.atEnd(() => metrics.close());
}

/** The control socket, and the watch that reloads a changed --config file (the main thread's, for all). */
export async function serveControl(run: Run, control: DeviceControl, configSeen: ConfigSnapshot | undefined): Promise<void> {
  const s = run.settings;
  if (!run.layout.main || !(run.config || run.layout.sshPlace)) return;
  const server = await startControl({ control: s.control, stateDir: s.stateDir, runDir: run.runDir }, control.status, control, run.logger, control.inventory, control.events, control.refresh);
  run.stops.atEnd(() => server.close());
  if (run.config && s.config) run.stops.atEnd(watchConfig(s.config, control.reload, run.logger, configSeen));
}

/** Runs the --scenario file over this thread's devices from the start (a bad file ends the start). */
export async function startScenario(run: Run, control: DeviceControl): Promise<void> {
  const file = run.settings.scenario;
  if (file === undefined || !control.events.runScenario) return;
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--scenario ${file}: ${err.code ?? err.message}`);
  });
  const started = await control.events.runScenario(text, path.basename(file)).catch((err: Error) => {
    throw new UsageError(err.message);
  });
  run.logger.info(started as object, 'scenario started');
}
