/**
 * Session backends that hand each session to a real target over SSH: NETCONF sessions to
 * the target's `netconf` subsystem (a real Junos, vJunos, netopeer2, or another emulator),
 * shell sessions to a PTY login there. Each session gets an SSH connection of its own, so
 * one stuck session cannot hold up another.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { appendOwnFileSync, readOwnFileSync, refuseSymlinkSync } from '../own-files.js';
import { EventEmitter } from 'node:events';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';
import type { ByteSession, SessionBackend, SessionEnd, SessionKind } from '../session/byte-session.js';
import { UsageError } from '../errors.js';
import { silentLogger, type Logger } from '../log.js';
import { fingerprintOf } from '../ssh/users.js';

export interface SshTarget {
  user: string;
  password?: string;
  host: string;
  port: number;
}

/** Parses `ssh://user[:password]@host[:port]` (port defaults to 22; IPv6 hosts in brackets). */
export function parseSshTarget(url: string): SshTarget {
  const bad = (why: string): never => {
    throw new UsageError(`bad ssh target "${url.replace(/:[^:@/]*@/, ':…@')}": ${why} (want ssh://user[:password]@host[:port])`);
  };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return bad('not a URL');
  }
  if (u.protocol !== 'ssh:') bad(`scheme must be ssh://, not ${u.protocol}//`);
  if (!u.username) bad('no user name');
  if (!u.hostname) bad('no host');
  if (u.pathname && u.pathname !== '/') bad('no path allowed');
  if (u.search || u.hash) bad('no query or fragment allowed');
  const port = u.port ? Number(u.port) : 22;
  const target: SshTarget = { user: decodeURIComponent(u.username), host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port };
  if (u.password) target.password = decodeURIComponent(u.password);
  return target;
}

export interface SshBridgeOptions {
  target: SshTarget;
  /** Password; overrides one given in the URL. */
  password?: string;
  /** OpenSSH/PEM private key file, and its passphrase when encrypted. */
  privateKeyFile?: string;
  passphrase?: string;
  /** ssh-agent socket; defaults to SSH_AUTH_SOCK when set. Pass '' to not use an agent. */
  agentSocket?: string;
  /** Pinned host key fingerprint, `SHA256:...` (as `ssh-keygen -lf` prints). */
  hostKeySha256?: string;
  /** Known-hosts file (OpenSSH format) for trust on first use when nothing is pinned. */
  knownHostsFile?: string;
  /** Terminal for shell sessions. */
  pty?: { cols: number; rows: number; term: string };
  /** How long to wait for the connection and login; default 15 s. */
  connectTimeoutMs?: number;
  logger?: Logger;
}

/** The key type named inside a public key blob (its first SSH string). */
function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

function hostPattern(t: SshTarget): string {
  return t.port === 22 ? t.host : `[${t.host}]:${t.port}`;
}

function normaliseFingerprint(fp: string): string {
  const body = fp.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');
  return `SHA256:${body}`;
}

/** What the host key check decided, kept so a refusal can say why. */
interface HostCheck {
  verify(key: Buffer): boolean;
  failure?: string;
}

function hostKeyCheck(opts: SshBridgeOptions, log: Logger): HostCheck {
  const t = opts.target;
  const check: HostCheck = {
    verify(key: Buffer): boolean {
      const fp = fingerprintOf(key);
      if (opts.hostKeySha256) {
        if (fp === normaliseFingerprint(opts.hostKeySha256)) return true;
        check.failure = `host key of ${t.host}:${t.port} is ${fp}, not the pinned ${normaliseFingerprint(opts.hostKeySha256)}`;
        return false;
      }
      if (!opts.knownHostsFile) {
        log.warn({ target: `${t.host}:${t.port}`, fingerprint: fp }, 'ssh bridge: accepting the host key unchecked (no pinned fingerprint, no known-hosts file)');
        return true;
      }
      const file = opts.knownHostsFile;
      const pattern = hostPattern(t);
      const type = keyTypeOf(key);
      let text = '';
      try {
        text = readOwnFileSync(file);
      } catch (e) {
        // first use (no file); a link where the file should be is refused below, when written
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ELOOP') throw e;
      }
      const known = text
        .split(/\r?\n/)
        .map((l) => l.trim().split(/\s+/))
        .filter((f) => f.length >= 3 && f[0]!.split(',').includes(pattern));
      if (known.some((f) => f[1] === type && f[2] === key.toString('base64'))) return true;
      const sameType = known.find((f) => f[1] === type);
      if (sameType) {
        check.failure = `host key of ${t.host}:${t.port} changed: now ${fp}, ${file} holds ${fingerprintOf(Buffer.from(sameType[2]!, 'base64'))}; if the target was rebuilt, delete its line from ${file}`;
        return false;
      }
      refuseSymlinkSync(path.dirname(file));
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      appendOwnFileSync(file, `${pattern} ${type} ${key.toString('base64')}\n`);
      log.warn({ target: `${t.host}:${t.port}`, fingerprint: fp, file }, 'ssh bridge: trusting this host key on first use and remembering it; pin it with the fingerprint to be sure');
      return true;
    },
  };
  return check;
}

function signalName(sig: number): string {
  for (const [name, n] of Object.entries(osConstants.signals)) if (n === sig) return name.replace(/^SIG/, '');
  return 'TERM';
}

/** One bridged session: an SSH channel seen as a ByteSession. */
class SshChannelSession extends EventEmitter implements ByteSession {
  ended = false;
  private exit: SessionEnd = { exitCode: null, signal: null };

