/**
 * get-system-storage (`show system storage`): the routing engine's file systems
 * (FreeBSD-based Junos layout). Block counts are 1024-byte blocks, as Junos gives them;
 * `/var` grows a little with the number of profile files.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { junosNs } from './reply-parts.js';
import type { DeviceView, RpcModule } from './types.js';
import { filesIfAny } from '../files/index.js';

/** [filesystem, mounted on, size KiB, used KiB] */
function filesystems(device: DeviceView, storedKiB = 0): [string, string, number, number][] {
  const files = [...device.profile.files.values()].reduce((s, c) => s + Math.ceil(c.length / 1024), 0) + storedKiB;
  // /var holds the device's files (../files/): its size is the profile's storage.
  const varSize = device.profile.storageMB !== undefined ? device.profile.storageMB * 1024 : 42_311_680;
  const base = device.profile.storageMB !== undefined ? Math.round(varSize * 0.026) : 1_112_920;
  return [
    ['/dev/gpt/junos', '/.mount', 20_307_964, 1_533_188],
    ['tmpfs', '/.mount/tmp', 4_011_324, 56],
    ['tmpfs', '/.mount/mfs', 1_003_420, 21_780],
    ['/dev/md0.uzip', '/.mount/packages/mnt/junos-libs', 24_320, 24_320],
    ['/dev/gpt/var', '/.mount/var', varSize, Math.min(varSize, base + files)],
    ['/.mount/var', '/var', varSize, Math.min(varSize, base + files)],
  ];
}

/** Junos's short sizes: 20G, 1.5G, 56K. */
function human(kib: number): string {
  const units = ['K', 'M', 'G', 'T'];
  let v = kib;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 10 || u === 0 ? Math.round(v) : v.toFixed(1)}${units[u]}`;
}

async function reply(device: DeviceView): Promise<string> {
  const stored = (await filesIfAny(device)?.usage()) ?? 0;
  const lines = [`<system-storage-information xmlns="${junosNs(device, 'junos')}" junos:style="brief">`];
  for (const [name, mount, size, used] of filesystems(device, Math.ceil(stored / 1024))) {
    const avail = Math.max(0, size - used);
    const pct = Math.round((used * 100) / size);
    lines.push(
      '<filesystem>',
      `<filesystem-name>${name}</filesystem-name>`,
      `<total-blocks junos:format="${human(size)}">${size}</total-blocks>`,
      `<used-blocks junos:format="${human(used)}">${used}</used-blocks>`,
      `<available-blocks junos:format="${human(avail)}">${avail}</available-blocks>`,
      `<used-percent>${String(pct).padStart(3)}</used-percent>`,
      `<mounted-on>${mount}</mounted-on>`,
      '</filesystem>',
    );
  }
  lines.push('</system-storage-information>');
  return lines.join('\n');
}

function text(info: XmlElement | undefined): string {
  const out = ['Filesystem              Size       Used      Avail  Capacity  Mounted on'];
  for (const fs of info ? elements(info).filter((e) => e.name === 'filesystem') : []) {
    const fmt = (k: string) => (elements(fs).find((e) => e.name === k)?.attrs['junos:format'] ?? t(fs, k)).padStart(9);
    out.push(`${pad(t(fs, 'filesystem-name'), 19)}${fmt('total-blocks')}  ${fmt('used-blocks')}  ${fmt('available-blocks')}  ${`${t(fs, 'used-percent')}%`.padStart(8)}  ${t(fs, 'mounted-on')}`);
  }
  return out.join('\n');
}

export const getSystemStorage: RpcModule = {
  name: 'get-system-storage',
  handler: ({ device }) => reply(device),
  cli: [{ words: 'show system storage', args: [{ flag: 'detail' }] }],
  text: (r) => text(elements(r)[0]),
};
