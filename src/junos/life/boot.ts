/**
 * The boot cycle of one emulated device: `request system reboot|halt|power-off` (now, in
 * N minutes, at a time), `clear system reboot`, and the reboot event. A shutdown
 * broadcasts Junos's message to the cli sessions, then (after a short grace, so replies
 * and the broadcast reach their clients) takes every face down: the faces registered with
 * `attach` (outbound clients, SSH face) and every NETCONF/cli session. After the boot time
 * (the profile's `bootSeconds`, `--boot-time`) the device comes back: a new boot time, the
 * datastore as after a start (an unconfirmed commit confirmed rolled back), the faces up
 * again. A halt or power-off stays down until `boot()` (the `reboot` event, a power-on).
 *
 * One per device (`bootOf(device)`), so a fleet member reboots alone.
 */
import type { DeviceProfile } from '../identity/profile.js';
import { syslogOf } from '../identity/syslog.js';

export type ShutdownKind = 'reboot' | 'halt' | 'power-off';

/** A face the device takes down during a shutdown and brings back at boot. */
export interface BootFace {
  down(): Promise<void> | void;
  up(): Promise<void> | void;
}

/** What the boot cycle needs of a device (EmulatedDevice implements it). */
export interface BootableDevice {
  readonly profile: DeviceProfile;
  readonly hostname: string;
  now(): number;
  sessionIds(): number[];
  killSession(id: number): boolean;
  /** Sends a broadcast (wall) text to every cli session. */
  broadcast?(text: string): void;
  /** The device came back at `at` (epoch ms): new boot time, models rebuilt, datastore restarted. */
  restarted?(at: number): void;
}

/** Junos's last-reboot-reason texts. */
export const REBOOT_REASONS = {
  normal: 'Router rebooted after a normal shutdown.',
  power: 'Power cycle/failure',
  crash: 'Kernel panic',
} as const;

/** Default boot time when neither the profile nor `--boot-time` gives one. */
export const DEFAULT_BOOT_SECONDS = 180;
/** Between the shutdown message and the faces going down. */
export const SHUTDOWN_GRACE_MS = 1000;
/** Timers longer than this re-arm (Node's limit is ~24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ScheduledShutdown {
  kind: ShutdownKind;
  /** Epoch ms. */
  at: number;
  user: string;
  message?: string;
  pid: number;
}

export interface ShutdownRequest {
  kind: ShutdownKind;
  user: string;
  message?: string;
  /** When; now when absent. */
  at?: number;
  /** The last-reboot-reason the next boot shows (normal shutdown by default). */
  reason?: string;
}

export type BootState = 'up' | 'going-down' | 'down' | 'booting';

let nextPid = 4000 + (process.pid % 3000);

