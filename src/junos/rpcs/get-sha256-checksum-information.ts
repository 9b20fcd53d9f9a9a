/** get-sha256-checksum-information (`file checksum sha-256 PATH`): see ./get-checksum-information.ts. */
import { checksumReply, checksumText } from './get-checksum-information.js';
import type { RpcModule } from './types.js';

export const getSha256ChecksumInformation: RpcModule = {
  name: 'get-sha256-checksum-information',
  handler: (ctx) => checksumReply(ctx, 'sha256'),
  cli: [{ words: 'file checksum sha-256', args: [{ positional: 'path', required: true }] }],
  text: checksumText,
};
