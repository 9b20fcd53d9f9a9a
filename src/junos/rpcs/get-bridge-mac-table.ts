/**
 * get-bridge-mac-table (`show bridge mac-table [count]`, MX): from the profile's templates
 * only (rpc/get-bridge-mac-table.xml, rpc/get-bridge-mac-table.count.xml); text as MX prints it.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import type { RpcModule } from './types.js';

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  if (!info) return '';
  const entries = elements(info).flatMap((v) => elements(v).filter((e) => e.name === 'l2ald-mac-entry' || e.name === 'mac-entry'));
  if (info.name.includes('count') || elements(info).some((e) => e.name.includes('mac-count'))) {
    const groups = elements(info).filter((e) => elements(e).some((x) => x.name.includes('mac-count')));
    return groups.map((g) => `${t(g, elements(g).find((x) => x.name.includes('mac-count'))!.name) || 0} MAC address learned in routing instance ${t(g, 'l2-bridge-instance-name') || 'default-switch'} bridge domain ${t(g, 'l2-bridge-domain-name') || ''}`.trimEnd()).join('\n') || '0 MAC address learned in routing instance default-switch';
  }
  const lines = [
    '',
    'MAC flags       (S -static MAC, D -dynamic MAC, L -locally learned',
    '                 SE -Statistics enabled, NM -Non configured MAC, R -Remote PE MAC, P -Pinned MAC)',
    '',
  ];
  if (entries.length) {
    lines.push('Routing instance : default-switch', '   MAC                 MAC      Logical          NH     MAC         active', '   address             flags    interface        Index  property    source');
    for (const e of entries) lines.push(`   ${t(e, 'l2ald-mac-address').padEnd(20)}${t(e, 'l2ald-mac-flags').padEnd(9)}${t(e, 'l2ald-mac-logical-interface').padEnd(17)}`.trimEnd());
  }
  return lines.join('\n');
}

export const getBridgeMacTable: RpcModule = {
  name: 'get-bridge-mac-table',
  cli: [{ words: 'show bridge mac-table' }, { words: 'show bridge mac-table count', params: ['count'] }],
  text,
};
