/** get-ethernet-switching-table-information (`show ethernet-switching table [summary]`, EX/QFX): from the profile's templates only. */
import type { RpcModule } from './types.js';

export const getEthernetSwitchingTableInformation: RpcModule = {
  name: 'get-ethernet-switching-table-information',
  cli: [{ words: 'show ethernet-switching table' }, { words: 'show ethernet-switching table summary', params: ['summary'] }],
};
