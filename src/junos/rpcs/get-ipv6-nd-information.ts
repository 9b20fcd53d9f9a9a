/**
 * get-ipv6-nd-information (`show ipv6 neighbors [interface X] [host H]`): one entry per
 * neighbour of the operational model on a configured IPv6 subnet.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { countdown, el, modelOf, param } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, op }) => {
  const { m } = modelOf(device);
  const iface = param(op, 'interface');
  const host = param(op, 'host');
  const entries = m
    .neighbours()
    .filter((n) => n.address.includes(':'))
    .filter((n) => !iface || n.interface === iface || n.interface.split('.')[0] === iface)
    .filter((n) => !host || n.address === host);
  const out = ['<ipv6-nd-information>'];
  for (const n of entries) {
    out.push(
      '<ipv6-nd-entry>',
      el('ipv6-nd-neighbor-address', n.address),
      el('ipv6-nd-neighbor-l2-address', n.mac),
      el('ipv6-nd-state', 'reachable'),
      el('ipv6-nd-expire', countdown(device, 30, 1, n.address)),
      el('ipv6-nd-isrouter', 'yes'),
      el('ipv6-nd-issecure', 'no'),
      el('ipv6-nd-interface-name', n.interface),
      '</ipv6-nd-entry>',
    );
  }
  out.push(el('ipv6-nd-total', entries.length), '</ipv6-nd-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines = ['IPv6 Address                            Linklayer Address  State       Exp   Rtr  Secure  Interface'];
  for (const e of elements(info).filter((c) => c.name === 'ipv6-nd-entry')) {
    lines.push(`${pad(t(e, 'ipv6-nd-neighbor-address'), 40)}${pad(t(e, 'ipv6-nd-neighbor-l2-address'), 19)}${pad(t(e, 'ipv6-nd-state'), 12)}${pad(t(e, 'ipv6-nd-expire'), 6)}${pad(t(e, 'ipv6-nd-isrouter'), 5)}${pad(t(e, 'ipv6-nd-issecure'), 8)}${t(e, 'ipv6-nd-interface-name')}`);
  }
  lines.push(`Total entries: ${t(info, 'ipv6-nd-total') || '0'}`);
  return lines.join('\n');
}

export const getIpv6NdInformation: RpcModule = {
  name: 'get-ipv6-nd-information',
  handler,
  cli: [{ words: 'show ipv6 neighbors', args: [{ keyword: 'interface' }, { keyword: 'host' }] }],
  text,
};
