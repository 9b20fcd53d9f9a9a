/** Signal names and numbers as sessions are killed with them (gRPC kill_signal, SSH `signal`). */
import { constants as osConstants } from 'node:os';

/** Signal number from a name or number string ("SIGINT", "INT", "2"). */
export function signalNumber(s: string | number): number {
  if (typeof s === 'number') return s;
  if (/^\d+$/.test(s)) return Number(s);
  const name = (s.toUpperCase().startsWith('SIG') ? s.toUpperCase() : `SIG${s.toUpperCase()}`) as keyof typeof osConstants.signals;
  const n = osConstants.signals[name];
  if (n === undefined) throw new Error(`unknown signal ${s}`);
  return n;
}

/**
 * The kill rule every backend with a process keeps (ByteSession.kill "delivers a signal and
 * ends it"): a session still alive this long after its signal is hung up...
 */
export const HANGUP_AFTER_MS = 300;
/** ...and everything in it is SIGKILLed this long after the hang-up. */
export const KILL_AFTER_MS = 1500;
