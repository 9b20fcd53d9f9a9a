/** Junos open-configuration (private, exclusive or shared; `configure private`) and close-configuration. */
import { RpcError } from '../../netconf/rpc-error.js';
import { child } from '../../netconf/xml.js';
import type { RpcModule } from './types.js';

export const openConfiguration: RpcModule = {
  name: 'open-configuration',
  handler: ({ config, op }) => {
    const mode = child(op, 'private') ? 'private' : child(op, 'exclusive') ? 'exclusive' : child(op, 'shared') ? 'shared' : undefined;
    if (!mode) throw new RpcError({ type: 'protocol', tag: 'missing-element', message: 'syntax error, expecting <private/>, <exclusive/> or <shared/>', badElement: 'open-configuration' });
    return { body: '', warnings: config.openConfiguration(mode) };
  },
};

export const closeConfiguration: RpcModule = {
  name: 'close-configuration',
  handler: ({ config }) => {
    config.closeConfiguration();
    return '';
  },
};
