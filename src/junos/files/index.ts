/**
 * The file system of a device (./store.ts), made on first use: where it lives is set by
 * whoever assembles the device (`placeFiles`: the state directory's `files/`, a fleet's
 * shared `blobs/`); the generated files are the syslog (`/var/log/messages`) and the
 * profile's files.
 */
import type { DeviceProfile } from '../identity/profile.js';
import { syslogOf } from '../identity/syslog.js';
import { DeviceFiles, type FileStoreOptions } from './store.js';

export { DeviceFiles, FileError, devicePath, type FileEntry, type FileWriter } from './store.js';

/** The /var of the profiles' `show system storage`: 42311680 KiB. */
export const DEFAULT_STORAGE_MB = 41320;

export interface FilesDevice {
  readonly profile: DeviceProfile;
  readonly hostname: string;
  now(): number;
}

const places = new WeakMap<object, Pick<FileStoreOptions, 'dir' | 'blobs' | 'capacityBytes'>>();
const stores = new WeakMap<object, DeviceFiles>();

/** Where a device's files live (before first use). */
export function placeFiles(device: object, where: Pick<FileStoreOptions, 'dir' | 'blobs'> & { capacityBytes?: number }): void {
  places.set(device, { ...where, capacityBytes: where.capacityBytes ?? 0 });
}

/** The file system of a device. */
export function filesOf(device: FilesDevice): DeviceFiles {
  let s = stores.get(device);
  if (!s) {
    const where = places.get(device);
    const capacityBytes = where?.capacityBytes || (device.profile.storageMB ?? DEFAULT_STORAGE_MB) * 1024 * 1024;
    s = new DeviceFiles({
      dir: where?.dir,
      blobs: where?.blobs,
      capacityBytes,
      now: () => device.now(),
      virtual: () => {
        const m = new Map(device.profile.files);
        m.set('/var/log/messages', `${syslogOf(device).lines(device.hostname).join('\n')}\n`);
        return m;
      },
    });
    stores.set(device, s);
  }
  return s;
}

/** The file system of a device if it was ever used. */
export function filesIfAny(device: object): DeviceFiles | undefined {
  return stores.get(device);
}
