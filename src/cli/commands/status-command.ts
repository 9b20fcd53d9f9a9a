/**
 * `nc-grpc-device status`: asks a running agent, through its control socket, how its
 * clients are doing and prints a table (or the JSON as served).
 */
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { printable } from '../../printable.js';
import { controlSocketPath, fetchStatus } from '../../status/control.js';
import { summarize, type AgentStatus, type ClientStatus } from '../../status/types.js';
import { ProgressLine } from '../progress.js';

/** A duration as a person reads it: 42s, 5m 3s, 2h 7m, 3d 4h. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function sessionsCell(c: ClientStatus): string {
  return `netconf ${c.sessions.netconf}, csh ${c.sessions.csh} (total ${c.sessionsTotal})`;
}

/** The readable status: a header line, a fleet's counts, and one table row per client listed. */
export function formatStatus(status: AgentStatus, now: number = Date.now()): string {
  const total = status.summary?.clients ?? status.clients.length;
  const fleet = status.devices !== undefined && status.devices > 1 ? `, ${status.devices} devices` : '';
  const lines = [`agent pid ${status.pid}, up ${formatDuration(now - status.startedAt)}${fleet}, ${total} client${total === 1 ? '' : 's'}`];
  if (status.faults?.length) lines.push(`faults injected: ${status.faults.join(', ')}`);
  const ssh = status.ssh;
  if (ssh) {
    const where = ssh.faces > 1 ? `${ssh.faces} SSH faces, the first on ${ssh.host}:${ssh.port}` : `SSH face on ${ssh.host}:${ssh.port}`;
    lines.push(`${where} (netconf subsystem and cli), users ${ssh.users.join(', ') || '(authorized keys)'}, ${ssh.sessions} session${ssh.sessions === 1 ? '' : 's'} open`);
    if (!total) lines.push('no outbound-https client (no NMS configured)');
  }
  const sum = status.summary;
  if (sum && (status.devices ?? 1) > 1) {
    const counts = (o: Record<string, number | undefined>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(`by state: ${counts(sum.byState)}`);
    lines.push(`by profile: ${counts(sum.byProfile)}`);
    lines.push(`sessions open: netconf ${sum.sessions.netconf}, csh ${sum.sessions.csh} (total ${sum.sessionsTotal})`);
  }
  if (status.omitted) lines.push(`${status.omitted} clients not listed: \`status --device ID\` shows one device`);
  if (!status.clients.length) return `${lines.join('\n')}\n`;
  const header = ['CLIENT', 'DEVICE-ID', 'PROTOCOL', 'SERVER', 'STATE', 'SINCE', 'SESSIONS', 'LAST ERROR'];
  const rows = status.clients.map((c) => [
    c.name,
    c.deviceId + (c.profile ? ` (${c.profile})` : ''),
    c.protocol,
    c.server ?? '-',
    c.state,
    `${formatDuration(now - c.since)} ago`,
    sessionsCell(c),
    // One line per row, whatever the error text holds.
    (c.lastError ?? '-').replace(/\s+/g, ' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]): string =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  lines.push(fmt(header), ...rows.map((r) => fmt(r.map(printable))));
  return `${lines.join('\n')}\n`;
}

interface StatusArgs {
  control?: string;
  'state-dir'?: string;
  json?: boolean;
  device?: string;
  wait?: string;
  timeout: number;
}

/** What `status --wait` can wait for: every client in one state, or `up` (the agent answers). */
export const WAIT_STATES = ['up', 'connected', 'probing', 'waiting', 'stopped'] as const;
type WaitState = (typeof WAIT_STATES)[number];

/** How many clients of the status are in the state (all of them for `up`), and how many there are. */
export function waitProgress(status: AgentStatus, state: WaitState): { done: number; total: number; line: string } {
  const sum = status.summary ?? summarize(status.clients);
  const total = sum.clients;
  if (state === 'up') return { done: total, total, line: `up: pid ${status.pid}, ${total} client${total === 1 ? '' : 's'}` };
  const done = sum.byState[state] ?? 0;
  const others = Object.entries(sum.byState)
    .filter(([k, v]) => k !== state && v)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return { done, total, line: `${done}/${total} ${state}${others ? ` (${others})` : ''}` };
}

/**
 * Polls the control socket until every client is in `state` (a device that is not answering
 * yet is waited for too), at most `timeoutS` seconds. Shows a live line on a terminal, plain
 * lines when the count changes otherwise. Resolves with the exit code: 0 reached, 1 not.
 */
async function waitFor(path: string, state: WaitState, timeoutS: number, device: string | undefined): Promise<number> {
  const progress = new ProgressLine(process.stderr);
  const deadline = Date.now() + timeoutS * 1000;
  let last = 'the agent is not answering yet';
  for (let round = 0; ; round++) {
    try {
      const status = await fetchStatus(path, 2_000, device !== undefined ? { device } : { summary: true });
      const p = waitProgress(status, state);
      last = p.line;
      if (p.total > 0 && p.done === p.total) {
        progress.done(p.line);
        return 0;
      }
      if (state !== 'up' && p.total === 0) last = 'the agent has no outbound client (an SSH-only device: wait for up)';
    } catch (err) {
      last = `the agent is not answering yet (${path})`;
    }
    if (Date.now() >= deadline) break;
    progress.update(last);
    await new Promise((r) => setTimeout(r, Math.min(250 + round * 50, 1000, Math.max(0, deadline - Date.now()))));
  }
  progress.done(`timed out after ${timeoutS}s waiting for ${state}: ${last}`);
  return 1;
}

export const statusCommand: CommandModule<object, StatusArgs> = {
  command: 'status',
  describe: "Show a running agent's clients, servers, states and sessions",
  builder: (y: Argv<object>) =>
    y
      .option('control', { type: 'string', describe: "the agent's control socket path" })
      .option('state-dir', { type: 'string', describe: 'the state directory given to the agent (its control.sock is used)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the status as JSON (every client)' })
      .option('device', { type: 'string', describe: 'only this device (its device-id) of a fleet' })
      .option('wait', { type: 'string', choices: WAIT_STATES, describe: 'wait until every client is in this state (up: the agent answers), then exit 0; exit 1 at --timeout' })
      .option('timeout', { type: 'number', default: 60, describe: 'with --wait: seconds to wait at most' })
      .example('$0 status --state-dir ./state --wait connected --timeout 30', 'for scripts: returns once every device has dialled in')
      .conflicts('control', 'state-dir'),
  handler: async (args) => {
    if (args.control !== undefined && !args.control) throw new UsageError('--control needs a socket path');
    if (args['state-dir'] !== undefined && !args['state-dir']) throw new UsageError('--state-dir needs a directory');
    const path = args.control ?? controlSocketPath(args['state-dir']);
    if (args.device !== undefined && !args.device) throw new UsageError('--device needs a device-id');
    if (args.wait !== undefined) {
      if (!Number.isFinite(args.timeout) || args.timeout <= 0) throw new UsageError(`--timeout must be a positive number of seconds, not ${args.timeout}`);
      process.exitCode = await waitFor(path, args.wait as WaitState, args.timeout, args.device);
      return;
    }
    // The table of a big fleet is its counts; --device shows one device, --json everything.
    const status = await fetchStatus(path, undefined, args.device !== undefined ? { device: args.device } : { summary: !args.json });
    process.stdout.write(args.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    if (args.device !== undefined && !args.json) {
      for (const c of status.clients) {
        if (c.lastLoss) process.stdout.write(printable(`${c.name}: last lost ${c.lastLoss.server} ${formatDuration(Date.now() - c.lastLoss.at)} ago: ${c.lastLoss.reason.replace(/\s+/g, ' ')}`) + '\n');
      }
    }
  },
};
