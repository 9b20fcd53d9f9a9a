/**
 * file-copy, file-delete, file-rename (`file copy SRC DST`, `file delete PATH`, `file rename
 * SRC DST`) on the device's file system (../files/): a copy shares the stored bytes, a
 * delete frees them, a rename moves. Writes go to /var/tmp and /var/home only. Relative
 * paths are under the user's home, as the cli's working directory.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { child, textOf, type XmlElement } from '../../netconf/xml.js';
import { devicePath, FileError, filesOf } from '../files/index.js';
import type { RpcContext, RpcModule } from './types.js';

export function fileParam(op: XmlElement, name: string): string {
  const e = child(op, name);
  const v = e ? textOf(e).trim() : '';
  if (!v) throw new RpcError({ type: 'protocol', tag: 'missing-element', message: `syntax error, expecting <${name}>`, badElement: name });
  return v;
}

/** Runs a file operation; a refusal is the rpc-error Junos gives (`error: ...`). */
export async function fileOp<T>(ctx: RpcContext, what: string, run: (home: string) => Promise<T>): Promise<T> {
  try {
    return await run(`/var/home/${ctx.user}`);
  } catch (err) {
    if (err instanceof FileError) throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: `${what}: ${err.message}` });
    throw err;
  }
}

const isUrl = (p: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(p) || /^[^/]+@[^/]+:/.test(p);

export const fileCopy: RpcModule = {
  name: 'file-copy',
  handler: async (ctx) => {
    const src = fileParam(ctx.op, 'source');
    const dst = fileParam(ctx.op, 'destination');
    if (isUrl(src) || isUrl(dst)) throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'error: file copy to or from another host is not supported by this device; copy with scp or sftp over its SSH face' });
    await fileOp(ctx, 'error: file-copy failed', (home) => filesOf(ctx.device).copy(devicePath(src, home), devicePath(dst, home)));
    return '';
  },
  // Junos prints nothing when the operation succeeds.
  text: () => '',
  cli: [{ words: 'file copy', args: [{ positional: 'source', required: true }, { positional: 'destination', required: true }] }],
};

export const fileDelete: RpcModule = {
  name: 'file-delete',
  handler: async (ctx) => {
    const p = fileParam(ctx.op, 'path');
    await fileOp(ctx, 'error: file-delete failed', (home) => filesOf(ctx.device).remove(devicePath(p, home)));
    return '';
  },
  // Junos prints nothing when the operation succeeds.
  text: () => '',
  cli: [{ words: 'file delete', args: [{ flag: 'purge' }, { positional: 'path', required: true }] }],
};

export const fileRename: RpcModule = {
  name: 'file-rename',
  handler: async (ctx) => {
    const src = fileParam(ctx.op, 'source');
    const dst = fileParam(ctx.op, 'destination');
    await fileOp(ctx, 'error: file-rename failed', (home) => filesOf(ctx.device).rename(devicePath(src, home), devicePath(dst, home)));
    return '';
  },
  // Junos prints nothing when the operation succeeds.
  text: () => '',
  cli: [{ words: 'file rename', args: [{ positional: 'source', required: true }, { positional: 'destination', required: true }] }],
};
