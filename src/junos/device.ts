/**
 * The emulated Junos device: a profile, an identity (host name, serial number), a clock,
 * one configuration datastore and the registry of its NETCONF sessions. Every face
 * (outbound-HTTPS agent, SSH, stdio, the emulated cli) opens sessions here.
 */
import { silentLogger, type Logger } from '../log.js';
import type { ConfigDatastore, ConfigDatastoreOptions } from './config/api.js';
import { loadProfile, serialFor, type DeviceProfile } from './profile.js';
import type { DeviceView } from './rpcs/types.js';
import { dispatchInFormat } from './rpcs/reply-format.js';
import { NetconfSession, type NetconfFaults } from '../netconf/session.js';
import { createConfigDatastore, type JunosDatastore } from './config/datastore.js';
import { syslogOf } from './syslog.js';
import { loadSchema } from '../schema/index.js';
import { OperModel, parseInitialConfig, type OperCarry } from './oper/model.js';

export interface EmulatedDeviceOptions {
  /** Shipped profile name or profile directory. */
  profile: string;
  /** Where the configuration and rollbacks persist; memory only when absent. Locked while open. */
  stateDir?: string;
  /** What this process is, named to another process refused the state directory's lock. */
  owner?: string;
  hostname?: string;
  serialNumber?: string;
  logger?: Logger;
  /** Largest NETCONF message accepted from a client. */
  maxMessageBytes?: number;
  /** Device clock, epoch ms. */
  now?: () => number;
  /** Builds the datastore (tests); the real datastore by default. */
  datastoreFactory?: (opts: ConfigDatastoreOptions) => ConfigDatastore | Promise<ConfigDatastore>;
  /** Fault injection: RPCs answered with an error, replies delayed (read live, per RPC). */
  faults?: NetconfFaults;
}

/** Session ids look like the pids of Junos's NETCONF processes and are unique per process. */
let nextSessionId = 1000 + (process.pid % 50000);
/** Host names given to devices created without one, per profile. */
const instanceCounters = new Map<string, number>();


export class EmulatedDevice implements DeviceView {
  readonly bootTime: number;
  private readonly sessions = new Map<number, NetconfSession>();
  /** Who opened each session, from where and when (`show system users`). */
  private readonly sessionInfo = new Map<number, { user: string; client?: string; since: number }>();
  private closed = false;
  /** The operational model of the committed configuration; dropped at each commit, rebuilt when asked. */
  private model: OperModel | undefined;
  /** Times the next model keeps (OperModel.carry()), taken from the model before a commit. */
  private carry: OperCarry | undefined;

  private constructor(
    readonly profile: DeviceProfile,
    /** The name the device was created with: the seed of its serial numbers and MACs. */
    readonly identity: string,
    readonly serialNumber: string,
    readonly datastore: ConfigDatastore,
    private readonly logger: Logger,
    private readonly clock: () => number,
    private readonly maxMessageBytes: number | undefined,
    private readonly faults: NetconfFaults | undefined,
  ) {
    this.bootTime = clock();
    // The syslog starts at boot: the ports coming up, then what sessions and commits do.
    const log = syslogOf(this);
    log.commits = () => datastore.history();
    log.record({ time: this.bootTime, process: 'mgd[5061]', text: 'UI_CHILD_START: Starting child \'/usr/sbin/mgd\'' });
    profile.interfaces.forEach((i, n) =>
      log.record({ time: this.bootTime, process: 'mib2d[2121]', text: `SNMP_TRAP_LINK_UP: ifIndex ${500 + n}, ifAdminStatus up(1), ifOperStatus up(2), ifName ${i.name}` }),
    );
    const ds = datastore as Partial<JunosDatastore>;
    ds.onCommit?.(() => {
      // The new model keeps the times of what the commit did not change.
      this.carry = this.model?.carry() ?? this.carry;
      this.model = undefined;
    });
  }

  /** The host name: `system host-name` as committed (the creation name without one). */
  get hostname(): string {
    return this.oper().hostName();
  }

