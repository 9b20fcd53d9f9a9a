/**
 * get-bridge-mac-table (`show bridge mac-table [count]`, MX): from the profile's templates
 * only (rpc/get-bridge-mac-table.xml, rpc/get-bridge-mac-table.count.xml).
 */
import type { RpcModule } from './types.js';

export const getBridgeMacTable: RpcModule = {
  name: 'get-bridge-mac-table',
  cli: [{ words: 'show bridge mac-table' }, { words: 'show bridge mac-table count', params: ['count'] }],
};
