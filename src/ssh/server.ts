/**
 * The device's SSH face, as an NMS reaches a Junos box on port 22 or 830: the `netconf`
 * subsystem (each channel gets a NETCONF server session of its own) and interactive logins
 * (a PTY running the emulated Junos CLI). Password, keyboard-interactive and public key
 * logins; the host key persists in the state directory.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import type { AuthContext, ClientInfo, Connection, ServerChannel, Session, SFTPWrapper } from 'ssh2';
import type { ByteSession } from '../session/byte-session.js';
import { signalNumber } from '../session/signals.js';
import { silentLogger, type Logger } from '../log.js';
import { loadOrCreateHostKey } from './host-key.js';
import { JUNOS_RETRY_DEFAULTS, LoginGuard, type LoginRetryOptions } from './login-guard.js';
import { loadAuthorizedKeys, UserDirectory, type SshUser } from './users.js';
import { DEFAULT_STARTUP_LIMITS, StartupGuard, type StartupLimits } from './startup-guard.js';

export { parseUserFlag } from './users.js';

export interface PtyRequest {
  cols: number;
  rows: number;
  term: string;
}

export interface SshFaceOptions {
  /** Address to listen on; default 127.0.0.1 (this machine only). */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  users: SshUser[];
  authorizedKeysFile?: string;
  /** Where the host key lives (made on first start). */
  hostKeyPath: string;
  /** Starts a NETCONF server session for a logged-in user; `client` is the peer address. */
  openNetconf: (user: string, client: string) => ByteSession;
  /** Starts an interactive login (the Junos CLI on a PTY). Without it, shells are refused. */
  openShell?: (user: string, pty: PtyRequest | null) => ByteSession | Promise<ByteSession>;
  /** Runs one command the way `ssh device "show version"` does. Without it, exec is refused. */
  openCommand?: (user: string, command: string) => ByteSession | Promise<ByteSession>;
  logger?: Logger;
  /** Serves the `sftp` subsystem for a logged-in user (./sftp.ts); without it, sftp is refused. */
  sftp?: (user: string, sftp: SFTPWrapper, peer: string) => void;
  /** Runs `scp -t|-f` on an exec channel (./scp.ts); false when the command is not one it serves. */
  scp?: (user: string, command: string, channel: ServerChannel, peer: string) => boolean;
  /** Failed-login backoff and limit; Junos's `retry-options` defaults when absent. */
  loginRetry?: Partial<LoginRetryOptions>;
  /** Banner timeout and MaxStartups (startup-guard.ts); sshd's defaults when absent. */
  startup?: Partial<StartupLimits>;
}

export interface SshFace {
  /** The address it listens on. */
  host: string;
  port: number;
  /** Fingerprint of the host key (`SHA256:...`), for pinning. */
  fingerprint: string;
  /** Sessions open now (NETCONF, cli logins, commands). */
  sessions(): number;
  close(): Promise<void>;
}

/** How long a client has to log in (Junos `retry-options maximum-time`, 120 s by default). */
const LOGIN_GRACE_MS = 120_000;
const DEFAULT_HOST = '127.0.0.1';

/** A session that resizes its terminal (a PTY shell does; NETCONF does not). */
interface Resizable {
  resize(cols: number, rows: number): void;
}

function canResize(s: ByteSession): s is ByteSession & Resizable {
  return 'resize' in s && typeof s.resize === 'function';
}

/**
 * `exec` commands that ask for NETCONF the pre-subsystem way (`ssh box xml-mode netconf
 * need-trailer`), which Junos still honours and some NMSs still send.
 */
const NETCONF_EXEC = /^\s*(xml-mode\s+netconf(\s+need-trailer)?|netconf|junoscript\s+netconf(\s+need-trailer)?)\s*$/;

/** How long a NETCONF session whose client sent EOF may go on writing replies before it ends. */
const EOF_QUIET_MS = 300;

/**
 * Carries bytes both ways between an SSH channel and a session until either side ends.
 * With `endOnEof` (NETCONF), the client's EOF ends the session once its replies stop, as
 * the netconf process of a device exits at end of input: `ssh -s host netconf < rpcs.xml`
 * gets its replies and returns.
 *
 * Flow control both ways: a client that does not read fills the channel (SSH window, then
 * the channel's write buffer), and the session is paused until the channel drains; a
 * session whose input is full stops the channel being read, so the client's window closes.
 */
