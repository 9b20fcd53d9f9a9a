/**
 * What new sessions of each device go to: the device socket its emulated `cli` talks to and
 * the session backends (chosen through src/backends/registry.ts), as the sessions' user.
 * When that user changes (a reload), new sessions get new equipment; live ones keep theirs.
 */
import path from 'node:path';
import type { SessionBackend, SessionKind } from '../session/byte-session.js';
import { serveDeviceSocket, type DeviceSocket } from '../shell/device-socket.js';
import { deviceAccount, parseUidRange, resolveSessionUser, type SessionUser } from '../shell/user.js';
import { UsageError } from '../errors.js';
import { createBackend } from '../backends/registry.js';
import type { EmulatedDevice } from '../junos/device.js';
import { backendSpecs } from './options.js';
import type { Run } from './run.js';

/** The sessions' user: its name (as NETCONF sessions see it) and its account. */
export interface SessionsUser {
  name: string;
  account: SessionUser;
}

/** What new sessions of one device go to. */
interface Equipment {
  /** The device socket the emulated `cli` of a shell session talks to. */
  socket: string;
  /** Serves the device socket (a fleet member's only when its first shell opens: no fd while idle). */
  serve(): Promise<void>;
  backends?: Record<SessionKind, SessionBackend>;
}

/** The sessions' user of the settings (the JET app's username, default nobody). */
export function sessionsUser(run: Pick<Run, 'settings' | 'logger'>, configured: string | undefined): SessionsUser {
  const name = run.settings.username ?? configured ?? 'nobody';
  return { name, account: resolveSessionUser(name, run.settings.allowRootShell, run.logger) };
}

/** The equipment of every device of a run, as the current sessions' user. */
export class Outfitter {
  private readonly equipment: Equipment[] = [];
  /** Device sockets of every sessions' user so far: shells of an earlier user keep theirs. */
  private readonly sockets: DeviceSocket[][] = [];
  private generation = 0;
  /** The sessions' user of device n: the run's, or a uid of its own (--shell-uid-range). */
  readonly userOf: (u: SessionsUser, n: number) => SessionsUser;

  constructor(
    private readonly run: Run,
    public user: SessionsUser,
  ) {
    this.userOf = deviceIsolation(run.settings.shellUidRange, run.layout.total);
  }

  /** Equips the run's newest device (the i-th, 1-based); its sockets close with the run. */
  async addDevice(): Promise<void> {
    const own: DeviceSocket[] = [];
    this.sockets.push(own);
    this.run.stops.add(async () => {
      for (const s of own) await s.close();
    });
    this.equipment.push(await this.equip(this.sockets.length, this.user));
  }

  /** Backends that open each new session of device i (1-based) with its equipment at that moment. */
  backends(i: number): Record<SessionKind, SessionBackend> {
    const current = () => this.equipment[i - 1];
    const { run } = this;
    const record = run.recorder.outbound(run.devices[i - 1], run.layout.fleet ? run.numbers[i - 1] : undefined);
    const one = (kind: SessionKind): SessionBackend => ({
      get description() {
        return current().backends![kind].description;
      },
      open: async (k) => {
        const e = current();
        if (kind === 'csh') await e.serve();
        const b = e.backends![kind];
        return record(await b.open(k), k, b.description);
      },
    });
    return { netconf: one('netconf'), csh: one('csh') };
  }

  /** New sessions run as `name` from now on (live ones keep theirs); false when it is the same user. */
  async changeUser(configured: string | undefined): Promise<boolean> {
    const now = sessionsUser(this.run, configured);
    if (now.name === this.user.name) return false;
    this.generation++;
    const fresh: Equipment[] = [];
    for (let i = 1; i <= this.equipment.length; i++) fresh.push(await this.equip(i, now));
    this.equipment.splice(0, this.equipment.length, ...fresh);
    this.run.logger.info({ was: this.user.name, username: now.name }, "sessions' user changed: new sessions run as it, live ones keep theirs");
    this.user = now;
    return true;
  }

  /** A device socket and backends for new sessions of the i-th device (1-based) as user u. */
  private async equip(i: number, u0: SessionsUser): Promise<Equipment> {
    const { run } = this;
    const u = this.userOf(u0, run.numbers[i - 1] ?? i);
    const device: EmulatedDevice = run.devices[i - 1];
    const socket = path.join(run.runDir, this.generation ? `cli-${i}-${this.generation}` : `cli-${i}`, 'device.sock');
    // A fleet member's cli socket is served with its first shell session (idle members hold none).
    let serving: Promise<void> | undefined;
    const serve = () =>
      (serving ??= serveDeviceSocket(() => device.openNetconf({ user: u.name, client: 'cli' }), socket, { owner: u.account, logger: run.logger }).then((s) => {
        this.sockets[i - 1].push(s);
      }));
    if (!run.layout.fleet) await serve();
    if (!run.config) return { socket, serve };
    const ctx = { device, username: u.name, sessionUser: u.account, deviceSocket: socket, stateDir: run.stateDir, settings: run.settings, logger: run.logger };
    const specs = backendSpecs(run.settings);
    return { socket, serve, backends: { netconf: createBackend('netconf', specs.netconf, ctx), csh: createBackend('csh', specs.csh, ctx) } };
  }
}

/**
 * Per-device isolation of shells (`--shell-uid-range FIRST-LAST`, root only): device n's
 * sessions run as uid FIRST+n-1 (gid the same, no groups, a private home), so the shells of
 * two devices cannot signal each other or reach each other's cli socket. Without the flag,
 * every device's shells run as the sessions' user itself.
 */
function deviceIsolation(spec: string | undefined, total: number): (u: SessionsUser, n: number) => SessionsUser {
  if (!spec) return (u) => u;
  let range: { first: number; last: number };
  try {
    range = parseUidRange(spec);
  } catch (err) {
    throw new UsageError(`--shell-uid-range: ${(err as Error).message}`);
  }
  if (process.getuid?.() !== 0) throw new UsageError('--shell-uid-range needs the emulator to run as root (only root can run shells as other uids)');
  if (range.last - range.first + 1 < total) throw new UsageError(`--shell-uid-range ${spec} holds ${range.last - range.first + 1} uids, not one for each of the ${total} devices`);
  const cache = new Map<string, SessionsUser>();
  return (u, n) => {
    const key = `${u.account.uid}:${n}`;
    let own = cache.get(key);
    if (!own) cache.set(key, (own = { name: u.name, account: deviceAccount(u.account, range.first + n - 1) }));
    return own;
  };
}
