/**
 * The software of one emulated device, as Junos installs it: a package file on the device
 * (`/var/tmp/junos-install-mx-x86-64-22.4R3.25.tgz`), its release read from the Junos
 * package name, checked against the platform and for a whole gzip stream, installed as
 * pending; the next boot makes it active (`show version`, facts and get-software-information
 * then say the new release); `request system software rollback` backs a pending install out,
 * or brings the previous release back at the next boot.
 *
 * The active release is kept in the device's state directory (software.json), so a
 * restarted emulator comes back on the release it was upgraded to.
 */
import { createGunzip } from 'node:zlib';
import { existsSync, promises as fsp, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DeviceProfile } from '../identity/profile.js';
import { syslogOf } from '../identity/syslog.js';
import { bootOf, type BootableDevice } from './boot.js';
import { FileError, filesOf, type FilesDevice } from '../files/index.js';

/** A Junos release in a package name: 22.4R3.25, 21.4R3-S2.3, 12.1X46-D15.3, 23.2R1. */
const RELEASE = /(\d{1,2}\.\d[A-Z]\d+(?:-[A-Z]\d+)?(?:\.\d+)?)/;

export interface PackageName {
  /** The file's base name. */
  name: string;
  release: string;
  /** The platform it is built for (`mx`, `ex`, `srx`, `qfx`, ...), undefined for a generic one. */
  platform?: string;
}

/** Platform words a package name may carry, to the device family they are for. */
const PLATFORMS: Record<string, string> = { mx: 'mx', vmx: 'mx', ex: 'ex', srx: 'srx', srxsme: 'srx', srxentedge: 'srx', srxmr: 'srx', srxhe: 'srx', vsrx: 'srx', qfx: 'qfx', ptx: 'ptx', acx: 'acx' };

/** Reads a Junos package file name; undefined when it is not one. */
export function parsePackageName(file: string): PackageName | undefined {
  const name = path.posix.basename(file);
  if (!/\.(tgz|tar\.gz|gz|img)$/.test(name)) return undefined;
  const m = RELEASE.exec(name);
  if (!m) return undefined;
  const head = name.slice(0, m.index).replace(/-$/, '');
  if (!/^(junos|jinstall|jinstall64|install-media|vmhost)/.test(head)) return undefined;
  const words = head.split('-');
  const platform = words.map((w) => PLATFORMS[w]).find(Boolean);
  return { name, release: m[1], ...(platform ? { platform } : {}) };
}

/** The platform of a profile, from its model (mx960 -> mx). */
export function platformOf(profile: DeviceProfile): string {
  const w = /^[a-z]+/.exec(profile.model.toLowerCase())?.[0] ?? '';
  return PLATFORMS[w] ?? w;
}

/** A profile that says another release (namespaces follow, as on the device). */
export function withRelease(profile: DeviceProfile, release: string): DeviceProfile {
  return { ...profile, release, xmlRelease: release.replace(/^(\d+\.\d+)([A-Z]).*$/, '$1$2' + '0') };
}

export interface SoftwareDevice extends BootableDevice, FilesDevice {
  profile: DeviceProfile;
}

export interface PackageResult {
  ok: boolean;
  output: string;
}

interface Saved {
  active: string;
  previous?: string;
  pending?: string;
}

export class DeviceSoftware {
  /** The release running now. */
  active: string;
  /** What the next boot makes active (an add, or a rollback). */
  pending?: { release: string; package?: string };
  /** The release before the last upgrade (`rollback` target). */
  previous?: string;
  private file?: string;
  private readonly base: DeviceProfile;

  constructor(private readonly device: SoftwareDevice) {
    this.base = device.profile;
    this.active = device.profile.release;
    bootOf(device).onBoot(() => this.boot());
  }

