import { RpcError } from '../../netconf/rpc-error.js';
import type { RpcHandler, RpcModule } from './types.js';

/** Base NETCONF `<cancel-commit/>`: the pending commit confirmed is undone now. */
const handler: RpcHandler = ({ config }) => {
  if (!config.cancelCommit) throw new RpcError({ type: 'protocol', tag: 'operation-not-supported', message: 'cancel-commit is not supported', badElement: 'cancel-commit' });
  config.cancelCommit();
  return '<ok/>';
};

export const cancelCommit: RpcModule = { name: 'cancel-commit', handler };
