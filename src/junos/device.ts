/**
 * The emulated Junos device: a profile, an identity (host name, serial number), a clock,
 * one configuration datastore and the registry of its NETCONF sessions. Every face
 * (outbound-HTTPS agent, SSH, stdio, the emulated cli) opens sessions here.
 */
import { silentLogger, type Logger } from '../log.js';
import type { ConfigDatastore, ConfigDatastoreOptions, ConfigSession } from './config/api.js';
import { loadProfile, serialFor, type DeviceProfile } from './identity/profile.js';
import type { DeviceView } from './rpcs/types.js';
import { dispatchInFormat } from './rpcs/reply-format.js';
import { NetconfSession, type NetconfFaults } from '../netconf/session.js';
import { createConfigDatastore, parseInitial, type JunosDatastore } from './config/datastore.js';
import { factoryCopy } from './config/factory.js';
import { lockStateDir, type StateLock } from './config/state-lock.js';
import { ownDirSync } from '../own-files.js';
import { syslogOf } from './identity/syslog.js';
import { loadSchema } from '../schema/index.js';
import { OperModel, hostNameOf, parseInitialConfig, type OperCarry } from './oper/model.js';
import { bootOf, isDown } from './life/boot.js';
import { eventsIfAny } from './life/events.js';
import { filesIfAny } from './files/index.js';
import { escapeText } from '../netconf/xml.js';

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
  /**
   * Build the datastore (parse the profile's configuration, read and lock the state
   * directory) only when a session first needs it, not at create (fleets: an idle device
   * holds no configuration). A state directory that cannot be used is then reported to
   * that session.
   */
  lazy?: boolean;
  /** How long the operational model outlives the last session (MODEL_IDLE_MS by default). */
  modelIdleMs?: number;
}

/** Session ids look like the pids of Junos's NETCONF processes and are unique per process. */
let nextSessionId = 1000 + (process.pid % 50000);
/**
 * How long the operational model (and a lazy device's factory datastore) is kept once the
 * device's last session ended, when its sessions come close together (one began within this
 * time of the one before it ending, as a tool running several tasks opens them): then it is
 * dropped, and rebuilt (the same, from the same inputs) when next asked. A device whose
 * sessions come further apart (an NMS polling it every minute) drops them as its session
 * ends: held until then, each poll's model outlived the young generation and was collected
 * only by full collections, whose pauses a fleet's polls then waited on. A fleet polled
 * now and then keeps its idle size between polls.
 */
export const MODEL_IDLE_MS = 15_000;

/**
 * What the devices of this thread did, for whoever tidies its memory (src/device/memory-guard.ts):
 * drops of rebuildable state, NETCONF sessions opened, and those live now.
 */
const activity = { drops: 0, opened: 0, live: 0 };
export function deviceActivity(): Readonly<typeof activity> {
  return activity;
}

/** Host names given to devices created without one, per profile. */
const instanceCounters = new Map<string, number>();


export class EmulatedDevice implements DeviceView {
  /** Epoch ms of the last boot (a reboot moves it: life/boot.ts). */
  bootTime: number;
  private readonly sessions = new Map<number, NetconfSession>();
  /** Who opened each session, from where and when (`show system users`). */
  private readonly sessionInfo = new Map<number, { user: string; client?: string; since: number }>();
  private closed = false;
  /** The operational model of the committed configuration; dropped at each commit, rebuilt when asked. */
  private model: OperModel | undefined;
  /** Times the next model keeps (OperModel.carry()), taken from the model before a commit. */
  private carry: OperCarry | undefined;
  /** The events' version the model was built with. */
  private modelEvents: number | undefined;
  /** Why new sessions are refused now (the process is short of memory), or undefined. */
  private refusal: string | undefined;
  /** The host name of the model last built (kept when the model is dropped), until a commit. */
  private modelHostName: string | undefined;
  /** Drops the model after the last session ended: at once when sessions come far apart, modelIdleMs later when close together. */
  private modelTimer: NodeJS.Timeout | undefined;
  private modelIdleMs = MODEL_IDLE_MS;
  /** When the last session ended (performance.now()), and whether the sessions now open began within modelIdleMs of it. */
  private lastSessionEnd: number | undefined;
  private sessionsClose = false;
  private store: ConfigDatastore | undefined;
  /** The datastore being built (lazy devices), or its failure. */
  private building: Promise<ConfigDatastore> | undefined;

