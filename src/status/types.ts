/**
 * What a running agent reports about itself: through the control socket (`status`
 * command) and, as numbers, through the Prometheus endpoint. Holds no secret.
 */
import { RuntimeError } from '../errors.js';
import type { WorkerState, WorkerStatus } from '../outbound/client-worker.js';
export type ClientState = WorkerState;

/** One client of the process: what its worker reports, and its device's profile (fleets). */
export interface ClientStatus extends WorkerStatus {
  profile?: string;
}

/** A fleet at a glance: clients counted by state and by profile (no per-device detail). */
export interface FleetSummary {
  clients: number;
  byState: Partial<Record<ClientState, number>>;
  byProfile: Record<string, number>;
  sessions: { netconf: number; csh: number };
  sessionsTotal: number;
}

export interface AgentStatus {
  pid: number;
  /** Epoch ms. */
  startedAt: number;
  clients: ClientStatus[];
  /** Faults injected now, as specs (present when fault injection is available). */
  faults?: string[];
  /** How many emulated devices the process runs (a fleet: more than 1). */
  devices?: number;
  /** Counts by state and profile (`/status?summary=1`; then `clients` may be cut short). */
  summary?: FleetSummary;
  /** Clients left out of `clients` (a summary of a big fleet). */
  omitted?: number;
  /** The SSH faces, when the device has them: how many, the first, its logins, sessions open. */
  ssh?: SshFaceStatus;
  /** Device events applied so far, by kind (events and scenarios). */
  events?: Record<string, number>;
}

export interface SshFaceStatus {
  faces: number;
  host: string;
  port: number;
  /** Login names (never a password). */
  users: string[];
  /** Sessions open on the faces of this thread (a fleet on several threads: the main thread's). */
  sessions: number;
}

/** Counts the clients of `s` by state and by profile. */
export function summarize(clients: readonly ClientStatus[]): FleetSummary {
  const out: FleetSummary = { clients: clients.length, byState: {}, byProfile: {}, sessions: { netconf: 0, csh: 0 }, sessionsTotal: 0 };
  for (const c of clients) {
    out.byState[c.state] = (out.byState[c.state] ?? 0) + 1;
    const p = c.profile ?? '-';
    out.byProfile[p] = (out.byProfile[p] ?? 0) + 1;
    out.sessions.netconf += c.sessions.netconf;
    out.sessions.csh += c.sessions.csh;
    out.sessionsTotal += c.sessionsTotal;
  }
  return out;
}

/** One device of a running fleet, as `GET /inventory` lists it (what NMS tools import). */
export interface InventoryDevice {
  /** The device's number in the whole fleet (1..total; 1 for a single device). */
  n: number;
  hostname: string;
  profile: string;
  model: string;
  serial: string;
  /** The device-ids its outbound clients send (none without an NMS). */
  deviceIds: string[];
  /** Its outbound clients' states, in the order of deviceIds. */
  states: string[];
  /** Its SSH face (NETCONF subsystem and cli), when it has one. */
  ssh?: { host: string; port: number; fingerprint?: string };
}

export interface Inventory {
  pid: number;
  /** Devices of the whole fleet, and the shard this process runs when sharded. */
  total: number;
  shard?: string;
  devices: InventoryDevice[];
}

/** A failure the user sees as one line (no stack): nothing listening, bad socket path... */
export class StatusError extends RuntimeError {}

/**
 * Waits for a status provider's refresh (a threaded fleet asks its other threads), if it has
 * one; never rejects: on a failure the last values serve.
 */
export function refreshed(refresh?: () => Promise<void>): Promise<void> {
  return refresh ? refresh().catch(() => undefined) : Promise.resolve();
}

/**
 * Copies only the published fields, so whatever else a provider's objects carry (a config,
 * a secret) never leaves the process.
 */
export function publicStatus(s: AgentStatus): AgentStatus {
  const out: AgentStatus = {
    pid: s.pid,
    startedAt: s.startedAt,
    clients: s.clients.map((c) => ({
      name: c.name,
      deviceId: c.deviceId,
      protocol: c.protocol,
      server: c.server,
      state: c.state,
      since: c.since,
      sessions: { netconf: c.sessions.netconf, csh: c.sessions.csh },
      sessionsTotal: c.sessionsTotal,
      lastError: c.lastError,
      ...(c.lastLoss ? { lastLoss: { server: String(c.lastLoss.server), reason: String(c.lastLoss.reason), at: Number(c.lastLoss.at) } } : {}),
      ...(c.profile !== undefined ? { profile: String(c.profile) } : {}),
    })),
  };
  if (s.faults) out.faults = s.faults.map(String);
  if (s.devices !== undefined) out.devices = Number(s.devices);
  if (s.ssh) out.ssh = { faces: Number(s.ssh.faces), host: String(s.ssh.host), port: Number(s.ssh.port), users: s.ssh.users.map(String), sessions: Number(s.ssh.sessions) };
  if (s.events) out.events = Object.fromEntries(Object.entries(s.events).map(([k, v]) => [String(k), Number(v)]));
  return out;
}
