/**
 * `nc-grpc-device event [--control SOCK | --state-dir DIR] [--device ID] KIND ARGS...`:
 * something happens on a running device (or devices of a fleet), with no NMS session:
 * a link goes down, a BGP peer drops, an alarm is raised, someone else commits, the CPU
 * gets busy, the device reboots. Sent to the process's control socket (`POST /event`).
 *
 * The event's own options (`--for`, `--user`, `--comment`, `--class`, `--reason`) belong to
 * the event, so this command reads its arguments itself instead of through yargs.
 */
import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { EVENT_USAGE, EventError, parseEvent } from '../../junos/life/events.js';
import { controlRequest, controlSocketPath } from '../../status/control.js';

const HELP = `nc-grpc-device event [--control SOCK | --state-dir DIR] [--device ID] KIND ARGS...

Makes something happen on a running device: every face and format shows it (operational
state, alarms, show log messages, show system commit).

  --control SOCK    the device's control socket
  --state-dir DIR   the state directory given to the device (its control.sock)
  --device ID       in a fleet: a number (3), a range (1-50), a list (1,4,7), all,
                    a host name or a device-id
  --json            print the results as JSON

Events:
${EVENT_USAGE.map((l) => `  ${l}`).join('\n')}

Examples:
  nc-grpc-device event --state-dir ./state link-down ge-0/0/1
  nc-grpc-device event --state-dir ./state commit "set system location building b2" --user ops
  nc-grpc-device event --state-dir ./fleet --device 1-10 alarm set --class minor system "Disk usage high"
`;

/** Runs the command on its arguments (after the word `event`); resolves to the exit code. */
export async function runEventCommand(args: string[]): Promise<number> {
  let control: string | undefined;
  let stateDir: string | undefined;
  let device: string | undefined;
  let json = false;
  const words: string[] = [];
  const value = (i: number, flag: string): string => {
    const v = args[i];
    if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    // Our own options come before the event's kind; after it everything is the event's.
    if (words.length === 0) {
      if (a === '--help' || a === '-h') {
        process.stdout.write(HELP);
        return 0;
      }
      if (a === '--control') {
        control = value(++i, a);
        continue;
      }
      if (a === '--state-dir') {
        stateDir = value(++i, a);
        continue;
      }
      if (a === '--device') {
        device = value(++i, a);
        continue;
      }
      if (a === '--json') {
        json = true;
        continue;
      }
      if (a.startsWith('--control=')) control = a.slice(10);
      else if (a.startsWith('--state-dir=')) stateDir = a.slice(12);
      else if (a.startsWith('--device=')) device = a.slice(9);
      else if (a.startsWith('-')) throw new UsageError(`unknown option ${a} (see nc-grpc-device event --help)`);
      else words.push(a);
      continue;
    }
    words.push(a);
  }
  if (control !== undefined && stateDir !== undefined) throw new UsageError('give either --control or --state-dir, not both');
  if (words.length === 0) throw new UsageError('event needs a KIND (see nc-grpc-device event --help)');
  try {
    parseEvent(words);
  } catch (err) {
    if (err instanceof EventError) throw new UsageError(err.message);
    throw err;
  }
  const path = control ?? controlSocketPath(stateDir);
  const { results } = await controlRequest<{ results: { device: number; hostname: string; result: string }[] }>(path, 'POST', '/event', { event: words, ...(device !== undefined ? { device } : {}) }, 30_000);
  if (json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else for (const r of results) process.stdout.write(`${results.length > 1 || device !== undefined ? `${r.hostname}: ` : ''}${r.result}\n`);
  return results.some((r) => r.result.startsWith('error: ')) ? 1 : 0;
}

/** For `--help`'s command list; main.ts runs the command through runEventCommand. */
export const eventCommand: CommandModule = {
  command: 'event [kind] [args..]',
  describe: 'Make something happen on a running device: link-down, bgp-down, alarm, commit, cpu, reboot, ... (event --help)',
  handler: () => undefined,
};
