/**
 * Failed-login handling of the SSH face, as Junos `system login retry-options` does by
 * default: after `backoffThreshold` failed attempts each further refusal is held back
 * `backoffFactor` seconds longer than the one before (5 s, 10 s, 15 s, ...), and a
 * connection is dropped after `triesBeforeDisconnect` failed attempts.
 *
 * Unlike Junos, failures are also counted per source address (until the source has been
 * quiet for a minute), so opening many connections at once does not escape the backoff.
 * Failed logins are logged once per source, with a counter: one line at the first failure,
 * a running count at most every ten minutes while failures go on, and a total once the
 * source has been quiet for a minute (or the face closes).
 */
import type { Logger } from '../log.js';

export interface LoginRetryOptions {
  /** Failed attempts on one connection before it is dropped (Junos default 10). */
  triesBeforeDisconnect: number;
  /** Failed attempts before refusals start being held back (Junos default 2). */
  backoffThreshold: number;
  /** How much longer each refusal past the threshold is held back, ms (Junos default 5 s). */
  backoffFactorMs: number;
}

/** Junos's defaults (`system login retry-options`, not configured). */
export const JUNOS_RETRY_DEFAULTS: LoginRetryOptions = { triesBeforeDisconnect: 10, backoffThreshold: 2, backoffFactorMs: 5_000 };

/** A source with no failure for this long starts afresh (and its total is logged). */
const SOURCE_QUIET_MS = 60_000;
/** While failures go on, a running count is logged at most this often. */
const SOURCE_REPORT_MS = 600_000;
/** Sources tracked at once; past this the oldest is reported and forgotten. */
const MAX_SOURCES = 4096;
/** Distinct known user names remembered per source for the log line. */
const MAX_NAMES = 5;

interface Source {
  failures: number;
  /** Failures since the last line logged for this source. */
  unreported: number;
  first: number;
  lastReport: number;
  users: Set<string>;
  unknownUsers: number;
  /** Forgets the source after a quiet spell; set at its first failure. */
  quiet?: NodeJS.Timeout;
}

export class LoginGuard {
  private readonly sources = new Map<string, Source>();

  constructor(
    readonly options: LoginRetryOptions,
    private readonly log: Logger,
    /** Whether a login name exists (unknown names are counted, not logged: they may be typed passwords). */
    private readonly knownUser: (name: string) => boolean,
  ) {}

  /**
   * Records a failed attempt from `peer` (its `connFailures`-th on its connection); returns
   * how long to hold the refusal back, in ms.
   */
  failed(peer: string, user: string, method: string, connFailures: number): number {
    const now = Date.now();
    let s = this.sources.get(peer);
    if (s) {
      clearTimeout(s.quiet);
      this.sources.delete(peer); // re-inserted below: the map stays in order of last failure
    } else {
      if (this.sources.size >= MAX_SOURCES) this.forget(this.sources.keys().next().value as string);
      s = { failures: 0, unreported: 0, first: now, lastReport: now, users: new Set(), unknownUsers: 0 };
    }
    this.sources.set(peer, s);
    s.failures++;
    s.unreported++;
    if (!this.knownUser(user)) s.unknownUsers++;
    else if (s.users.size < MAX_NAMES) s.users.add(user);
    if (s.failures === 1) {
      this.log.info({ peer, user: this.knownUser(user) ? user : '(unknown)', method }, 'ssh login failed; further failures from this address are counted');
      s.unreported = 0;
    } else if (now - s.lastReport >= SOURCE_REPORT_MS) {
      this.report(peer, s, 'ssh login failures go on');
    }
    s.quiet = setTimeout(() => this.forget(peer), SOURCE_QUIET_MS).unref();
    const n = Math.max(connFailures, s.failures);
    const { backoffThreshold, backoffFactorMs } = this.options;
    return n >= backoffThreshold ? (n - backoffThreshold + 1) * backoffFactorMs : 0;
  }

  /** True when a connection with this many failed attempts must be dropped. */
  exhausted(connFailures: number): boolean {
    return connFailures >= this.options.triesBeforeDisconnect;
  }

  /** Logs what is left to report and forgets every source. */
  close(): void {
    for (const peer of [...this.sources.keys()]) this.forget(peer);
  }

  private forget(peer: string): void {
    const s = this.sources.get(peer);
    if (!s) return;
    clearTimeout(s.quiet);
    this.sources.delete(peer);
    if (s.unreported > 0) this.report(peer, s, 'ssh login failures');
  }

  private report(peer: string, s: Source, msg: string): void {
    const now = Date.now();
    this.log.info({ peer, failures: s.failures, users: [...s.users], unknownUsers: s.unknownUsers, seconds: Math.round((now - s.first) / 1000) }, msg);
    s.unreported = 0;
    s.lastReport = now;
  }
}