/** `Wed Jul  9 18:15:00 2014`, as Junos writes a shutdown time (UTC). */
export function shutdownTime(ms: number): string {
  const d = new Date(ms);
  const day = d.toLocaleString('en-US', { weekday: 'short', timeZone: 'UTC' });
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const p = (n: number) => String(n).padStart(2, '0');
  return `${day} ${mon} ${String(d.getUTCDate()).padStart(2)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export class DeviceBoot {
  state: BootState = 'up';
  /** Shown by `show system uptime`/`show chassis routing-engine` after the next boot. */
  lastReason: string = REBOOT_REASONS.normal;
  /** Boot time in seconds (--boot-time, else the profile's, else DEFAULT_BOOT_SECONDS). */
  bootSeconds: number;
  /** Completed boots since the process started. */
  reboots = 0;
  private scheduled?: ScheduledShutdown & { timer?: NodeJS.Timeout };
  private nextReason: string = REBOOT_REASONS.normal;
  private timer?: NodeJS.Timeout;
  private readonly faces = new Set<BootFace>();
  private readonly bootListeners = new Set<(at: number) => void>();
  private readonly stateListeners = new Set<(state: BootState) => void>();
  private stopped = false;
  /** Runs while going down or booting, so callers can wait for the end. */
  private cycle: Promise<void> = Promise.resolve();

  constructor(private readonly device: BootableDevice) {
    this.bootSeconds = device.profile.bootSeconds ?? DEFAULT_BOOT_SECONDS;
  }

  get up(): boolean {
    return this.state === 'up';
  }

  /** The pending `reboot at`/`in`, if any. */
  pending(): ScheduledShutdown | undefined {
    if (!this.scheduled) return undefined;
    const { timer: _t, ...s } = this.scheduled;
    return s;
  }

  /** Registers a face; returns its removal. */
  attach(face: BootFace): () => void {
    this.faces.add(face);
    return () => this.faces.delete(face);
  }

  /** Called with the boot time after each boot (software activation, event model reset). */
  onBoot(listener: (at: number) => void): () => void {
    this.bootListeners.add(listener);
    return () => this.bootListeners.delete(listener);
  }

  onState(listener: (state: BootState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private setState(s: BootState): void {
    this.state = s;
    for (const l of [...this.stateListeners]) l(s);
  }

  /**
   * A shutdown: now (resolves once the faces are down; the boot follows by itself) or at a
   * time (resolves at once). Returns what the reply says: the pid and when.
   */
  request(req: ShutdownRequest): { pid: number; at: number; now: boolean } {
    const pid = nextPid++;
    const now = this.device.now();
    const at = req.at ?? now;
    if (this.scheduled) this.clear();
    const log = syslogOf(this.device);
    const event = req.kind === 'reboot' ? 'UI_REBOOT_EVENT: System rebooted by' : req.kind === 'halt' ? 'UI_HALT_EVENT: System halted by' : 'UI_POWEROFF_EVENT: System powered off by';
    if (at <= now) {
      log.record({ time: now, process: `mgd[${pid}]`, text: `${event} '${req.user}'` });
      void this.shutdown(req, pid);
      return { pid, at: now, now: true };
    }
    this.scheduled = { kind: req.kind, at, user: req.user, message: req.message, pid };
    const s = this.scheduled;
    const arm = (): NodeJS.Timeout => {
      const t = setTimeout(() => {
        if (this.scheduled !== s) return;
        if (this.device.now() < s.at && Date.now() < s.at) {
          s.timer = arm();
          return;
        }
        this.scheduled = undefined;
        log.record({ time: this.device.now(), process: `mgd[${pid}]`, text: `${event} '${req.user}'` });
        void this.shutdown(req, pid);
      }, Math.min(MAX_TIMER_MS, Math.max(0, s.at - now)));
      t.unref();
      return t;
    };
    s.timer = arm();
    log.record({ time: now, process: `shutdown[${pid}]`, text: `${req.kind} by ${req.user}: ${req.message ?? ''}`.trimEnd() });
    const when = Math.round((at - now) / 60000);
    this.device.broadcast?.(
      `\n*** System shutdown message from ${req.user}@${this.device.hostname} ***\n\nSystem going down ${when >= 1 ? `in ${when} minute${when === 1 ? '' : 's'}` : `at ${shutdownTime(at)}`}\n${req.message ? `${req.message}\n` : ''}\n`,
    );
    return { pid, at, now: false };
  }

  /** `clear system reboot`: cancels the pending shutdown; false when there was none. */
  clear(): boolean {
    const s = this.scheduled;
    if (!s) return false;
    clearTimeout(s.timer);
    this.scheduled = undefined;
    syslogOf(this.device).record({ time: this.device.now(), process: `shutdown[${s.pid}]`, text: 'Shutdown cancelled' });
    this.device.broadcast?.(`\n*** System shutdown message from ${s.user}@${this.device.hostname} ***\n\nSystem shutdown time has arrived\nShutdown cancelled\n\n`);
    return true;
  }

  /** Resolves when the current shutdown/boot cycle has ended (the device up, or halted). */
  settled(): Promise<void> {
    return this.cycle;
  }

  private shutdown(req: ShutdownRequest, pid: number): Promise<void> {
    if (this.state !== 'up' || this.stopped) return this.cycle;
    this.nextReason = req.reason ?? REBOOT_REASONS.normal;
    this.setState('going-down');
    const run = async () => {
      // The reply to the request goes out first, then the message reaches the terminals.
      await new Promise((r) => setTimeout(r, 100));
      const time = this.device.now();
      syslogOf(this.device).record({ time, process: `shutdown[${pid}]`, text: `${req.kind} by ${req.user}: ${req.message ?? ''}`.trimEnd() });
      this.device.broadcast?.(
        `\n*** FINAL System shutdown message from ${req.user}@${this.device.hostname} ***\n\nSystem going down IMMEDIATELY\n${req.message ? `${req.message}\n` : ''}\n`,
      );
      await this.sleep(SHUTDOWN_GRACE_MS);
      for (const f of [...this.faces]) {
        try {
          await f.down();
        } catch {
          /* a face that fails to stop is down anyway */
        }
      }
      for (const id of this.device.sessionIds()) this.device.killSession(id);
      this.setState('down');
      if (req.kind === 'reboot' && !this.stopped) {
        await this.sleep(this.bootSeconds * 1000);
        await this.bootNow();
      }
    };
    this.cycle = run();
    return this.cycle;
  }

  /**
   * Brings a halted or powered-off device up (a power-on; immediate when a reboot is
   * already booting). With `reason`, the last-reboot-reason to show.
   */
  async boot(reason?: string): Promise<void> {
    if (reason) this.nextReason = reason;
    if (this.state === 'up') return;
    if (this.state === 'going-down') await this.cycle;
    if (this.state !== 'down') return this.cycle;
    if (this.wake) {
      // A reboot waiting out its boot time: boot now.
      clearTimeout(this.timer);
      this.wake();
      return this.cycle;
    }
    this.cycle = this.bootNow();
    return this.cycle;
  }

  private async bootNow(): Promise<void> {
    if (this.stopped || this.state === 'up' || this.state === 'booting') return;
    this.setState('booting');
    const at = this.device.now();
    this.lastReason = this.nextReason;
    this.nextReason = REBOOT_REASONS.normal;
    this.device.restarted?.(at);
    for (const l of [...this.bootListeners]) {
      try {
        l(at);
      } catch {
        /* a listener's failure is its own */
      }
    }
    this.reboots++;
    this.setState('up');
    for (const f of [...this.faces]) {
      try {
        await f.up();
      } catch {
        /* logged by the face */
      }
    }
  }

  private wake?: () => void;

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
      // Referenced: a process whose faces are all down stays alive until the device is back.
      this.timer = setTimeout(this.wake, ms);
    });
  }

  /** The device is closing: no timer keeps running. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    if (this.scheduled) clearTimeout(this.scheduled.timer);
    this.scheduled = undefined;
  }
}

const boots = new WeakMap<object, DeviceBoot>();

/** The boot cycle of a device (made on first use). */
export function bootOf(device: BootableDevice): DeviceBoot {
  let b = boots.get(device);
  if (!b) boots.set(device, (b = new DeviceBoot(device)));
  return b;
}

/** Whether a device's boot cycle exists and the device is not up (no session may open). */
export function isDown(device: object): boolean {
  const b = boots.get(device);
  return b !== undefined && b.state !== 'up';
}
