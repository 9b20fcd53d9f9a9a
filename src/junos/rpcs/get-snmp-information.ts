/**
 * get-snmp-information (`show snmp statistics`): the SNMP agent's counters. The emulator
 * has no SNMP agent, so every counter is zero; the shape is what monitoring reads.
 */
import { elements, textOf, type XmlElement } from '../../netconf/xml.js';
import { junosNs } from './reply-parts.js';
import type { RpcModule } from './types.js';

const INPUT = ['packets', 'bad-versions', 'bad-community-names', 'bad-community-uses', 'asn-parse-errors', 'too-bigs', 'no-such-names', 'bad-values', 'read-onlys', 'general-errors', 'total-request-varbinds', 'total-set-varbinds', 'get-requests', 'get-nexts', 'set-requests', 'get-responses', 'traps', 'silent-drops', 'proxy-drops', 'commit-pending-drops', 'throttle-drops', 'duplicate-request-drops'];
const V3 = ['unknown-secmodels', 'invalid-msgs', 'unknown-pduhandlers', 'unavail-contexts', 'unknown-contexts', 'unsupported-seclevels', 'not-in-timewindows', 'unknown-usernames', 'unknown-eids', 'wrong-digests', 'decrypt-errors'];
const OUTPUT = ['packets', 'too-bigs', 'no-such-names', 'bad-values', 'general-errors', 'get-requests', 'get-nexts', 'set-requests', 'get-responses', 'traps'];

const block = (tag: string, names: string[]) => [`<${tag}>`, ...names.map((n) => `<${n}>0</${n}>`), `</${tag}>`];

/** `bad-community-names` -> `Bad community names`. */
const label = (n: string) => (n.charAt(0).toUpperCase() + n.slice(1)).replace(/-/g, ' ').replace(/^Asn/, 'ASN').replace(/\bvarbinds\b/, 'varbinds');

function section(title: string, el: XmlElement | undefined): string[] {
  if (!el) return [];
  const pairs = elements(el).map((c) => `${label(c.name)}: ${textOf(c).trim()}`);
  const lines = [`  ${title}:`];
  for (let i = 0; i < pairs.length; i += 3) lines.push(`    ${pairs.slice(i, i + 3).join(', ')}${i + 3 < pairs.length ? ',' : ''}`);
  return lines;
}

export const getSnmpInformation: RpcModule = {
  name: 'get-snmp-information',
  handler: ({ device }) =>
    [`<snmp-statistics xmlns="${junosNs(device, 'junos-snmp')}">`, ...block('snmp-input-statistics', INPUT), ...block('snmp-v3-input-statistics', V3), ...block('snmp-output-statistics', OUTPUT), '</snmp-statistics>'].join('\n'),
  cli: [{ words: 'show snmp statistics' }],
  text: (reply) => {
    const s = elements(reply)[0];
    const part = (n: string) => (s ? elements(s).find((e) => e.name === n) : undefined);
    return ['SNMP statistics:', ...section('Input', part('snmp-input-statistics')), ...section('V3 Input', part('snmp-v3-input-statistics')), ...section('Output', part('snmp-output-statistics'))].join('\n');
  },
};