  /** Where the software state is kept (the device's state directory); read now when it exists. */
  place(file: string): void {
    this.file = file;
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Saved;
      if (typeof saved.active === 'string' && RELEASE.test(saved.active)) {
        this.active = saved.active;
        this.previous = typeof saved.previous === 'string' ? saved.previous : undefined;
        if (typeof saved.pending === 'string') this.pending = { release: saved.pending };
        this.apply();
      }
    } catch {
      /* none yet, or unreadable: the profile's release */
    }
  }

  private async save(): Promise<void> {
    if (!this.file) return;
    const body: Saved = { active: this.active, ...(this.previous ? { previous: this.previous } : {}), ...(this.pending ? { pending: this.pending.release } : {}) };
    const tmp = `${this.file}.tmp`;
    await fsp.writeFile(tmp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
    await fsp.rename(tmp, this.file);
  }

  private apply(): void {
    this.device.profile = this.active === this.base.release ? this.base : withRelease(this.base, this.active);
  }

  private boot(): void {
    if (!this.pending) return;
    this.previous = this.active;
    this.active = this.pending.release;
    this.pending = undefined;
    this.apply();
    syslogOf(this.device).record({ time: this.device.now(), process: 'mgd[5061]', text: `UI_CHILD_STATUS: Software version ${this.active} is now active` });
    void this.save().catch(() => undefined);
  }

  /** Checks a package on the device: its name, platform and a whole gzip stream. */
  private async check(pkg: string): Promise<{ ok: true; parsed: PackageName; lines: string[] } | { ok: false; lines: string[] }> {
    const files = filesOf(this.device);
    const st = await files.stat(pkg).catch(() => undefined);
    if (!st || st.type !== 'file') return { ok: false, lines: [`error: File does not exist: ${pkg}`] };
    const parsed = parsePackageName(pkg);
    if (!parsed) return { ok: false, lines: [`ERROR: ${path.posix.basename(pkg)}: not a Junos package (no release in its name)`] };
    const mine = platformOf(this.device.profile);
    if (parsed.platform && parsed.platform !== mine) {
      return { ok: false, lines: [`ERROR: ${parsed.name} is for ${parsed.platform} devices; this is a ${this.device.profile.model}`, 'ERROR: Package installation aborted'] };
    }
    const whole = await gzipIsWhole(files, pkg);
    if (whole !== true) return { ok: false, lines: [`gzip: stdin: ${whole}`, `ERROR: ${parsed.name}: package is corrupt or truncated`, 'ERROR: Package installation aborted'] };
    return { ok: true, parsed, lines: [`Verified ${parsed.name.replace(/\.(tgz|tar\.gz|gz|img)$/, '')} signed by PackageProductionECP256_2022 method ECDSA256+SHA256`] };
  }

  /** `request system software validate`: the package, then the configuration against it. */
  async validate(pkg: string): Promise<PackageResult> {
    const c = await this.check(pkg);
    if (!c.ok) return { ok: false, output: c.lines.join('\n') };
    return { ok: true, output: [...c.lines, 'Checking compatibility with configuration', 'Initializing...', 'Validating against /config/juniper.conf.gz', 'mgd: commit complete', 'Validation succeeded'].join('\n') };
  }

  /** `request system software add`: pending until the next boot. */
  async add(pkg: string, opts: { validate?: boolean; reboot?: boolean; user: string }): Promise<PackageResult> {
    // The same package again: its install on the other routing engine (PyEZ adds with re0, then re1).
    if (this.pending && this.pending.package === pkg) {
      return { ok: true, output: `${this.pending.release} is already pending for the next reboot\nWARNING: A reboot is required to install the software` };
    }
    if (this.pending) {
      return { ok: false, output: "There is already an install pending.\n    Use the 'request system reboot' command to complete the install,\n    or the 'request system software rollback' command to back it out." };
    }
    const c = await this.check(pkg);
    if (!c.ok) return { ok: false, output: c.lines.join('\n') };
    const lines = [...c.lines];
    if (opts.validate) lines.push('Checking compatibility with configuration', 'Initializing...', 'Validating against /config/juniper.conf.gz', 'mgd: commit complete', 'Validation succeeded');
    const flavour = c.parsed.name.replace(/^junos-install-/, 'junos-').replace(/\.(tgz|tar\.gz|gz|img)$/, '');
    lines.push(`Adding ${flavour} ...`, 'Saving the config files ...', "NOTICE: 'pending' set will be activated at next reboot...");
    lines.push('WARNING: A reboot is required to install the software', "WARNING:     Use the 'request system reboot' command immediately");
    this.pending = { release: c.parsed.release, package: pkg };
    syslogOf(this.device).record({ time: this.device.now(), process: 'mgd[5061]', text: `UI_CMDLINE_READ_LINE: User '${opts.user}', command 'request system software add ${pkg} '` });
    await this.save();
    if (opts.reboot) {
      lines.push('Rebooting ...');
      bootOf(this.device).request({ kind: 'reboot', user: opts.user, message: 'software installation' });
    }
    return { ok: true, output: lines.join('\n') };
  }

  /** `request system software rollback`. */
  async rollback(): Promise<PackageResult> {
    if (this.pending && this.pending.release !== this.previous) {
      const was = this.pending.release;
      this.pending = undefined;
      await this.save();
      return { ok: true, output: `Install of ${was} backed out; Junos version '${this.active}' stays active` };
    }
    if (!this.previous) return { ok: false, output: 'Cannot rollback, no previous software version is available' };
    this.pending = { release: this.previous };
    await this.save();
    return { ok: true, output: `Junos version '${this.previous}' will become active at next reboot` };
  }

  /** `<request-package-checks-pending-install>`. */
  pendingCheck(): PackageResult {
    if (!this.pending) return { ok: true, output: '' };
    return { ok: false, output: "There is already an install pending.\n    Use the 'request system reboot' command to complete the install,\n    or the 'request system software rollback' command to back it out." };
  }
}

