/**
 * `nc-grpc-device [flags]`: one emulated device. Its NETCONF server and datastore serve every
 * face: the outbound-HTTPS agent (when an NMS is configured), the SSH face, the shell's `cli`.
 */
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { chmod, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { Agent } from '../outbound/agent.js';
import type { ByteSession, SessionBackend, SessionKind } from '../session/byte-session.js';
import { clientFromFlags, validateAgentConfig, validateTransport, type AgentConfig, type ClientFlags } from '../outbound/config.js';
import { ExecBackend } from '../backends/exec.js';
import { decodeSecret9, isSecret9 } from '../junos/secret9.js';
import { parseAgentConfigFile } from '../outbound/junos-config.js';
import { BASIC_DEFAULT_SECRET } from '../outbound/protocols/basic.js';
import { controlSocketPath, startControlServer, type FaultControl } from '../status/control.js';
import { startMetricsServer } from '../status/metrics.js';
import { createLogger, type Logger } from '../log.js';
import { EmulatedDevice } from '../junos/device.js';
import { ShellBackend } from '../backends/pty-shell.js';
import { serveDeviceSocket } from '../shell/device-socket.js';
import { loginEnv, resolveSessionUser } from '../shell/user.js';
import { openPtyShell } from '../shell/pty-session.js';
import { cliBinDir } from '../shell/cli-bin.js';
import { startSshFace, parseUserFlag } from '../ssh/server.js';
import { SshBridgeBackend, parseSshTarget } from '../backends/ssh-bridge.js';
import { UsageError } from '../cli/usage-error.js';
import { DeviceNetconfBackend } from '../backends/junos-netconf.js';
import { FaultSet, FaultSpecError } from '../faults/faults.js';
import { lockStateDir } from '../junos/config/state-lock.js';
import { resolveDeviceSecrets } from './secrets.js';

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
  devices?: number;
  /** Fault specs (`--fault`, repeatable). */
  fault?: string[];
  secretFile?: string;
  sshUserFile?: string;
}

/** The faults of `--fault`; a bad spec is a usage error. */
function faultsFromFlags(f: DeviceFlags): FaultSet {
  try {
    return new FaultSet((f.fault ?? []).map(String));
  } catch (err) {
    if (err instanceof FaultSpecError) throw new UsageError(err.message);
    throw err;
  }
}

/** Known hosts of the SSH bridges (trust on first use): kept in the state directory. */
function knownHosts(f: DeviceFlags): string | undefined {
  return f.stateDir ? path.join(path.resolve(f.stateDir), 'known_hosts') : undefined;
}

