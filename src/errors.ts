/**
 * The one family of errors a user sees: a one-line message and an exit code. Anything that
 * is not a UserError is a bug: still reported as one line, with a hint to rerun with
 * NCGD_DEBUG=1 for the stack.
 *
 *   UsageError    exit 2: what the user asked for is wrong (flags, files, names, specs)
 *   RuntimeError  exit 1: what the user asked for could not be done (nothing listening, ...)
 *
 * Throw these from any layer; only the command line (src/cli/main.ts) decides how they end
 * the process (reportFatal), and the control socket turns them into HTTP 400 answers.
 */
import { printable } from './printable.js';

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Exit 2: a bad flag, file, name or spec. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Exit 1: the request was fine but could not be carried out. */
export class RuntimeError extends UserError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** True for errors whose message a user may see as it is. */
export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

export function exitCodeFor(err: unknown): number {
  return err instanceof UserError ? err.exitCode : 1;
}

/** Prints the error as one line on stderr (the stack only for bugs, with NCGD_DEBUG) and exits. */
export function reportFatal(err: unknown): never {
  const e = err as Error;
  process.stderr.write(`nc-grpc-device: ${printable(e?.message ?? String(err))}\n`);
  if (!isUserError(e) && process.env.NCGD_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  process.exit(exitCodeFor(err));
}
