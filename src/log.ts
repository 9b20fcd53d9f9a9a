/**
 * The one logger of the program: pino, JSON lines by default, a readable line per event
 * when stderr is a terminal (or NCGD_LOG_FORMAT=pretty). Secrets never reach a log:
 * fields named like secrets are redacted, whatever module logs them.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import { printable } from './printable.js';

export type { Logger };

const REDACT = ['secret', 'secret_key', 'secretKey', 'password', '*.secret', '*.secret_key', '*.secretKey', '*.password'];

export interface LogOptions {
  level?: string;
  /** 'json' (default off a terminal) or 'pretty'. */
  format?: 'json' | 'pretty';
  /** Where to write; defaults to stderr. */
  destination?: DestinationStream;
  /** Also append JSON lines to this file (an outbound_https.log of our own). */
  file?: string;
}

/**
 * One readable line per record. Text from elsewhere (an NMS's status text, a device-id)
 * has its control characters escaped: it cannot forge a line or drive the terminal.
 */
export function prettyStream(out: NodeJS.WritableStream): DestinationStream {
  const levels: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
  return {
    write(line: string) {
      try {
        const rec = JSON.parse(line) as Record<string, unknown>;
        const { level, time, msg, pid: _pid, hostname: _host, ...rest } = rec;
        const ts = new Date(Number(time)).toISOString().slice(11, 23);
        const extra = Object.entries(rest)
          .map(([k, v]) => `${printable(k)}=${printable(typeof v === 'string' ? v : JSON.stringify(v) ?? String(v))}`)
          .join(' ');
        out.write(`${ts} ${levels[Number(level)] ?? level} ${printable(String(msg ?? ''))}${extra ? ' ' + extra : ''}\n`);
      } catch {
        out.write(`${printable(line.replace(/\n$/, ''))}\n`);
      }
    },
  };
}

export function createLogger(opts: LogOptions = {}): Logger {
  const format = opts.format ?? (process.env.NCGD_LOG_FORMAT === 'pretty' || (process.env.NCGD_LOG_FORMAT !== 'json' && process.stderr.isTTY) ? 'pretty' : 'json');
  const main = opts.destination ?? (format === 'pretty' ? prettyStream(process.stderr) : pino.destination({ dest: 2, sync: true }));
  const level = (opts.level ?? process.env.NCGD_LOG_LEVEL ?? 'info') as pino.Level;
  // A multistream gives each stream a level of its own (default info): every stream gets
  // the chosen level, so --log-file never hides debug or trace lines from either place.
  const dest = opts.file
    ? pino.multistream([
        { level, stream: main },
        { level, stream: pino.destination({ dest: opts.file, sync: true, mkdir: true, append: true }) },
      ])
    : main;
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    dest,
  );
}

type Bindings = Record<string, unknown>;
type LogArgs = [obj: unknown, msg?: string, ...args: unknown[]];

/**
 * A child logger made when it first writes at a level that is on (each of a fleet's devices
 * and its client has one, and most never write at the level set): until then it is this
 * object, its parent and its bindings, where a pino child made up front is some twenty
 * objects per device for the collector to mark. Its level is its parent's until it is made.
 */
class DeferredChild {
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
  ) {}

  /** The pino child, made now if not yet (a deferred parent makes its own first). */
  get real(): Logger {
    const up: unknown = this.parent;
    const parent = up instanceof DeferredChild ? up.real : this.parent;
    return (this.made ??= parent.child(this.bindings));
  }

  get level(): string {
    return this.made ? this.made.level : this.parent.level;
  }

  set level(level: string) {
    this.real.level = level;
  }

  isLevelEnabled(level: string): boolean {
    return this.made ? this.made.isLevelEnabled(level) : this.parent.isLevelEnabled(level);
  }

  child(bindings: Bindings): Logger {
    return deferredChild(this as unknown as Logger, bindings);
  }

  silent(): void {}
}

// The level methods: each writes through the pino child (made now) when its level is on.
for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const) {
  Object.defineProperty(DeferredChild.prototype, level, {
    value(this: DeferredChild, ...a: LogArgs): void {
      if (this.isLevelEnabled(level)) (this.real[level] as (...args: unknown[]) => void).apply(this.real, a);
    },
    writable: true,
    configurable: true,
  });
}

/**
 * `parent.child(bindings)`, made when first written to (DeferredChild): for the many loggers
 * of a fleet. Offers what the program calls on a logger: the level methods, `level`,
 * `isLevelEnabled` and `child`.
 */
export function deferredChild(parent: Logger, bindings: Bindings): Logger {
  return new DeferredChild(parent, bindings) as unknown as Logger;
}

/** A logger that writes nothing, for library use and tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: 'silent' });

/**
 * Logs each injected fault once per session, at info, when it first takes effect. Here, at
 * the bottom, so that the byte-stream faults (faults/) and the NETCONF server's (netconf/)
 * share it.
 */
export class FaultLog {
  private readonly seen = new Set<string>();
  constructor(
    private readonly logger: Logger,
    private readonly fields: Record<string, unknown> = {},
  ) {}

  note(fault: string, detail: Record<string, unknown> = {}): void {
    if (this.seen.has(fault)) return;
    this.seen.add(fault);
    this.logger.info({ ...this.fields, fault, ...detail }, 'fault injected');
  }
}
