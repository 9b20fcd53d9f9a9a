/** get-sha1-checksum-information (`file checksum sha1 PATH`): see ./get-checksum-information.ts. */
import { checksumReply, checksumText } from './get-checksum-information.js';
import type { RpcModule } from './types.js';

export const getSha1ChecksumInformation: RpcModule = {
  name: 'get-sha1-checksum-information',
  handler: (ctx) => checksumReply(ctx, 'sha1'),
  cli: [{ words: 'file checksum sha1', args: [{ positional: 'path', required: true }] }],
  text: checksumText,
};
