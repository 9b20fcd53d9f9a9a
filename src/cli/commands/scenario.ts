/**
 * `nc-grpc-device scenario run FILE [--control SOCK | --state-dir DIR]`: starts a scenario
 * (a YAML timeline of events, see src/junos/life/scenario.ts) in a running device or fleet;
 * `scenario check FILE` reads one without running it; `scenario status` shows what runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { ArgsOf } from '../argv.js';
import { parseScenario } from '../../junos/life/scenario.js';
import { controlRequest, controlSocketPath } from '../../status/control.js';


function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

const scenarioOptions = (y: Argv<object>) =>
  y
    .positional('action', { type: 'string', choices: ['run', 'check', 'status'], describe: 'run FILE, check FILE, or status' })
    .positional('file', { type: 'string', describe: 'the scenario file' })
    .option('control', { type: 'string', describe: "the device's control socket" })
    .option('state-dir', { type: 'string', describe: 'the state directory given to the device (its control.sock)' })
    .conflicts('control', 'state-dir');

export const scenarioCommand: CommandModule<object, ArgsOf<typeof scenarioOptions>> = {
  command: 'scenario <action> [file]',
  describe: 'Run a scenario (YAML timeline of events) in a running device or fleet: run FILE, check FILE, status',
  builder: scenarioOptions,
  handler: async (args) => {
    const sock = args.control ?? controlSocketPath(args['state-dir']);
    if (args.action === 'status') {
      const r = await controlRequest<{ events: Record<string, number>; scenarios?: unknown[] }>(sock, 'GET', '/events');
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      return;
    }
    if (!args.file) throw new UsageError(`scenario ${args.action} needs a FILE`);
    const text = read(args.file);
    let s;
    try {
      s = parseScenario(text, path.basename(args.file));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (args.action === 'check') {
      process.stdout.write(`${s.name}: seed ${s.seed}, ${s.entries.length} event${s.entries.length === 1 ? '' : 's'}: ${s.entries.map((e) => `${e.every ? `every ${e.every} s from ${e.start} s` : `at ${e.start} s`}: ${e.text}`).join('; ')}\n`);
      return;
    }
    const r = await controlRequest<{ name: string; seed: number; entries: number; devices: number }>(sock, 'POST', '/scenario', { text, name: path.basename(args.file) });
    process.stdout.write(`scenario ${r.name} started (seed ${r.seed}, ${r.entries} events, ${r.devices} device${r.devices === 1 ? '' : 's'})\n`);
  },
};
