/** Base NETCONF edit-config: XML `<config>` or Junos `<config-text>`, merge/replace/none. */
import { RpcError } from '../../netconf/rpc-error.js';
import { child, elements, textOf } from '../../netconf/xml.js';
import { badValue, datastoreName, okWith } from './config-args.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = async ({ config, op }) => {
  const target = datastoreName(op, 'target');
  const defEl = child(op, 'default-operation');
  const defOp = (defEl ? textOf(defEl).trim() : '') || 'merge';
  if (defOp !== 'merge' && defOp !== 'replace' && defOp !== 'none') throw badValue(`invalid default-operation: ${defOp}`, 'default-operation');
  const cfg = child(op, 'config');
  const textCfg = child(op, 'config-text');
  if (textCfg) {
    const t = child(textCfg, 'configuration-text');
    const o = { action: defOp === 'replace' ? 'replace' : 'merge', format: 'text', text: t ? textOf(t) : textOf(textCfg) } as const;
    return okWith(await (config.loadAsync ? config.loadAsync(o) : config.load(o)));
  }
  if (!cfg) {
    if (child(op, 'url')) throw new RpcError({ type: 'protocol', tag: 'operation-not-supported', message: 'url is not supported here', badElement: 'url' });
    throw new RpcError({ type: 'protocol', tag: 'missing-element', message: 'syntax error, expecting <config>', badElement: 'config' });
  }
  const conf = child(cfg, 'configuration');
  if (!conf) throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'syntax error, expecting <configuration>', badElement: elements(cfg)[0]?.name ?? 'config' });
  return okWith(config.editConfigAsync ? await config.editConfigAsync(target, conf, defOp) : config.editConfig(target, conf, defOp));
};

export const editConfig: RpcModule = { name: 'edit-config', handler };
