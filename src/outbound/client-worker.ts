/**
 * One outbound-https client: walks its servers, runs the session loop on a live one, and
 * keeps the client's live sessions. Several workers run side by side, independently.
 */
import { deferredChild, type Logger } from '../log.js';
import type { SessionBackend, SessionKind } from '../session/byte-session.js';
import type { ClientConfig, ServerConfig } from './config.js';
import { protocolFor } from './protocols/index.js';
import { DEFAULT_PROTOCOL, type ProtocolName } from '../wire/contract.js';
import { targetOf, type TransportTiming } from './channel.js';
import type { SessionBridge } from './session-bridge.js';
import type { FaultSet } from '../faults/faults.js';
import { flapPauseMs, walkOrder, walkWaitMs } from './reconnect.js';
import { CONNECT_TIMEOUT_MS } from './server-walk.js';
import type { LinkEnd, ServerLink, SessionHost } from './session-host.js';

export type WorkerState = 'probing' | 'connected' | 'waiting' | 'stopped';

/** One client as status shows it (src/status/types.ts ClientStatus adds its device's profile). */
export interface WorkerStatus {
  name: string;
  deviceId: string;
  protocol: ProtocolName;
  /** `address:port` of the server being probed or in use; null while waiting or stopped. */
  server: string | null;
  state: WorkerState;
  /** When the client entered this state (epoch ms). */
  since: number;
  /** Sessions open now, by type. */
  sessions: { netconf: number; csh: number };
  /** Sessions opened since the client (re)started. */
  sessionsTotal: number;
  lastError: string | null;
  /**
   * The last link to a server that was lost, and why (connection dropped or a keepalive ping
   * unanswered, connection not up within the connect bound); absent until one is lost.
   */
  lastLoss?: { server: string; reason: string; at: number };
}

export interface WorkerDeps {
  backends: Record<SessionKind, SessionBackend>;
  instanceId: string;
  logger: Logger;
  protocol?: ProtocolName;
  /** Faults injected into sessions (shared, changed at run time). */
  faults?: FaultSet;
  /** Keepalive and connect bound of the client's connections; defaults: none, CONNECT_TIMEOUT_MS. */
  transport?: Partial<TransportTiming>;
  /** How the walks of this client are paced and whether a spare connection is kept (fleets). */
  pacing?: FleetPacing;
}

/** Fleet behaviour of a client (see reconnect.ts). */
export interface FleetPacing {
  /** A random start phase: the first wait of every down spell is a random part of waittime. */
  spread?: boolean;
  /** Walk in step with every other device: waits end on multiples of waittime on the clock. */
  storm?: boolean;
  /** Keep the next Initialize's connection up in advance from the start (SessionHost.preconnect). */
  preconnect?: boolean;
  /** A fleet member: its routine lines (client started, NMS is up) at debug; the fleet reports progress as a whole. */
  quiet?: boolean;
}

/**
 * Probes in flight at once in this process (all clients, all devices): a fleet of 10,000
 * starting, or coming back in a storm, would otherwise open 10,000 TLS handshakes at once,
 * the NMS would answer them slower than the connect bound, and every device would time out
 * and start again. Queued probes wait their turn (their connect bound starts then).
 */
export const MAX_PROBES_IN_FLIGHT = 256;
let probesInFlight = 0;
const probeQueue: (() => void)[] = [];

/** Waits for a probe slot; resolves with its release (called once), or undefined when `signal` aborts first. */
function probeSlot(signal: AbortSignal): Promise<(() => void) | undefined> {
  const release = () => {
    const next = probeQueue.shift();
    if (next) next();
    else probesInFlight--;
  };
  if (probesInFlight < MAX_PROBES_IN_FLIGHT) {
    probesInFlight++;
    return Promise.resolve(release);
  }
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    const turn = () => {
      signal.removeEventListener('abort', onAbort);
      resolve(release);
    };
    const onAbort = () => {
      const i = probeQueue.indexOf(turn);
      if (i >= 0) probeQueue.splice(i, 1);
      resolve(undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    probeQueue.push(turn);
  });
}

/**
 * Changes of any client's status in this thread (state, sessions, errors): a cheap way to
 * tell that a status taken earlier is still current (a fleet thread reports only changes).
 */
let statusChanges = 0;
export function clientStatusChanges(): number {
  return statusChanges;
}

/** How often a server that stays down is logged again. */
const DOWN_REMINDER_MS = 10 * 60_000;

