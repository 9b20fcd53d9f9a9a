/**
 * Prometheus metrics of a running agent, served on an optional HTTP port at `/metrics`
 * (and at `/` a page of the device or fleet, web-page.ts).
 * Every value is read from the status provider at scrape time (nothing accumulates here),
 * in a registry of its own, so two agents in one process never mix their numbers.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import { isListenPort } from '../wire/port.js';
import { refreshed, StatusError, summarize, type AgentStatus, type ClientState, type FleetSummary } from './types.js';
import { PAGE, PAGE_HEADERS, uiState } from './web-page.js';

const STATES: readonly ClientState[] = ['probing', 'connected', 'waiting', 'stopped'];

type Client = AgentStatus['clients'][number];

/** What one scrape reads: a status snapshot, its fleet counts, and the clients given per-client series. */
interface Scrape {
  status: AgentStatus;
  counts(): FleetSummary;
  /** None in a fleet: per-client series are served only for a process of one device. */
  perClient: Client[];
}

/** Sets a metric's values: `set(labels, value)` for a labelled one, `set({}, value)` for a single value. */
type Fill = (scrape: Scrape, set: (labels: Record<string, string>, value: number) => void) => void;

interface MetricSpec {
  name: string;
  help: string;
  /** A counter (only grows while the clients run) or a gauge. */
  counter?: true;
  labels?: readonly string[];
  fill: Fill;
}

/** Clients by state and device profile (every state present, at 0 when none is in it). */
const byStateAndProfile: Fill = ({ status }, set) => {
  const by = new Map<string, { state: string; profile: string; n: number }>();
  for (const c of status.clients) {
    const profile = c.profile ?? '';
    const key = `${c.state}\0${profile}`;
    const e = by.get(key) ?? { state: c.state, profile, n: 0 };
    e.n++;
    by.set(key, e);
  }
  // Every state of every profile present, zero or not: a series does not vanish when its count does.
  const profiles = new Set([...by.values()].map((e) => e.profile));
  if (!profiles.size) profiles.add('');
  for (const p of profiles) for (const s of STATES) if (!by.has(`${s}\0${p}`)) set({ state: s, profile: p }, 0);
  for (const e of by.values()) set({ state: e.state, profile: e.profile }, e.n);
};

const METRICS: MetricSpec[] = [
  { name: 'ncgd_devices', help: 'Clients (one per device and configured client) by state and device profile', labels: ['state', 'profile'], fill: byStateAndProfile },
  {
    name: 'ncgd_fleet_sessions_open',
    help: 'Sessions open now in the whole process, by type',
    labels: ['type'],
    fill: (s, set) => {
      set({ type: 'netconf' }, s.counts().sessions.netconf);
      set({ type: 'csh' }, s.counts().sessions.csh);
    },
  },
  { name: 'ncgd_fleet_sessions_total', help: 'Sessions opened in the whole process since its clients (re)started', counter: true, fill: (s, set) => set({}, s.counts().sessionsTotal) },
  { name: 'ncgd_fleet_devices', help: 'Emulated devices in this process', fill: (s, set) => set({}, s.status.devices ?? 1) },
  { name: 'ncgd_agent_start_time_seconds', help: 'When the agent started (unix time)', fill: (s, set) => set({}, s.status.startedAt / 1000) },
  {
    name: 'ncgd_client_connected',
    help: '1 when the client has a live link to a server, else 0',
    labels: ['client', 'device_id', 'server'],
    fill: (s, set) => {
      for (const c of s.perClient) set({ client: c.name, device_id: c.deviceId, server: c.server ?? '' }, c.state === 'connected' ? 1 : 0);
    },
  },
  {
    name: 'ncgd_client_state',
    help: "1 for the client's current state (probing, connected, waiting, stopped), else 0",
    labels: ['client', 'state'],
    fill: (s, set) => {
      for (const c of s.perClient) for (const st of STATES) set({ client: c.name, state: st }, c.state === st ? 1 : 0);
    },
  },
  {
    name: 'ncgd_client_state_since_seconds',
    help: 'When the client entered its current state (unix time)',
    labels: ['client'],
    fill: (s, set) => {
      for (const c of s.perClient) set({ client: c.name }, c.since / 1000);
    },
  },
  {
    name: 'ncgd_sessions_open',
    help: 'Sessions open now, by type',
    labels: ['client', 'type'],
    fill: (s, set) => {
      for (const c of s.perClient) {
        set({ client: c.name, type: 'netconf' }, c.sessions.netconf);
        set({ client: c.name, type: 'csh' }, c.sessions.csh);
      }
    },
  },
  {
    name: 'ncgd_sessions_total',
    help: 'Sessions opened since the client (re)started',
    counter: true,
    labels: ['client'],
    fill: (s, set) => {
      for (const c of s.perClient) set({ client: c.name }, c.sessionsTotal);
    },
  },
  {
    name: 'ncgd_last_error_info',
    help: "1 with the client's last error as a label, while it has one",
    labels: ['client', 'error'],
    fill: (s, set) => {
      for (const c of s.perClient) if (c.lastError) set({ client: c.name, error: c.lastError.slice(0, 200) }, 1);
    },
  },
];

