/**
 * A device, or a fleet, assembled from the device command's options: emulated devices, the
 * cli's device sockets, the session backends (chosen through src/backends/registry.ts), the
 * outbound agents, the status surface, live reload and the SSH face.
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { tmpdir } from 'node:os';
import type { Logger } from '../log.js';
import { UsageError } from '../errors.js';
import type { SessionBackend, SessionKind } from '../session/byte-session.js';
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
import { fleetConfig, fleetCount } from './fleet.js';
import { watchConfig } from './config-watch.js';
import { raiseFdLimit } from './fd-limit.js';
import { resolveDeviceSecrets } from './secrets.js';

export type { DeviceFlags } from './options.js';

export interface RunningDevice {
  /** The first (or only) emulated device. */
  device: EmulatedDevice;
  devices: EmulatedDevice[];
  agents: Agent[];
  sshPort?: number;
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
  const config = agentConfigFromFlags(f);
  const count = fleetCount(f, config);
  if (f.sshPort !== undefined && !f.sshUser?.length && !f.sshAuthorizedKeys) {
    throw new UsageError('--ssh-port needs at least one --ssh-user NAME:PASSWORD or --ssh-authorized-keys FILE');
  }
  const sshUsers = (f.sshUser ?? []).map(parseUserFlag);
  const stateDir = f.stateDir ? path.resolve(f.stateDir) : undefined;
  if (stateDir) await mkdir(stateDir, { recursive: true, mode: 0o700 });
  else logger.warn('no --state-dir: commits are kept in memory only and are lost when the device stops');
  const faces = [config ? 'outbound HTTPS' : '', f.sshPort !== undefined ? 'SSH face' : ''].filter(Boolean).join(', ');
  // A fleet holds its directory's lock too (each member locks its own device-N).
  const fleetLock = stateDir && count > 1 ? lockStateDir(stateDir, `nc-grpc-device fleet of ${count}`) : undefined;
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
  const status = () => {
    const parts = agents.map((a) => a.status());
    const clients = parts.flatMap((p, i) => (count > 1 ? p.clients.map((c) => ({ ...c, profile: devices[i]?.profile.name })) : p.clients));
    return { pid: process.pid, startedAt: parts[0]?.startedAt ?? startedAt, clients, faults: faults.list(), devices: count };
  };
  // Metrics are bound before any client dials: a port clash ends the start before anything goes out.
  if (config && f.metricsPort !== undefined) {
    const metrics = await startMetrics(f.metricsPort, status, logger);
    stops.push(() => metrics.close());
  }

  // Device sockets of every sessions' user so far: shells of an earlier user keep theirs.
  const sockets: DeviceSocket[][] = [];
  let generation = 0;
  /** A device socket and backends for new sessions of device n as user u. */
  const equip = async (n: number, u: SessionsUser): Promise<Equipment> => {
    const device = devices[n - 1];
    const socket = path.join(runDir, generation ? `cli-${n}-${generation}` : `cli-${n}`, 'device.sock');
    let serving: Promise<void> | undefined;
    const serve = () =>
      (serving ??= serveDeviceSocket(() => device.openNetconf({ user: u.name, client: 'cli' }), socket, { owner: u.account, logger }).then((s) => {
        sockets[n - 1].push(s);
      }));
    if (count === 1) await serve();
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

  if (count > 1) raiseFdLimit(count, logger);
  const pacing = { spread: count > 1 && !f.storm, storm: f.storm, preconnect: f.preconnect };
  for (let n = 1; n <= count; n++) {
    const memberLog = count > 1 ? logger.child({ device: n }) : logger;
    const device = await EmulatedDevice.create({
      profile: f.profile,
      stateDir: stateDir && count > 1 ? path.join(stateDir, `device-${n}`) : stateDir,
      hostname: f.hostname && count > 1 ? `${f.hostname}-${n}` : f.hostname,
      owner: count > 1 ? `nc-grpc-device fleet, device ${n}` : `nc-grpc-device (${faces})`,
      logger: memberLog,
      faults,
      // A fleet member parses its configuration and locks its directory when first used
      // (the fleet's directory is locked now, above).
      lazy: count > 1,
    });
    devices.push(device);
    stops.unshift(() => device.close());
    const own: DeviceSocket[] = [];
    sockets.push(own);
    stops.unshift(async () => {
      for (const s of own) await s.close();
    });
    equipment.push(await equip(n, user));
    if (!config) continue;
    const agent = new Agent({ config: fleetConfig(config, n, count), backends: following(() => equipment[n - 1]), instanceId: f.instanceId, logger: memberLog, faults, pacing });
    agent.start();
    agents.push(agent);
    stops.unshift(() => agent.stop());
  }
  if (count > 1) logger.info({ devices: count }, 'fleet started');
  if (faults.list().length) logger.info({ faults: faults.list() }, 'faults injected from the start');
  faults.on('change', () => logger.info({ faults: faults.list() }, 'faults changed'));

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
      for (let n = 1; n <= count; n++) fresh.push(await equip(n, now));
      equipment.splice(0, equipment.length, ...fresh);
      logger.info({ was: user.name, username: name }, "sessions' user changed: new sessions run as it, live ones keep theirs");
      user = now;
    }
    const total: Record<string, string[]> = {};
    for (const [i, agent] of agents.entries()) {
      const result = await agent.apply(fleetConfig(next, i + 1, count));
      for (const [k, v] of Object.entries(result)) total[k] = [...new Set([...(total[k] ?? []), ...(v as string[])])];
    }
    return total;
  };

  if (config) {
    const faultControl = { faults, dropConnections: () => agents.reduce((n, a) => n + a.dropConnections(), 0) };
    const control = await startControl({ control: f.control, stateDir: f.stateDir, runDir }, status, faultControl, logger);
    stops.push(() => control.close());
    if (f.config) stops.push(watchConfig(f.config, () => applyConfig(agentConfigFromFlags(f)!), logger));
  }

  const device = devices[0];
  let sshPort: number | undefined;
  if (f.sshPort !== undefined) {
    const cliPath = path.join(cliBinDir(), 'cli');
    const ssh = await startSshFace({
      host: f.sshHost,
      port: f.sshPort,
      users: sshUsers,
      authorizedKeysFile: f.sshAuthorizedKeys,
      hostKeyPath: path.join(stateDir ?? runDir, 'ssh_host_ed25519_key'),
      openNetconf: (login: string, client: string) => device.openNetconf({ user: login, client }),
      // A Junos login lands in the CLI (run as the sessions' user, named as the SSH login);
      // `ssh device "show version"` runs one CLI command.
      openShell: (login, pty) =>
        openPtyShell({ command: [cliPath], env: { USER: login }, user: user.name, allowRoot: f.allowRootShell, interactive: true, deviceSocket: equipment[0].socket, cols: pty?.cols, rows: pty?.rows, logger }),
      openCommand: (login, command) =>
        openPtyShell({ command: [cliPath, '-c', command], env: { USER: login }, user: user.name, allowRoot: f.allowRootShell, deviceSocket: equipment[0].socket, logger }),
      logger,
    });
    sshPort = ssh.port;
    stops.unshift(() => ssh.close());
    logger.info({ port: ssh.port, users: sshUsers.map((u) => u.name) }, 'SSH face listening (netconf subsystem and cli)');
  }

  return { device, devices, agents, sshPort, stop };
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