export class ClientWorker implements SessionHost {
  private cfg: ClientConfig;
  private stopped = false;
  /** Aborts the probe in flight when the client stops (made per probe: a connected client holds none). */
  private probing: AbortController | undefined;
  private link: ServerLink | undefined;
  private wake: (() => void) | undefined;
  private readonly live = new Map<SessionBridge, SessionKind>();
  /** Servers found down, with when that was last logged. */
  private readonly lastProbeError = new Map<string, number>();
  private state: WorkerState = 'probing';
  private since = Date.now();
  private server: string | null = null;
  private lastError: string | null = null;
  private lastLoss: { server: string; reason: string; at: number } | undefined;
  private transport: TransportTiming;
  private sessionsTotal = 0;
  private loopDone: Promise<void> | undefined;
  readonly logger: Logger;

  constructor(
    cfg: ClientConfig,
    private readonly deps: WorkerDeps,
  ) {
    this.cfg = cfg;
    this.logger = deferredChild(deps.logger, { client: cfg.name, deviceId: cfg.deviceId });
    this.transport = { keepaliveMs: deps.transport?.keepaliveMs ?? 0, connectTimeoutMs: deps.transport?.connectTimeoutMs ?? CONNECT_TIMEOUT_MS };
  }

  /** Keepalive and connect bound for the connections this client opens from now on. */
  get timing(): TransportTiming {
    return this.transport;
  }

  /** Applies a new keepalive or connect bound to the connections opened from now on. */
  updateTransport(t: TransportTiming): void {
    this.transport = { ...t };
    this.logger.info({ keepaliveMs: t.keepaliveMs, connectTimeoutMs: t.connectTimeoutMs }, 'client transport settings updated');
  }

  get name(): string {
    return this.cfg.name;
  }
  get deviceId(): string {
    return this.cfg.deviceId;
  }
  get secret(): string {
    return this.cfg.secret;
  }
  get instanceId(): string {
    return this.deps.instanceId;
  }
  get config(): ClientConfig {
    return this.cfg;
  }

  get faults(): FaultSet | undefined {
    return this.deps.faults;
  }

  get preconnect(): boolean {
    return this.deps.pacing?.preconnect ?? false;
  }

  backend(kind: SessionKind): SessionBackend {
    return this.deps.backends[kind];
  }

  track(kind: SessionKind, bridge: SessionBridge): () => void {
    this.live.set(bridge, kind);
    this.sessionsTotal++;
    statusChanges++;
    return () => {
      statusChanges++;
      this.live.delete(bridge);
    };
  }

  noteError(message: string): void {
    statusChanges++;
    this.lastError = message;
  }

  noteLoss(server: string, reason: string): void {
    statusChanges++;
    this.lastLoss = { server, reason, at: Date.now() };
    this.lastError = `${server}: ${reason}`;
  }

  /** Applies a change of waittime or reconnect-strategy without touching the link or sessions. */
  updateTimers(cfg: ClientConfig): void {
    this.cfg = { ...this.cfg, waittime: cfg.waittime, reconnectStrategy: cfg.reconnectStrategy };
    this.logger.info({ waittime: cfg.waittime, reconnectStrategy: cfg.reconnectStrategy }, 'client settings updated');
    this.wake?.();
  }

  start(): void {
    this.loopDone ??= this.loop();
  }

  /** Stops the client: no new sessions; live ones get the termination message and end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.probing?.abort();
    this.link?.stop();
    this.wake?.();
    const flushed = [...this.live.keys()].map((bridge) => bridge.terminate());
    this.live.clear();
    this.setState('stopped', null);
    await Promise.all([this.loopDone, ...flushed]);
  }

  /**
   * Fault injection: cuts every live session's RPC and the pending Initialize abruptly, as a
   * network failure would; the worker then reconnects per its strategy. Returns how many
   * sessions were cut.
   */
  dropConnections(): number {
    const bridges = [...this.live.keys()];
    for (const bridge of bridges) bridge.abort();
    const link = this.link;
    link?.drop();
    // A cut is a loss like any other: status shows it (the link's own report may not come, as it was dropped on purpose).
    if (bridges.length || link) this.noteLoss(this.server ?? 'NMS', `connection dropped (fault drop-connections${bridges.length ? `, ${bridges.length} session${bridges.length === 1 ? '' : 's'} cut` : ''})`);
    this.logger.info({ fault: 'drop-connections', sessions: bridges.length, link: link ? 'dropped' : 'none' }, 'fault injected');
    return bridges.length;
  }

  status(): WorkerStatus {
    const sessions = { netconf: 0, csh: 0 };
    for (const kind of this.live.values()) sessions[kind]++;
    return {
      name: this.cfg.name,
      deviceId: this.cfg.deviceId,
      protocol: this.deps.protocol ?? DEFAULT_PROTOCOL,
      server: this.server,
      state: this.state,
      since: this.since,
      sessions,
      sessionsTotal: this.sessionsTotal,
      lastError: this.lastError,
      ...(this.lastLoss ? { lastLoss: { ...this.lastLoss } } : {}),
    };
  }

