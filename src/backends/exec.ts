/**
 * A backend that spawns a configured command as the NETCONF server of each session, as a
 * real device spawns `netconf interactive`: stdin and stdout are the session's bytes, the
 * command runs in a process group of its own (the kill switch signals the whole group),
 * and stderr goes to the log, not into the NETCONF stream.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Logger } from '../log.js';
import type { ByteSession, SessionBackend, SessionEnd, SessionKind } from '../session/byte-session.js';
import { HANGUP_AFTER_MS, KILL_AFTER_MS } from '../session/signals.js';

// kill() ends the session whatever the signal did (the kill rule of session/signals.ts, as a
// PTY session keeps it). Needed because a signal can be lost: /bin/sh (dash) catches SIGINT
// while it starts, and one that arrives before it execs the command is swallowed, leaving
// e.g. `cat` running forever.

export interface ExecBackendOptions {
  /** Shell command line, run with /bin/sh -c. */
  command: string;
  /** Drop to this uid/gid when set (the emulator runs as root). */
  uid?: number;
  gid?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logger: Logger;
}

class ProcessSession extends EventEmitter implements ByteSession {
  ended = false;
  private readonly child;
  private hangupTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(opts: ExecBackendOptions) {
    super();
    this.child = spawn('/bin/sh', ['-c', opts.command], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      uid: opts.uid,
      gid: opts.gid,
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    const child = this.child;
    child.stdout.on('data', (b: Buffer) => this.emit('data', b));
    child.stderr.on('data', (b: Buffer) => opts.logger.warn({ pid: child.pid, stderr: b.toString().trimEnd() }, 'netconf command wrote to stderr'));
    child.stdin.on('error', () => {});
    child.on('error', (err) => {
      opts.logger.error({ command: opts.command, reason: err.message }, 'netconf command could not run');
      this.finish({ exitCode: null, signal: null });
    });
    // 'close' comes after stdout has been drained, so no output is lost.
    child.on('close', (code, signal) => this.finish({ exitCode: code, signal }));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  write(data: Buffer | string): void {
    if (!this.ended && this.child.stdin.writable) this.child.stdin.write(data);
  }

  pause(): void {
    this.child.stdout.pause();
  }

  resume(): void {
    this.child.stdout.resume();
  }

  /** Delivers `signal` to the process group, then makes sure the session ends (see HANGUP_AFTER_MS). */
  kill(signal: number): void {
    if (this.child.pid === undefined || this.ended) return;
    this.signalGroup(signal);
    if (this.hangupTimer) return;
    this.hangupTimer = setTimeout(() => {
      this.signalGroup(1);
      this.killTimer = setTimeout(() => this.signalGroup(9), KILL_AFTER_MS);
    }, HANGUP_AFTER_MS);
  }

  private signalGroup(signal: number): void {
    const pid = this.child.pid;
    if (pid === undefined || this.ended) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        this.child.kill(signal);
      } catch {
        /* already gone */
      }
    }
  }

  private finish(end: SessionEnd): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.hangupTimer);
    clearTimeout(this.killTimer);
    this.emit('end', end);
  }
}

export class ExecBackend implements SessionBackend {
  constructor(private readonly opts: ExecBackendOptions) {}

  get description(): string {
    return `exec: ${this.opts.command}`;
  }

  async open(_kind: SessionKind): Promise<ByteSession> {
    const session = new ProcessSession(this.opts);
    if (session.pid === undefined) {
      await new Promise((r) => setImmediate(r));
      throw new Error(`cannot run ${this.opts.command}`);
    }
    return session;
  }
}
