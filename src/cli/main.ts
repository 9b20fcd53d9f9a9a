#!/usr/bin/env node
/**
 * nc-grpc-device: the command line. With no arguments it runs the embedded demo.
 */
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { deviceOptions, deviceSettingsOf } from './device-options.js';
import { runDeviceCommand } from './commands/device-command.js';
import { runDemo } from './demo.js';
import { reportFatal, UsageError } from '../errors.js';
import { normalizeArgv } from './argv.js';
import { netconfCommand } from './commands/netconf-command.js';
import { checkCommand } from './commands/check-command.js';
import { nmsCommand, sessionCommand } from './commands/nms-commands.js';
import { certsCommand } from './commands/certs-command.js';
import { statusCommand } from './commands/status-command.js';
import { faultCommand } from './commands/fault-command.js';
import { eventCommand, runEventCommand } from './commands/event.js';
import { scenarioCommand } from './commands/scenario.js';
import { secretCommand } from './commands/secret9-command.js';
import { inventoryCommand } from './commands/inventory-command.js';
import { labCommand } from './commands/lab-command.js';
import { replayCommand } from './commands/replay-command.js';
import { profileCommand } from './commands/profile-command.js';

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
    process.exitCode = await runEventCommand(argv.slice(1));
    return;
  }
  await yargs(argv)
    .scriptName('nc-grpc-device')
    .usage('$0 [flags]: a stand-in Junos device for NETCONF and shell over outbound HTTPS')
    .command(
      '$0',
      'Run an emulated device (dial out to an NMS, and/or serve SSH)',
      (y) => deviceOptions(y),
      async (args) => runDeviceCommand(deviceSettingsOf(args)),
    )
    .command('demo', 'Run the embedded demo: a throwaway PKI, the reference NMS and one device on 127.0.0.1', {}, async () => {
      process.exitCode = await runDemo();
    })
    .command(netconfCommand)
    .command(checkCommand)
    .command(nmsCommand)
    .command(sessionCommand)
    .command(certsCommand)
    .command(statusCommand)
    .command(faultCommand)
    .command(eventCommand)
    .command(scenarioCommand)
    .command(secretCommand)
    .command(inventoryCommand)
    .command(labCommand)
    .command(replayCommand)
    .command(profileCommand)
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