  /** The worker's state alone (status() builds the whole report). */
  get currentState(): WorkerState {
    return this.state;
  }

  /** Sessions live now (a count without building a status). */
  get liveSessions(): number {
    return this.live.size;
  }

  private setState(state: WorkerState, server: string | null): void {
    if (state !== this.state || server !== this.server) {
      this.since = Date.now();
      statusChanges++;
    }
    this.state = state;
    this.server = server;
  }

  private async loop(): Promise<void> {
    let lastUsed: number | undefined;
    // The first wait of a down spell (from the start, or after a link) gets the start phase.
    let firstWait = true;
    while (!this.stopped) {
      let connected = false;
      for (const i of walkOrder(this.cfg.servers.length, this.cfg.reconnectStrategy, lastUsed)) {
        if (this.stopped) return;
        const server = this.cfg.servers[i];
        this.setState('probing', targetOf(server));
        const probed = await this.probe(server);
        if (!probed) continue;
        if (this.stopped) {
          probed.handoff?.close();
          return;
        }
        lastUsed = i;
        firstWait = true;
        const began = Date.now();
        const end = await this.runLink(server, probed);
        if (end === 'stopped' || this.stopped) return;
        if (end === 'refused') continue;
        connected = true;
        const pause = flapPauseMs(Date.now() - began);
        if (pause) await this.sleep(pause);
        break;
      }
      if (!connected && !this.stopped) {
        this.setState('waiting', null);
        this.logger.debug({ waittime: this.cfg.waittime }, 'no server reachable; waiting');
        const pacing = this.deps.pacing;
        await this.sleep(walkWaitMs(this.cfg, pacing?.storm ? { storm: { now: Date.now() } } : pacing?.spread && firstWait ? { phase: Math.random() } : {}));
        firstWait = false;
      }
    }
  }

  /** Up: what the probe hands over (its connection, for the link); down: undefined. */
  private async probe(server: ServerConfig): Promise<{ handoff?: { close(): void } } | undefined> {
    const key = targetOf(server);
    if (this.stopped) return undefined;
    const probing = (this.probing = new AbortController());
    let result;
    try {
      const release = await probeSlot(probing.signal);
      if (!release) return undefined;
      try {
        result = await protocolFor(this.deps.protocol).probe(server, { ...this.transport, signal: probing.signal, keep: true });
      } finally {
        release();
      }
    } finally {
      if (this.probing === probing) this.probing = undefined;
    }
    if (this.stopped) {
      if (result.up) result.handoff?.close();
      return undefined;
    }
    if (result.up) {
      if (this.lastProbeError.delete(key) || !this.lastProbeError.size) this.logger[this.deps.pacing?.quiet ? 'debug' : 'info']({ server: key }, 'NMS is up');
      return { handoff: result.handoff };
    }
    this.lastError = `${key}: ${result.reason}`;
    statusChanges++;
    // Log a failing server once until it is up again (status shows the latest reason), with a
    // reminder now and then, not at every walk.
    const since = this.lastProbeError.get(key);
    const now = Date.now();
    if (since === undefined || now - since >= DOWN_REMINDER_MS) {
      this.lastProbeError.set(key, now);
      this.logger.warn({ server: key, reason: result.reason }, since === undefined ? (this.cfg.servers.length > 1 ? 'NMS server is down; trying the next one' : `NMS server is down; trying again in ${this.cfg.waittime} s`) : 'NMS server is still down');
    } else {
      this.logger.debug({ server: key, reason: result.reason }, 'NMS server still down');
    }
    return undefined;
  }

  /**
   * Runs a link on the probe's connection. The link owns that connection from here: neither
   * the probe's answer nor this frame keeps it, so once the link has used and closed it,
   * the collector takes it (a polled device would otherwise hold a dead channel for good).
   */
  private runLink(server: ServerConfig, probed: { handoff?: { close(): void } }): Promise<LinkEnd | 'refused'> {
    this.setState('connected', targetOf(server));
    const link = protocolFor(this.deps.protocol).link(server, this, probed.handoff);
    probed.handoff = undefined;
    this.link = link;
    return link.run().then((end) => {
      this.link = undefined;
      return end;
    });
  }

  /** Sleeps, but wakes early on stop or a settings change. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => done();
      this.wake = wake;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).then(() => {
      this.wake = undefined;
    });
  }
}