function bridge(channel: ServerChannel, session: ByteSession, log: Logger, what: string, endOnEof: boolean): void {
  let closed = false;
  let eof = false;
  let outputHeld = false;
  let inputHeld = false;
  let quiet: NodeJS.Timeout | undefined;
  const endWhenQuiet = (): void => {
    clearTimeout(quiet);
    // Output held back by the client is not the session being done.
    if (outputHeld) return;
    quiet = setTimeout(() => {
      if (!session.ended) session.kill(15);
    }, EOF_QUIET_MS);
  };
  session.on('data', (chunk: Buffer) => {
    if (!closed && !channel.write(chunk) && !outputHeld && session.pause) {
      outputHeld = true;
      session.pause();
    }
    if (eof) endWhenQuiet();
  });
  channel.on('drain', () => {
    if (!outputHeld) return;
    outputHeld = false;
    if (!session.ended) session.resume?.();
    if (eof) endWhenQuiet();
  });
  session.on('drain', () => {
    if (!inputHeld) return;
    inputHeld = false;
    channel.resume();
  });
  session.once('end', (end: { exitCode: number | null; signal: string | null }) => {
    clearTimeout(quiet);
    if (closed) return;
    closed = true;
    try {
      if (end.signal && !eof) channel.exit(end.signal.replace(/^SIG/, ''), false, '');
      else channel.exit(end.exitCode ?? 0);
    } catch {
      /* the peer may already be gone */
    }
    channel.end();
    log.debug({ what, exitCode: end.exitCode, signal: end.signal }, 'ssh session ended');
  });
  channel.on('data', (chunk: Buffer) => {
    if (session.ended) return;
    if (session.write(chunk) === false && !inputHeld) {
      inputHeld = true;
      channel.pause();
    }
  });
  if (endOnEof) {
    channel.on('end', () => {
      eof = true;
      if (!session.ended) endWhenQuiet();
    });
  }
  channel.on('close', () => {
    clearTimeout(quiet);
    closed = true;
    if (!session.ended) session.kill(15);
  });
  channel.on('error', (err: Error) => log.debug({ what, reason: err.message }, 'ssh channel error'));
}

type Method = 'password' | 'keyboard-interactive' | 'publickey';

/** What every connection of one SSH face shares. */
interface Face {
  opts: SshFaceOptions;
  log: Logger;
  dir: UserDirectory;
  /** The login methods offered. */
  methods: Method[];
  guard: LoginGuard;
  connections: Set<Connection>;
  /** Refusals being held back, cleared when the face closes. */
  held: Set<NodeJS.Timeout>;
  /** Banner timeout and the cap on connections not logged in. */
  startup: StartupGuard;
  /** Session channels open now. */
  openSessions: number;
}

/** Checks one login attempt against the face's users and keys. */
function authenticate(face: Face, ctx: AuthContext): void {
  const { dir, methods } = face;
  const deny = (): void => ctx.reject(methods);
  switch (ctx.method) {
    case 'password':
      if (dir.checkPassword(ctx.username, ctx.password)) return ctx.accept();
      return deny();
    case 'keyboard-interactive':
      if (!dir.hasPasswords) return deny();
      ctx.prompt([{ prompt: 'Password:', echo: false }], (answers) => {
        if (answers.length === 1 && dir.checkPassword(ctx.username, answers[0] ?? '')) return ctx.accept();
        deny();
      });
      return;
    case 'publickey': {
      const key = dir.findKey(ctx.key.data);
      if (!key) return deny();
      // Without a signature the client only asks whether the key would do.
      if (!ctx.signature || !ctx.blob) return ctx.accept();
      if (key.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) return ctx.accept();
      return deny();
    }
    default:
      return deny();
  }
}

/** Who a session is for, and where its log lines go. */
interface Peer {
  user: string;
  peer: string;
  log: Logger;
}

/**
 * Starts a session on a channel: `open` may fail or resolve later; a client that left
 * meanwhile takes the session with it. `onRunning` learns the session once it runs.
 */
