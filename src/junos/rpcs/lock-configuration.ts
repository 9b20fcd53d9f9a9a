/** Junos lock-configuration and unlock-configuration of the candidate (`configure exclusive`); empty replies. */
import type { RpcModule } from './types.js';

export const lockConfiguration: RpcModule = {
  name: 'lock-configuration',
  handler: ({ config }) => {
    config.lock('candidate');
    return '';
  },
};

export const unlockConfiguration: RpcModule = {
  name: 'unlock-configuration',
  handler: ({ config }) => {
    config.unlock('candidate');
    return '';
  },
};
