/**
 * `nc-grpc-device netconf`: one NETCONF session on stdin/stdout, as `netconf interactive`
 * on a device. With --state-dir it shares the committed configuration of that device.
 */
import type { CommandModule } from 'yargs';
import { EmulatedDevice } from '../../junos/device.js';
import { DEFAULT_PROFILE } from '../../junos/identity/profile.js';
import { runNetconfOnStdio } from '../../junos/stdio-face.js';
import { createLogger } from '../../log.js';

export const netconfCommand: CommandModule<object, { profile: string; 'state-dir'?: string; hostname?: string; user: string }> = {
  command: 'netconf',
  describe: 'One NETCONF session on stdin/stdout (as `netconf interactive` on a device)',
  builder: (y) =>
    y
      .option('profile', { type: 'string', default: DEFAULT_PROFILE, describe: 'Device profile: mx, ex, srx, or a directory' })
      .option('state-dir', { type: 'string', describe: 'Device state directory (committed configuration, rollbacks)' })
      .option('hostname', { type: 'string', describe: 'Device host-name' })
      .option('user', { type: 'string', default: process.env.USER ?? 'nobody', describe: 'User named in the hello comment and commits' }) as never,
  handler: async (args) => {
    const logger = createLogger({ level: 'warn' });
    if (!args['state-dir']) logger.warn('no --state-dir: commits are kept in memory only and are lost when this session ends');
    const device = await EmulatedDevice.create({ profile: args.profile, stateDir: args['state-dir'], hostname: args.hostname, logger, owner: `nc-grpc-device netconf (stdio session), user ${args.user}` });
    await runNetconfOnStdio(device, process.stdin, process.stdout, { user: args.user });
    await device.close();
  },
};
