/**
 * `nc-grpc-device check --config FILE`: parses a configuration file and prints what the
 * device would do with it, without dialling anything: its clients and servers, each
 * server's certificate (subject, names, validity), the sessions' user, and warnings about
 * what would stop it on this machine (an unknown user, a certificate that does not name its
 * server or is out of date). Exit 0 when the file is valid (warnings or not), 2 when not.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { CommandModule } from 'yargs';
import type { AgentConfig } from '../../outbound/config.js';
import { parseAgentConfigFile } from '../../outbound/junos-config.js';
import { lookupUser } from '../../shell/user.js';
import { DEFAULT_PROTOCOL, PROTOCOL_DETAIL } from '../../wire/contract.js';

export interface CheckReport {
  lines: string[];
  warnings: string[];
}

/** One certificate, described in a line; problems for the server at `address` go to `warn`. */
function describeCert(pem: string, address: string, now: number, warn: (w: string) => void): string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (err) {
    warn(`the trusted certificate of ${address} cannot be read: ${(err as Error).message}`);
    return 'unreadable certificate';
  }
  const subject = cert.subject.replace(/\n/g, ', ');
  const names = cert.subjectAltName ?? '';
  const until = new Date(cert.validTo);
  if (until.getTime() < now) warn(`the trusted certificate of ${address} expired on ${until.toISOString().slice(0, 10)}`);
  if (new Date(cert.validFrom).getTime() > now) warn(`the trusted certificate of ${address} is not valid before ${new Date(cert.validFrom).toISOString().slice(0, 10)}`);
  // A CA certificate trusts whatever it signed; a server's own certificate must name the address.
  if (!cert.ca) {
    const named = isIP(address) ? cert.checkIP(address) : cert.checkHost(address);
    if (!named) warn(`the trusted certificate of ${address} does not name it (${names || subject}): the TLS handshake would fail`);
  }
  return `${cert.ca ? 'CA ' : ''}subject ${subject}${names ? `; ${names}` : ''}; valid until ${until.toISOString().slice(0, 10)}`;
}

/** What the device would do with this configuration, and the warnings. */
export function checkConfig(cfg: AgentConfig, opts: { username?: string; now?: number; uid?: number } = {}): CheckReport {
  const lines: string[] = [];
  const warnings: string[] = [];
  const warn = (w: string): void => void warnings.push(w);
  const now = opts.now ?? Date.now();
  const protocol = cfg.protocol ?? DEFAULT_PROTOCOL;
  const username = opts.username ?? cfg.username ?? 'nobody';
  lines.push(`protocol: ${PROTOCOL_DETAIL[protocol]}`);
  const uid = opts.uid ?? process.getuid?.() ?? -1;
  const entry = lookupUser(username);
  if (uid === 0) {
    if (!entry) warn(`session user "${username}" does not exist on this host: the device would refuse to start (create the user, or give --username)`);
    else if (entry.uid === 0) warn(`session user "${username}" is root: the device would refuse to start without --allow-root-shell`);
    lines.push(`sessions' user: ${username}${entry ? ` (uid ${entry.uid})` : ''}`);
  } else {
    lines.push(`sessions' user: ${username} (not running as root: sessions would run as the current user)`);
  }
  for (const c of cfg.clients) {
    lines.push(`client ${c.name}: device-id ${c.deviceId}, waittime ${c.waittime} s, reconnect-strategy ${c.reconnectStrategy}, secret set`);
    for (const s of c.servers) {
      const target = `${s.address}:${s.port}`;
      lines.push(`  dials ${target}: ${describeCert(s.trustedCert, s.address, now, warn)}`);
    }
  }
  return { lines, warnings };
}

export const checkCommand: CommandModule<object, { config: string; username?: string }> = {
  command: 'check',
  describe: 'Parse a configuration file and print what the device would do (clients, servers, certificates, user), without dialling',
  builder: (y) =>
    y
      .option('config', { type: 'string', demandOption: true, describe: 'Configuration file (Junos set or curly-brace, XML, JSON)' })
      .option('username', { type: 'string', describe: "Sessions' user, as the device's --username would override it" }) as never,
  handler: (args) => {
    const cfg = parseAgentConfigFile(args.config);
    const report = checkConfig(cfg, { username: args.username });
    const out = [`${args.config}: valid`, ...report.lines, ...report.warnings.map((w) => `warning: ${w}`)];
    process.stdout.write(`${out.join('\n')}\n`);
  },
};
