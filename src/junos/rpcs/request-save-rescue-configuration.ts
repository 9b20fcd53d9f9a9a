/**
 * request-save-rescue-configuration (`request system configuration rescue save`): the
 * active configuration becomes the rescue configuration (kept in the state directory,
 * mode 0600). The cli prints nothing.
 */
import { feature } from './commit-history.js';
import type { RpcModule } from './types.js';

export const requestSaveRescueConfiguration: RpcModule = {
  name: 'request-save-rescue-configuration',
  handler: async ({ config }) => {
    await feature(config, 'saveRescue', 'request-save-rescue-configuration')();
    return '<ok/>';
  },
  cli: [{ words: 'request system configuration rescue save' }],
  text: () => '',
};
