/**
 * The csh backend of the agent: every csh session is a fresh PTY shell (see pty-session.ts)
 * run as the configured session user.
 */
import type { ByteSession, SessionBackend, SessionKind } from '../session/byte-session.js';
import { openPtyShell, type PtyShellOptions, type PtyShellSession } from '../shell/pty-session.js';

export class ShellBackend implements SessionBackend {
  constructor(private readonly defaults: PtyShellOptions = {}) {}

  get description(): string {
    const what = this.defaults.command ? this.defaults.command.join(' ') : 'shell';
    return `pty ${what} as ${this.defaults.user ?? 'nobody'}`;
  }

  async open(kind: SessionKind): Promise<ByteSession> {
    if (kind !== 'csh') throw new Error(`the shell backend serves csh sessions, not ${kind}`);
    return openPtyShell(this.defaults);
  }

  /** The same, synchronously, with the session's own type (for callers that resize it). */
  openSync(overrides: Partial<PtyShellOptions> = {}): PtyShellSession {
    return openPtyShell({ ...this.defaults, ...overrides });
  }
}
