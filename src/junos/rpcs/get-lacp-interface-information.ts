/**
 * get-lacp-interface-information (`show lacp interfaces [aeN] [extensive]`): each
 * aggregated Ethernet interface with LACP configured (`aggregated-ether-options lacp`)
 * and its member ports (`gigether-options|ether-options 802.3ad aeN`) from the committed
 * configuration; a member whose link is up is collecting and distributing, with a
 * partner mirroring it.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { elements, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import { el, lags, modelOf, param } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const yn = (b: boolean) => (b ? 'Yes' : 'No');

const handler: RpcHandler = ({ device, op, config }) => {
  const { m } = modelOf(device);
  const name = param(op, 'interface-name');
  const all = lags({ config }).filter((l) => l.lacp);
  const chosen = all.filter((l) => !name || l.name === name);
  if (name && chosen.length === 0) {
    throw new RpcError({ type: 'protocol', tag: 'operation-failed', severity: 'error', message: `lacp subsystem not running - not needed by configuration.` });
  }
  const out = ['<lacp-interface-information-list>'];
  for (const lag of chosen) {
    out.push('<lacp-interface-information>', '<lag-lacp-header>', el('aggregate-name', lag.name), '</lag-lacp-header>');
    const states = lag.members.map((p) => ({ p, up: m.interface(p)?.oper === 'up' }));
    for (const { p, up } of states) {
      for (const role of ['Actor', 'Partner']) {
        out.push(
          '<lag-lacp-state>',
          el('name', p),
          el('lacp-role', role),
          el('lacp-expired', 'No'),
          el('lacp-defaulted', yn(!up)),
          el('lacp-distributing', yn(up)),
          el('lacp-collecting', yn(up)),
          el('lacp-synchronization', yn(up)),
          el('lacp-aggregation', 'Yes'),
          el('lacp-timeout', lag.periodic === 'fast' ? 'Fast' : 'Slow'),
          el('lacp-activity', role === 'Actor' && lag.lacp === 'passive' ? 'Passive' : 'Active'),
          '</lag-lacp-state>',
        );
      }
    }
    for (const { p, up } of states) {
      out.push('<lag-lacp-protocol>', el('name', p), el('lacp-receive-state', up ? 'Current' : 'Port disabled'), el('lacp-transmit-state', up ? (lag.periodic === 'fast' ? 'Fast periodic' : 'Slow periodic') : 'No periodic'), el('lacp-mux-state', up ? 'Collecting distributing' : 'Detached'), '</lag-lacp-protocol>');
    }
    out.push('</lacp-interface-information>');
  }
  out.push('</lacp-interface-information-list>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const list = elements(reply)[0];
  const lines: string[] = [];
  for (const info of elements(list)) {
    const kids = (n: string) => elements(info).filter((e) => e.name === n);
    const header = kids('lag-lacp-header')[0];
    lines.push(`Aggregated interface: ${t(header, 'aggregate-name')}`, '    LACP state:       Role   Exp   Def  Dist  Col  Syn  Aggr  Timeout  Activity');
    for (const s of kids('lag-lacp-state')) {
      lines.push(`      ${t(s, 'name').padEnd(12)}${t(s, 'lacp-role').padStart(8)}${['lacp-expired', 'lacp-defaulted', 'lacp-distributing', 'lacp-collecting', 'lacp-synchronization', 'lacp-aggregation'].map((k, i) => t(s, k).padStart(i === 0 ? 6 : i === 5 ? 6 : 5)).join('')}${t(s, 'lacp-timeout').padStart(9)}${t(s, 'lacp-activity').padStart(10)}`);
    }
    lines.push('    LACP protocol:        Receive State  Transmit State          Mux State');
    for (const p of kids('lag-lacp-protocol')) lines.push(`      ${t(p, 'name').padEnd(12)}${t(p, 'lacp-receive-state').padStart(21)}${t(p, 'lacp-transmit-state').padStart(16)}  ${t(p, 'lacp-mux-state')}`);
    lines.push('');
  }
  return lines.join('\n');
}

export const getLacpInterfaceInformation: RpcModule = {
  name: 'get-lacp-interface-information',
  handler,
  cli: [{ words: 'show lacp interfaces', args: [{ flag: 'extensive' }, { positional: 'interface-name', match: /^ae\d+$/ }] }],
  text,
};