  private constructor(
    /** What device it is; a software upgrade (life/software.ts) makes it say another release from its next boot. */
    public profile: DeviceProfile,
    /** The name the device was created with: the seed of its serial numbers and MACs. */
    readonly identity: string,
    readonly serialNumber: string,
    store: ConfigDatastore | (() => Promise<ConfigDatastore>),
    private readonly logger: Logger,
    private readonly clock: () => number,
    private readonly maxMessageBytes: number | undefined,
    private readonly faults: NetconfFaults | undefined,
  ) {
    this.bootTime = clock();
    // The syslog starts at boot: the ports coming up, then what sessions and commits do.
    syslogOf(this).commits = () => this.history();
    this.bootLog();
    if (typeof store === 'function') this.build = store;
    else this.attach(store);
  }

  /** mgd's start and a link-up per interface, as one syslog entry (its lines made when read). */
  private bootLog(): void {
    syslogOf(this).boot(this.bootTime, this.profile.interfaces);
  }

  /**
   * The end of a reboot (life/boot.ts): a new boot time, the operational model rebuilt from
   * the committed configuration, the datastore as after a start (an unconfirmed commit
   * confirmed rolled back, the shared candidate the committed configuration).
   */
  restarted(at: number): void {
    this.bootTime = at;
    this.carry = undefined;
    this.model = undefined;
    this.modelHostName = undefined;
    (this.store as Partial<JunosDatastore> | undefined)?.restart?.();
    this.bootLog();
  }

  /** A broadcast (wall) message to every cli session, as the shutdown message reaches terminals. */
  broadcast(text: string): void {
    for (const [id, info] of this.sessionInfo) {
      if (info.client === 'cli') this.sessions.get(id)?.notify(`<broadcast-message>${escapeText(text)}</broadcast-message>`);
    }
  }

  /** Takes the datastore into use: the operational model follows its commits. */
  private attach(store: ConfigDatastore): void {
    this.store = store;
    (store as Partial<JunosDatastore>).onCommit?.(() => {
      // The new model keeps the times of what the commit did not change.
      this.carry = this.model?.carry() ?? this.carry;
      this.model = undefined;
      this.modelHostName = undefined;
    });
  }

  /** The host name: `system host-name` as committed (the creation name without one). */
  get hostname(): string {
    // A lazy fleet member not built yet still has its factory configuration, which names it
    // by its creation name: no model is built (and kept) just to say so.
    if (!this.store && !this.model) return this.identity;
    if (this.modelHostName !== undefined) return this.modelHostName;
    // Before the operational model is built again after a commit (long for a large
    // configuration), the name comes from the few statements that can give it.
    const ds = this.store as Partial<JunosDatastore> | undefined;
    if (!this.model && ds?.committedTop) return hostNameOf(ds.committedTop(['system', 'groups', 'apply-groups']), this.identity);
    return this.oper().hostName();
  }

  /**
   * The operational model (src/junos/oper/model.ts) of the committed configuration; a lazy
   * device not built yet answers from its factory configuration.
   */
  oper(): OperModel {
    // An event (life/events.ts) changed the conditions: a new model, keeping the times of what did not change.
    const events = eventsIfAny(this);
    if (this.model && events && this.modelEvents !== events.version) {
      this.carry = this.model.carry();
      this.model = undefined;
    }
    if (!this.model) {
      this.modelEvents = events?.version;
      const ds = this.store as Partial<JunosDatastore> | undefined;
      const config = ds?.committed?.() ?? parseInitialConfig(this.profile.initialConfig, this.identity);
      const commitTime = this.history()[0]?.time ?? this.bootTime;
      this.model = new OperModel({ profile: this.profile, config, identity: this.identity, bootTime: this.bootTime, commitTime: Math.max(commitTime, this.bootTime), carry: this.carry, conditions: events?.conditions });
      this.modelHostName = this.model.hostName();
      // Asked for with no session open (status, a fault): dropped again after a while.
      if (this.sessions.size === 0) this.dropModelLater();
    }
    return this.model;
  }

