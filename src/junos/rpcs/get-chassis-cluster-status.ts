import { RpcError } from '../../netconf/rpc-error.js';
import type { RpcHandler, RpcModule } from './types.js';
import { elements } from '../../netconf/xml.js';
import { t } from './formats.js';

/**
 * A standalone SRX answers from its cluster daemon with an `xnm:error` inside a normal
 * reply (not an rpc-error): PyEZ reads that as srx_cluster False. Other platforms have
 * no such RPC.
 */
const handler: RpcHandler = ({ device }) => {
  if (device.profile.cluster === 'srx-not-enabled') {
    const xnm = 'http://xml.juniper.net/xnm/1.1/xnm';
    return [
      `<xnm:error xmlns="${xnm}" xmlns:xnm="${xnm}">`,
      '<parse/>',
      '<source-daemon>jsrpd</source-daemon>',
      '<message>error: Chassis cluster is not enabled</message>',
      '</xnm:error>',
    ].join('\n');
  }
  throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'syntax error', badElement: 'get-chassis-cluster-status' });
};

export const getChassisClusterStatus: RpcModule = {
  name: 'get-chassis-cluster-status',
  handler,
  cli: [{ words: 'show chassis cluster status' }],
  // The standalone SRX's answer is its daemon's error, which the cli prints as the message.
  text: (reply) => elements(reply).map((e) => t(e, 'message')).join('\n'),
};
