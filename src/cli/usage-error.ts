/**
 * Errors a user sees as one line: usage errors exit 2, runtime errors exit 1. Anything else
 * is a bug: still one line, plus a hint to rerun with NCGD_DEBUG=1 for the stack.
 */
import { ConfigError } from '../outbound/config.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Errors that come from what the user asked for (flags, files, profile names, a state directory in use): exit 2. */
function isUsage(err: unknown): boolean {
  return err instanceof UsageError || err instanceof ConfigError || ['ProfileError', 'StateLockedError'].includes((err as Error)?.name);
}

export function exitCodeFor(err: unknown): number {
  return isUsage(err) ? 2 : 1;
}

export function reportFatal(err: unknown): never {
  const e = err as Error;
  const known = isUsage(e) || (e as { userFacing?: boolean })?.userFacing;
  process.stderr.write(`nc-grpc-device: ${e?.message ?? String(err)}\n`);
  if (!known && process.env.NCGD_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  process.exit(exitCodeFor(err));
}
