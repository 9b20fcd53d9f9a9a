/**
 * Test support for the SSH face and bridges: a stand-in session (echo with a greeting), an
 * ssh2 client that opens one channel and collects its output, waiting helpers, and a lab of
 * an emulated device whose SSH face logs in to the emulated Junos cli on a PTY.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';
import type { ByteSession, SessionEnd } from '../../src/session/byte-session.js';
import { EmulatedDevice } from '../../src/junos/device.js';
import { cliBinDir } from '../../src/shell/cli-bin.js';
import { serveDeviceSocket, type DeviceSocket } from '../../src/shell/device-socket.js';
import { resolveSessionUser } from '../../src/shell/user.js';
import { openPtyShell } from '../../src/shell/pty-session.js';
import { startSshFace, type SshFace } from '../../src/ssh/server.js';
import { MAIN_JS, testLogger, type Harness } from './agent-harness.js';

/** Echoes what it is sent after a greeting line; records kills. Stands in for a real session. */
export class EchoSession extends EventEmitter implements ByteSession {
  ended = false;
  kills: number[] = [];
  received = '';

  constructor(greeting: string) {
    super();
    setImmediate(() => this.emit('data', Buffer.from(greeting)));
  }

  write(data: Buffer | string): void {
    const s = data.toString();
    this.received += s;
    if (s.includes('bye')) {
      this.emit('data', Buffer.from('goodbye\n'));
      this.finish({ exitCode: 3, signal: null });
      return;
    }
    this.emit('data', Buffer.from(`echo:${s}`));
  }

  kill(signal: number): void {
    this.kills.push(signal);
    this.finish({ exitCode: null, signal: signal === 2 ? 'SIGINT' : 'SIGTERM' });
  }

  finish(end: SessionEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('end', end);
  }
}

export interface OpenedChannel {
  conn: Client;
  channel: ClientChannel;
  output(): string;
  stderr(): string;
  waitFor(pred: (out: string) => boolean, ms?: number): Promise<string>;
  /** Resolves with (code, signal) when the server reports the exit, or nulls at close. */
  closed: Promise<{ code: number | null; signal: string | null }>;
}

export function connect(cfg: ConnectConfig): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    c.once('ready', () => resolve(c));
    c.once('error', reject);
    c.connect({ readyTimeout: 10000, ...cfg });
  });
}

export async function openChannel(cfg: ConnectConfig, how: { subsystem?: string; exec?: string; shell?: boolean }): Promise<OpenedChannel> {
  const conn = await connect(cfg);
  const channel = await new Promise<ClientChannel>((resolve, reject) => {
    const cb = (err: Error | undefined, ch: ClientChannel): void => (err ? reject(err) : resolve(ch));
    if (how.subsystem) conn.subsys(how.subsystem, cb);
    else if (how.exec) conn.exec(how.exec, cb);
    else conn.shell({ cols: 100, rows: 30, term: 'xterm' }, cb);
  }).catch((e) => {
    conn.end();
    throw e;
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  channel.on('data', (b: Buffer) => {
    out += b.toString();
    for (const w of waiters) w();
  });
  channel.stderr.on('data', (b: Buffer) => (err += b.toString()));
  let exit: { code: number | null; signal: string | null } = { code: null, signal: null };
  channel.on('exit', (code: number | null, signal?: string) => (exit = { code: typeof code === 'number' ? code : null, signal: signal ?? null }));
  const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) => channel.on('close', () => resolve(exit)));
  return {
    conn,
    channel,
    output: () => out,
    stderr: () => err,
    closed,
    waitFor(pred, ms = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (pred(out)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(out);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting; output so far: ${JSON.stringify(out.slice(-500))}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
  };
}

/** Polls until pred() holds, up to ms. */
export async function until(pred: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A started {@link cliSshLab}: the device, its device socket, and the SSH face on 127.0.0.1. */
export interface CliSshLab {
  dir: string;
  device: EmulatedDevice;
  socketPath: string;
  face: SshFace;
  /** Opens one channel on the face as netops/pw (a shell with a pty unless told otherwise). */
  open(how?: { exec?: string; shell?: boolean }): Promise<OpenedChannel>;
}

/**
 * An emulated MX behind a device socket, and an SSH face (user netops, password pw) whose
 * shell is the emulated Junos `cli` on a real PTY; with `command`, `ssh router "cmd"` runs
 * `cli -c cmd`. Started on the first start() (so skipped tests start nothing); close() stops
 * what was started and removes the folder.
 */
export function cliSshLab(opts: { prefix: string; hostname?: string; command?: boolean }): { start(): Promise<CliSshLab>; close(): Promise<void> } {
  let started: Promise<CliSshLab> | undefined;
  let dir: string | undefined;
  let device: EmulatedDevice | undefined;
  let socket: DeviceSocket | undefined;
  let face: SshFace | undefined;
  async function start(): Promise<CliSshLab> {
    dir = mkdtempSync(path.join(tmpdir(), opts.prefix));
    // The shell runs as an unprivileged account, which must reach the device socket.
    chmodSync(dir, 0o755);
    const dev = (device = await EmulatedDevice.create({ profile: 'mx', hostname: opts.hostname ?? 'lab-mx', logger: testLogger }));
    const socketPath = path.join(dir, 'cli', 'device.sock');
    socket = await serveDeviceSocket(() => dev.openNetconf({ user: 'netops', client: 'cli' }), socketPath, { owner: resolveSessionUser('nobody', false), logger: testLogger });
    const cli = path.join(cliBinDir(), 'cli');
    const f = (face = await startSshFace({
      host: '127.0.0.1',
      port: 0,
      users: [{ name: 'netops', password: 'pw' }],
      hostKeyPath: path.join(dir, 'host_key'),
      openNetconf: (user, client) => dev.openNetconf({ user, client }),
      openShell: (user, pty) =>
        openPtyShell({ command: [cli], interactive: true, deviceSocket: socketPath, cols: pty?.cols, rows: pty?.rows, env: { USER: user }, logger: testLogger }),
      openCommand: opts.command
        ? (user, command) => openPtyShell({ command: [cli, '-c', command], deviceSocket: socketPath, env: { USER: user }, logger: testLogger })
        : undefined,
      logger: testLogger,
    }));
    return {
      dir,
      device: dev,
      socketPath,
      face: f,
      open: (how = { shell: true }) => openChannel({ host: '127.0.0.1', port: f.port, username: 'netops', password: 'pw' }, how),
    };
  }
  return {
    start: () => (started ??= start()),
    async close() {
      await face?.close();
      await socket?.close();
      await device?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A device process with its SSH face on 127.0.0.1 (port chosen by the system, JSON logs),
 * with more arguments (users, profile, state directory); resolves once the face listens,
 * with its port and host-key fingerprint. The Harness kills it at cleanup if still running.
 */
export async function spawnSshDevice(h: Harness, args: string[], ms = 20_000): Promise<{ child: ChildProcess; port: number; fingerprint: string }> {
  const child = spawn(process.execPath, [MAIN_JS, '--ssh-port', '0', '--ssh-host', '127.0.0.1', ...args, '--log-format', 'json'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  h.defer(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let logs = '';
  child.stderr!.on('data', (d) => (logs += d));
  await until(() => /SSH face listening/.test(logs), ms, 'the SSH face');
  const line = logs.split('\n').find((l) => l.includes('SSH face listening'))!;
  const fingerprint = /"fingerprint":"(SHA256:[^"]+)"/.exec(logs)?.[1] ?? '';
  return { child, port: JSON.parse(line).port as number, fingerprint };
}
