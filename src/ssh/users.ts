/**
 * Who may log in to the SSH face: name/password pairs from `--ssh-user NAME:PASSWORD` and
 * public keys from an OpenSSH authorized_keys file. A key from that file admits any login
 * name (the name then decides the NETCONF user, as on a lab box shared by one team).
 */
import { readFileSync } from 'node:fs';
import { timingSafeEqual, createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';

const { utils } = ssh2;
import { UsageError } from '../errors.js';

export interface SshUser {
  name: string;
  password?: string;
}

/** Login names Junos accepts: letters, digits, `.`, `-`, `_`, `@`, not starting with `-`. */
const USER_NAME = /^[A-Za-z0-9_.@][A-Za-z0-9_.@-]{0,63}$/;

/** Parses one `--ssh-user` value, `NAME:PASSWORD` (the password may itself contain `:`). */
export function parseUserFlag(value: string): Required<SshUser> {
  const at = value.indexOf(':');
  if (at <= 0 || at === value.length - 1) {
    throw new UsageError(`--ssh-user wants NAME:PASSWORD (both non-empty), got "${at < 0 ? value : value.slice(0, at) + ':…'}"`);
  }
  const name = value.slice(0, at);
  if (!USER_NAME.test(name)) throw new UsageError(`--ssh-user: "${name}" is not a valid login name (letters, digits, . _ - @)`);
  return { name, password: value.slice(at + 1) };
}

const KEY_TYPES = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|ssh-dss|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;

/**
 * Reads an authorized_keys file. Lines may carry options before the key type (they are
 * ignored); blank lines and `#` comments are skipped. An unreadable key is an error naming
 * the file and line, so a typo does not silently lock everybody out.
 */
export function loadAuthorizedKeys(file: string): ParsedKey[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read authorized keys file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const keys: ParsedKey[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const at = fields.findIndex((f) => KEY_TYPES.test(f));
    if (at < 0 || at + 1 >= fields.length) throw new UsageError(`${file}:${i + 1}: no public key found on this line`);
    const parsed = utils.parseKey(fields.slice(at, at + 3).join(' '));
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key instanceof Error || !key) throw new UsageError(`${file}:${i + 1}: unreadable public key (${key instanceof Error ? key.message : 'empty'})`);
    keys.push(key);
  });
  return keys;
}

/** OpenSSH-style fingerprint of a public key blob: `SHA256:` + unpadded base64. */
export function fingerprintOf(publicBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '');
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** The users and keys one SSH face accepts. */
export class UserDirectory {
  private readonly passwords = new Map<string, string>();

  constructor(
    users: SshUser[],
    private readonly keys: ParsedKey[] = [],
  ) {
    for (const u of users) if (u.password !== undefined) this.passwords.set(u.name, u.password);
  }

  get hasPasswords(): boolean {
    return this.passwords.size > 0;
  }

  get hasKeys(): boolean {
    return this.keys.length > 0;
  }

  checkPassword(name: string, password: string): boolean {
    const want = this.passwords.get(name);
    // Compare against something even for an unknown name, so timing does not tell names apart.
    const ok = sameSecret(want ?? '\u0000no-such-user', password);
    return want !== undefined && ok;
  }

  /** Whether this login name has a password here. */
  knows(name: string): boolean {
    return this.passwords.has(name);
  }

  /** The authorized key with this public blob, if any. */
  findKey(publicBlob: Buffer): ParsedKey | undefined {
    return this.keys.find((k) => k.getPublicSSH().equals(publicBlob));
  }
}
