/**
 * The device's outbound-HTTPS agent: one worker per configured client, live configuration
 * changes applied as the Junos app applies them, and an orderly stop.
 */
import type { Logger } from '../log.js';
import type { SessionBackend, SessionKind } from '../session/byte-session.js';
import { ClientWorker, type FleetPacing, type WorkerState, type WorkerStatus } from './client-worker.js';
import { transportTiming, type AgentConfig, type ClientConfig } from './config.js';
import type { FaultSet } from '../faults/faults.js';
import { DEFAULT_PROTOCOL } from '../wire/contract.js';

export interface AgentOptions {
  config: AgentConfig;
  backends: Record<SessionKind, SessionBackend>;
  /** Sent as instance_id; the process id by default (the NMS sees a restart as a new id). */
  instanceId?: string;
  logger: Logger;
  /** Faults injected into sessions; shared and changed at run time. */
  faults?: FaultSet;
  /** Fleet pacing of the walks and the spare connection (client-worker.ts FleetPacing). */
  pacing?: FleetPacing;
}

export interface ReloadResult {
  added: string[];
  removed: string[];
  restarted: string[];
  updated: string[];
  unchanged: string[];
}

/** True when the change needs the client's worker restarted (not just its timers updated). */
export function needsRestart(a: ClientConfig, b: ClientConfig): boolean {
  if (a.name !== b.name || a.deviceId !== b.deviceId || a.secret !== b.secret) return true;
  if (a.servers.length !== b.servers.length) return true;
  return a.servers.some((s, i) => {
    const t = b.servers[i];
    return s.address !== t.address || s.port !== t.port || s.trustedCert.trim() !== t.trustedCert.trim();
  });
}

export class Agent {
  private readonly workers = new Map<string, ClientWorker>();
  private config: AgentConfig;
  readonly instanceId: string;
  readonly startedAt = Date.now();
  private stopping: Promise<void> | undefined;

  constructor(private readonly opts: AgentOptions) {
    this.config = opts.config;
    this.instanceId = opts.instanceId ?? String(process.pid);
  }

  start(): void {
    for (const c of this.config.clients) this.startWorker(c);
  }

  private startWorker(c: ClientConfig): void {
    const worker = new ClientWorker(c, {
      backends: this.opts.backends,
      instanceId: this.instanceId,
      logger: this.opts.logger,
      protocol: this.config.protocol,
      faults: this.opts.faults,
      transport: transportTiming(this.config),
      pacing: this.opts.pacing,
    });
    this.workers.set(c.name, worker);
    const t = transportTiming(this.config);
    worker.logger[this.opts.pacing?.quiet ? 'debug' : 'info'](
      { servers: c.servers.map((s) => `${s.address}:${s.port}`), reconnectStrategy: c.reconnectStrategy, waittime: c.waittime, keepalive: t.keepaliveMs / 1000, connectTimeout: t.connectTimeoutMs / 1000 },
      'client started',
    );
    worker.start();
  }

  /** Applies a new configuration: restarts only what changed, as the Junos app does. */
  async apply(next: AgentConfig): Promise<ReloadResult> {
    const result: ReloadResult = { added: [], removed: [], restarted: [], updated: [], unchanged: [] };
    const protocolChanged = (next.protocol ?? DEFAULT_PROTOCOL) !== (this.config.protocol ?? DEFAULT_PROTOCOL);
    const was = transportTiming(this.config);
    const timing = transportTiming(next);
    const timingChanged = was.keepaliveMs !== timing.keepaliveMs || was.connectTimeoutMs !== timing.connectTimeoutMs;
    this.config = next;
    const wanted = new Map(next.clients.map((c) => [c.name, c]));
    const stops: Promise<void>[] = [];
    for (const [name, worker] of this.workers) {
      if (!wanted.has(name)) {
        this.workers.delete(name);
        result.removed.push(name);
        stops.push(worker.stop());
      }
    }
    for (const [name, c] of wanted) {
      const worker = this.workers.get(name);
      if (!worker) {
        result.added.push(name);
        this.startWorker(c);
      } else if (protocolChanged || needsRestart(worker.config, c)) {
        result.restarted.push(name);
        await worker.stop();
        this.startWorker(c);
      } else if (worker.config.waittime !== c.waittime || worker.config.reconnectStrategy !== c.reconnectStrategy || timingChanged) {
        // Keepalive and connect bound apply to connections opened from now on; live ones keep theirs.
        result.updated.push(name);
        if (timingChanged) worker.updateTransport(timing);
        worker.updateTimers(c);
      } else {
        result.unchanged.push(name);
      }
    }
    await Promise.all(stops);
    // The caller logs the reload once (for a whole fleet); this is the detail per agent.
    this.opts.logger.debug(result, 'configuration applied');
    return result;
  }

  status(): { pid: number; startedAt: number; clients: WorkerStatus[]; faults?: string[] } {
    const status = { pid: process.pid, startedAt: this.startedAt, clients: this.clients() };
    return this.opts.faults ? { ...status, faults: this.opts.faults.list() } : status;
  }

  /** Each client's status (status() without the process's fields and faults). */
  clients(): WorkerStatus[] {
    return [...this.workers.values()].map((w) => w.status());
  }

  /** Each client's device-id and state, in order: what an inventory needs, without building a status. */
  identities(): { deviceIds: string[]; states: WorkerState[] } {
    const deviceIds: string[] = [];
    const states: WorkerState[] = [];
    for (const w of this.workers.values()) {
      deviceIds.push(w.config.deviceId);
      states.push(w.currentState);
    }
    return { deviceIds, states };
  }

  /** Adds this agent's clients to `into`, by state: a count without building a status. */
  countStates(into: Partial<Record<WorkerState, number>>): number {
    for (const w of this.workers.values()) into[w.currentState] = (into[w.currentState] ?? 0) + 1;
    return this.workers.size;
  }

  /** Sessions live now on this agent's clients: a count without building a status. */
  countSessions(): number {
    let n = 0;
    for (const w of this.workers.values()) n += w.liveSessions;
    return n;
  }

  /** Fault injection: every client drops its connections at once; returns the sessions cut. */
  dropConnections(): number {
    let cut = 0;
    for (const w of this.workers.values()) cut += w.dropConnections();
    return cut;
  }

  /** Every live session gets the termination message, its process is ended, workers stop. */
  stop(): Promise<void> {
    this.stopping ??= Promise.all([...this.workers.values()].map((w) => w.stop())).then(() => {
      this.workers.clear();
    });
    return this.stopping;
  }
}
