import { child, textOf } from '../../netconf/xml.js';
import { intAttr, okWith } from './config-args.js';
import type { RpcHandler, RpcModule } from './types.js';

/**
 * Base NETCONF commit: `<ok/>`. Its confirm-timeout is in seconds (RFC 6241), unlike
 * commit-configuration's minutes. `<persist>`/`<persist-id>` are accepted: a pending
 * commit confirmed here outlives its session anyway, and any later commit confirms it.
 */
const handler: RpcHandler = async ({ config, op }) => {
  const timeoutEl = child(op, 'confirm-timeout');
  const seconds = timeoutEl ? intAttr(textOf(timeoutEl), 'confirm-timeout') : undefined;
  const o = { confirmed: child(op, 'confirmed') !== undefined, confirmTimeoutSeconds: seconds };
  const result = config.commitAsync ? await config.commitAsync(o) : config.commit(o);
  const unsaved = await result.saved;
  // Not on disk: not committed (the store took it back); the reply is the error.
  if (unsaved) throw unsaved;
  return okWith(result.warnings);
};

export const commit: RpcModule = { name: 'commit', handler };
