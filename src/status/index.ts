/** The agent's status surface: control socket, status command, Prometheus metrics. */
export { type AgentStatus, type ClientStatus, type ClientState, StatusError, publicStatus } from './types.js';
export { startControlServer, fetchStatus, controlRequest, controlSocketPath, defaultStateDir, type FaultControl } from './control.js';
export { startMetricsServer, createMetricsRegistry } from './metrics.js';