function startOnChannel(channel: ServerChannel, open: () => ByteSession | Promise<ByteSession>, what: string, who: Peer, onRunning: (s: ByteSession) => void): void {
  const { user, peer, log } = who;
  let gone = false;
  channel.once('close', () => (gone = true));
  const failed = (e: unknown) => {
    log.error({ user, peer, what, reason: (e as Error).message }, 'cannot start ssh session');
    if (gone) return;
    channel.stderr.write(`error: cannot start ${what}: ${(e as Error).message}\r\n`);
    channel.exit(1);
    channel.end();
  };
  const started = (s: ByteSession) => {
    // The client left while the session was being set up: it goes too.
    if (gone) return s.kill(15);
    onRunning(s);
    log.info({ user, peer, what }, 'ssh session started');
    bridge(channel, s, log, what, what === 'netconf');
  };
  let opened: ByteSession | Promise<ByteSession>;
  try {
    opened = open();
  } catch (e) {
    return failed(e);
  }
  if (opened instanceof Promise) opened.then(started, failed);
  else started(opened);
}

/** One SSH session channel of a logged-in user: its PTY, signals, and the netconf subsystem, shell or exec it asks for. */
function serveSession(opts: SshFaceOptions, session: Session, who: Peer): void {
  const { user, peer, log } = who;
  let pty: PtyRequest | null = null;
  let running: ByteSession | undefined;
  const start = (channel: ServerChannel, open: () => ByteSession | Promise<ByteSession>, what: string): void =>
    startOnChannel(channel, open, what, who, (s) => (running = s));
  session.on('pty', (accept, _reject, info) => {
    pty = { cols: info.cols || 80, rows: info.rows || 24, term: info.term || 'vt100' };
    accept?.();
  });
  session.on('window-change', (accept, _reject, info) => {
    if (pty) pty = { ...pty, cols: info.cols, rows: info.rows };
    if (running && canResize(running)) running.resize(info.cols, info.rows);
    accept?.();
  });
  session.on('env', (accept) => accept?.());
  session.on('signal', (accept, _reject, info) => {
    accept?.();
    try {
      if (running && !running.ended) running.kill(signalNumber(info.name));
    } catch {
      log.debug({ signal: info.name }, 'ssh client sent an unknown signal');
    }
  });
  session.on('subsystem', (accept, reject, info) => {
    if (info.name !== 'netconf') {
      log.info({ user, peer, subsystem: info.name }, 'ssh subsystem refused');
      return reject?.();
    }
    start(accept(), () => opts.openNetconf(user, peer), 'netconf');
  });
  session.on('sftp', (accept, reject) => {
    if (!opts.sftp) return reject?.();
    log.info({ user, peer, what: 'sftp' }, 'ssh session started');
    opts.sftp(user, accept(), peer);
  });
  session.on('shell', (accept, reject) => {
    if (!opts.openShell) {
      log.info({ user, peer }, 'ssh shell refused: no shell configured');
      return reject?.();
    }
    const shell = opts.openShell;
    start(accept(), () => shell(user, pty), 'shell');
  });
  session.on('exec', (accept, _reject, info) => {
    const channel = accept();
    if (NETCONF_EXEC.test(info.command)) return start(channel, () => opts.openNetconf(user, peer), 'netconf');
    if (opts.scp?.(user, info.command, channel, peer)) return;
    if (opts.openCommand) {
      const run = opts.openCommand;
      return start(channel, () => run(user, info.command), 'command');
    }
    log.info({ user, peer, command: info.command }, 'ssh exec refused');
    channel.stderr.write('error: this device runs no commands over ssh exec; use the netconf subsystem or an interactive login\r\n');
    channel.exit(1);
    channel.end();
  });
}

/**
 * As Junos `retry-options`: refusals past a threshold are held back longer and longer, and
 * too many end the connection. (A public key offered without a signature is a question, not
 * an attempt; nor is the `none` method.) Wraps ctx.reject accordingly.
 */
function holdRefusals(face: Face, conn: Connection, ctx: AuthContext, peer: string, state: { failures: number; gone: boolean }): void {
  const attempt = ctx.method === 'password' || ctx.method === 'keyboard-interactive' || (ctx.method === 'publickey' && ctx.signature !== undefined);
  const reject = ctx.reject.bind(ctx);
  ctx.reject = (...args: Parameters<typeof ctx.reject>) => {
    if (!attempt) return reject(...args);
    state.failures++;
    const delay = face.guard.failed(peer, ctx.username, ctx.method, state.failures);
    const answer = (): void => {
      if (state.gone) return;
      if (face.guard.exhausted(state.failures)) {
        face.log.info({ peer, failures: state.failures }, 'ssh client made too many failed login attempts; disconnecting');
        conn.end();
        return;
      }
      reject(...args);
    };
    if (delay === 0) return answer();
    const timer = setTimeout(() => {
      face.held.delete(timer);
      answer();
    }, delay);
    face.held.add(timer);
  };
}

