/**
 * Prometheus metrics of a running agent, served on an optional HTTP port at `/metrics`.
 * Every value is read from the status provider at scrape time (nothing accumulates here),
 * in a registry of its own, so two agents in one process never mix their numbers.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import { StatusError, summarize, type AgentStatus, type ClientState, type FleetSummary } from './types.js';

const STATES: readonly ClientState[] = ['probing', 'connected', 'waiting', 'stopped'];

/**
 * Builds the registry; each scrape refills every metric from `getStatus()`. The fleet
 * metrics (`ncgd_devices`, `ncgd_fleet_*`) count clients by state and profile, so their
 * size does not grow with the fleet; the per-client series (`ncgd_client_*`, labelled by
 * client) are served only for a process of one device.
 */
export function createMetricsRegistry(getStatus: () => AgentStatus): Registry {
  const registry = new Registry();
  // One status snapshot per scrape, shared by all metrics of that scrape.
  let snapshot: AgentStatus | undefined;
  const current = (): AgentStatus => (snapshot ??= getStatus());
  let summary: FleetSummary | undefined;
  const counts = (): FleetSummary => (summary ??= summarize(current().clients));
  /** The clients given per-client series: none in a fleet. */
  const perClient = (): AgentStatus['clients'] => ((current().devices ?? 1) > 1 ? [] : current().clients);
  const allClients = (): AgentStatus['clients'] => current().clients;

  new Gauge({
    name: 'ncgd_devices',
    help: 'Clients (one per device and configured client) by state and device profile',
    labelNames: ['state', 'profile'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const by = new Map<string, { state: string; profile: string; n: number }>();
      for (const c of allClients()) {
        const profile = c.profile ?? '';
        const key = `${c.state}\0${profile}`;
        const e = by.get(key) ?? { state: c.state, profile, n: 0 };
        e.n++;
        by.set(key, e);
      }
      const seen = new Set([...by.values()].map((e) => e.state));
      for (const s of STATES) if (!seen.has(s)) this.set({ state: s, profile: '' }, 0);
      for (const e of by.values()) this.set({ state: e.state, profile: e.profile }, e.n);
    },
  });
  new Gauge({
    name: 'ncgd_fleet_sessions_open',
    help: 'Sessions open now in the whole process, by type',
    labelNames: ['type'] as const,
    registers: [registry],
    collect() {
      this.reset();
      this.set({ type: 'netconf' }, counts().sessions.netconf);
      this.set({ type: 'csh' }, counts().sessions.csh);
    },
  });
  new Counter({
    name: 'ncgd_fleet_sessions_total',
    help: 'Sessions opened in the whole process since its clients (re)started',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(counts().sessionsTotal);
    },
  });
  new Gauge({
    name: 'ncgd_fleet_devices',
    help: 'Emulated devices in this process',
    registers: [registry],
    collect() {
      this.set(current().devices ?? 1);
    },
  });

  new Gauge({
    name: 'ncgd_agent_start_time_seconds',
    help: 'When the agent started (unix time)',
    registers: [registry],
    collect() {
      this.set(current().startedAt / 1000);
    },
  });
  new Gauge({
    name: 'ncgd_client_connected',
    help: '1 when the client has a live link to a server, else 0',
    labelNames: ['client', 'device_id', 'server'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of perClient()) {
        this.set({ client: c.name, device_id: c.deviceId, server: c.server ?? '' }, c.state === 'connected' ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'ncgd_client_state',
    help: "1 for the client's current state (probing, connected, waiting, stopped), else 0",
    labelNames: ['client', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of perClient()) {
        for (const s of STATES) this.set({ client: c.name, state: s }, c.state === s ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'ncgd_client_state_since_seconds',
    help: 'When the client entered its current state (unix time)',
    labelNames: ['client'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of perClient()) this.set({ client: c.name }, c.since / 1000);
    },
  });
  new Gauge({
    name: 'ncgd_sessions_open',
    help: 'Sessions open now, by type',
    labelNames: ['client', 'type'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of perClient()) {
        this.set({ client: c.name, type: 'netconf' }, c.sessions.netconf);
        this.set({ client: c.name, type: 'csh' }, c.sessions.csh);
      }
    },
  });
  new Counter({
    name: 'ncgd_sessions_total',
    help: 'Sessions opened since the client (re)started',
    labelNames: ['client'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of perClient()) this.inc({ client: c.name }, c.sessionsTotal);
    },
  });
  new Gauge({
    name: 'ncgd_last_error_info',
    help: "1 with the client's last error as a label, while it has one",
    labelNames: ['client', 'error'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of perClient()) if (c.lastError) this.set({ client: c.name, error: c.lastError.slice(0, 200) }, 1);
    },
  });

  // Take a fresh snapshot for every scrape.
  const metrics = registry.metrics.bind(registry);
  registry.metrics = async () => {
    snapshot = undefined;
    summary = undefined;
    try {
      return await metrics();
    } finally {
      snapshot = undefined;
      summary = undefined;
    }
  };
  new Counter({
    name: 'ncgd_device_events_total',
    help: 'Device events applied (nc-grpc-device event, scenarios), by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, n] of Object.entries(current().events ?? {})) this.inc({ kind }, n);
    },
  });
  return registry;
}

/**
 * Serves `/metrics` on `host:port` (port 0 picks a free one; the port in use is returned).
 */
export async function startMetricsServer(port: number, host: string, getStatus: () => AgentStatus): Promise<{ port: number; close(): Promise<void> }> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new StatusError(`metrics port must be 0-65535 (got ${port})`);
  const registry = createMetricsRegistry(getStatus);
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new StatusError(`cannot serve metrics on ${host}:${port}: ${err.code ?? err.message}`)));
    server.listen(port, host, () => resolve());
  });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
