/**
 * An NMS on a different gRPC stack for interop tests: test/clients/grpcio_nms.py on Debian's
 * python3-grpcio, driven over JSON lines (operator requests in on stdin, what it saw out on
 * stdout). Installs python3-grpcio and python3-grpc-tools when missing and running as root.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { CLIENTS_DIR, REPO_ROOT } from './python-clients.js';
import { PYTHON, ensureDebianPython } from './debian-python.js';

let ready: Promise<string | null> | undefined;

/** Null when grpcio and its protoc can run; otherwise why not (the tests skip with that reason). */
export function grpcioReady(): Promise<string | null> {
  ready ??= ensureDebianPython('grpc, grpc_tools.protoc', ['python3-grpcio', 'python3-grpc-tools'], 'the grpcio interop tests');
  return ready;
}

/** Generates the Python modules of proto/ into `outDir` with grpc_tools' protoc. */
export function compileProtos(outDir: string): void {
  const r = spawnSync(
    PYTHON,
    ['-m', 'grpc_tools.protoc', '-I', 'proto', `--python_out=${outDir}`, `--grpc_python_out=${outDir}`, 'proto/jnx_common_base_types.proto', 'proto/jnx_netconf_service.proto'],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  if (r.status !== 0) throw new Error(`grpc_tools.protoc failed: ${r.stderr}`);
}

/** One line the Python NMS printed. */
export interface GrpcioEvent {
  event: string;
  sid?: string;
  peer?: string;
  text?: string;
  [k: string]: unknown;
}

type Waiter = { pred: () => boolean; resolve: () => void };

export class GrpcioNms {
  readonly events: GrpcioEvent[] = [];
  private waiters: Waiter[] = [];
  private stderr = '';
  private nextSid = 1;
  port = 0;
  grpcVersion = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as GrpcioEvent);
      } catch {
        this.events.push({ event: 'noise', text: line });
      }
      this.wake();
    });
    child.stderr!.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-4000)));
    child.on('exit', () => this.wake());
  }

  /** Compiles the protos, starts the Python NMS on 127.0.0.1 with this certificate, waits until it listens. */
  static async start(pem: { cert: string; key: string }): Promise<GrpcioNms> {
    const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-grpcio-'));
    compileProtos(dir);
    writeFileSync(path.join(dir, 'server.crt'), pem.cert);
    writeFileSync(path.join(dir, 'server.key'), pem.key);
    const child = spawn(PYTHON, ['-u', path.join(CLIENTS_DIR, 'grpcio_nms.py'), '--pb-dir', dir, '--cert', path.join(dir, 'server.crt'), '--key', path.join(dir, 'server.key')], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
    const nms = new GrpcioNms(child, dir);
    const listening = await nms.waitEvent((e) => e.event === 'listening', 20_000, 'the grpcio NMS to listen');
    nms.port = Number(listening.port);
    nms.grpcVersion = String(listening.grpc_version);
    return nms;
  }

  private wake(): void {
    for (const w of [...this.waiters]) {
      if (w.pred()) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve();
      }
    }
  }

  private alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once `pred` holds over the events so far; bounded by `timeoutMs`. */
  waitUntil(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        pred: () => pred() || !this.alive(),
        resolve: () => {
          clearTimeout(timer);
          if (pred()) resolve();
          else reject(new Error(`grpcio NMS exited while waiting for ${what}: ${this.stderr}`));
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`timed out waiting for ${what}; last events: ${JSON.stringify(this.events.slice(-6))}; stderr: ${this.stderr.slice(-1500)}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** The first event (in order) matching `pred`, waiting for it if needed. */
  async waitEvent(pred: (e: GrpcioEvent) => boolean, timeoutMs: number, what: string): Promise<GrpcioEvent> {
    await this.waitUntil(() => this.events.some(pred), timeoutMs, what);
    return this.events.find(pred)!;
  }

  private send(obj: Record<string, unknown>): void {
    this.child.stdin!.write(JSON.stringify(obj) + '\n');
  }

  /** An operator asks for a session with a device, as request_session.py does. */
  request(deviceId: string, secret: string, type: string): GrpcioSession {
    const sid = `s${this.nextSid++}`;
    this.send({ op: 'request', sid, device_id: deviceId, secret, type });
    return new GrpcioSession(this, sid, (o) => this.send(o));
  }

  /** Stops the Python process by its pid (stdin EOF first, then SIGKILL) and removes its files. */
  async stop(): Promise<void> {
    if (this.alive()) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      this.child.stdin!.end();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class GrpcioSession {
  constructor(
    private readonly nms: GrpcioNms,
    readonly sid: string,
    private readonly post: (o: Record<string, unknown>) => void,
  ) {}

  /** Device output so far, chunks concatenated in order. */
  output(): string {
    return this.nms.events
      .filter((e) => e.event === 'output' && e.sid === this.sid)
      .map((e) => e.text)
      .join('');
  }

  /** The peer address grpcio saw for this session's NcgrpcCommandGet. */
  async peer(timeoutMs = 15_000): Promise<string> {
    const e = await this.nms.waitEvent((x) => x.event === 'session' && x.sid === this.sid, timeoutMs, `session ${this.sid} to start`);
    return String(e.peer);
  }

  async waitFor(pred: (output: string) => boolean, timeoutMs: number, what = 'output'): Promise<string> {
    await this.nms.waitUntil(() => pred(this.output()), timeoutMs, `${what} on ${this.sid} (output so far: ${JSON.stringify(this.output().slice(-300))})`);
    return this.output();
  }

  /** Resolves with the server's 'closed' record once the session's RPC has ended. */
  async ended(timeoutMs = 15_000): Promise<GrpcioEvent> {
    return this.nms.waitEvent((e) => e.event === 'closed' && e.sid === this.sid, timeoutMs, `session ${this.sid} to end`);
  }

  send(text: string): void {
    this.post({ op: 'send', sid: this.sid, text });
  }

  /** The operator leaves: `<>` or `exit` with kill_signal 2. */
  close(): void {
    this.post({ op: 'close', sid: this.sid });
  }
}
