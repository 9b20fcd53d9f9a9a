/**
 * `nc-grpc-device secret encode PLAIN | decode '$9$...'`: converts between a plain shared
 * secret and the `$9$` form Junos stores in its configuration. `-` reads the value from stdin.
 */
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { decodeSecret9, encodeSecret9 } from '../../junos/identity/secret9.js';

interface SecretArgs {
  action: string;
  value?: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline belongs to the shell (echo, here-strings), not to the secret.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** The converted value for `action` (encode|decode); UsageError on bad input. */
export function convertSecret(action: string, value: string): string {
  if (action === 'encode') {
    if (!value) throw new UsageError('secret encode: the secret is empty');
    return encodeSecret9(value);
  }
  if (action === 'decode') {
    try {
      return decodeSecret9(value.trim());
    } catch (err) {
      throw new UsageError(`secret decode: ${(err as Error).message}`);
    }
  }
  throw new UsageError(`secret: unknown action ${JSON.stringify(action)} (expected encode or decode)`);
}

export const secretCommand: CommandModule<object, SecretArgs> = {
  command: 'secret <action> [value]',
  describe: "Encode a shared secret in Junos $9$ form, or decode one ('-' reads stdin)",
  builder: (y: Argv<object>) =>
    y
      .positional('action', { type: 'string', choices: ['encode', 'decode'], demandOption: true, describe: 'encode or decode' })
      .positional('value', { type: 'string', describe: "the secret; '-' or none reads it from stdin" })
      .example("$0 secret encode 'my secret'", 'prints a $9$ string for a Junos configuration')
      .example("$0 secret decode '$9$FNkC3/t1IcevLuOWx'", 'prints hello') as unknown as Argv<SecretArgs>,
  handler: async (args) => {
    // yargs hands a lone '-' over as an empty string; either way it means stdin.
    const fromStdin = args.value === undefined || args.value === '-' || args.value === '';
    const value = fromStdin ? await readStdin() : String(args.value);
    process.stdout.write(`${convertSecret(args.action, value)}\n`);
  },
};
