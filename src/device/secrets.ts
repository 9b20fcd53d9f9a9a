/**
 * Secrets given other than on the command line. A flag's value is readable by every local
 * user in /proc/PID/cmdline (and `ps`); a file (`--secret-file`, `--ssh-user-file`) or the
 * environment (`NCGD_SECRET`, `NCGD_SSH_USER`, readable only by the same uid) is not.
 * An environment secret is removed from this process's environment once read, so the
 * shells and commands the device starts do not inherit it.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';

export const SECRET_ENV = 'NCGD_SECRET';
export const SSH_USER_ENV = 'NCGD_SSH_USER';

/** What `--help` says next to a flag that carries a secret. */
export const VISIBLE_NOTE = 'visible to other local users in the process list: prefer';

function readSecretFile(file: string, flag: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return text;
}

/** Takes (and removes) an environment variable. */
function takeEnv(name: string): string | undefined {
  const v = process.env[name];
  delete process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * The secret from `--secret`, `--secret-file FILE` (its first line) or `NCGD_SECRET`, in that
 * order of precedence; giving both flags is a usage error.
 */
export function resolveSecret(flags: { secret?: string; secretFile?: string }, useEnv = true): string | undefined {
  const env = useEnv ? takeEnv(SECRET_ENV) : undefined;
  if (flags.secret !== undefined && flags.secretFile !== undefined) throw new UsageError('give either --secret or --secret-file, not both');
  if (flags.secretFile !== undefined) {
    const secret = readSecretFile(flags.secretFile, '--secret-file').split(/\r?\n/)[0].trim();
    if (!secret) throw new UsageError(`--secret-file ${flags.secretFile}: the first line is empty`);
    return secret;
  }
  return flags.secret ?? env;
}

/** `NAME:PASSWORD` entries, one a line; blank lines and `#` comments are skipped. */
function userLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** SSH logins from `--ssh-user`, `--ssh-user-file FILE` and `NCGD_SSH_USER` (all of them). */
export function resolveSshUsers(flags: { sshUser?: string[]; sshUserFile?: string }): string[] | undefined {
  const env = takeEnv(SSH_USER_ENV);
  const users = [...(flags.sshUser ?? []).map(String)];
  if (flags.sshUserFile !== undefined) users.push(...userLines(readSecretFile(flags.sshUserFile, '--ssh-user-file')));
  if (env !== undefined) users.push(...userLines(env));
  return users.length ? users : undefined;
}

/**
 * The settings with their secrets resolved: `secret` from --secret, --secret-file or the
 * environment, `sshUser` with the file's and the environment's logins; the file settings
 * cleared (a new value: the settings given are left as they are).
 */
export function resolveDeviceSecrets<T extends { host?: string; config?: string; secret?: string; secretFile?: string; sshUser?: string[]; sshUserFile?: string }>(s: T): T {
  // The environment's secret is for a device given its NMS (--host ..., or --config whose
  // clients have no `secret` statement).
  const secret = resolveSecret(s, s.host !== undefined || s.config !== undefined);
  return { ...s, secret, secretFile: undefined, sshUser: resolveSshUsers(s), sshUserFile: undefined };
}