  /**
   * Drops what can be rebuilt the same when next asked (the operational model); returns
   * whether anything was dropped. Used when the device has been idle a while, and when the
   * process runs short of memory.
   */
  dropRebuildable(): boolean {
    clearTimeout(this.modelTimer);
    this.modelTimer = undefined;
    // The model is a function of the configuration, profile, identity, times and carry:
    // the carry it was built from stays, so the next one is the same.
    let dropped = this.model !== undefined;
    // A device with events (life/events.ts): the next model starts from this one's times, as
    // oper() does when the events change, should they change before it is rebuilt.
    if (this.model && eventsIfAny(this)) this.carry = this.model.carry();
    this.model = undefined;
    // A lazy device whose datastore is still the factory one, untouched, goes back to
    // unbuilt: built again (same revision time) when a session needs it. With a state
    // directory, the factory revision is on disk and read again from there; the directory
    // stays locked meanwhile (the lock is handed back to the next build).
    const ds = this.store as Partial<JunosDatastore> | undefined;
    if (ds && this.rebuildable && this.sessions.size === 0 && ds.pristine?.()) {
      const store = this.store!;
      this.dropped = store.history();
      this.store = undefined;
      this.building = undefined;
      const detached = ds.detach ? ds.detach() : store.close().then(() => undefined);
      this.detaching = detached.then(
        (lock) => {
          this.relock = lock;
        },
        () => undefined,
      );
      dropped = true;
    }
    if (dropped) activity.drops++;
    return dropped;
  }

  /** Refuses new NETCONF sessions with `reason` (one line), or accepts them again (undefined). */
  refuseSessions(reason: string | undefined): void {
    this.refusal = reason;
  }

  private dropModelLater(ms = this.modelIdleMs): void {
    clearTimeout(this.modelTimer);
    this.modelTimer = setTimeout(() => {
      this.modelTimer = undefined;
      if (this.sessions.size === 0) this.dropRebuildable();
    }, ms);
    this.modelTimer.unref();
  }

  /** Builds the datastore (a lazy device); given the factory revision's time and the state directory's lock when built again. */
  private build: ((initialTime?: number, lock?: ConfigDatastoreOptions['heldLock']) => Promise<ConfigDatastore>) | undefined;
  /** A lazy device: its datastore, while pristine, may be dropped and built again. */
  private rebuildable = false;
  /** The close of a dropped datastore, until done (a build waits for it: writes flushed, lock handed back). */
  private detaching: Promise<void> | undefined;
  /** The state directory's lock of a dropped datastore, for the next build. */
  private relock: ConfigDatastoreOptions['heldLock'];
  /** The history of a datastore dropped while pristine (its factory revision), until built again. */
  private dropped: ReturnType<ConfigDatastore['history']> | undefined;

  private history(): ReturnType<ConfigDatastore['history']> {
    return this.store?.history() ?? this.dropped ?? [];
  }
  /** The state directory's lock of a lazy device not built yet (released at close). */
  private unbuiltLock: StateLock | undefined;

  /** The configuration datastore (built now on a lazy device that had none yet). */
  get datastore(): ConfigDatastore {
    if (!this.store) throw new Error('the datastore of this device is not built yet (await device.materialise())');
    return this.store;
  }

  /** Whether the datastore exists (a lazy device builds it when a session first needs it). */
  get materialised(): boolean {
    return this.store !== undefined;
  }

  /** Builds the datastore of a lazy device (once; a failure is retried by the next call). */
  materialise(): Promise<ConfigDatastore> {
    if (this.store) return Promise.resolve(this.store);
    if (this.closed) return Promise.reject(new Error('device is closed'));
    this.building ??= (this.detaching ?? Promise.resolve())
      .then(() => {
        const lock = this.relock;
        this.relock = undefined;
        this.detaching = undefined;
        return this.build!(this.dropped?.[0]?.time, lock);
      })
      .then(
      (store) => {
        this.unbuiltLock = undefined;
        this.attach(store);
        this.model = undefined;
        this.dropped = undefined;
        if (!this.rebuildable) this.build = undefined;
        return store;
      },
      (err: unknown) => {
        this.building = undefined;
        this.unbuiltLock = undefined;
        throw err;
      },
    );
    return this.building;
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
    const logger = opts.logger ?? silentLogger;
    const report = (line: string) => logger.warn(line);
    // One schema per family per process, shared by every device of a fleet.
    const schema = profile.family ? loadSchema(profile.family) : undefined;
    // A lazy device locks its state directory now (no second process may take it meanwhile)
    // and builds the datastore, which keeps that lock, when first needed.
    let held: StateLock | undefined;
    if (opts.lazy && opts.stateDir) {
      ownDirSync(opts.stateDir);
      held = lockStateDir(opts.stateDir, opts.owner ?? `nc-grpc-device, pid ${process.pid}`);
    }
    const make = async (initialTime?: number, lock?: ConfigDatastoreOptions['heldLock']) => {
      // The factory configuration names the device with its own host name (made only when
      // needed); parsed once per profile, a copy for each device (config/factory.ts).
      const template = profile.initialConfig;
      const initialConfig = { ...template, content: template.content.replace(/\{\{hostname\}\}/g, hostname) };
      const initialCopy = () => factoryCopy(`datastore ${template.format}`, template.content, (content) => parseInitial({ format: template.format, content }), hostname);
      const heldLock = lock ?? held;
      held = undefined; // the datastore owns it now (and releases it if it fails)
      return factory({ stateDir: opts.stateDir, initialConfig, initialCopy, now, owner: opts.owner, report, schema, ...(heldLock ? { heldLock } : {}), ...(initialTime !== undefined ? { initialTime } : {}) });
    };
    const device = new EmulatedDevice(profile, hostname, serial, opts.lazy ? make : await make(), logger, now, opts.maxMessageBytes, opts.faults);
    if (held) device.unbuiltLock = held;
    device.rebuildable = opts.lazy === true;
    if (opts.modelIdleMs !== undefined) device.modelIdleMs = Math.max(0, opts.modelIdleMs);
    return device;
  }

