/**
 * `nc-grpc-device replay TRANSCRIPT --to TARGET`: sends the NMS side of a recorded NETCONF
 * session to a target and prints how its replies differ from the recorded ones (volatile
 * parts normalised). Exit 0 when they are equal, 1 with the differences.
 */
import type { CommandModule } from 'yargs';
import { createLogger } from '../../log.js';
import { formatReport, readTranscript, replay } from '../../record/replay.js';
import { openTarget, TARGET_HELP } from '../../record/target.js';
import { updateProfile } from '../../record/update-profile.js';

interface ReplayArgs {
  transcript: string;
  to: string;
  'password-file'?: string;
  'ssh-key'?: string;
  'known-hosts'?: string;
  'host-key'?: string;
  'state-dir'?: string;
  'secret-file'?: string;
  timeout: number;
  'update-profile'?: string;
  quiet: boolean;
  json: boolean;
}

export const replayCommand: CommandModule<object, ReplayArgs> = {
  command: 'replay <transcript>',
  describe: 'Replay a recorded NETCONF session (--record) against a target and print how its replies differ',
  builder: (y) =>
    y
      .positional('transcript', { type: 'string', describe: 'A transcript file written by --record' })
      .option('to', { type: 'string', demandOption: true, describe: `Target: ${TARGET_HELP}` })
      .option('password-file', { type: 'string', describe: 'ssh:// targets: file whose first line is the password (or NCGD_PASSWORD)' })
      .option('ssh-key', { type: 'string', describe: 'ssh:// targets: private key file' })
      .option('known-hosts', { type: 'string', describe: 'ssh:// targets: known-hosts file (trust on first use)', defaultDescription: '~/.config/nc-grpc-device/known_hosts' })
      .option('host-key', { type: 'string', describe: 'ssh:// targets: pinned host key fingerprint (SHA256:...)' })
      .option('secret-file', { type: 'string', describe: 'nms: targets: file whose first line is the device\'s shared secret (or NCGD_SECRET)' })
      .option('state-dir', { type: 'string', describe: 'stdio targets: the emulated device state directory' })
      .option('timeout', { type: 'number', default: 60, describe: 'Seconds to wait for each reply' })
      .option('update-profile', { type: 'string', describe: 'Write the recorded replies that differ as reply templates (rpc/*.xml) of this profile directory' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress on stderr' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON (every exchange: number, RPC, differences)' }) as never,
  handler: async (args) => {
    const logger = createLogger({ level: 'warn', format: 'pretty' });
    const transcript = readTranscript(args.transcript);
    const { session, description } = await openTarget(args.to, { passwordFile: args['password-file'], sshKey: args['ssh-key'], knownHosts: args['known-hosts'], hostKey: args['host-key'], stateDir: args['state-dir'], user: transcript.meta.user, secretFile: args['secret-file'] }, logger);
    const result = await replay(transcript, session, {
      timeoutMs: Math.max(1, args.timeout) * 1000,
      onExchange: (e) => {
        if (!args.quiet) process.stderr.write(`${e.n === 0 ? 'hello' : `rpc ${e.n} <${e.name}>`}: ${e.diff.length ? 'differs' : 'equal'}\n`);
      },
    });
    if (args.json) {
      const exchanges = result.exchanges.map((e) => ({ n: e.n, rpc: e.name, equal: e.diff.length === 0, diff: e.diff, ...(e.error ? { error: e.error } : {}) }));
      process.stdout.write(JSON.stringify({ target: description, equal: result.differing === 0, differing: result.differing, exchanges, notes: result.notes }) + '\n');
    } else process.stdout.write(formatReport(result, description));
    if (args['update-profile']) {
      const files = updateProfile(args['update-profile'], result.exchanges);
      const say = (l: string) => (args.json ? process.stderr : process.stdout).write(l);
      say(files.length ? `wrote ${files.length} reply template(s): ${files.join(', ')}\n` : 'no operational reply differs: no template written\n');
    }
    process.exitCode = result.differing ? 1 : 0;
  },
};