  /** The operational model (src/junos/oper/model.ts) of the committed configuration. */
  oper(): OperModel {
    if (!this.model) {
      const ds = this.datastore as Partial<JunosDatastore>;
      const config = ds.committed?.() ?? parseInitialConfig(this.profile.initialConfig, this.identity);
      const commitTime = this.datastore.history()[0]?.time ?? this.bootTime;
      this.model = new OperModel({ profile: this.profile, config, identity: this.identity, bootTime: this.bootTime, commitTime: Math.max(commitTime, this.bootTime), carry: this.carry });
    }
    return this.model;
  }

  static async create(opts: EmulatedDeviceOptions): Promise<EmulatedDevice> {
    const profile = loadProfile(opts.profile);
    let hostname = opts.hostname;
    if (!hostname) {
      const n = (instanceCounters.get(profile.dir) ?? 0) + 1;
      instanceCounters.set(profile.dir, n);
      hostname = `${profile.hostnamePrefix}-${n}`;
    }
    const serial = opts.serialNumber ?? serialFor(profile.serialPattern, hostname);
    const now = opts.now ?? Date.now;
    const factory = opts.datastoreFactory ?? createConfigDatastore;
    // The factory configuration names the device with its own host name.
    const initialConfig = { ...profile.initialConfig, content: profile.initialConfig.content.replace(/\{\{hostname\}\}/g, hostname) };
    const logger = opts.logger ?? silentLogger;
    const report = (line: string) => logger.warn(line);
    // One schema per family per process, shared by every device of a fleet.
    const schema = profile.family ? loadSchema(profile.family) : undefined;
    const datastore = await factory({ stateDir: opts.stateDir, initialConfig, now, owner: opts.owner, report, schema });
    return new EmulatedDevice(profile, hostname, serial, datastore, logger, now, opts.maxMessageBytes, opts.faults);
  }

  now(): number {
    return this.clock();
  }

  lastCommit(): { time: number; user: string } | undefined {
    const newest = this.datastore.history()[0];
    return newest ? { time: newest.time, user: newest.user } : undefined;
  }

  /** Starts a NETCONF session; its output begins with the server hello. */
  openNetconf(opts: { user?: string; client?: string } = {}): NetconfSession {
    if (this.closed) throw new Error('device is closed');
    const id = nextSessionId++;
    const user = opts.user ?? 'nobody';
    const config = this.datastore.openSession(id, user, opts.client);
    const session = new NetconfSession({
      device: this,
      config,
      sessionId: id,
      user,
      logger: this.logger,
      maxMessageBytes: this.maxMessageBytes,
      faults: this.faults,
      dispatch: (op) => dispatchInFormat({ device: this, config, sessionId: id, user, op }),
      onEnd: () => {
        this.sessions.delete(id);
        syslogOf(this).record({ time: this.clock(), process: `mgd[${id}]`, text: `UI_LOGOUT_EVENT: User '${user}' logout` });
        this.sessionInfo.delete(id);
        this.logger.debug({ session: id }, 'netconf session ended');
      },
    });
    this.sessions.set(id, session);
    syslogOf(this).record({ time: this.clock(), process: `mgd[${id}]`, text: `UI_LOGIN_EVENT: User '${user}' login, class 'j-super-user' [${id}], ssh-connection '${opts.client ?? ''}', client-mode '${opts.client === 'cli' ? 'cli' : 'junoscript'}'` });
    this.sessionInfo.set(id, { user, client: opts.client, since: this.clock() });
    this.logger.debug({ session: id, user, client: opts.client }, 'netconf session started');
    return session;
  }

  /** Ids of the NETCONF sessions open now. */
  sessionIds(): number[] {
    return [...this.sessions.keys()];
  }

  sessionList(): { id: number; user: string; client?: string; since: number }[] {
    return [...this.sessionInfo].map(([id, s]) => ({ id, ...s }));
  }

  killSession(id: number): boolean {
    const s = this.sessions.get(id);
    if (!s) return false;
    s.terminate();
    return true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.sessions.values()]) s.terminate();
    await this.datastore.close();
  }
}
