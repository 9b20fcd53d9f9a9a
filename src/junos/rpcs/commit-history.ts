/**
 * Shared by the commit-history RPCs: the session's optional datastore features, or the
 * error a device without them gives.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import type { ConfigSession } from '../config/api.js';

/** `config[method]`, bound, or an operation-not-supported error naming the RPC. */
export function feature<K extends 'commitInformation' | 'clearPendingCommit' | 'saveRescue' | 'deleteRescue' | 'rescue'>(config: ConfigSession, method: K, rpc: string): NonNullable<ConfigSession[K]> {
  const f = config[method];
  if (!f) throw new RpcError({ type: 'protocol', tag: 'operation-not-supported', message: `${rpc} is not supported`, badElement: rpc });
  return (f as (...a: never[]) => unknown).bind(config) as NonNullable<ConfigSession[K]>;
}
