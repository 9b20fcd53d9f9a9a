/**
 * get-schema (RFC 6022): the YANG text of one of the device family's 21.4R1 modules
 * (src/schema/modules.ts), as Junos serves its own; and the `netconf-state/schemas` list
 * that base `<get>` answers with a netconf-state filter. Format yang only; an unknown
 * module or revision is `invalid-value`, as the RFC says.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { child, elements, escapeText, textOf, type XmlElement } from '../../netconf/xml.js';
import { yangModuleText, yangModules } from '../../schema/modules.js';
import type { DeviceView, RpcHandler, RpcModule } from './types.js';

export const MONITORING_NS = 'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring';

const bad = (message: string, element: string) => new RpcError({ type: 'application', tag: 'invalid-value', message, badElement: element });

const handler: RpcHandler = ({ device, op }) => {
  const v = (n: string) => {
    const c = child(op, n);
    return c ? textOf(c).trim() : undefined;
  };
  const id = v('identifier');
  if (!id) throw new RpcError({ type: 'protocol', tag: 'missing-element', message: 'missing identifier', badElement: 'identifier' });
  const format = v('format');
  if (format && !/^(\w+:)?yang$/.test(format)) throw bad(`format ${format} is not supported: yang only`, 'format');
  const version = v('version') || undefined;
  const text = yangModuleText(device.profile.family, id, version);
  if (text === undefined) throw bad(`no such schema: ${id}${version ? `@${version}` : ''}`, 'identifier');
  return `<data xmlns="${MONITORING_NS}">${escapeText(text)}</data>`;
};

export const getSchema: RpcModule = { name: 'get-schema', handler };

/** The `<netconf-state>` element for `<get>`: the schemas this device serves. */
export function netconfStateSchemas(device: DeviceView): string {
  const out = [`<netconf-state xmlns="${MONITORING_NS}">`, '<schemas>'];
  for (const m of yangModules(device.profile.family)) {
    out.push('<schema>', `<identifier>${escapeText(m.name)}</identifier>`, `<version>${escapeText(m.revision)}</version>`, '<format>yang</format>', `<namespace>${escapeText(m.namespace)}</namespace>`, '<location>NETCONF</location>', '</schema>');
  }
  out.push('</schemas>', '</netconf-state>');
  return out.join('\n');
}

/** Whether a `<get>` filter asks for netconf-state (any part of it). */
export function wantsNetconfState(filter: XmlElement | undefined): boolean {
  return !!filter && elements(filter).some((e) => e.name === 'netconf-state');
}
