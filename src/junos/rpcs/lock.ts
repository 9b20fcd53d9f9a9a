/** Base NETCONF lock and unlock of a datastore (the inverse pair shares everything). */
import { datastoreName } from './config-args.js';
import type { RpcModule } from './types.js';

export const lock: RpcModule = {
  name: 'lock',
  handler: ({ config, op }) => {
    config.lock(datastoreName(op, 'target'));
    return '<ok/>';
  },
};

export const unlock: RpcModule = {
  name: 'unlock',
  handler: ({ config, op }) => {
    config.unlock(datastoreName(op, 'target'));
    return '<ok/>';
  },
};
