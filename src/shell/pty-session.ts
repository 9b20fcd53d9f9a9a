/**
 * A shell session on a real pseudo-terminal, shaped like the csh session a Junos device
 * serves over outbound HTTPS: the output is what the device would send (command output
 * with stderr merged, lines ending in "\n"), with no echo of the input and no prompt.
 * Unlike a shell on pipes, commands have a terminal, so those that need one still work.
 *
 * How the quiet terminal is made: a tiny /bin/sh launcher turns echo and CR/LF output
 * translation off (`stty -echo -onlcr`), prints a private marker and execs the shell. Input
 * written before the marker arrives is held back (otherwise the terminal could echo it
 * before stty ran) and the marker is removed from the output, so the session's first byte
 * is the first byte a command writes. The shell is dash (or /bin/sh) in interactive mode
 * without job control and with empty prompts: interactive so that a typo does not end the
 * session (a device's csh survives it too), without job control so that it prints no job
 * notices. With `-onlcr` the terminal itself emits "\n", so no byte of the output is
 * rewritten by us.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { closeSync, constants as fsConstants, existsSync, openSync, readFileSync } from 'node:fs';
import { hostname, constants as osConstants } from 'node:os';
import pty, { type IPty, type IPtyForkOptions } from '@lydell/node-pty';
import type { ByteSession, SessionEnd } from '../session/byte-session.js';
import { HANGUP_AFTER_MS, KILL_AFTER_MS } from '../session/signals.js';
import { silentLogger, type Logger } from '../log.js';
import { cliBinDir } from './cli-bin.js';
import { SESSION_MARKER_VAR, isSessionLeader, sessionForegroundGroup, signalSession } from './process-tree.js';
import { loginEnv, resolveSessionUser, type SessionUser } from './user.js';

export interface PtyShellOptions {
  /** Program and arguments to run instead of the shell. */
  command?: string[];
  /** Account to run as when the emulator runs as root (default `nobody`). */
  user?: string;
  /** The account itself, resolved already (a device's own, see deviceAccount); wins over `user`. */
  account?: SessionUser;
  /** Allow sessions to run as root (only when `user` resolves to root). */
  allowRoot?: boolean;
  /** Extra environment; wins over the defaults. The emulator's own environment is not passed on. */
  env?: Record<string, string>;
  /** Working directory (default: the user's home). */
  cwd?: string;
  /** A human terminal: normal prompt, echo, CR/LF line ends. */
  interactive?: boolean;
  cols?: number;
  rows?: number;
  /** UNIX socket of the emulated device, for the `cli` command (env NCGD_DEVICE_SOCKET). */
  deviceSocket?: string;
  logger?: Logger;
}

/** A PTY shell as a ByteSession, plus its pid (the session leader) for inspection. */
export interface PtyShellSession extends ByteSession {
  readonly pid: number;
  /** Changes the terminal size (an SSH window-change). */
  resize(cols: number, rows: number): void;
}

const READY_MARK = '\x1b]ncgd-ready\x07';
const READY_MARK_PRINTF = '\\033]ncgd-ready\\007';

/** Rounds of SIGKILL at a session's end (a process forking meanwhile needs another round). */
const REAP_ROUNDS = 10;
/**
 * After the shell's exit, when the terminal's read side could not be held open (see
 * holdCloseUntilRead): the end waits for this long without output...
 */
const DRAIN_QUIET_MS = 30;
/** ...and at most this long. */
const DRAIN_MAX_MS = 300;
/** After the shell's exit, the terminal is closed once it has given no output for this long (not paused)... */
const LAST_OUTPUT_QUIET_MS = 30;
/** ...and, paused or not, this long after the exit at most. */
const LAST_OUTPUT_MAX_MS = 30_000;
/** Once closed, a terminal that does not end within this (a process outside the session holds it) is destroyed. */
const CLOSE_GRACE_MS = 2_000;

/** Live sessions of this process: ended (everything they started killed) when it exits. */
const live = new Set<PtySession>();
let exitHooked = false;

