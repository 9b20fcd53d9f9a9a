/** Base NETCONF discard-changes: the candidate goes back to the active configuration. */
import type { RpcModule } from './types.js';

export const discardChanges: RpcModule = {
  name: 'discard-changes',
  handler: ({ config }) => {
    config.discardChanges();
    return '<ok/>';
  },
};