  now(): number {
    return this.clock();
  }

  lastCommit(): { time: number; user: string } | undefined {
    const newest = this.history()[0];
    return newest ? { time: newest.time, user: newest.user } : undefined;
  }

  /** Starts a NETCONF session; its output begins with the server hello. */
  openNetconf(opts: { user?: string; client?: string } = {}): NetconfSession {
    if (this.closed) throw new Error('device is closed');
    if (isDown(this)) throw new Error('device is rebooting');
    if (this.refusal) throw new Error(this.refusal);
    const id = nextSessionId++;
    const user = opts.user ?? 'nobody';
    clearTimeout(this.modelTimer);
    this.modelTimer = undefined;
    // A lazy device builds its datastore now; the hello goes out meanwhile, RPCs wait for it.
    let config: ConfigSession | undefined;
    let ended = false;
    const ready: Promise<ConfigSession> = this.store
      ? Promise.resolve((config = this.store.openSession(id, user, opts.client)))
      : this.materialise().then((store) => {
          if (ended) throw new Error('session ended');
          return (config ??= store.openSession(id, user, opts.client));
        });
    ready.catch((err: unknown) => {
      if (!ended) this.logger.error({ session: id, reason: (err as Error).message }, 'configuration datastore unavailable');
    });
    const session = new NetconfSession({
      device: this,
      config: {
        close: () => {
          ended = true;
          config?.close();
        },
      },
      sessionId: id,
      user,
      logger: this.logger,
      maxMessageBytes: this.maxMessageBytes,
      faults: this.faults,
      dispatch: async (op) => dispatchInFormat({ device: this, config: config ?? (await ready), sessionId: id, user, op }),
      onEnd: () => {
        if (this.sessions.delete(id)) activity.live--;
        this.lastSessionEnd = performance.now();
        if (this.sessions.size === 0 && (this.model || (this.rebuildable && this.store))) this.dropModelLater(this.sessionsClose ? this.modelIdleMs : 0);
        syslogOf(this).session({ time: this.clock(), id, user, login: false });
        this.sessionInfo.delete(id);
        this.logger.debug({ session: id }, 'netconf session ended');
      },
    });
    if (this.sessions.size === 0) this.sessionsClose = this.lastSessionEnd !== undefined && performance.now() - this.lastSessionEnd < this.modelIdleMs;
    this.sessions.set(id, session);
    activity.opened++;
    activity.live++;
    syslogOf(this).session({ time: this.clock(), id, user, client: opts.client, login: true });
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
    clearTimeout(this.modelTimer);
    this.modelTimer = undefined;
    bootOf(this).stop();
    eventsIfAny(this)?.stop();
    await filesIfAny(this)?.close();
    for (const s of [...this.sessions.values()]) s.terminate();
    // A build that failed was reported to the session that started it; closing has nothing of it to close.
    const store = this.store ?? (await this.building?.catch(() => undefined));
    await store?.close();
    await this.detaching;
    if (!store) {
      this.unbuiltLock?.release();
      this.relock?.release();
      this.relock = undefined;
    }
  }
}
