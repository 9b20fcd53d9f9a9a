/** load-configuration: XML, text, set or JSON, a rollback or the rescue (`rescue="rescue"`); errors inside load-configuration-results. */
import type { LoadAction, LoadOptions } from '../config/api.js';
import { RpcError } from '../../netconf/rpc-error.js';
import { RpcErrorList } from '../config/errors.js';
import { child, textOf } from '../../netconf/xml.js';
import { badValue, intAttr } from './config-args.js';
import type { RpcHandler, RpcModule } from './types.js';

function loadResults(inner: string[]): string {
  return ['<load-configuration-results>', ...inner, '</load-configuration-results>'].join('\n');
}

const handler: RpcHandler = async ({ config, op }) => {
  const rawAction = op.attrs.action ?? 'merge';
  if (!['merge', 'replace', 'override', 'update', 'set'].includes(rawAction)) throw badValue(`invalid action: ${rawAction}`, 'action');
  const action = rawAction as LoadAction;
  if (op.attrs.url !== undefined) {
    throw new RpcError({ type: 'protocol', tag: 'operation-not-supported', message: 'loading from a url is not supported', badElement: 'url' });
  }
  const rollback = intAttr(op.attrs.rollback, 'rollback');
  let warnings: RpcError[];
  try {
    if (op.attrs.rescue !== undefined) {
      if (op.attrs.rescue !== 'rescue') throw badValue(`invalid rescue: ${op.attrs.rescue}`, 'rescue');
      warnings = config.load({ action: 'override', format: 'xml', rescue: true });
    } else if (rollback !== undefined) {
      warnings = config.load({ action: 'override', format: 'xml', rollback });
    } else {
      const xml = child(op, 'configuration');
      const text = child(op, 'configuration-text');
      const set = child(op, 'configuration-set');
      const json = child(op, 'configuration-json');
      const load = (o: LoadOptions): RpcError[] | Promise<RpcError[]> => (config.loadAsync ? config.loadAsync(o) : config.load(o));
      if (xml) warnings = await load({ action, format: 'xml', xml });
      else if (text) warnings = await load({ action, format: 'text', text: textOf(text) });
      else if (set) warnings = await load({ action: 'set', format: 'set', text: textOf(set) });
      else if (json) warnings = await load({ action, format: 'json', text: textOf(json) });
      else {
        throw new RpcError({ type: 'protocol', tag: 'missing-element', message: 'syntax error, expecting <configuration>, <configuration-text>, <configuration-set> or <configuration-json>', badElement: 'load-configuration' });
      }
    }
  } catch (err) {
    if (!(err instanceof RpcError)) throw err;
    const all = err instanceof RpcErrorList ? err.errors : [err];
    return loadResults([err.toXml(), `<load-error-count>${all.filter((e) => !e.isWarning).length}</load-error-count>`]);
  }
  return loadResults([...warnings.map((w) => w.toXml()), '<ok/>']);
};

export const loadConfiguration: RpcModule = { name: 'load-configuration', handler };
