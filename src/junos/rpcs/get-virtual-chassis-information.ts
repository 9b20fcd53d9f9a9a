/** get-virtual-chassis-information (`show virtual-chassis`): from the profile's template only. */
import type { RpcModule } from './types.js';

export const getVirtualChassisInformation: RpcModule = {
  name: 'get-virtual-chassis-information',
  cli: [{ words: 'show virtual-chassis' }],
};