function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // Synchronous, so it also runs on process.exit(): nothing a session started outlives us.
  process.on('exit', () => {
    for (const s of live) s.killEverything();
  });
  // A child of this process ended: a session whose shell it was learns it now, not from
  // node-pty's exit (which waits for the terminal to end, held open by holdTerminal).
  process.on('SIGCHLD', () => {
    for (const s of live) s.checkChild();
  });
}

/** Whether process `pid` has exited (a zombie, or reaped): false when it runs, or /proc cannot tell. */
function hasExited(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' && existsSync('/proc/self/stat');
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function firstExisting(paths: string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

/** The non-interactive session's shell: dash when present (quietest), else /bin/sh. */
function quietShell(): string {
  return firstExisting(['/usr/bin/dash', '/bin/dash']) ?? '/bin/sh';
}

function humanShell(): string {
  return firstExisting(['/usr/bin/bash', '/bin/bash']) ?? '/bin/sh';
}

const setpriv = firstExisting(['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv', '/sbin/setpriv']);

function signalName(n: number): string {
  for (const [name, num] of Object.entries(osConstants.signals)) if (num === n) return name;
  return String(n);
}

interface Plan {
  file: string;
  args: string[];
  uid?: number;
  gid?: number;
  quiet: boolean;
}

/**
 * What to spawn. When switching users, setpriv does it (it also resets supplementary
 * groups, which node-pty's uid/gid options leave as root's); without setpriv node-pty's
 * uid/gid options do it.
 */
function plan(opts: PtyShellOptions, user: SessionUser, logger: Logger): Plan {
  let inner: string[];
  const quiet = !opts.interactive;
  if (quiet) {
    const target = opts.command ?? [quietShell(), '+m', '-i'];
    const launch = `stty -echo -onlcr 2>/dev/null; printf '${READY_MARK_PRINTF}'; exec "$@"`;
    inner = ['/bin/sh', '-c', launch, 'ncgd-shell', ...target];
  } else {
    inner = opts.command ?? (humanShell().endsWith('bash') ? [humanShell(), '--noprofile', '--norc', '-i'] : [humanShell(), '-i']);
  }
  if (!user.switchTo) return { file: inner[0], args: inner.slice(1), quiet };
  if (setpriv) {
    const ids = ['--reuid', String(user.switchTo.uid), '--regid', String(user.switchTo.gid), user.bare ? '--clear-groups' : '--init-groups'];
    return { file: setpriv, args: [...ids, '--', ...inner], quiet };
  }
  logger.warn({ user: user.name }, 'setpriv not found: session keeps the supplementary groups of root');
  return { file: inner[0], args: inner.slice(1), uid: user.switchTo.uid, gid: user.switchTo.gid, quiet };
}

function sessionEnv(opts: PtyShellOptions, user: SessionUser, shell: string, marker: string): Record<string, string> {
  const env: Record<string, string> = {
    ...loginEnv(user, shell),
    PATH: `${cliBinDir()}:${SYSTEM_PATH}`,
    TERM: 'xterm',
  };
  if (process.env.TZ) env.TZ = process.env.TZ;
  if (process.env.LANG) env.LANG = process.env.LANG;
  if (opts.interactive) {
    env.PS1 = humanShell().endsWith('bash') ? '\\u@\\h:\\w\\$ ' : `${user.name}@${hostname()}$ `;
  } else {
    env.PS1 = '';
    env.PS2 = '';
  }
  if (opts.deviceSocket) env.NCGD_DEVICE_SOCKET = opts.deviceSocket;
  // The marker comes last: nothing given in opts.env may take it away.
  return { ...env, ...opts.env, [SESSION_MARKER_VAR]: marker };
}

/**
 * A pty spawned with `encoding: null`, as node-pty really behaves then: it takes and hands
 * out bytes (its typings describe only the string mode).
 */
interface BytePty extends Omit<IPty, 'write' | 'onData'> {
  write(data: Buffer): void;
  onData(listener: (chunk: Buffer) => void): { dispose(): void };
}

function spawnBytes(file: string, args: string[], options: Omit<IPtyForkOptions, 'encoding'>): BytePty {
  const term = pty.spawn(file, args, { ...options, encoding: null });
  return term as Omit<IPty, 'write' | 'onData'> as BytePty;
}

class PtySession extends EventEmitter implements PtyShellSession {
  ended = false;
  readonly pid: number;
  private readonly term: BytePty;
  private ready: boolean;
  private pending: Buffer[] = [];
  private head = Buffer.alloc(0);
  private hangupTimer?: NodeJS.Timeout;
  private killTimer?: NodeJS.Timeout;
  private exitSeen = false;
  /** Set between the exit and the end: output that still arrives re-arms the wait. */
  private drain: (() => void) | undefined;
  /** "NCGD_SESSION=<token>", in the environment of every process this session starts. */
  private readonly marker: string;
  /** Whether the terminal is held open until its output is read (holdTerminal). */
  private readonly held: boolean;
  /** Our own descriptor of the terminal's slave side, while held. */
  private slaveFd: number | undefined;
  /** The shell has exited (node-pty is closing the terminal; its 'exit' comes after). */
  private childGone = false;
  /** Our slave descriptor is closed: the terminal may end. */
  private released = false;
  /** Released this long ago and not ended: node-pty's destroy runs at once. */
  private graceOver = false;
  /** node-pty's destroy of the terminal's read side, held back until the output is read. */
  private closeHeld: (() => void) | undefined;
  private goneAt = 0;
  private closeTimer?: NodeJS.Timeout;
  /** Output chunks seen since the shell's exit (the quiet check compares them). */
  private outputs = 0;
  private paused = false;

  constructor(opts: PtyShellOptions, private readonly logger: Logger) {
    super();
    const user = opts.account ?? resolveSessionUser(opts.user ?? 'nobody', opts.allowRoot ?? false, logger);
    const p = plan(opts, user, logger);
    const shell = opts.command?.[0] ?? (opts.interactive ? humanShell() : quietShell());
    this.ready = !p.quiet;
    const token = `${process.pid}-${randomBytes(12).toString('hex')}`;
    this.marker = `${SESSION_MARKER_VAR}=${token}`;
    hookExit();
    this.term = spawnBytes(p.file, p.args, {
      name: 'xterm',
      cols: opts.cols ?? 80,
      rows: opts.rows ?? 24,
      cwd: opts.cwd ?? user.home,
      env: sessionEnv(opts, user, shell, token),
      uid: p.uid,
      gid: p.gid,
    });
    this.pid = this.term.pid;
    live.add(this);
    logger.debug({ pid: this.pid, user: user.name, file: p.file }, 'pty session started');
    this.term.onData((chunk) => this.onOutput(chunk));
    this.term.onExit(({ exitCode, signal }) => this.onExit(exitCode, signal));
    this.held = this.holdTerminal();
  }

  /**
   * Keeps the terminal open until every byte the session wrote has been read. Two things lost
   * the tail of the output (the last command's before `exit`) on a busy machine: libuv, when a
   * read is short and the terminal has hung up (every slave descriptor closed), takes that for
   * the end although the kernel still has output (a PTY hands over at most 4 KiB per read);
   * and node-pty, told that the shell exited, gives the terminal 200 ms to end and then
   * destroys its read side, read or not. So this process keeps a descriptor of the slave
   * side (no hang-up while it is open) and holds node-pty's destroy back: once the shell has
   * exited, every other process of the session is killed, and when the terminal has been
   * quiet for LAST_OUTPUT_QUIET_MS (not paused) our descriptor is closed; the terminal then
   * ends by itself, with nothing left unread. Node-pty's destroy, held, runs only if it does
   * not (CLOSE_GRACE_MS). The hold takes a destroy without an error while the read side has
   * not ended, which only node-pty's exit timer does (the stream's own destroys carry an
   * error or come after its end). False (and no hold) when node-pty's read side or the slave
   * device is not where this expects them.
   */
  private holdTerminal(): boolean {
    const term = this.term as unknown as { _socket?: { destroy?: unknown; readableEnded?: boolean; destroyed?: boolean }; ptsName?: string };
    const sock = term._socket;
    if (!sock || typeof sock.destroy !== 'function' || !term.ptsName) return false;
    try {
      this.slaveFd = openSync(term.ptsName, fsConstants.O_RDWR | fsConstants.O_NOCTTY);
    } catch {
      return false;
    }
    const destroy = (sock.destroy as (...args: unknown[]) => unknown).bind(sock);
    sock.destroy = (...args: unknown[]): unknown => {
      if (args.length > 0 || this.closeHeld || this.graceOver || this.exitSeen || sock.readableEnded || sock.destroyed) return destroy(...args);
      this.closeHeld = () => destroy();
      this.shellExited();
      return sock;
    };
    return true;
  }

  /** Called on SIGCHLD: whether this session's shell has exited. */
  checkChild(): void {
    if (this.held && !this.childGone && !this.exitSeen && hasExited(this.pid)) this.shellExited();
  }

  /** The shell has exited: what else the session started is killed, and the terminal let end once read. */
  private shellExited(): void {
    if (this.childGone || this.exitSeen) return;
    this.childGone = true;
    this.goneAt = Date.now();
    this.killEverything();
    this.armQuietCheck();
  }

  /**
   * After the shell's exit: closes our slave descriptor once no output came for
   * LAST_OUTPUT_QUIET_MS. The check runs after a turn's I/O (setImmediate), so output ready
   * while the event loop was busy is read first.
   */
  private armQuietCheck(): void {
    if (this.released || this.exitSeen) return;
    clearTimeout(this.closeTimer);
    const seen = this.outputs;
    this.closeTimer = setTimeout(() => {
      setImmediate(() => {
        if (this.released || this.exitSeen) return;
        const waited = Date.now() - this.goneAt;
        if (waited < LAST_OUTPUT_MAX_MS && (this.paused || this.outputs !== seen)) return this.armQuietCheck();
        this.releaseTerminal();
      });
    }, LAST_OUTPUT_QUIET_MS);
  }

  /** Lets the terminal end: our slave descriptor closed; node-pty's destroy if it does not end soon. */
  private releaseTerminal(): void {
    this.released = true;
    this.closeSlave();
    clearTimeout(this.closeTimer);
    this.closeTimer = setTimeout(() => {
      this.graceOver = true;
      this.destroyHeld();
    }, CLOSE_GRACE_MS);
  }

  private destroyHeld(): void {
    const close = this.closeHeld;
    this.closeHeld = undefined;
    close?.();
  }

  private closeSlave(): void {
    if (this.slaveFd === undefined) return;
    try {
      closeSync(this.slaveFd);
    } catch {
      /* closed already */
    }
    this.slaveFd = undefined;
  }

  private onOutput(chunk: Buffer): void {
    if (this.ended) return;
    // After the exit: the last output is still being read; the end waits for a quiet moment.
    if (this.exitSeen) this.drain?.();
    else if (this.childGone) this.outputs++;
    if (!this.ready) {
      this.head = Buffer.concat([this.head, chunk]);
      const at = this.head.indexOf(READY_MARK);
      if (at < 0) return;
      // Anything before the marker would be the launcher's own complaint; keep it visible.
      const before = this.head.subarray(0, at);
      const after = this.head.subarray(at + READY_MARK.length);
      this.head = Buffer.alloc(0);
      this.ready = true;
      for (const b of this.pending) this.term.write(b);
      this.pending = [];
      if (before.length) this.emit('data', before);
      if (after.length) this.emit('data', after);
      return;
    }
    this.emit('data', chunk);
  }

  write(data: Buffer | string): void {
    if (this.ended || this.exitSeen) return;
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (!this.ready) this.pending.push(buf);
    else this.term.write(buf);
  }

  pause(): void {
    if (this.ended) return;
    this.paused = true;
    this.term.pause();
  }

  resume(): void {
    if (this.ended) return;
    this.paused = false;
    this.term.resume();
  }

  resize(cols: number, rows: number): void {
    if (this.ended || this.exitSeen || !(cols > 0) || !(rows > 0)) return;
    try {
      this.term.resize(cols, rows);
    } catch {
      /* the terminal closed meanwhile */
    }
  }

  /**
   * Sends `signal` to the terminal's foreground job, as a ^C would, then ends the session.
   * The job is signalled only when it is provably this session's (see
   * sessionForegroundGroup); right after the fork, before the child has made its own
   * session, its terminal is still ours, so then only the child itself is signalled.
   */
  kill(signal: number): void {
    if (this.ended || this.hangupTimer) return;
    // The shell has exited already, its terminal's last output is being read: end it now.
    if (this.childGone) {
      this.released = true;
      this.graceOver = true;
      clearTimeout(this.closeTimer);
      this.closeSlave();
      this.destroyHeld();
      return;
    }
    const group = sessionForegroundGroup(this.pid);
    try {
      if (group !== undefined) process.kill(-group, signal);
      else if (!this.exitSeen && !this.childGone) process.kill(this.pid, signal);
    } catch {
      /* gone, or not a valid signal: the hang-up below still ends the session */
    }
    // The session ends whatever the signal did: give it a moment, then hang up, then kill.
    this.hangupTimer = setTimeout(() => {
      this.signalAll('SIGHUP');
      this.killTimer = setTimeout(() => this.signalAll('SIGKILL'), KILL_AFTER_MS);
    }, HANGUP_AFTER_MS);
  }

  /** Signals every process of the session: its members, and whatever carries its marker. */
  private signalAll(signal: NodeJS.Signals): number[] {
    // Before the child has called setsid its pid names no session: signal it alone.
    if (!this.exitSeen && !this.childGone && !isSessionLeader(this.pid)) {
      try {
        process.kill(this.pid, signal);
      } catch {
        /* gone */
      }
    }
    return signalSession(this.pid, signal, this.marker);
  }

  /**
   * Kills every process the session started, in bounded rounds (synchronous, so it can run
   * from an 'exit' handler). A process with SIGKILL pending cannot fork, so a round finds
   * only what was forked during the one before.
   */
  killEverything(): void {
    for (let round = 0; round < REAP_ROUNDS; round++) {
      const killed = this.signalAll('SIGKILL');
      if (killed.length === 0) break;
      if (round === 0) this.logger.debug({ pid: this.pid, killed }, 'killed what was left of the pty session');
    }
  }

  private onExit(exitCode: number, signal: number | undefined): void {
    if (this.exitSeen) return;
    this.exitSeen = true;
    clearTimeout(this.hangupTimer);
    clearTimeout(this.killTimer);
    clearTimeout(this.closeTimer);
    this.closeHeld = undefined;
    this.closeSlave();
    // Nothing may outlive the session: background jobs, setsid children and daemons included.
    this.killEverything();
    live.delete(this);
    // The terminal was held open until its output was read (holdTerminal): all is read.
    if (this.held) {
      this.finish(exitCode, signal);
      return;
    }
    // Without the hold, node-pty can report the exit before the terminal's last output has
    // been read. The end waits until no output came for DRAIN_QUIET_MS, DRAIN_MAX_MS at most.
    const began = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      this.drain = undefined;
      this.finish(exitCode, signal);
    };
    this.drain = () => {
      clearTimeout(timer);
      timer = setTimeout(finish, Math.max(0, Math.min(DRAIN_QUIET_MS, DRAIN_MAX_MS - (Date.now() - began))));
    };
    this.drain();
  }

  private finish(exitCode: number, signal: number | undefined): void {
    if (this.ended) return;
    if (!this.ready && this.head.length) this.emit('data', this.head);
    this.ended = true;
    const end: SessionEnd = signal ? { exitCode: null, signal: signalName(signal) } : { exitCode, signal: null };
    this.logger.debug({ pid: this.pid, ...end }, 'pty session ended');
    this.emit('end', end);
  }
}

/** Starts a shell session on a new PTY. Throws when the session user cannot be used. */
export function openPtyShell(opts: PtyShellOptions = {}): PtyShellSession {
  return new PtySession(opts, opts.logger ?? silentLogger);
}

