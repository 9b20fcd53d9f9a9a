/**
 * request-system-storage-cleanup (`request system storage cleanup [dry-run]`): the files of
 * /var/tmp on the device's file system, listed and (unless a dry run) deleted. The cli
 * lists them first and asks, as Junos does.
 */
import { child, elements, type XmlElement } from '../../netconf/xml.js';
import { escapeAttr } from '../../netconf/xml.js';
import { filesOf } from '../files/index.js';
import { t } from './formats.js';
import { el } from './reply-parts.js';
import type { RpcModule } from './types.js';

/** `Apr 25 10:38`. */
function shortDate(ms: number): string {
  const d = new Date(ms);
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${mon} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/** `11B`, `1.2K`, `34M`, as the cleanup list writes sizes. */
function shortSize(n: number): string {
  const units = ['B', 'K', 'M', 'G'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 || v >= 10 ? Math.round(v) : v.toFixed(1)}${units[u]}`;
}

export const requestSystemStorageCleanup: RpcModule = {
  name: 'request-system-storage-cleanup',
  handler: async ({ device, op }) => {
    const dry = child(op, 'dry-run') !== undefined;
    const files = await filesOf(device).cleanup(dry);
    return [
      '<system-storage-cleanup-information>',
      `<file-list junos:style="${dry ? 'dry-run' : 'normal'}">`,
      ...files.flatMap((f) => ['<file>', el('file-name', f.path), `<size junos:format="${escapeAttr(shortSize(f.size))}">${f.size}</size>`, el('date', shortDate(f.mtime)), '</file>']),
      '</file-list>',
      '</system-storage-cleanup-information>',
    ].join('\n');
  },
  cli: [{ words: 'request system storage cleanup', args: [{ flag: 'dry-run' }, { flag: 'no-confirm' }] }],
  text: (reply: XmlElement) => {
    const info = elements(reply)[0];
    const list = info ? child(info, 'file-list') : undefined;
    const dry = list?.attrs['junos:style'] === 'dry-run';
    const rows = (list ? elements(list).filter((e) => e.name === 'file') : []).map((f) => {
      const size = elements(f).find((e) => e.name === 'size')?.attrs['junos:format'] ?? t(f, 'size');
      return `${size.padStart(13)} ${t(f, 'date')} ${t(f, 'file-name')}`;
    });
    return [`\nList of files ${dry ? 'to delete' : 'deleted'}:\n`, '         Size Date         Name', ...rows].join('\n') + '\n';
  },
};
