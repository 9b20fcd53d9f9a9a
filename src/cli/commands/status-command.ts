/**
 * `nc-grpc-device status`: asks a running agent, through its control socket, how its
 * clients are doing and prints a table (or the JSON as served).
 */
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { printable } from '../../printable.js';
import { controlSocketPath, fetchStatus } from '../../status/control.js';
import type { AgentStatus, ClientStatus } from '../../status/types.js';

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
      .conflicts('control', 'state-dir'),
  handler: async (args) => {
    if (args.control !== undefined && !args.control) throw new UsageError('--control needs a socket path');
    if (args['state-dir'] !== undefined && !args['state-dir']) throw new UsageError('--state-dir needs a directory');
    const path = args.control ?? controlSocketPath(args['state-dir']);
    if (args.device !== undefined && !args.device) throw new UsageError('--device needs a device-id');
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
