#!/usr/bin/env node
/**
 * A small command-line runner that mounts only the NMS commands (nms, session, certs) the
 * way src/cli/main.ts does, so their tests run as real child processes whatever the state
 * of the rest of the program.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { reportFatal, UsageError } from '../../src/errors.js';
import { certsCommand } from '../../src/cli/commands/certs-command.js';
import { nmsCommand, sessionCommand } from '../../src/cli/commands/nms-commands.js';

yargs(hideBin(process.argv))
  .scriptName('nc-grpc-device')
  .command(nmsCommand)
  .command(sessionCommand)
  .command(certsCommand)
  .demandCommand(1)
  .strict()
  .fail((msg, err) => {
    if (err) reportFatal(err);
    reportFatal(new UsageError(`${msg} (see nc-grpc-device --help)`));
  })
  .parseAsync()
  .catch(reportFatal);
