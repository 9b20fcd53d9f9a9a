/**
 * The SSH face's host key: made once (ed25519), kept in the state directory with mode 0600,
 * and reused on every start so clients that pinned it keep trusting the device.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { refuseSymlinkSync, readOwnFileSync, SymlinkRefusedError, writeNewOwnFileSync } from '../own-files.js';
import path from 'node:path';
import ssh2 from 'ssh2';

const { utils } = ssh2;
import { fingerprintOf } from './users.js';

export interface HostKey {
  /** OpenSSH private key text, as ssh2's Server wants it. */
  privateKey: string;
  /** `SHA256:...` fingerprint of the public half, for logs and pinning. */
  fingerprint: string;
  /** `true` when this call created the key. */
  created: boolean;
}

function describe(privateKey: string, file: string): { fingerprint: string } {
  const parsed = utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || !key || !key.isPrivateKey()) {
    throw new Error(`host key file ${file} does not hold a readable private key${key instanceof Error ? ` (${key.message})` : ''}; remove it to have a new one made`);
  }
  return { fingerprint: fingerprintOf(key.getPublicSSH()) };
}

type KeyType = 'ed25519' | 'rsa' | 'ecdsa';
interface KeyOptions {
  bits?: number;
  comment?: string;
  passphrase?: string;
  cipher?: string;
  rounds?: number;
}

/**
 * ssh2's generateKeyPairSync, but only a pair ssh2 can read back: now and then (about one
 * ed25519 key in 250) it writes an OpenSSH private key its own parser calls malformed.
 */
export function generateKeyPair(type: KeyType, opts?: KeyOptions): { private: string; public: string } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = utils.generateKeyPairSync(type as 'ed25519', (opts ?? {}) as never);
    const parsed = utils.parseKey(pair.private, opts?.passphrase);
    if (!(parsed instanceof Error)) return pair;
  }
  throw new Error(`could not generate a readable ${type} key`);
}

export function loadOrCreateHostKey(file: string): HostKey {
  let existing: string | undefined;
  try {
    existing = readOwnFileSync(file);
  } catch (e) {
    if (e instanceof SymlinkRefusedError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read host key file ${file}: ${(e as NodeJS.ErrnoException).code}`);
  }
  if (existing !== undefined) {
    // Tighten a key left readable by others, as sshd would refuse it.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return { privateKey: existing, ...describe(existing, file), created: false };
  }
  // The directory keeps its mode (a run directory is 0711 for the session user); only a link is refused.
  refuseSymlinkSync(path.dirname(file));
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const pair = generateKeyPair('ed25519');
  try {
    // Exclusive: if another process made the key meanwhile, use theirs.
    writeNewOwnFileSync(file, pair.private);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateHostKey(file);
    throw new Error(`cannot write host key file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { privateKey: pair.private, ...describe(pair.private, file), created: true };
}
