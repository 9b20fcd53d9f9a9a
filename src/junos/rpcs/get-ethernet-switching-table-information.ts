/**
 * get-ethernet-switching-table-information (`show ethernet-switching table [summary]`):
 * the profile's template (switches, SRX345). Elsewhere the family's RPC is "not emulated"
 * (operation-not-supported): a router refuses it, which is how PyEZ tells an MX's
 * BRIDGE_DOMAIN switch style from a switch's VLAN_L2NG.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import type { RpcModule } from './types.js';

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const summary = elements(info).find((e) => e.name === 'l2ng-l2ald-ethernet-switching-table-summary');
  const entries = elements(info).filter((e) => e.name === 'l2ng-l2ald-mac-entry-vlan').flatMap((v) => elements(v).filter((e) => e.name === 'l2ng-mac-entry'));
  const total = summary ? t(summary, 'l2ng-l2-total-mac-count') : String(entries.length);
  const lines = [
    '',
    'MAC flags (S - static MAC, D - dynamic MAC, L - locally learned, P - Persistent static',
    '           SE - statistics enabled, NM - non configured MAC, R - remote PE MAC, O - ovsdb MAC)',
    '',
    '',
    `Ethernet switching table : ${total || 0} entries, ${total || 0} learned`,
    'Routing instance : default-switch',
    '   Vlan                MAC                 MAC         Age    Logical                NH        RTR ',
    '   name                address             flags              interface              Index     ID',
  ];
  for (const e of entries) {
    lines.push(`   ${t(e, 'l2ng-l2-mac-vlan-name').padEnd(20)}${t(e, 'l2ng-l2-mac-address').padEnd(20)}${t(e, 'l2ng-l2-mac-flags').padEnd(12)}${(t(e, 'l2ng-l2-mac-age') || '-').padEnd(7)}${t(e, 'l2ng-l2-mac-logical-interface').padEnd(23)}${(t(e, 'l2ng-l2-mac-fwd-next-hop') || '0').padEnd(10)}${t(e, 'l2ng-l2-mac-rtr-id') || '0'}`);
  }
  return lines.join('\n');
}

export const getEthernetSwitchingTableInformation: RpcModule = {
  name: 'get-ethernet-switching-table-information',
  cli: [{ words: 'show ethernet-switching table' }, { words: 'show ethernet-switching table summary', params: ['summary'] }],
  text,
};
