/** kill-session: ends another NETCONF session of the same device. */
import { RpcError } from '../../netconf/rpc-error.js';
import { child, textOf } from '../../netconf/xml.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, op, sessionId }) => {
  const idEl = child(op, 'session-id');
  const raw = idEl ? textOf(idEl).trim() : '';
  if (!/^\d+$/.test(raw)) {
    throw new RpcError({ type: 'protocol', tag: 'missing-element', message: 'syntax error, expecting <session-id>', badElement: 'session-id' });
  }
  const id = Number(raw);
  if (id === sessionId) {
    throw new RpcError({ type: 'application', tag: 'invalid-value', message: 'Cannot kill own session', badElement: 'session-id' });
  }
  if (!device.killSession(id)) {
    throw new RpcError({ type: 'application', tag: 'invalid-value', message: `session-id ${id} not found`, badElement: 'session-id' });
  }
  return '<ok/>';
};

export const killSession: RpcModule = { name: 'kill-session', handler };
