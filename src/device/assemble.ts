/**
 * A device, or a fleet, assembled from the device command's options: emulated devices, the
 * cli's device sockets, the session backends (chosen through src/backends/registry.ts), the
 * outbound agents, the status surface, live reload and the SSH face.
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
import type { Logger } from '../log.js';
import { UsageError } from '../errors.js';
import type { ByteSession, SessionBackend, SessionKind } from '../session/byte-session.js';
import { EmulatedDevice } from '../junos/device.js';
import { lockStateDir } from '../junos/config/state-lock.js';
import { serveDeviceSocket, type DeviceSocket } from '../shell/device-socket.js';
import { resolveSessionUser, type SessionUser } from '../shell/user.js';
import { openPtyShell } from '../shell/pty-session.js';
import { cliBinDir } from '../shell/cli-bin.js';
import { startSshFace, parseUserFlag } from '../ssh/server.js';
import { createBackend, schemeOf } from '../backends/registry.js';
import { parseSshTarget } from '../backends/ssh-bridge.js';
import { Agent } from '../outbound/agent.js';
import type { AgentConfig } from '../outbound/config.js';
import { startControl, startMetrics } from '../status/startup.js';
import { agentConfigFromFlags, faultsFromFlags, knownHostsFile, type DeviceFlags } from './options.js';
import { fleetConfig, fleetPlan, fleetThreads, sshPlaces, threadBlocks } from './fleet.js';
import { startFleetThreads, type FleetThreads } from './fleet-threads.js';
import { startMemoryGuard } from './memory-guard.js';
import type { FaultSet } from '../faults/faults.js';
import type { AgentStatus } from '../status/types.js';
import { describeShard } from './shard.js';
import { loadProfile } from '../junos/identity/profile.js';
import type { Inventory } from '../status/types.js';
import { configSnapshot, watchConfig } from './config-watch.js';
import { raiseFdLimit } from './fd-limit.js';
import { resolveDeviceSecrets } from './secrets.js';

export type { DeviceFlags } from './options.js';

export interface RunningDevice {
  /** The first (or only) emulated device. */
  device: EmulatedDevice;
  devices: EmulatedDevice[];
  agents: Agent[];
  /** The first device's SSH face port (every device's: sshFaces). */
  sshPort?: number;
  /** Each device's SSH face, in the order of `devices`. */
  sshFaces: { host: string; port: number; fingerprint: string }[];
  /**
   * Threads running the fleet (`--threads`): `devices`, `agents` and `sshFaces` are the main
   * thread's block only; `control` answers for every thread.
   */
  threads: number;
  /** What the control socket serves, for every device of the process. */
  control: {
    status(): AgentStatus;
    inventory(): Inventory;
    faults: FaultSet;
    dropConnections(): number;
    /** Reads the configuration again (as a change of the --config file does). */
    reload(): Promise<unknown>;
  };
  stop(): Promise<void>;
}

/** The sessions' user: its name (as NETCONF sessions see it) and its account. */
interface SessionsUser {
  name: string;
  account: SessionUser;
}

/** What new sessions of one device go to; replaced when the sessions' user changes. */
interface Equipment {
  /** The device socket the emulated `cli` of a shell session talks to. */
  socket: string;
  /** Serves the device socket (a fleet member's only when its first shell opens: no fd while idle). */
  serve(): Promise<void>;
  backends?: Record<SessionKind, SessionBackend>;
}

/**
 * Starts everything the flags ask for; resolves once it is all listening/dialling. A failed
 * start leaves nothing behind (run directory, sockets, listeners, half-started clients).
 */
export async function startDevice(f: DeviceFlags, logger: Logger): Promise<RunningDevice> {
  const stops: (() => Promise<void> | void)[] = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      for (const s of stops) {
        try {
          await s();
        } catch (err) {
          logger.warn({ reason: (err as Error).message }, 'error while stopping');
        }
      }
    })());
  try {
    return await startDeviceWith(f, logger, stops, stop);
  } catch (err) {
    await stop();
    throw err;
  }
}

/** --netconf-backend and --shell-backend name ssh:// bridges (any other scheme: the URL error). */
function bridgeSpec(spec: string | undefined): string | undefined {
  if (spec && schemeOf(spec) !== 'ssh') parseSshTarget(spec);
  return spec;
}

