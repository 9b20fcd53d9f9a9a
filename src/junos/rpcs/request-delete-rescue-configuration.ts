/** request-delete-rescue-configuration (`request system configuration rescue delete`). The cli prints nothing. */
import { feature } from './commit-history.js';
import type { RpcModule } from './types.js';

export const requestDeleteRescueConfiguration: RpcModule = {
  name: 'request-delete-rescue-configuration',
  handler: async ({ config }) => {
    await feature(config, 'deleteRescue', 'request-delete-rescue-configuration')();
    return '<ok/>';
  },
  cli: [{ words: 'request system configuration rescue delete' }],
  text: () => '',
};