  constructor(
    private readonly conn: Client,
    private readonly channel: ClientChannel,
    kind: SessionKind,
    log: Logger,
  ) {
    super();
    channel.on('data', (b: Buffer) => this.emit('data', b));
    // A shell's stderr belongs on the terminal; a NETCONF server's stderr is not protocol.
    channel.stderr.on('data', (b: Buffer) => {
      if (kind === 'csh') this.emit('data', b);
      else log.warn({ stderr: b.toString().trimEnd() }, 'ssh bridge: netconf target wrote to stderr');
    });
    channel.on('exit', (code: number | null, signal?: string) => {
      this.exit = { exitCode: typeof code === 'number' ? code : null, signal: signal ? (signal.startsWith('SIG') ? signal : `SIG${signal}`) : null };
    });
    channel.on('close', () => this.finish());
    conn.on('close', () => this.finish());
    conn.on('error', (err: Error) => log.debug({ reason: err.message }, 'ssh bridge connection error'));
  }

  /** Holding the channel's output back lets SSH flow control slow the target down. */
  pause(): void {
    if (!this.ended) this.channel.pause();
  }

  resume(): void {
    if (!this.ended) this.channel.resume();
  }

  write(data: Buffer | string): void {
    if (!this.ended) this.channel.write(data);
  }

  kill(signal: number): void {
    if (this.ended) return;
    try {
      this.channel.signal(signalName(signal));
    } catch {
      /* not every server takes signals */
    }
    if (this.exit.signal === null && this.exit.exitCode === null) this.exit = { exitCode: null, signal: `SIG${signalName(signal)}` };
    this.channel.close();
    this.conn.end();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.conn.end();
    this.emit('end', this.exit);
  }
}

export class SshBridgeBackend implements SessionBackend {
  private readonly log: Logger;

  constructor(private readonly opts: SshBridgeOptions) {
    this.log = opts.logger ?? silentLogger;
  }

  get description(): string {
    const t = this.opts.target;
    return `ssh://${t.user}@${t.host}:${t.port}`;
  }

  private connectConfig(check: HostCheck): ConnectConfig {
    const t = this.opts.target;
    const cfg: ConnectConfig = {
      host: t.host,
      port: t.port,
      username: t.user,
      readyTimeout: this.opts.connectTimeoutMs ?? 15000,
      keepaliveInterval: 30000,
      hostVerifier: (key: Buffer) => check.verify(key),
      tryKeyboard: true,
    };
    const password = this.opts.password ?? t.password;
    if (password !== undefined) cfg.password = password;
    if (this.opts.privateKeyFile) {
      try {
        cfg.privateKey = readFileSync(this.opts.privateKeyFile);
      } catch (e) {
        throw new Error(`cannot read private key file ${this.opts.privateKeyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (this.opts.passphrase !== undefined) cfg.passphrase = this.opts.passphrase;
    }
    const agent = this.opts.agentSocket ?? process.env.SSH_AUTH_SOCK;
    if (agent) cfg.agent = agent;
    return cfg;
  }

  async open(kind: SessionKind): Promise<ByteSession> {
    const check = hostKeyCheck(this.opts, this.log);
    const cfg = this.connectConfig(check);
    const conn = new ssh2.Client();
    const what = `${kind === 'netconf' ? 'netconf' : 'shell'} session on ${this.description}`;
    const password = cfg.password;
    conn.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
      finish(prompts.map(() => password ?? ''));
    });
    // Errors after the first (a late "connection lost") must not go unheard.
    conn.on('error', (err: Error) => this.log.debug({ target: this.description, reason: err.message }, 'ssh bridge connection error'));
    const ready = new Promise<void>((resolve, reject) => {
      conn.once('ready', () => resolve());
      conn.once('error', (err: Error & { level?: string; code?: string }) => reject(new Error(`cannot open ${what}: ${this.explain(err, check)}`)));
      conn.once('close', () => reject(new Error(`cannot open ${what}: the target closed the connection`)));
    });
    try {
      conn.connect(cfg);
    } catch (e) {
      throw new Error(`cannot open ${what}: ${(e as Error).message}`);
    }
    try {
      await ready;
    } catch (e) {
      conn.end();
      throw e;
    }
    try {
      const channel = await new Promise<ClientChannel>((resolve, reject) => {
        const done = (err: Error | undefined, ch: ClientChannel): void => (err ? reject(err) : resolve(ch));
        if (kind === 'netconf') conn.subsys('netconf', done);
        else conn.shell(this.opts.pty ?? { cols: 80, rows: 24, term: 'vt100' }, done);
      });
      this.log.info({ target: this.description, kind }, 'ssh bridge session opened');
      return new SshChannelSession(conn, channel, kind, this.log);
    } catch (e) {
      conn.end();
      throw new Error(`cannot open ${what}: the target refused the ${kind === 'netconf' ? 'netconf subsystem' : 'shell'} (${(e as Error).message})`);
    }
  }

  private explain(err: Error & { level?: string; code?: string }, check: HostCheck): string {
    if (check.failure) return check.failure;
    if (err.level === 'client-authentication') return `login as ${this.opts.target.user} refused (wrong password or key?)`;
    if (err.level === 'client-timeout') return `no ssh answer within ${(this.opts.connectTimeoutMs ?? 15000) / 1000} s`;
    if (err.code === 'ECONNREFUSED') return 'connection refused';
    if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `unknown host ${this.opts.target.host}`;
    if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') return 'host unreachable';
    return err.message;
  }
}