/** Whether a stored file is a whole gzip stream (true), or what is wrong with it. */
async function gzipIsWhole(files: ReturnType<typeof filesOf>, pkg: string): Promise<true | string> {
  let r;
  try {
    r = await files.openRead(pkg);
  } catch (err) {
    return err instanceof FileError ? err.message : 'unreadable';
  }
  try {
    const head = await r.read(0, 2);
    if (head.length < 2 || head[0] !== 0x1f || head[1] !== 0x8b) return 'not in gzip format';
    const gunzip = createGunzip();
    let failed = false;
    const done = new Promise<true | string>((resolve) => {
      gunzip.on('error', (e: Error) => {
        failed = true;
        resolve(e.message);
      });
      gunzip.on('end', () => resolve(true));
      gunzip.resume();
    });
    for (let pos = 0; pos < r.size && !failed; ) {
      const chunk = await r.read(pos, 1 << 20);
      if (chunk.length === 0) break;
      pos += chunk.length;
      if (!gunzip.write(chunk) && !failed) await Promise.race([new Promise((res) => gunzip.once('drain', res)), done]);
    }
    if (!failed) gunzip.end();
    return await done;
  } finally {
    await r.close();
  }
}

const all = new WeakMap<object, DeviceSoftware>();
const places = new WeakMap<object, string>();

/** The software of a device (made on first use). */
export function softwareOf(device: SoftwareDevice): DeviceSoftware {
  let s = all.get(device);
  if (!s) {
    all.set(device, (s = new DeviceSoftware(device)));
    const file = places.get(device);
    if (file) s.place(file);
  }
  return s;
}

/**
 * Where a device keeps its software state; a device upgraded in an earlier run comes up on
 * that release now (a file exists only after an upgrade, so an idle fleet reads nothing).
 */
export function placeSoftware(device: SoftwareDevice, file: string): void {
  places.set(device, file);
  if (existsSync(file)) softwareOf(device);
}
