/** Argument checks the configuration RPCs share (attributes, datastores, replies with warnings). */
import type { ConfigFormat } from '../config/api.js';
import { RpcError } from '../../netconf/rpc-error.js';
import { child, elements, type XmlElement } from '../../netconf/xml.js';
import type { RpcReply } from './types.js';

export function badValue(message: string, element: string): RpcError {
  return new RpcError({ type: 'protocol', tag: 'invalid-value', message, badElement: element });
}

export function formatAttr(op: XmlElement, fallback: ConfigFormat): ConfigFormat {
  const f = (op.attrs.format ?? fallback).toLowerCase();
  if (f === 'xml' || f === 'text' || f === 'set' || f === 'json') return f;
  if (f === 'ascii') return 'text';
  throw badValue(`invalid format: ${f}`, 'format');
}

export function intAttr(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim())) throw badValue(`invalid value for ${name}: ${v}`, name);
  return Number(v);
}

/** Wraps rendered configuration as the reply body for its format. */
/** `<source><running/></source>` or `<target><candidate/></target>`. */
export function datastoreName(op: XmlElement, holder: 'source' | 'target'): 'candidate' | 'running' {
  const h = child(op, holder);
  const which = h ? elements(h)[0] : undefined;
  if (!which) throw new RpcError({ type: 'protocol', tag: 'missing-element', message: `syntax error, expecting <${holder}>`, badElement: holder });
  if (which.name === 'candidate' || which.name === 'running') return which.name;
  if (which.name === 'url') throw new RpcError({ type: 'protocol', tag: 'operation-not-supported', message: 'url is not supported here', badElement: 'url' });
  throw badValue(`syntax error, expecting <candidate/> or <running/>`, which.name);
}

export function okWith(warnings: RpcError[]): RpcReply {
  return { body: '<ok/>', warnings };
}

