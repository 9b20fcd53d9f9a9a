/**
 * Starting a running device's status surface: the control socket (`nc-grpc-device status`,
 * `fault`) and, when asked for, Prometheus metrics.
 */
import path from 'node:path';
import type { Logger } from '../log.js';
import { controlSocketPath, startControlServer, type EventControl, type FaultControl } from './control.js';
import type { AgentStatus, Inventory } from './types.js';

export interface ControlPlace {
  /** --control: this path, and no other. */
  control?: string;
  /** --state-dir: <state-dir>/control.sock, and no other. */
  stateDir?: string;
  /** A private directory of this run: the fallback when the per-user default is taken. */
  runDir: string;
}

/**
 * The control socket: --control, else <state-dir>/control.sock, else the per-user default.
 * When the default is held by another running device, this one uses a private path and says where.
 */
export async function startControl(place: ControlPlace, getStatus: () => AgentStatus, faults: FaultControl, logger: Logger, inventory?: () => Inventory, events?: EventControl, refresh?: () => Promise<void>) {
  const wanted = place.control ?? controlSocketPath(place.stateDir ? path.resolve(place.stateDir) : undefined);
  try {
    const control = await startControlServer(wanted, getStatus, faults, inventory, events, refresh);
    logger.info({ control: control.path }, 'status: nc-grpc-device status --control ' + control.path);
    return control;
  } catch (err) {
    if (place.control || place.stateDir) throw err;
    const control = await startControlServer(path.join(place.runDir, 'control.sock'), getStatus, faults, inventory, events, refresh);
    logger.warn({ control: control.path, reason: (err as Error).message }, 'default control socket unavailable; using a private one');
    return control;
  }
}

/** Metrics on host:port (127.0.0.1 unless told) at /metrics. */
export async function startMetrics(port: number, getStatus: () => AgentStatus, logger: Logger, host = '127.0.0.1', refresh?: () => Promise<void>) {
  // Loaded when metrics are asked for: prom-client is no part of a device that serves none.
  const { startMetricsServer } = await import('./metrics.js');
  const metrics = await startMetricsServer(port, host, getStatus, refresh);
  logger.info({ host, port: metrics.port }, `metrics at /metrics, a page at http://${host}:${metrics.port}/`);
  return metrics;
}
