/**
 * What sshd bounds before a client has logged in, for the SSH face:
 *  - LoginGraceTime from the first byte: a connection that never sends its banner is
 *    dropped as one that never logs in (ssh2 only reports a connection once its banner came);
 *  - MaxStartups: at most `maxStartups` connections not yet logged in; more are refused
 *    at once (one peer cannot fill the descriptor table).
 * Both with a log line (refusals at most one line per second, with their count).
 */
import type net from 'node:net';
import type ssh2 from 'ssh2';
import type { Logger } from '../log.js';

export interface StartupLimits {
  /** How long a connection may take to send its banner (ms); the login grace follows. */
  bannerMs: number;
  /** Connections not yet logged in, at most. */
  maxStartups: number;
}

/** sshd's LoginGraceTime is 120 s; its MaxStartups refuses everything at 100 (10:30:100). */
export const DEFAULT_STARTUP_LIMITS: StartupLimits = { bannerMs: 120_000, maxStartups: 100 };

/** The parts of ssh2's Server this relies on: its TCP server and its own connection cap. */
interface Ssh2ServerInternals {
  _srv: net.Server;
  _connections: number;
  maxConnections: number;
}

const key = (ip: string | undefined, port: number | undefined) => `${ip ?? ''}|${port ?? ''}`;

export class StartupGuard {
  private loggedIn = 0;
  private readonly waitingBanner = new Map<string, NodeJS.Timeout>();
  private refused = 0;
  private lastRefusalLog = 0;
  private readonly srv: Ssh2ServerInternals;

  constructor(
    server: ssh2.Server,
    private readonly limits: StartupLimits,
    private readonly log: Logger,
  ) {
    this.srv = server as ssh2.Server & Ssh2ServerInternals;
    this.srv.maxConnections = limits.maxStartups;
    // Ahead of ssh2's own handler, which refuses past maxConnections without a word.
    this.srv._srv.prependListener('connection', (socket: net.Socket) => this.accept(socket));
  }

  private accept(socket: net.Socket): void {
    if (this.srv._connections >= this.srv.maxConnections) {
      this.refused++;
      const now = Date.now();
      if (now - this.lastRefusalLog >= 1000) {
        this.lastRefusalLog = now;
        this.log.warn({ peer: socket.remoteAddress, refused: this.refused, unauthenticated: this.srv._connections - this.loggedIn, maxStartups: this.limits.maxStartups }, 'ssh connection refused: too many connections not logged in (MaxStartups)');
        this.refused = 0;
      }
      return;
    }
    const k = key(socket.remoteAddress, socket.remotePort);
    const timer = setTimeout(() => {
      this.waitingBanner.delete(k);
      this.log.info({ peer: socket.remoteAddress }, 'ssh client sent no banner in time; disconnecting');
      socket.destroy();
    }, this.limits.bannerMs);
    timer.unref();
    this.waitingBanner.set(k, timer);
    socket.once('close', () => {
      clearTimeout(timer);
      this.waitingBanner.delete(k);
    });
  }

  /** ssh2 reported the connection: its banner came (the login grace takes over). */
  bannerSeen(info: { ip: string; port: number }): void {
    const k = key(info.ip, info.port);
    clearTimeout(this.waitingBanner.get(k));
    this.waitingBanner.delete(k);
  }

  /** The connection logged in: it no longer counts against MaxStartups. Returns what to call when it closes. */
  authenticated(): () => void {
    this.loggedIn++;
    this.srv.maxConnections = this.loggedIn + this.limits.maxStartups;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.loggedIn--;
      this.srv.maxConnections = this.loggedIn + this.limits.maxStartups;
    };
  }

  close(): void {
    for (const t of this.waitingBanner.values()) clearTimeout(t);
    this.waitingBanner.clear();
  }
}
