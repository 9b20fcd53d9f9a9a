/** Base NETCONF get-config and get: the configuration as `<data>`, with a subtree filter. */
import { RpcError } from '../../netconf/rpc-error.js';
import { child, elements, type XmlElement } from '../../netconf/xml.js';
import { datastoreName } from './config-args.js';
import type { RpcContext, RpcModule } from './types.js';
import { netconfStateSchemas, wantsNetconfState } from './get-schema.js';

function subtreeFilter(op: XmlElement): XmlElement | undefined {
  const f = child(op, 'filter');
  if (!f) return undefined;
  if (f.attrs.type && f.attrs.type !== 'subtree') {
    throw new RpcError({ type: 'protocol', tag: 'operation-not-supported', message: `filter type ${f.attrs.type} is not supported`, badElement: 'filter' });
  }
  return child(f, 'configuration');
}

function dataReply(ctx: RpcContext, source: 'candidate' | 'running'): string {
  const f = child(ctx.op, 'filter');
  // A filter that selects nothing of the configuration answers empty data.
  if (f && elements(f).length > 0 && !child(f, 'configuration')) return '<data>\n</data>';
  const rendered = ctx.config.getConfiguration({ database: source === 'running' ? 'committed' : 'candidate', format: 'xml', filter: subtreeFilter(ctx.op) });
  return `<data>\n${rendered}\n</data>`;
}

export const getConfig: RpcModule = { name: 'get-config', handler: (ctx) => dataReply(ctx, datastoreName(ctx.op, 'source')) };
export const get: RpcModule = {
  name: 'get',
  handler: (ctx) => {
    // ietf-netconf-monitoring: the schemas the device serves (get-schema.ts).
    const f = child(ctx.op, 'filter');
    if (wantsNetconfState(f)) {
      const conf = f && child(f, 'configuration') ? dataReply(ctx, 'running').replace(/^<data>\n|\n<\/data>$/g, '') : '';
      return `<data>\n${netconfStateSchemas(ctx.device)}${conf ? `\n${conf}` : ''}\n</data>`;
    }
    return dataReply(ctx, 'running');
  },
};
