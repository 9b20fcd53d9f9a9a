/**
 * file-list (`file list [detail] [PATH]`): the profile's files in a directory, the user's
 * home by default. `<detail/>` answers junos:style="verbose" with permissions, owner,
 * size and date per file, as `file list detail` shows them.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { child, elements, escapeAttr, textOf, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { el } from './reply-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

/** `Feb 17 15:30`, as ls prints a recent date (device clock UTC). */
function lsDate(ms: number): string {
  const d = new Date(ms);
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${mon} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

const handler: RpcHandler = ({ device, op, user }) => {
  const pEl = child(op, 'path');
  const detail = child(op, 'detail') !== undefined;
  let p = pEl ? textOf(pEl).trim() : '~';
  const home = `/var/home/${user}/`;
  if (p === '~' || p === '' || p === '.') p = home;
  else if (p.startsWith('~/')) p = home + p.slice(2);
  const dir = p.endsWith('/') ? p : `${p}/`;
  const exact = device.profile.files.has(p);
  const inDir = [...device.profile.files.keys()].filter((k) => k.startsWith(dir) && !k.slice(dir.length).includes('/'));
  if (!exact && inDir.length === 0 && p !== home && !p.startsWith('/var/tmp')) {
    throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: `${p}: No such file or directory` });
  }
  const paths = exact ? [p] : inDir;
  const root = exact ? p : dir;
  const date = Math.min(device.bootTime, device.now());
  const blocks = (n: string) => Math.max(1, Math.ceil((device.profile.files.get(n)?.length ?? 0) / 1024)) * 8;
  const info = (full: string) => {
    const name = exact ? full : full.slice(dir.length);
    if (!detail) return ['<file-information>', el('file-name', name), '</file-information>'];
    return [
      '<file-information>',
      el('file-name', name),
      '<file-permissions junos:format="-rw-r--r--">644</file-permissions>',
      el('file-links', 1),
      el('file-owner', 'root'),
      el('file-group', 'wheel'),
      el('file-size', Buffer.byteLength(device.profile.files.get(full) ?? '', 'utf8')),
      `<file-date junos:format="${lsDate(date)}">${Math.floor(date / 1000)}</file-date>`,
      '</file-information>',
    ];
  };
  return [
    `<directory-list root-path="${escapeAttr(root)}" junos:seconds="${Math.floor(device.now() / 1000)}" junos:style="${detail ? 'verbose' : 'brief'}">`,
    `<directory name="${escapeAttr(root)}">`,
    el('directory-name', root),
    el('total-file-blocks', paths.reduce((s, n) => s + blocks(n), 0)),
    ...paths.flatMap(info),
    el('total-files', paths.length),
    '</directory>',
    '</directory-list>',
  ].join('\n');
};

/** `file list` as the cli prints it: the directory, then names (brief) or ls -l lines (detail). */
function text(reply: XmlElement): string {
  const list = elements(reply)[0];
  const out: string[] = [];
  for (const d of list ? elements(list).filter((e) => e.name === 'directory') : []) {
    out.push(`${t(d, 'directory-name')}:`);
    const files = elements(d).filter((e) => e.name === 'file-information');
    if (list.attrs['junos:style'] === 'verbose') {
      out.push(`total blocks: ${t(d, 'total-file-blocks')}`);
      for (const f of files) {
        const perm = child(f, 'file-permissions')?.attrs['junos:format'] ?? '';
        const date = child(f, 'file-date')?.attrs['junos:format'] ?? '';
        out.push(`${perm}  ${t(f, 'file-links')} ${pad(t(f, 'file-owner'), 6)} ${pad(t(f, 'file-group'), 6)}${t(f, 'file-size').padStart(10)} ${date} ${t(f, 'file-name')}`);
      }
      out.push(`total files: ${t(d, 'total-files')}`);
    } else for (const f of files) out.push(`${t(f, 'file-name')}${child(f, 'file-directory') ? '/' : ''}`);
  }
  return out.join('\n');
}

export const fileList: RpcModule = {
  name: 'file-list',
  handler,
  cli: [{ words: 'file list', args: [{ flag: 'detail' }, { positional: 'path' }] }],
  text,
};