/** Reads the agent configuration the flags describe, or undefined when no NMS is configured. */
export function agentConfigFromFlags(f: DeviceFlags): AgentConfig | undefined {
  if (f.config && f.host) throw new UsageError('give either --config or --host (with --cert and --device-id), not both');
  if (f.config) {
    const cfg = parseAgentConfigFile(f.config);
    if (f.protocol) cfg.protocol = f.protocol as 'enhanced' | 'basic';
    if (f.username) cfg.username = f.username;
    return withTransportFlags(cfg, f);
  }
  if (!f.host) {
    for (const flag of ['cert', 'certFile', 'deviceId', 'secret'] as const) {
      if (f[flag]) throw new UsageError('--host is required with --cert, --device-id and --secret (the NMS to dial)');
    }
    return undefined;
  }
  const protocol = (f.protocol ?? 'enhanced') as 'enhanced' | 'basic';
  const secret = f.secret && isSecret9(f.secret) ? decodeSecret9(f.secret) : f.secret;
  const client = clientFromFlags(
    {
      host: f.host,
      port: f.port,
      cert: f.cert,
      certFile: f.certFile,
      deviceId: f.deviceId,
      secret: protocol === 'basic' ? (secret ?? BASIC_DEFAULT_SECRET) : secret,
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

export interface RunningDevice {
  /** The first (or only) emulated device. */
  device: EmulatedDevice;
  devices: EmulatedDevice[];
  agents: Agent[];
  sshPort?: number;
  stop(): Promise<void>;
}

/**
 * The device-id of member `n` of a fleet: `{n}` in the configured id is replaced by n,
 * otherwise `-n` is appended. A single device keeps its id.
 */
export function fleetDeviceId(deviceId: string, n: number, count: number): string {
  if (count <= 1) return deviceId;
  return deviceId.includes('{n}') ? deviceId.replaceAll('{n}', String(n)) : `${deviceId}-${n}`;
}

function fleetConfig(config: AgentConfig, n: number, count: number): AgentConfig {
  return { ...config, clients: config.clients.map((c) => ({ ...c, deviceId: fleetDeviceId(c.deviceId, n, count) })) };
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

async function startDeviceWith(f: DeviceFlags, logger: Logger, stops: (() => Promise<void> | void)[], stop: () => Promise<void>): Promise<RunningDevice> {
  resolveDeviceSecrets(f);
  const faults = faultsFromFlags(f);
  const config = agentConfigFromFlags(f);
  const count = f.devices ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new UsageError('--devices must be a whole number of at least 1');
  if (!config && f.sshPort === undefined) {
    throw new UsageError('nothing to do: configure an NMS (--host/--cert/--device-id/--secret or --config) or an SSH face (--ssh-port); run with no arguments for the demo');
  }
  if (count > 1 && !config) throw new UsageError('--devices needs an NMS to dial (--host ... or --config)');
  if (count > 1 && f.sshPort !== undefined) throw new UsageError('the SSH face serves one device: use --ssh-port without --devices');
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
  const runDir = await mkdirTemp();
  stops.push(() => rm(runDir, { recursive: true, force: true }));
  await chmod(runDir, 0o711);
  const username = f.username ?? config?.username ?? 'nobody';
  const sessionUser = resolveSessionUser(username, f.allowRootShell, logger);

  const devices: EmulatedDevice[] = [];
  const agents: Agent[] = [];
  const socketPaths: string[] = [];
  const startedAt = Date.now();
  const status = () => {
    const parts = agents.map((a) => a.status());
    return { pid: process.pid, startedAt: parts[0]?.startedAt ?? startedAt, clients: parts.flatMap((p) => p.clients), faults: faults.list() };
  };
  // Metrics are bound before any client dials: a port clash ends the start before anything goes out.
  if (config && f.metricsPort !== undefined) {
    const metrics = await startMetricsServer(f.metricsPort, '127.0.0.1', status);
    stops.push(() => metrics.close());
    logger.info({ port: metrics.port }, 'metrics at /metrics');
  }
  for (let n = 1; n <= count; n++) {
    const device = await EmulatedDevice.create({
      profile: f.profile,
      stateDir: stateDir && count > 1 ? path.join(stateDir, `device-${n}`) : stateDir,
      hostname: f.hostname && count > 1 ? `${f.hostname}-${n}` : f.hostname,
      owner: count > 1 ? `nc-grpc-device fleet, device ${n}` : `nc-grpc-device (${faces})`,
      logger: count > 1 ? logger.child({ device: n }) : logger,
      faults,
    });
    devices.push(device);
    stops.unshift(() => device.close());
    const socketPath = path.join(runDir, `cli-${n}`, 'device.sock');
    socketPaths.push(socketPath);
    const deviceSocket = await serveDeviceSocket(() => device.openNetconf({ user: username, client: 'cli' }), socketPath, { owner: sessionUser, logger });
    stops.unshift(() => deviceSocket.close());
    if (!config) continue;
    const backends: Record<SessionKind, SessionBackend> = {
      netconf: netconfBackend(f, device, username, sessionUser, logger),
      csh: f.shellBackend
        ? new SshBridgeBackend({ target: parseSshTarget(f.shellBackend), privateKeyFile: f.sshKey, knownHostsFile: knownHosts(f), pty: { cols: 80, rows: 24, term: 'vt100' }, logger })
        : new ShellBackend({ user: username, allowRoot: f.allowRootShell, interactive: f.shellPrompt, deviceSocket: socketPath, logger }),
    };
    const agent = new Agent({ config: fleetConfig(config, n, count), backends, instanceId: f.instanceId, logger: count > 1 ? logger.child({ device: n }) : logger, faults });
    agent.start();
    agents.push(agent);
    stops.unshift(() => agent.stop());
  }
  if (count > 1) logger.info({ devices: count }, 'fleet started');
  if (faults.list().length) logger.info({ faults: faults.list() }, 'faults injected from the start');
  faults.on('change', () => logger.info({ faults: faults.list() }, 'faults changed'));

  if (config) {
    const faultControl = { faults, dropConnections: () => agents.reduce((n, a) => n + a.dropConnections(), 0) };
    const control = await startControl(f, runDir, status, faultControl, logger);
    stops.push(() => control.close());
    if (f.config) stops.push(watchConfig(f, agents, count, logger));
  }

  const device = devices[0];
  let sshPort: number | undefined;
  if (f.sshPort !== undefined) {
    const cliPath = path.join(cliBinDir(), 'cli');
    // Each SSH login's cli gets a device socket of its own, opened as that login: its
    // commits are the login's ("by lab via cli"), not the sessions' user's. Gone with the session.
    let loginSockets = 0;
    const withLoginSocket = async (user: string, open: (socketPath: string) => ByteSession): Promise<ByteSession> => {
      const sock = await serveDeviceSocket(() => device.openNetconf({ user, client: 'cli' }), path.join(runDir, `cli-login-${++loginSockets}`, 'device.sock'), { owner: sessionUser, logger });
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
    const ssh = await startSshFace({
      host: f.sshHost,
      port: f.sshPort,
      users: sshUsers,
      authorizedKeysFile: f.sshAuthorizedKeys,
      hostKeyPath: path.join(stateDir ?? runDir, 'ssh_host_ed25519_key'),
      openNetconf: (user: string, client: string) => device.openNetconf({ user, client }),
      // A Junos login lands in the CLI (run as the sessions' user, named as the SSH login);
      // `ssh device "show version"` runs one CLI command.
      openShell: (user, pty) =>
        withLoginSocket(user, (sock) => openPtyShell({ command: [cliPath], env: { USER: user }, user: username, allowRoot: f.allowRootShell, interactive: true, deviceSocket: sock, cols: pty?.cols, rows: pty?.rows, logger })),
      openCommand: (user, command) =>
        withLoginSocket(user, (sock) => openPtyShell({ command: [cliPath, '-c', command], env: { USER: user }, user: username, allowRoot: f.allowRootShell, deviceSocket: sock, logger })),
      logger,
    });
    sshPort = ssh.port;
    stops.unshift(() => ssh.close());
    logger.info({ port: ssh.port, users: sshUsers.map((u) => u.name) }, 'SSH face listening (netconf subsystem and cli)');
  }

  return { device, devices, agents, sshPort, stop };
}

function netconfBackend(f: DeviceFlags, device: EmulatedDevice, username: string, user: ReturnType<typeof resolveSessionUser>, logger: Logger): SessionBackend {
  if (f.netconfBackend && f.netconfCommand) throw new UsageError('give either --netconf-backend or --netconf-command, not both');
  if (f.netconfBackend) {
    return new SshBridgeBackend({ target: parseSshTarget(f.netconfBackend), privateKeyFile: f.sshKey, knownHostsFile: knownHosts(f), logger });
  }
  if (f.netconfCommand) {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...loginEnv(user, '/bin/sh') };
    return new ExecBackend({ command: f.netconfCommand, uid: user.switchTo?.uid, gid: user.switchTo?.gid, env, cwd: user.home, logger });
  }
  return new DeviceNetconfBackend(device, username);
}

/**
 * The control socket for `nc-grpc-device status`: --control, else <state-dir>/control.sock,
 * else the per-user default. When the default is held by another running device, this one
 * uses a private path and says where.
 */
async function startControl(f: DeviceFlags, runDir: string, getStatus: Parameters<typeof startControlServer>[1], faults: FaultControl, logger: Logger) {
  const wanted = f.control ?? controlSocketPath(f.stateDir ? path.resolve(f.stateDir) : undefined);
  try {
    const control = await startControlServer(wanted, getStatus, faults);
    logger.info({ control: control.path }, 'status: nc-grpc-device status --control ' + control.path);
    return control;
  } catch (err) {
    if (f.control || f.stateDir) throw err;
    const control = await startControlServer(path.join(runDir, 'control.sock'), getStatus, faults);
    logger.warn({ control: control.path, reason: (err as Error).message }, 'default control socket unavailable; using a private one');
    return control;
  }
}

async function mkdirTemp(): Promise<string> {
  const { mkdtemp } = await import('node:fs/promises');
  return mkdtemp(path.join(tmpdir(), 'nc-grpc-device-'));
}

/** How often the watcher checks that the configuration file's directory is still the one watched. */
const DIR_CHECK_MS = 1000;

/**
 * Re-reads the configuration file on SIGHUP and when it changes; a bad file is rejected, the
 * running config stays. One reload is logged once (for a fleet too); a file event that leaves
 * the content as it was is not a reload. When the file's directory is replaced (renamed away
 * and recreated), the watch moves to the new directory and says so; while it is gone, that is
 * logged once and SIGHUP still reloads.
 */
function watchConfig(f: DeviceFlags, agents: Agent[], count: number, logger: Logger): () => void {
  const file = path.resolve(f.config!);
  const dir = path.dirname(file);
  let timer: NodeJS.Timeout | undefined;
  let lastText = readText(file);
  let running: Promise<void> = Promise.resolve();
  const doReload = async (why: string): Promise<void> => {
    const text = readText(file);
    if (why !== 'SIGHUP' && text !== undefined && text === lastText) {
      logger.debug({ why, file: f.config }, 'configuration file unchanged; nothing to reload');
      return;
    }
    lastText = text;
    try {
      const next = agentConfigFromFlags(f)!;
      const total: Record<string, string[]> = {};
      for (const [i, agent] of agents.entries()) {
        const result = await agent.apply(fleetConfig(next, i + 1, count));
        for (const [k, v] of Object.entries(result)) total[k] = [...new Set([...(total[k] ?? []), ...(v as string[])])];
      }
      logger.info({ why, ...total }, 'configuration reloaded');
    } catch (err) {
      logger.error({ why, file: f.config, reason: (err as Error).message }, 'configuration rejected; the running configuration stays');
    }
  };
  const reload = (why: string) => {
    clearTimeout(timer);
    // One reload at a time, in order.
    timer = setTimeout(() => (running = running.then(() => doReload(why))), 100);
  };
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);

  let watcher: FSWatcher | undefined;
  let watchedIno: number | undefined;
  let goneLogged = false;
  const arm = (): boolean => {
    watcher?.close();
    watcher = undefined;
    try {
      watchedIno = statSync(dir).ino;
      // Watch the directory: editors replace files by rename.
      watcher = watch(dir, (_event, name) => {
        if (name === path.basename(file)) reload('file changed');
      });
      watcher.on('error', () => check());
      return true;
    } catch (err) {
      watchedIno = undefined;
      if (!goneLogged) logger.warn({ dir, reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message }, 'cannot watch the configuration directory; SIGHUP reloads');
      goneLogged = true;
      return false;
    }
  };
  const check = (): void => {
    let ino: number | undefined;
    try {
      ino = statSync(dir).ino;
    } catch {
      ino = undefined;
    }
    if (ino !== undefined && ino === watchedIno && watcher) return;
    if (ino === undefined) {
      watcher?.close();
      watcher = undefined;
      watchedIno = undefined;
      if (!goneLogged) logger.warn({ dir }, 'the configuration directory is gone; watching resumes when it is back (SIGHUP reloads)');
      goneLogged = true;
      return;
    }
    if (arm()) {
      logger.warn({ dir }, 'the configuration directory was replaced; watching the new one');
      goneLogged = false;
      reload('directory replaced');
    }
  };
  arm();
  const checker = setInterval(check, DIR_CHECK_MS).unref();
  return () => {
    clearTimeout(timer);
    clearInterval(checker);
    process.off('SIGHUP', onHup);
    watcher?.close();
  };
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Runs the device until SIGTERM/SIGINT, then ends every session with the stop message and exits 0. */
export async function runDeviceCommand(f: DeviceFlags): Promise<void> {
  const logger = createLogger({ level: f.logLevel, format: f.logFormat, file: f.logFile });
  const running = await startDevice(f, logger);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'terminating: ending every session');
    await running.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