async function startDeviceWith(f: DeviceFlags, logger: Logger, stops: (() => Promise<void> | void)[], stop: () => Promise<void>): Promise<RunningDevice> {
  resolveDeviceSecrets(f);
  const faults = faultsFromFlags(f);
  // Before the file is read: the watch armed later catches up with any change made meanwhile.
  const configSeen = f.config ? configSnapshot(f.config) : undefined;
  const config = agentConfigFromFlags(f);
  // The fleet: devices first..last of 1..total (a shard runs a block); "a fleet" is total > 1.
  const plan = fleetPlan(f, config);
  const count = plan.total;
  const fleet = count > 1;
  // A threaded fleet (fleet-threads.ts): this thread runs the first block, workers the others;
  // a worker runs the block it was given.
  const threads = fleet && !f.block ? fleetThreads(f.threads, plan.last - plan.first + 1, availableParallelism()) : 1;
  const blocks = threads > 1 ? threadBlocks(plan.first, plan.last, threads) : [];
  const mine = f.block ?? blocks[0] ?? { first: plan.first, last: plan.last };
  /** The main thread of a process: its control surface, lock and watch serve every thread. */
  const main = !f.block;
  const sshPlace = f.sshPort !== undefined ? sshPlaces(f, plan) : undefined;
  if (f.sshPort !== undefined && !f.sshUser?.length && !f.sshAuthorizedKeys) {
    throw new UsageError('--ssh-port needs at least one --ssh-user NAME:PASSWORD or --ssh-authorized-keys FILE');
  }
  const sshUsers = (f.sshUser ?? []).map(parseUserFlag);
  const stateDir = f.stateDir ? path.resolve(f.stateDir) : undefined;
  if (stateDir) await mkdir(stateDir, { recursive: true, mode: 0o700 });
  else if (main) logger.warn('no --state-dir: commits are kept in memory only and are lost when the device stops');
  const faces = [config ? 'outbound HTTPS' : '', f.sshPort !== undefined ? 'SSH face' : ''].filter(Boolean).join(', ');
  // A fleet holds its directory's lock too (each member locks its own device-N).
  const fleetLock = stateDir && fleet && main ? lockStateDir(stateDir, `nc-grpc-device fleet of ${count}`) : undefined;
  if (fleetLock) stops.push(() => fleetLock.release());
  // Private files of this run: a directory the session user can traverse but not list; each
  // cli device socket sits in a 0700 subdirectory of the session user's (see device-socket.ts).
  const runDir = await mkdtemp(path.join(tmpdir(), 'nc-grpc-device-'));
  stops.push(() => rm(runDir, { recursive: true, force: true }));
  await chmod(runDir, 0o711);
  const username = f.username ?? config?.username ?? 'nobody';
  let user: SessionsUser = { name: username, account: resolveSessionUser(username, f.allowRootShell, logger) };
  // The backends' specs (see src/backends/registry.ts): --netconf-command C is exec:C.
  if (config && f.netconfBackend && f.netconfCommand) throw new UsageError('give either --netconf-backend or --netconf-command, not both');
  const netconfSpec = !config ? undefined : f.netconfCommand ? `exec:${f.netconfCommand}` : bridgeSpec(f.netconfBackend);
  const shellSpec = config ? bridgeSpec(f.shellBackend) : undefined;

  const devices: EmulatedDevice[] = [];
  const equipment: Equipment[] = [];
  const agents: Agent[] = [];
  const startedAt = Date.now();
  let others: FleetThreads | undefined;
  const status = (): AgentStatus => {
    const parts = agents.map((a) => a.status());
    const clients = parts.flatMap((p, i) => (count > 1 ? p.clients.map((c) => ({ ...c, profile: devices[i]?.profile.name })) : p.clients));
    if (others) clients.push(...others.clients());
    return { pid: process.pid, startedAt: parts[0]?.startedAt ?? startedAt, clients, faults: faults.list(), devices: count };
  };
  // Metrics are bound before any client dials: a port clash ends the start before anything goes out.
  if (main && config && f.metricsPort !== undefined) {
    const metrics = await startMetrics(f.metricsPort, status, logger, f.metricsHost);
    stops.push(() => metrics.close());
  }

  // Device sockets of every sessions' user so far: shells of an earlier user keep theirs.
  const sockets: DeviceSocket[][] = [];
  let generation = 0;
  /** A device socket and backends for new sessions of this process's i-th device (1-based) as user u. */
  const equip = async (i: number, u: SessionsUser): Promise<Equipment> => {
    const device = devices[i - 1];
    const socket = path.join(runDir, generation ? `cli-${i}-${generation}` : `cli-${i}`, 'device.sock');
    // A fleet member's cli socket is served with its first shell session (idle members hold none).
    let serving: Promise<void> | undefined;
    const serve = () =>
      (serving ??= serveDeviceSocket(() => device.openNetconf({ user: u.name, client: 'cli' }), socket, { owner: u.account, logger }).then((s) => {
        sockets[i - 1].push(s);
      }));
    if (!fleet) await serve();
    if (!config) return { socket, serve };
    const ctx = {
      device,
      username: u.name,
      sessionUser: u.account,
      allowRootShell: f.allowRootShell,
      shellPrompt: f.shellPrompt,
      deviceSocket: socket,
      sshKey: f.sshKey,
      knownHostsFile: knownHostsFile(f),
      logger,
    };
    return { socket, serve, backends: { netconf: createBackend('netconf', netconfSpec, ctx), csh: createBackend('csh', shellSpec, ctx) } };
  };

  if (plan.shard && main) logger.info({ shard: `${plan.shard.index}/${plan.shard.count}`, first: plan.first, last: plan.last, total: count }, describeShard(count, plan.shard));
  // Device n (global number) of a fleet: host name <hostname or profile prefix>-n (its serial
  // number follows from it), state directory device-n, device-id -n (or {n}).
  const numbers: number[] = [];
  if (fleet && main) raiseFdLimit(plan.last - plan.first + 1, logger);
  const pacing = { spread: fleet && !f.storm, storm: f.storm, preconnect: f.preconnect };
  for (let n = mine.first; n <= mine.last; n++) {
    const i = n - mine.first + 1;
    const memberLog = fleet ? logger.child({ device: n }) : logger;
    numbers.push(n);
    const profile = plan.profileOf(n);
    const hostname = fleet ? `${f.hostname ?? loadProfile(profile).hostnamePrefix}-${n}` : f.hostname;
    const device = await EmulatedDevice.create({
      profile,
      stateDir: stateDir && fleet ? path.join(stateDir, `device-${n}`) : stateDir,
      hostname,
      owner: fleet ? `nc-grpc-device fleet, device ${n}` : `nc-grpc-device (${faces})`,
      logger: memberLog,
      faults,
      // A fleet member parses its configuration and locks its directory when first used
      // (the fleet's directory is locked now, above).
      lazy: fleet,
    });
    devices.push(device);
    stops.unshift(() => device.close());
    const own: DeviceSocket[] = [];
    sockets.push(own);
    stops.unshift(async () => {
      for (const s of own) await s.close();
    });
    equipment.push(await equip(i, user));
    if (!config) continue;
    const agent = new Agent({ config: fleetConfig(config, n, count), backends: following(() => equipment[i - 1]), instanceId: f.instanceId, logger: memberLog, faults, pacing });
    agent.start();
    agents.push(agent);
    stops.unshift(() => agent.stop());
  }
  // Near its memory limit this thread's devices degrade instead of the process dying (memory-guard.ts).
  const guard = startMemoryGuard(() => devices, logger);
  stops.unshift(() => guard.stop());
  if (blocks.length > 1) {
    others = await startFleetThreads(f, blocks.slice(1), logger);
    const started = others;
    stops.unshift(() => started.stop());
  }
  if (fleet && main) logger.info({ devices: plan.last - plan.first + 1, total: count, threads, profiles: plan.groups.map((g) => `${g.profile}:${g.count}`).join(',') }, 'fleet started');
  if (faults.list().length && main) logger.info({ faults: faults.list() }, 'faults injected from the start');
  faults.on('change', () => {
    if (main) logger.info({ faults: faults.list() }, 'faults changed');
    others?.faults(faults.list());
  });

  /**
   * A reload: a changed sessions' user (the JET app's username) applies to sessions opened
   * from now on, as on Junos after a commit; live sessions keep theirs. Then the clients.
   */
  const applyConfig = async (next: AgentConfig): Promise<Record<string, string[]>> => {
    const name = f.username ?? next.username ?? 'nobody';
    if (name !== user.name) {
      const now: SessionsUser = { name, account: resolveSessionUser(name, f.allowRootShell, logger) };
      generation++;
      const fresh: Equipment[] = [];
      for (let i = 1; i <= devices.length; i++) fresh.push(await equip(i, now));
      equipment.splice(0, equipment.length, ...fresh);
      logger.info({ was: user.name, username: name }, "sessions' user changed: new sessions run as it, live ones keep theirs");
      user = now;
    }
    const total: Record<string, string[]> = {};
    for (const [i, agent] of agents.entries()) {
      const result = await agent.apply(fleetConfig(next, numbers[i], count));
      for (const [k, v] of Object.entries(result)) total[k] = [...new Set([...(total[k] ?? []), ...(v as string[])])];
    }
    // The other threads read the file themselves.
    others?.reload();
    return total;
  };

  const device = devices[0];
  const sshFaces: { host: string; port: number; fingerprint: string }[] = [];
  if (sshPlace) {
    const cliPath = path.join(cliBinDir(), 'cli');
    // Each SSH login's cli gets a device socket of its own, opened as that login: its
    // commits are the login's ("by lab via cli"), not the sessions' user's. Gone with the session.
    let loginSockets = 0;
    const withLoginSocket = async (member: EmulatedDevice, login: string, open: (socketPath: string) => ByteSession): Promise<ByteSession> => {
      const sock = await serveDeviceSocket(() => member.openNetconf({ user: login, client: 'cli' }), path.join(runDir, `cli-login-${++loginSockets}`, 'device.sock'), { owner: user.account, logger });
      let session: ByteSession;
      try {
        session = open(sock.path);
      } catch (err) {
        await sock.close();
        throw err;
      }
      session.once('end', () => void sock.close());
      return session;
    };
    for (const [k, member] of devices.entries()) {
      const n = numbers[k];
      const place = sshPlace(n);
      const ssh = await startSshFace({
        host: place.host,
        port: place.port,
        users: sshUsers,
        authorizedKeysFile: f.sshAuthorizedKeys,
        // Each device its own host key: in its state directory (device-n of a fleet).
        hostKeyPath: stateDir ? path.join(fleet ? path.join(stateDir, `device-${n}`) : stateDir, 'ssh_host_ed25519_key') : path.join(runDir, fleet ? `ssh_host_ed25519_key-${n}` : 'ssh_host_ed25519_key'),
        openNetconf: (login: string, client: string) => member.openNetconf({ user: login, client }),
        // A Junos login lands in the CLI (run as the sessions' user, named as the SSH login);
        // `ssh device "show version"` runs one CLI command.
        openShell: (login, pty) =>
          withLoginSocket(member, login, (sock) => openPtyShell({ command: [cliPath], env: { USER: login }, user: user.name, allowRoot: f.allowRootShell, interactive: true, deviceSocket: sock, cols: pty?.cols, rows: pty?.rows, logger })),
        openCommand: (login, command) =>
          withLoginSocket(member, login, (sock) => openPtyShell({ command: [cliPath, '-c', command], env: { USER: login }, user: user.name, allowRoot: f.allowRootShell, deviceSocket: sock, logger })),
        logger: fleet ? logger.child({ device: n }) : logger,
      });
      sshFaces.push({ host: ssh.host, port: ssh.port, fingerprint: ssh.fingerprint });
      stops.unshift(() => ssh.close());
      if (!fleet) logger.info({ port: ssh.port, users: sshUsers.map((u) => u.name) }, 'SSH face listening (netconf subsystem and cli)');
    }
    if (fleet) logger.info({ faces: sshFaces.length, first: sshFaces[0], last: sshFaces[sshFaces.length - 1], users: sshUsers.map((u) => u.name) }, 'SSH faces listening (netconf subsystem and cli)');
  }
  const sshPort = sshFaces[0]?.port;

  /** What NMS tools import: every device of this process, its identity, states and SSH face. */
  const inventory = (): Inventory => ({
    pid: process.pid,
    total: count,
    ...(plan.shard ? { shard: `${plan.shard.index}/${plan.shard.count}` } : {}),
    devices: [...devices.map((d, k) => {
      const clients = agents[k]?.status().clients ?? [];
      return {
        n: numbers[k],
        hostname: d.hostname,
        profile: d.profile.name,
        model: d.profile.model,
        serial: d.serialNumber,
        deviceIds: clients.map((c) => c.deviceId),
        states: clients.map((c) => c.state),
        ...(sshFaces[k] ? { ssh: sshFaces[k] } : {}),
      };
    }), ...(others?.devices() ?? [])],
  });

  const dropConnections = (): number => agents.reduce((n, a) => n + a.dropConnections(), 0) + (others?.drop() ?? 0);
  if (main && (config || sshPlace)) {
    const faultControl = { faults, dropConnections };
    const control = await startControl({ control: f.control, stateDir: f.stateDir, runDir }, status, faultControl, logger, inventory);
    stops.push(() => control.close());
    if (config && f.config) stops.push(watchConfig(f.config, () => applyConfig(agentConfigFromFlags(f)!), logger, configSeen));
  }

  const reload = async (): Promise<unknown> => (config ? applyConfig(agentConfigFromFlags(f)!) : {});
  return { device, devices, agents, sshPort, sshFaces, threads, control: { status, inventory, faults, dropConnections, reload }, stop };
}

/** Backends that open each new session with whatever `current()` holds at that moment. */
function following(current: () => Equipment): Record<SessionKind, SessionBackend> {
  const one = (kind: SessionKind): SessionBackend => ({
    get description() {
      return current().backends![kind].description;
    },
    open: async (k) => {
      const e = current();
      if (kind === 'csh') await e.serve();
      return e.backends![kind].open(k);
    },
  });
  return { netconf: one('netconf'), csh: one('csh') };
}