/** Registers one metric, refilled from `scrape()` at every collection. */
function register(registry: Registry, spec: MetricSpec, scrape: () => Scrape): void {
  const config = { name: spec.name, help: spec.help, labelNames: [...(spec.labels ?? [])], registers: [registry] };
  if (spec.counter) {
    new Counter({
      ...config,
      collect() {
        this.reset();
        spec.fill(scrape(), (labels, v) => this.inc(labels, v));
      },
    });
  } else {
    new Gauge({
      ...config,
      collect() {
        this.reset();
        spec.fill(scrape(), (labels, v) => this.set(labels, v));
      },
    });
  }
}

/**
 * Builds the registry; each scrape refills every metric from `getStatus()`. The fleet
 * metrics (`ncgd_devices`, `ncgd_fleet_*`) count clients by state and profile, so their
 * size does not grow with the fleet; the per-client series (`ncgd_client_*`, labelled by
 * client) are served only for a process of one device.
 */
export function createMetricsRegistry(getStatus: () => AgentStatus): Registry {
  const registry = new Registry();
  // One status snapshot per scrape, shared by all metrics of that scrape.
  let snapshot: Scrape | undefined;
  const scrape = (): Scrape => {
    if (snapshot) return snapshot;
    const status = getStatus();
    let summary: FleetSummary | undefined;
    snapshot = { status, counts: () => (summary ??= summarize(status.clients)), perClient: (status.devices ?? 1) > 1 ? [] : status.clients };
    return snapshot;
  };
  for (const spec of METRICS) register(registry, spec, scrape);
  // Take a fresh snapshot for every scrape.
  const metrics = registry.metrics.bind(registry);
  registry.metrics = async () => {
    snapshot = undefined;
    try {
      return await metrics();
    } finally {
      snapshot = undefined;
    }
  };
  new Counter({
    name: 'ncgd_device_events_total',
    help: 'Device events applied (nc-grpc-device event, scenarios), by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, n] of Object.entries(scrape().status.events ?? {})) this.inc({ kind }, n);
    },
  });
  return registry;
}

/**
 * Serves `/metrics` on `host:port` (port 0 picks a free one; the port in use is returned).
 */
export async function startMetricsServer(port: number, host: string, getStatus: () => AgentStatus, refresh?: () => Promise<void>): Promise<{ port: number; close(): Promise<void> }> {
  if (!isListenPort(port)) throw new StatusError(`metrics port must be 0-65535 (got ${port})`);
  const registry = createMetricsRegistry(getStatus);
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && url === '/') {
      res.writeHead(200, PAGE_HEADERS).end(PAGE);
      return;
    }
    if (req.method === 'GET' && url === '/ui/state') {
      void refreshed(refresh).then(() => {
        try {
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(uiState(getStatus())));
        } catch (err) {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`status unavailable: ${(err as Error).message}\n`);
        }
      });
      return;
    }
    if (req.method !== 'GET' || url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics, or / for the page\n');
      return;
    }
    refreshed(refresh).then(() => registry.metrics()).then(
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
