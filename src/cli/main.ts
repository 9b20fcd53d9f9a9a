#!/usr/bin/env node
/**
 * nc-grpc-device: the command line. With no arguments it runs the embedded demo.
 */
import { readFileSync } from 'node:fs';
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { deviceOptions, deviceSettingsOf } from './device-options.js';
import { reportFatal, UsageError } from '../errors.js';
import { normalizeArgv } from './argv.js';

/** A subcommand of any argument shape (each module types its own). */
type AnyCommand = CommandModule<any, any>;

/**
 * Every subcommand by its first word, each module loaded only when asked for: a command
 * loads what it runs and nothing else (`status` need not load the device, the NMS and the
 * lab), so a short command answers in a fraction of the time a whole load takes.
 */
const SUBCOMMANDS: Record<string, () => Promise<AnyCommand>> = {
  netconf: async () => (await import('./commands/netconf-command.js')).netconfCommand,
  check: async () => (await import('./commands/check-command.js')).checkCommand,
  nms: async () => (await import('./commands/nms-commands.js')).nmsCommand,
  session: async () => (await import('./commands/nms-commands.js')).sessionCommand,
  certs: async () => (await import('./commands/certs-command.js')).certsCommand,
  status: async () => (await import('./commands/status-command.js')).statusCommand,
  fault: async () => (await import('./commands/fault-command.js')).faultCommand,
  event: async () => (await import('./commands/event.js')).eventCommand,
  scenario: async () => (await import('./commands/scenario.js')).scenarioCommand,
  secret: async () => (await import('./commands/secret9-command.js')).secretCommand,
  inventory: async () => (await import('./commands/inventory-command.js')).inventoryCommand,
  lab: async () => (await import('./commands/lab-command.js')).labCommand,
  replay: async () => (await import('./commands/replay-command.js')).replayCommand,
  profile: async () => (await import('./commands/profile-command.js')).profileCommand,
};
const HELP_WORDS = new Set(['--help', '-h', 'help']);

/**
 * The subcommands to declare for ARGV: the first word's alone when it names one (the usual
 * form); all of them when help is asked for, or when a subcommand's name comes later (after
 * flags, `--control S status`, which yargs reads as that subcommand; or as some flag's
 * value, which costs only the load); none when the device runs.
 */
async function subcommandsFor(argv: string[]): Promise<AnyCommand[]> {
  const first = argv[0];
  if (first !== undefined && Object.hasOwn(SUBCOMMANDS, first)) return [await SUBCOMMANDS[first]!()];
  if (argv.some((a) => HELP_WORDS.has(a) || Object.hasOwn(SUBCOMMANDS, a))) return Promise.all(Object.values(SUBCOMMANDS).map((load) => load()));
  return [];
}

async function runDemo(): Promise<number> {
  return (await import('./demo.js')).runDemo();
}

/**
 * This package's own version, from the package.json beside dist/ (yargs would look for one
 * from the working directory up, and print the version of whatever project it runs in).
 */
function ownVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'nc-grpc-device' && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // not found: fall through
  }
  return 'unknown';
}

async function main(): Promise<void> {
  const argv = normalizeArgv(hideBin(process.argv));
  if (argv.length === 0) {
    process.exitCode = await runDemo();
    return;
  }
  // The event's own options (--user, --for, ...) are its words, not ours: read by the command itself.
  if (argv[0] === 'event') {
    const { runEventCommand } = await import('./commands/event.js');
    process.exitCode = await runEventCommand(argv.slice(1));
    return;
  }
  const subcommands = await subcommandsFor(argv);
  let cli = yargs(argv)
    .scriptName('nc-grpc-device')
    .usage('$0 [flags]: a stand-in Junos device for NETCONF and shell over outbound HTTPS')
    .command(
      '$0',
      'Run an emulated device (dial out to an NMS, and/or serve SSH)',
      (y) => deviceOptions(y),
      async (args) => {
        const { runDeviceCommand } = await import('./commands/device-command.js');
        await runDeviceCommand(deviceSettingsOf(args));
      },
    )
    .command('demo', 'Run the embedded demo: a throwaway PKI, the reference NMS and one device on 127.0.0.1', {}, async () => {
      process.exitCode = await runDemo();
    });
  for (const c of subcommands) cli = cli.command(c);
  await cli
    .strict()
    .help()
    .alias('h', 'help')
    .version(ownVersion())
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) reportFatal(err);
      reportFatal(new UsageError(`${msg} (see nc-grpc-device --help)`));
    })
    .parseAsync();
}

main().catch(reportFatal);
