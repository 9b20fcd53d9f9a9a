/**
 * `nc-grpc-device profile capture TARGET --out DIR`: a device (a real box over SSH, or an
 * emulated one) captured into a profile directory that `--profile DIR` runs as it is.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { createLogger } from '../../log.js';
import { captureProfile, checkOutDir } from '../../record/capture.js';
import { parseByteSize } from '../../record/recorder.js';
import { CATEGORIES } from '../../record/sanitise.js';
import { openTarget, TARGET_HELP } from '../../record/target.js';

interface CaptureArgs {
  target: string;
  out: string;
  'password-file'?: string;
  'ssh-key'?: string;
  'known-hosts'?: string;
  'host-key'?: string;
  'secret-file'?: string;
  'state-dir'?: string;
  keep?: string[];
  'max-bytes': string;
  'max-time': number;
  timeout: number;
  force: boolean;
  mapping?: string;
  quiet: boolean;
}

const capture: CommandModule<object, CaptureArgs> = {
  command: 'capture <target>',
  describe: 'Capture a device (its hello, operational replies and committed configuration) into a profile directory, sanitised',
  builder: (y) =>
    y
      .positional('target', { type: 'string', describe: `The device: ${TARGET_HELP}` })
      .option('out', { type: 'string', demandOption: true, describe: 'The profile directory to write (run it with --profile DIR)' })
      .option('password-file', { type: 'string', describe: 'File whose first line is the password (or NCGD_PASSWORD; else an SSH agent or --ssh-key)' })
      .option('ssh-key', { type: 'string', describe: 'Private key file' })
      .option('known-hosts', { type: 'string', describe: 'Known-hosts file (trust on first use)', defaultDescription: '~/.config/nc-grpc-device/known_hosts' })
      .option('host-key', { type: 'string', describe: 'Pinned host key fingerprint (SHA256:...)' })
      .option('secret-file', { type: 'string', describe: 'nms: targets: file whose first line is the device\'s shared secret (or NCGD_SECRET)' })
      .option('state-dir', { type: 'string', describe: 'stdio targets: the emulated device state directory' })
      .option('keep', { type: 'string', array: true, describe: `Leave these as they are: categories (${CATEGORIES.join(', ')}) or literal values; comma-separated or repeated` })
      .option('max-bytes', { type: 'string', default: '64M', describe: 'Bound on everything captured' })
      .option('max-time', { type: 'number', default: 600, describe: 'Bound on the whole capture, in seconds' })
      .option('timeout', { type: 'number', default: 60, describe: 'Seconds to wait for each reply' })
      .option('force', { type: 'boolean', default: false, describe: 'Write into a directory that is not empty' })
      .option('mapping', { type: 'string', describe: 'Also write original -> stand-in of every replacement to this file (0600; it holds the originals: keep it out of the profile)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress on stderr' }) as never,
  handler: async (args) => {
    const logger = createLogger({ level: 'warn', format: 'pretty' });
    const maxBytes = parseByteSize(args['max-bytes'], '--max-bytes');
    const keep = (args.keep ?? []).flatMap((k) => String(k).split(',')).map((k) => k.trim()).filter(Boolean);
    checkOutDir(args.out, args.force);
    const { session, description } = await openTarget(args.target, { passwordFile: args['password-file'], sshKey: args['ssh-key'], knownHosts: args['known-hosts'], hostKey: args['host-key'], secretFile: args['secret-file'], stateDir: args['state-dir'] }, logger);
    if (!args.quiet) process.stderr.write(`capturing ${description} into ${args.out}\n`);
    const r = await captureProfile(session, {
      out: args.out,
      keep,
      maxBytes,
      maxTimeMs: Math.max(1, args['max-time']) * 1000,
      rpcTimeoutMs: Math.max(1, args.timeout) * 1000,
      force: args.force,
      progress: args.quiet ? undefined : (l) => process.stderr.write(`  ${l}\n`),
    });
    if (args.mapping) {
      writeFileSync(args.mapping, JSON.stringify(r.mapping, null, 2) + '\n', { mode: 0o600 });
      chmodSync(args.mapping, 0o600);
    }
    const replaced = Object.entries(r.report)
      .map(([k, v]) => `${k} ${v.replaced}`)
      .join(', ');
    process.stdout.write(
      `captured ${r.hostname} (${r.model}, Junos ${r.release}) into ${r.dir}: ${r.rpcs.answered} replies (${r.bytes} bytes), ${r.templates.length} reply templates\n` +
        `sanitised (replaced): ${replaced}${keep.length ? `; kept: ${keep.join(', ')}` : ''} (capture-report.json)\n` +
        (r.rpcs.unanswered.length ? `not answered: ${r.rpcs.unanswered.join(', ')}\n` : '') +
        (r.rpcs.skipped.length ? `skipped (time or size bound): ${r.rpcs.skipped.join(', ')}\n` : '') +
        `run it: nc-grpc-device --profile ${r.dir} --hostname ${r.hostname} --ssh-port 8830 --ssh-user lab:lab123\n`,
    );
  },
};

export const profileCommand: CommandModule = {
  command: 'profile <command>',
  describe: 'Device profiles: capture one from a device',
  builder: (y: Argv) => y.command(capture as CommandModule).demandCommand(1),
  handler: () => undefined,
};
