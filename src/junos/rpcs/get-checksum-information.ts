/**
 * get-checksum-information (`file checksum md5 PATH`; `<md5/>`, `<sha1/>` or `<sha-256/>`
 * pick the method, MD5 by default) over the profile's files (files/ of the profile). A
 * relative path is under the user's home. The SHA-256 and SHA-1 RPCs of their own
 * (get-sha256-checksum-information, get-sha1-checksum-information) answer through
 * `checksumReply` too.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { child, elements, textOf } from '../../netconf/xml.js';
import { t } from './formats.js';
import { el, junosNs } from './reply-parts.js';
import type { RpcContext, RpcModule, RpcModule as M } from './types.js';
import { devicePath, FileError, filesOf } from '../files/index.js';

export type ChecksumMethod = 'md5' | 'sha1' | 'sha256';
const LABEL: Record<ChecksumMethod, string> = { md5: 'MD5', sha1: 'SHA1', sha256: 'SHA256' };

export async function checksumReply({ device, op, user }: RpcContext, method: ChecksumMethod): Promise<string> {
  const pEl = child(op, 'path');
  const given = pEl ? textOf(pEl).trim() : '';
  if (!given) throw new RpcError({ type: 'protocol', tag: 'missing-element', message: 'syntax error, expecting <path>', badElement: 'path' });
  const p = given.startsWith('/') ? given : `/var/home/${user}/${given.replace(/^~\/?/, '')}`;
  let sum: string;
  try {
    // The device's file system: stored files (an uploaded image), the profile's, the syslog.
    sum = await filesOf(device).checksum(devicePath(p), method);
  } catch (err) {
    if (err instanceof FileError) throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: err.code === 'ENOENT' ? `${given}: No such file or directory` : err.message });
    throw err;
  }
  return [
    `<checksum-information xmlns="${junosNs(device, 'junos')}">`,
    '<file-checksum>',
    el('computation-method', LABEL[method]),
    el('input-file', given),
    el('checksum', sum),
    '</file-checksum>',
    '</checksum-information>',
  ].join('\n');
}

/** `MD5 (/var/tmp/x) = 96a3...`, as the cli prints it. */
export const checksumText: M['text'] = (reply) => {
  const info = elements(reply)[0];
  return (info ? elements(info).filter((e) => e.name === 'file-checksum') : []).map((f) => `${t(f, 'computation-method')} (${t(f, 'input-file')}) = ${t(f, 'checksum')}`).join('\n');
};

export const getChecksumInformation: RpcModule = {
  name: 'get-checksum-information',
  handler: (ctx) => checksumReply(ctx, child(ctx.op, 'sha-256') ? 'sha256' : child(ctx.op, 'sha1') ? 'sha1' : 'md5'),
  cli: [{ words: 'file checksum md5', args: [{ positional: 'path', required: true }] }],
  text: checksumText,
};
