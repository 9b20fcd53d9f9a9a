/**
 * get-arp-table-information (`show arp [no-resolve] [interface X] [hostname H]`): one
 * entry per neighbour of the operational model on a configured IPv4 subnet (its address,
 * MAC and logical interface), as Junos lists its ARP cache.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { el, hasFlag, modelOf, param } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, op }) => {
  const { m } = modelOf(device);
  const iface = param(op, 'interface');
  const host = param(op, 'hostname');
  const resolve = !hasFlag(op, 'no-resolve');
  const entries = m
    .neighbours()
    .filter((n) => !n.address.includes(':'))
    .filter((n) => !iface || n.interface === iface || n.interface.split('.')[0] === iface)
    .filter((n) => !host || n.address === host);
  const out = [`<arp-table-information junos:style="${resolve ? 'normal' : 'no-resolve'}">`];
  for (const n of entries) {
    out.push('<arp-table-entry>', el('mac-address', n.mac), el('ip-address', n.address));
    if (resolve) out.push(el('hostname', n.address));
    out.push(el('interface-name', n.interface), '<arp-table-entry-flags>', '<none/>', '</arp-table-entry-flags>', '</arp-table-entry>');
  }
  out.push(`<arp-entry-count>${entries.length}</arp-entry-count>`, '</arp-table-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const resolve = info.attrs['junos:style'] !== 'no-resolve';
  const rows = elements(info).filter((e) => e.name === 'arp-table-entry');
  const flags = (e: XmlElement) => elements(elements(e).find((c) => c.name === 'arp-table-entry-flags') ?? e).map((f) => f.name).join(' ') || 'none';
  const lines = [resolve ? 'MAC Address       Address         Name                      Interface               Flags' : 'MAC Address       Address         Interface                Flags'];
  for (const e of rows) {
    lines.push(
      resolve
        ? `${pad(t(e, 'mac-address'), 18)}${pad(t(e, 'ip-address'), 16)}${pad(t(e, 'hostname'), 26)}${pad(t(e, 'interface-name'), 24)}${flags(e)}`
        : `${pad(t(e, 'mac-address'), 18)}${pad(t(e, 'ip-address'), 16)}${pad(t(e, 'interface-name'), 25)}${flags(e)}`,
    );
  }
  lines.push(`Total entries: ${rows.length}`);
  return lines.join('\n');
}

export const getArpTableInformation: RpcModule = {
  name: 'get-arp-table-information',
  handler,
  cli: [{ words: 'show arp', args: [{ flag: 'no-resolve' }, { keyword: 'interface' }, { keyword: 'hostname' }] }],
  text,
};
