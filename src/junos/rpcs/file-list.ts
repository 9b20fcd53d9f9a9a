/** file-list (`file list [PATH]`): the profile's files in a directory, the user's home by default. */
import { RpcError } from '../../netconf/rpc-error.js';
import { child, escapeAttr, escapeText, textOf } from '../../netconf/xml.js';
import type { RpcHandler, RpcModule } from './types.js';

const el = (name: string, value: string | number) => `<${name}>${escapeText(String(value))}</${name}>`;

const handler: RpcHandler = ({ device, op, user }) => {
  const pEl = child(op, 'path');
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
  const names = exact ? [p] : inDir.map((k) => k.slice(dir.length));
  const root = exact ? p : dir;
  return [
    `<directory-list root-path="${escapeAttr(root)}" junos:seconds="${Math.floor(device.now() / 1000)}" junos:style="brief">`,
    `<directory name="${escapeAttr(root)}">`,
    el('directory-name', root),
    el('total-file-blocks', names.length * 8),
    ...names.flatMap((n) => ['<file-information>', el('file-name', n), '</file-information>']),
    el('total-files', names.length),
    '</directory>',
    '</directory-list>',
  ].join('\n');
};


export const fileList: RpcModule = {
  name: 'file-list',
  handler,
  cli: [{ words: 'file list', args: [{ positional: 'path' }] }],
};
