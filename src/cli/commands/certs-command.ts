/**
 * `nc-grpc-device certs`: writes a lab server certificate and key for an NMS (self-signed,
 * or signed by a fresh CA with --ca) and prints the one-line body to paste into a Junos
 * `trusted-cert` (the CA's with --ca, else the server's own).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { RuntimeError, UsageError } from '../../errors.js';
import { makeCa, makeSelfSigned, makeSigned, oneLineCert, type KeyType } from '../../nms/pki.js';
import type { ArgsOf } from '../argv.js';

export interface CertsArgs {
  /** Directory the files go to (created if missing). */
  out: string;
  /** Names of the server: IPs become SAN IP entries; hostnames become the CN and SAN DNS entries. */
  host: string[];
  ca: boolean;
  days: number;
  /** ec or rsa (checked). */
  keyType: string;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;

/** The reference NMS's default port (`nms --port`), which the printed snippets dial. */
const NMS_PORT = 8443;

/**
 * What to run next with these files: the nms (flags only where its defaults do not find
 * them), a device dialling it, and the same as a Junos configuration to paste on a device.
 */
function nextSteps(out: string, ca: boolean, host: string, body: string): string[] {
  const here = path.resolve(out) === path.resolve('.');
  const file = (name: string): string => (here ? name : path.join(out, name));
  const nmsFlags = here ? '' : ` --cert ${file('server.crt')} --key ${file('server.key')}`;
  const bind = host === '127.0.0.1' || host === 'localhost' ? '' : ' --host 0.0.0.0';
  return [
    'next:',
    `  nc-grpc-device nms${nmsFlags}${bind}`,
    `  NCGD_SECRET=SECRET nc-grpc-device --host ${host} --port ${NMS_PORT} --cert-file ${file(ca ? 'ca.crt' : 'server.crt')} --device-id DEVICE-ID`,
    'or on a device (or in a file for --config):',
    `  set system services outbound-https client nms device-id DEVICE-ID secret SECRET servers ${host} port ${NMS_PORT} trusted-cert "${body}"`,
  ];
}

/** Writes the files and prints what was written; `print` receives each output line. */
export async function runCertsCommand(args: CertsArgs, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  const hosts = args.host.map((h) => h.trim()).filter((h) => h.length > 0);
  if (hosts.length === 0) throw new UsageError('certs: give at least one --host (hostname or IP address the devices dial)');
  const ips = hosts.filter((h) => isIP(h) !== 0);
  const names = hosts.filter((h) => isIP(h) === 0);
  for (const n of names) if (!HOSTNAME.test(n)) throw new UsageError(`certs: not a hostname or IP address: ${JSON.stringify(n)}`);
  if (!Number.isFinite(args.days) || args.days < 1) throw new UsageError(`certs: --days must be a positive number, not ${args.days}`);
  const keyType: KeyType | undefined = args.keyType === 'ec' || args.keyType === 'rsa' ? args.keyType : undefined;
  if (!keyType) throw new UsageError(`certs: --key-type must be ec or rsa`);

  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + args.days * 24 * 3600 * 1000);
  const opts = { commonName: names[0] ?? ips[0], dnsSans: names, ipSans: ips, notBefore, notAfter, keyType };

  const written: string[] = [];
  const write = (name: string, text: string, secret: boolean): void => {
    const file = path.join(args.out, name);
    writeFileSync(file, text, { mode: secret ? 0o600 : 0o644 });
    written.push(file);
  };
  try {
    mkdirSync(args.out, { recursive: true });
    let trusted: string;
    if (args.ca) {
      const ca = await makeCa({ notBefore, notAfter, keyType });
      const server = await makeSigned(ca, opts);
      write('ca.crt', ca.cert, false);
      write('ca.key', ca.key, true);
      write('server.crt', server.cert, false);
      write('server.key', server.key, true);
      trusted = ca.cert;
    } else {
      const server = await makeSelfSigned(opts);
      write('server.crt', server.cert, false);
      write('server.key', server.key, true);
      trusted = server.cert;
    }
    for (const f of written) print(`wrote ${f}`);
    print(`server names: ${[...names.map((n) => `DNS:${n}`), ...ips.map((i) => `IP:${i}`)].join(', ')} (CN ${opts.commonName})`);
    print(`trusted-cert for the Junos configuration (${args.ca ? 'the CA certificate' : 'the self-signed server certificate'}):`);
    print(oneLineCert(trusted));
    for (const line of nextSteps(args.out, args.ca, ips[0] ?? names[0], oneLineCert(trusted))) print(line);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new RuntimeError(`certs: ${e.code ? `cannot write to ${args.out}: ${e.code}` : e.message}`);
  }
}

const certsOptions = (y: Argv<object>) =>
    y
      .option('out', { type: 'string', default: '.', describe: 'directory for server.crt/server.key (and ca.crt/ca.key)' })
      .option('host', {
        type: 'string',
        array: true,
        default: ['127.0.0.1'],
        describe: 'name the devices dial: an IP (SAN IP) or a hostname (CN and SAN DNS); repeatable',
      })
      .option('ca', { type: 'boolean', default: false, describe: 'also make a CA and sign the server certificate with it' })
      .option('days', { type: 'number', default: 365, describe: 'validity in days' })
      .option('key-type', { type: 'string', choices: ['ec', 'rsa'], default: 'ec', describe: 'EC P-256 or RSA 2048' })
      .example('$0 certs --host 192.0.2.10 --out nms-pki', 'self-signed certificate for an NMS at 192.0.2.10')
      .example('$0 certs --host nms.lab --ca', 'a CA and a server certificate it signed');

export const certsCommand: CommandModule<object, ArgsOf<typeof certsOptions>> = {
  command: 'certs',
  describe: 'Make a lab TLS certificate for an NMS (self-signed, or signed by a new CA) and print its trusted-cert line',
  builder: certsOptions,
  handler: async (args) => {
    await runCertsCommand({ out: args.out, host: args.host.map(String), ca: args.ca, days: args.days, keyType: args['key-type'] });
  },
};
