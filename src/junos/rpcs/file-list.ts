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
import { devicePath, FileError, filesOf } from '../files/index.js';

/** `Feb 17 15:30`, as ls prints a recent date (device clock UTC). */
function lsDate(ms: number): string {
  const d = new Date(ms);
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${mon} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

const handler: RpcHandler = async ({ device, op, user }) => {
  const pEl = child(op, 'path');
  const detail = child(op, 'detail') !== undefined;
  const home = `/var/home/${user}`;
  const files = filesOf(device);
  let p: string;
  try {
    p = devicePath(pEl ? textOf(pEl).trim() || '.' : '.', home);
  } catch (err) {
    throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: (err as Error).message });
  }
  // A user's home exists once they look at it.
  if (p === home && !(await files.stat(p).catch(() => undefined))) await files.mkdir(p).catch(() => undefined);
  let st;
  let entries;
  try {
    st = await files.stat(p);
    if (!st) throw new FileError(`${p}: No such file or directory`, 'ENOENT');
    entries = await files.list(p);
  } catch (err) {
    if (err instanceof FileError) throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: err.message });
    throw err;
  }
  const exact = st.type === 'file';
  const root = exact ? p : `${p === '/' ? '' : p}/`;
  const blocks = (size: number) => Math.max(1, Math.ceil(size / 1024)) * 8;
  const info = (e: (typeof entries)[number]) => {
    const name = exact ? e.path : e.name;
    const date = Math.min(e.mtime, device.now());
    if (!detail) return ['<file-information>', el('file-name', name), ...(e.type === 'dir' ? ['<file-directory/>'] : []), '</file-information>'];
    const perm = e.type === 'dir' ? 'drwxr-xr-x' : '-rw-r--r--';
    return [
      '<file-information>',
      el('file-name', name),
      `<file-permissions junos:format="${perm}">${e.type === 'dir' ? 755 : 644}</file-permissions>`,
      el('file-links', e.type === 'dir' ? 2 : 1),
      el('file-owner', e.virtual || e.path.startsWith('/var/home/') ? (e.virtual ? 'root' : user) : 'root'),
      el('file-group', 'wheel'),
      el('file-size', e.size),
      `<file-date junos:format="${lsDate(date)}">${Math.floor(date / 1000)}</file-date>`,
      ...(e.type === 'dir' ? ['<file-directory/>'] : []),
      '</file-information>',
    ];
  };
  return [
    `<directory-list root-path="${escapeAttr(root)}" junos:seconds="${Math.floor(device.now() / 1000)}" junos:style="${detail ? 'verbose' : 'brief'}">`,
    `<directory name="${escapeAttr(root)}">`,
    el('directory-name', root),
    el('total-file-blocks', entries.reduce((s, e) => s + blocks(e.size), 0)),
    ...entries.flatMap(info),
    el('total-files', entries.filter((e) => e.type === 'file').length),
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