/** One client connection: login (with the grace time and retry rules), then its sessions. */
function acceptConnection(face: Face, conn: Connection, info: ClientInfo): void {
  const { log } = face;
  const peer = info.ip;
  let user = '';
  const state = { failures: 0, gone: false };
  face.connections.add(conn);
  face.startup.bannerSeen(info);
  let loggedOut: (() => void) | undefined;
  // As sshd's LoginGraceTime: a client that does not log in soon is dropped.
  const grace = setTimeout(() => {
    log.info({ peer }, 'ssh client did not log in in time');
    conn.end();
  }, LOGIN_GRACE_MS);
  conn.on('close', () => {
    state.gone = true;
    loggedOut?.();
    clearTimeout(grace);
    face.connections.delete(conn);
  });
  conn.on('error', (err: Error) => log.debug({ peer, reason: err.message }, 'ssh connection error'));
  conn.on('authentication', (ctx) => {
    user = ctx.username;
    holdRefusals(face, conn, ctx, peer, state);
    authenticate(face, ctx);
  });
  conn.on('ready', () => {
    clearTimeout(grace);
    loggedOut = face.startup.authenticated();
    log.debug({ user, peer }, 'ssh login');
    conn.on('session', (accept) => {
      const session = accept();
      face.openSessions++;
      session.once('close', () => face.openSessions--);
      serveSession(face.opts, session, { user, peer, log });
    });
  });
}

/** Binds the server; resolves with the port it listens on. */
async function listenSsh(server: ssh2.Server, host: string, port: number, log: Logger): Promise<number> {
  // The listening server as a plain event emitter, for errors while binding.
  const emitter: EventEmitter = server;
  const bound = await new Promise<number>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(new Error(`cannot listen for ssh on ${host}:${port}: ${err.code ?? err.message}`));
    emitter.once('error', onError);
    server.listen(port, host, () => {
      emitter.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
  emitter.on('error', (err: Error) => log.error({ reason: err.message }, 'ssh server error'));
  return bound;
}

export async function startSshFace(opts: SshFaceOptions): Promise<SshFace> {
  const log = opts.logger ?? silentLogger;
  const hostKey = loadOrCreateHostKey(opts.hostKeyPath);
  if (hostKey.created) log.info({ file: opts.hostKeyPath, fingerprint: hostKey.fingerprint }, 'made a new ssh host key');
  const dir = new UserDirectory(opts.users, opts.authorizedKeysFile ? loadAuthorizedKeys(opts.authorizedKeysFile) : []);
  const methods: Method[] = [];
  if (dir.hasKeys) methods.push('publickey');
  if (dir.hasPasswords) methods.push('password', 'keyboard-interactive');
  if (methods.length === 0) throw new Error('the ssh face has nobody to let in: give --ssh-user NAME:PASSWORD or an authorized keys file');
  const guard = new LoginGuard({ ...JUNOS_RETRY_DEFAULTS, ...opts.loginRetry }, log, (name) => dir.knows(name));
  // The connection callback runs only once listening, after `face` is made below.
  const server = new ssh2.Server({ hostKeys: [hostKey.privateKey], ident: 'OpenSSH_8.6' }, (conn, info) => acceptConnection(face, conn, info));
  const startup = new StartupGuard(server, { ...DEFAULT_STARTUP_LIMITS, ...opts.startup }, log);
  const face: Face = { opts, log, dir, methods, guard, connections: new Set(), held: new Set(), startup, openSessions: 0 };
  const host = opts.host ?? DEFAULT_HOST;
  const port = await listenSsh(server, host, opts.port, log);
  // The device says it once, with its users (a fleet: once for all its faces).
  log.debug({ host, port, fingerprint: hostKey.fingerprint }, 'ssh face listening');
  return {
    host,
    port,
    fingerprint: hostKey.fingerprint,
    sessions: () => face.openSessions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of face.held) clearTimeout(t);
        face.held.clear();
        guard.close();
        face.startup.close();
        for (const c of face.connections) c.end();
        server.close(() => resolve());
      }),
  };
}
