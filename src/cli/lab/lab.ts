/**
 * Labs: a fleet described by a small file (lab-file.ts), run in the background as one
 * detached device process (`nc-grpc-device --devices ...`), its pid, log, secrets and state
 * in the lab's own directory (0700): `<labs>/<name>/{lab.json,users,secret,pid,device.log,state/}`.
 * Everything else goes through what exists: the device command's flags, its control socket
 * (`GET /inventory`, `GET /status`) and its SSH faces.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuntimeError, UsageError } from '../../errors.js';
import { controlRequest, controlSocketPath, defaultStateDir } from '../../status/control.js';
import type { Inventory, InventoryDevice } from '../../status/types.js';
import { fleetPlan } from '../../device/fleet.js';
import { loadProfile } from '../../junos/identity/profile.js';
import { checkLabName, type LabSpec } from './lab-file.js';

/** Where labs live: NCGD_LABS_DIR, else <state>/labs. */
export function defaultLabsDir(): string {
  return process.env.NCGD_LABS_DIR || path.join(defaultStateDir(), 'labs');
}

export class Lab {
  constructor(
    readonly labsDir: string,
    readonly name: string,
  ) {
    checkLabName(name);
  }
  get dir(): string {
    return path.join(this.labsDir, this.name);
  }
  get stateDir(): string {
    return path.join(this.dir, 'state');
  }
  get control(): string {
    return controlSocketPath(this.stateDir);
  }
  get logFile(): string {
    return path.join(this.dir, 'device.log');
  }
  private get pidFile(): string {
    return path.join(this.dir, 'pid');
  }
  exists(): boolean {
    return existsSync(path.join(this.dir, 'lab.json'));
  }
  spec(): LabSpec {
    if (!this.exists()) throw new UsageError(`no lab named ${this.name} in ${this.labsDir} (see: nc-grpc-device lab list)`);
    return JSON.parse(readFileSync(path.join(this.dir, 'lab.json'), 'utf8')) as LabSpec;
  }
  /** The pid of the lab's device process when it runs (a stale pid file is ignored). */
  pid(): number | undefined {
    let pid: number;
    try {
      pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    } catch {
      return undefined;
    }
    if (!Number.isInteger(pid) || pid < 2) return undefined;
    try {
      // The process must be this lab's (a pid can be reused): its command line names our state dir.
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return cmdline.includes(this.stateDir) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Creates the lab's directory and files; refuses an existing lab. */
  create(spec: LabSpec): void {
    if (this.exists()) throw new UsageError(`lab ${this.name} exists already (nc-grpc-device lab destroy ${this.name} first)`);
    mkdirSync(this.labsDir, { recursive: true, mode: 0o700 });
    mkdirSync(this.dir, { mode: 0o700, recursive: true });
    chmodSync(this.dir, 0o700);
    const { users, nms, ...rest } = spec;
    const secret = nms?.secret;
    if (secret !== undefined) writeFileSync(path.join(this.dir, 'secret'), `${secret}\n`, { mode: 0o600 });
    writeFileSync(path.join(this.dir, 'users'), `${users.join('\n')}\n`, { mode: 0o600 });
    // lab.json holds no secret: the secret and the passwords are in their own 0600 files.
    const stored = { ...rest, ...(nms ? { nms: { ...nms, secret: undefined } } : {}), users: users.map((u) => u.split(':')[0]) };
    writeFileSync(path.join(this.dir, 'lab.json'), `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }

  /** The device command's arguments for this lab (no secret on the command line). */
  deviceArgs(): string[] {
    const s = this.spec();
    const a = ['--devices', s.devices, '--profile', s.profile, '--state-dir', this.stateDir, '--log-format', 'json'];
    if (s.hostname) a.push('--hostname', s.hostname);
    const secretFile = path.join(this.dir, 'secret');
    if (s.nms?.config) a.push(`--config=${s.nms.config}`);
    if (s.nms?.host) {
      a.push(`--host=${s.nms.host}`, `--cert-file=${s.nms.certFile}`, `--device-id=${s.nms.deviceId}`);
      if (s.nms.port !== undefined) a.push('--port', String(s.nms.port));
    }
    if (s.nms?.protocol) a.push('--protocol', s.nms.protocol);
    if (s.nms && existsSync(secretFile)) a.push(`--secret-file=${secretFile}`);
    if (s.metrics) a.push('--metrics-port', String(s.metrics.port));
    if (s.ssh) {
      a.push('--ssh-port', String(s.ssh.port), `--ssh-user-file=${path.join(this.dir, 'users')}`);
      if (s.ssh.addressRange) a.push(`--ssh-address-range=${s.ssh.addressRange}`);
    }
    return a;
  }

  /**
   * Starts the lab's device process detached (it outlives this command), its output in
   * device.log; resolves once its control socket lists every device, or fails with the log's end.
   */
  async start(timeoutMs = 60_000, progress: (text: string) => void = () => {}): Promise<Inventory> {
    if (this.pid()) throw new UsageError(`lab ${this.name} is running already (pid ${this.pid()})`);
    await this.pinPorts();
    const spec = this.spec();
    mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
    const main = fileURLToPath(new URL('../main.js', import.meta.url));
    const log = openSync(this.logFile, 'a', 0o600);
    const env = { ...process.env };
    delete env.NCGD_SECRET;
    delete env.NCGD_SSH_USER;
    const child = spawn(process.execPath, [main, ...this.deviceArgs()], { detached: true, stdio: ['ignore', log, log], env, cwd: this.dir });
    closeSync(log);
    let exited: number | string | null | undefined;
    child.once('exit', (code, signal) => (exited = code ?? signal));
    child.unref();
    writeFileSync(this.pidFile, `${child.pid}\n`, { mode: 0o600 });
    const total = fleetPlan({ devices: spec.devices, profile: spec.profile, sshPort: 0 }, undefined, {}).total;
    const deadline = Date.now() + timeoutMs;
    const began = Date.now();
    while (Date.now() < deadline) {
      if (exited !== undefined) throw new RuntimeError(`lab ${this.name} did not start (exit ${exited}): ${this.logTail()}`);
      const secs = `${Math.round((Date.now() - began) / 1000)}s`;
      try {
        const inv = await controlRequest<Inventory>(this.control, 'GET', '/inventory', undefined, 2_000);
        if (inv.devices.length === total && inv.pid === child.pid) return inv;
        progress(`lab ${this.name}: ${inv.devices.length}/${total} devices up ${secs}`);
      } catch {
        progress(`lab ${this.name}: starting ${total} device${total === 1 ? '' : 's'} (pid ${child.pid}) ${secs}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new RuntimeError(`lab ${this.name} did not answer on ${this.control} within ${timeoutMs / 1000} s (pid ${child.pid}, log ${this.logFile})`);
  }

  /**
   * `ssh: {port: 0}` means "free ports": the first start picks a base with a free port for
   * every device and keeps it in lab.json, so the devices keep their ports at every start
   * (an SSH client's known_hosts and an inventory stay valid). `metrics: 0` the same.
   */
  async pinPorts(): Promise<void> {
    const spec = this.spec();
    const sshFree = spec.ssh !== undefined && spec.ssh.port === 0 && !spec.ssh.addressRange;
    const metricsFree = spec.metrics?.port === 0;
    if (!sshFree && !metricsFree) return;
    const file = path.join(this.dir, 'lab.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as LabSpec;
    const total = fleetPlan({ devices: spec.devices, profile: spec.profile, sshPort: 0 }, undefined, {}).total;
    if (sshFree) stored.ssh = { ...stored.ssh!, port: await freePortRun(total), auto: true };
    // The page's port stays out of the SSH faces' block (a face may be down when this runs).
    if (metricsFree) stored.metrics = { port: await freePortRun(1, stored.ssh ? [stored.ssh.port, stored.ssh.port + total] : undefined), auto: true };
    writeFileSync(`${file}.tmp`, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  /** The lab's SSH logins, NAME:PASSWORD one a line, as its users file keeps them. */
  credentials(): string[] {
    this.spec();
    return readFileSync(path.join(this.dir, 'users'), 'utf8').split('\n').filter((l) => l.includes(':'));
  }

  /** The last line the device process logged, as one line. */
  logTail(): string {
    try {
      const lines = readFileSync(this.logFile, 'utf8').trim().split('\n');
      const last = lines[lines.length - 1] ?? '';
      try {
        return String(JSON.parse(last).msg ?? last);
      } catch {
        return last;
      }
    } catch {
      return '(no log)';
    }
  }

  /** Stops the device process (SIGTERM: sessions end as on a device; SIGKILL after the bound). */
  async stop(timeoutMs = 20_000): Promise<boolean> {
    const pid = this.pid();
    rmSync(this.pidFile, { force: true });
    if (!pid) return false;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && alive(pid)) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    return true;
  }

  /** Stops the lab and removes its directory: state, logs, secrets. */
  async destroy(): Promise<void> {
    this.spec();
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The lab's devices: live from the control socket, else as its file plans them (stopped). */
  async devices(): Promise<{ running: boolean; pid?: number; devices: InventoryDevice[] }> {
    const spec = this.spec();
    const pid = this.pid();
    if (pid) {
      try {
        const inv = await controlRequest<Inventory>(this.control, 'GET', '/inventory', undefined, 5_000);
        return { running: true, pid, devices: inv.devices };
      } catch {
        // starting or stopping: shown as planned
      }
    }
    const plan = fleetPlan({ devices: spec.devices, profile: spec.profile, sshPort: 0 }, undefined, {});
    const devices: InventoryDevice[] = [];
    for (let n = 1; n <= plan.total; n++) {
      const profile = loadProfile(plan.profileOf(n));
      const hostname = plan.total > 1 ? `${spec.hostname ?? profile.hostnamePrefix}-${n}` : (spec.hostname ?? `${profile.hostnamePrefix}-1`);
      devices.push({ n, hostname, profile: profile.name, model: profile.model, serial: '-', deviceIds: [], states: ['stopped'] });
    }
    return { running: false, devices };
  }

  /** A device by host name, number or device-id. */
  async device(which: string): Promise<InventoryDevice> {
    const { running, devices } = await this.devices();
    const d = devices.find((x) => x.hostname === which || String(x.n) === which || x.deviceIds.includes(which));
    if (!d) throw new UsageError(`lab ${this.name} has no device ${which} (devices: ${devices.slice(0, 5).map((x) => x.hostname).join(', ')}${devices.length > 5 ? ', ...' : ''})`);
    if (!running) throw new RuntimeError(`lab ${this.name} is not running (nc-grpc-device lab start ${this.name})`);
    if (!d.ssh) throw new UsageError(`lab ${this.name} has no SSH faces (its file says ssh: none)`);
    return d;
  }

  /** The first SSH login of the lab (NAME, PASSWORD). */
  login(): { username: string; password: string } {
    const line = readFileSync(path.join(this.dir, 'users'), 'utf8').split('\n')[0];
    const i = line.indexOf(':');
    return { username: line.slice(0, i), password: line.slice(i + 1) };
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A base port with `count` free ports from it on 127.0.0.1 (random bases tried, bounded). */
async function freePortRun(count: number, avoid?: [number, number]): Promise<number> {
  const lo = 20_000;
  const hi = 60_000 - count;
  for (let attempt = 0; attempt < 40; attempt++) {
    const base = lo + Math.floor(Math.random() * (hi - lo));
    if (avoid && base + count > avoid[0] && base < avoid[1]) continue;
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new RuntimeError(`no run of ${count} free ports found on 127.0.0.1 for the SSH faces: give ssh: {port: BASE} in the lab file`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every lab in `labsDir`. */
export function listLabs(labsDir: string): Lab[] {
  let names: string[];
  try {
    names = readdirSync(labsDir);
  } catch {
    return [];
  }
  return names
    .sort()
    .filter((n) => {
      try {
        return new Lab(labsDir, n).exists();
      } catch {
        return false;
      }
    })
    .map((n) => new Lab(labsDir, n));
}
