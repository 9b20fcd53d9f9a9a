/**
 * `format="text|ascii|json|xml"` on any operational RPC, as Junos honours it: the reply
 * of the RPC (built-in handler or profile template) rendered by the same text and JSON
 * renderers `<command>` and the emulated cli use, so every format states the same facts.
 * Text comes back as `<output>` (what PyEZ reads for `{'format': 'text'}`), JSON as the
 * reply's text.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { escapeText } from '../../netconf/xml.js';
import { convertsFormat, dispatchRpc, renderJson, renderText } from './registry.js';
import type { RpcContext, RpcReply } from './types.js';
import { recordedReply } from './recorded.js';
import { renderTemplate } from './template.js';

export async function dispatchInFormat(ctx: RpcContext): Promise<RpcReply | string> {
  // A reply recorded from a real device (the profile's recordings/) comes first.
  const recorded = recordedReply(ctx.device.profile.dir, ctx.op);
  if (recorded !== undefined) return recorded;
  const format = ctx.op.attrs.format?.toLowerCase();
  if (format === undefined || format === 'xml' || !convertsFormat(ctx, ctx.op.name)) return dispatchRpc(ctx);
  if (!['text', 'ascii', 'json'].includes(format)) {
    throw new RpcError({ type: 'protocol', tag: 'invalid-value', message: `invalid format: ${format}`, badElement: 'format' });
  }
  const reply = await dispatchRpc(ctx);
  const body = typeof reply === 'string' ? reply : reply.body;
  const own = () => {
    const tpl = ctx.device.profile.textTemplates.get(ctx.op.name);
    return tpl === undefined ? undefined : renderTemplate(tpl, ctx.device, {}, true);
  };
  const out = format === 'json' ? escapeText(renderJson(ctx.op.name, body)) : `<output>\n${escapeText(renderText(ctx.op.name, body, own).replace(/\n*$/, '\n'))}</output>`;
  return typeof reply === 'string' ? out : { ...reply, body: out };
}
