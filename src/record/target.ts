/**
 * Where capture and replay talk NETCONF to: a real box or a device's SSH face
 * (`ssh://user@host[:port]`, authenticated as the bridges are), an emulated device over
 * stdio (`stdio` or `stdio:PROFILE`, a spawned `nc-grpc-device netconf`), or any command
 * (`exec:COMMAND`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { RuntimeError, UsageError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import type { ByteSession } from '../session/byte-session.js';
import { ExecBackend } from '../backends/exec.js';
import { SshBridgeBackend, parseSshTarget } from '../backends/ssh-bridge.js';

export interface TargetAuth {
  /** File whose first line is the password (else NCGD_PASSWORD, else the URL's). */
  passwordFile?: string;
  sshKey?: string;
  /** Known-hosts file for trust on first use (default ~/.config/nc-grpc-device/known_hosts). */
  knownHosts?: string;
  /** Pinned host key fingerprint (SHA256:...). */
  hostKey?: string;
  /** stdio targets: the emulated device's state directory. */
  stateDir?: string;
  /** nms: targets: the device's shared secret, from this file (else NCGD_SECRET). */
  secretFile?: string;
  /** stdio targets: the user the session runs as (the recorded session's). */
  user?: string;
}

export const TARGET_HELP =
  'ssh://USER@HOST[:PORT] (password from --password-file or NCGD_PASSWORD, or an SSH agent or --ssh-key), stdio[:PROFILE] (an emulated device on stdin/stdout), nms:DEVICE-ID[@HOST:OPSPORT] (a device waiting at a running `nms`; secret from --secret-file or NCGD_SECRET), exec:COMMAND';

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function defaultKnownHosts(): string {
  return path.join(homedir(), '.config', 'nc-grpc-device', 'known_hosts');
}

/** The password for an ssh:// target, or undefined (then agent or key). */
export function targetPassword(a: TargetAuth): string | undefined {
  if (a.passwordFile) {
    try {
      return readFileSync(a.passwordFile, 'utf8').split(/\r?\n/)[0];
    } catch (err) {
      throw new UsageError(`--password-file ${a.passwordFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const env = process.env.NCGD_PASSWORD;
  if (env !== undefined) {
    // Not for the shells or commands this process may start.
    delete process.env.NCGD_PASSWORD;
    return env;
  }
  return undefined;
}

/** Opens one NETCONF session on the target. */
export async function openTarget(spec: string, a: TargetAuth, logger: Logger = silentLogger): Promise<{ session: ByteSession; description: string }> {
  if (spec.startsWith('ssh://')) {
    const target = parseSshTarget(spec);
    if (a.sshKey && !existsSync(a.sshKey)) throw new UsageError(`--ssh-key ${a.sshKey}: no such file`);
    const backend = new SshBridgeBackend({ target, password: targetPassword(a), privateKeyFile: a.sshKey, knownHostsFile: a.knownHosts ?? defaultKnownHosts(), hostKeySha256: a.hostKey, logger });
    try {
      return { session: await backend.open('netconf'), description: `ssh://${target.user}@${target.host}:${target.port}` };
    } catch (err) {
      throw new RuntimeError(`${target.host}:${target.port}: ${(err as Error).message}`);
    }
  }
  let command: string;
  let description: string;
  if (spec === 'stdio' || spec.startsWith('stdio:')) {
    const profile = spec.slice('stdio:'.length) || 'mx';
    const main = process.argv[1];
    command = [process.execPath, main, 'netconf', '--profile', profile, ...(a.stateDir ? ['--state-dir', a.stateDir] : []), ...(a.user ? ['--user', a.user] : [])].map(shellQuote).join(' ') + ' 2>/dev/null';
    description = `an emulated ${profile} on stdio`;
  } else if (spec.startsWith('nms:')) {
    const m = /^nms:([^@\s]+)(?:@([^\s]+))?$/.exec(spec);
    if (!m) throw new UsageError(`bad nms target "${spec}" (want nms:DEVICE-ID[@HOST:OPSPORT])`);
    const ops = m[2] ?? '127.0.0.1:444';
    command =
      [process.execPath, process.argv[1], 'session', '--device', m[1], '--type', 'netconf', '--nms-ops', ops, ...(a.secretFile ? ['--secret-file', a.secretFile] : [])].map(shellQuote).join(' ') + ' 2>/dev/null';
    description = `${m[1]} through the nms at ${ops}`;
  } else if (spec.startsWith('exec:')) {
    command = spec.slice('exec:'.length);
    if (!command.trim()) throw new UsageError('exec: needs a command');
    description = spec;
  } else throw new UsageError(`unknown target "${spec.replace(/:[^:@/]*@/, ':…@')}" (want ${TARGET_HELP})`);
  const session = await new ExecBackend({ command, env: process.env, logger }).open('netconf');
  return { session, description };
}
