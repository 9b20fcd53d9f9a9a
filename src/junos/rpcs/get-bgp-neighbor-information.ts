/**
 * get-bgp-neighbor-information (`show bgp neighbor [ADDRESS] [instance I]`): each
 * configured BGP peer in detail (the peers of get-bgp-summary-information).
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import { peerFacts } from './get-bgp-summary-information.js';
import { el, junosNs, modelOf, param, peerRouterId } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, op }) => {
  const { m, seed } = modelOf(device);
  const addr = param(op, 'neighbor-address');
  const instance = param(op, 'instance') ?? param(op, 'exact-instance');
  const peers = peerFacts(device, m).filter((p) => (!addr || p.peer.address === addr) && (!instance || (p.peer.instance ?? 'master') === instance));
  const localId = m.routerId() ?? '0.0.0.0';
  const out = [`<bgp-information xmlns="${junosNs(device, 'junos-routing')}">`];
  peers.forEach((p, i) => {
    const up = p.peer.state === 'Established';
    const local = p.peer.localAddress ?? m.neighbours().find((n) => n.address === p.peer.address)?.interface;
    const localAddr = p.peer.localAddress ?? (local ? m.logicalUnit(local)?.families.flatMap((f) => f.addresses).find((a) => a.includes(':') === p.peer.address.includes(':'))?.split('/')[0] : undefined);
    out.push(
      '<bgp-peer junos:style="detail">',
      el('peer-address', up ? `${p.peer.address}+179` : p.peer.address),
      el('peer-as', p.peer.peerAs),
      ...(localAddr ? [el('local-address', up ? `${localAddr}+${49152 + (i * 7919) % 16000}` : localAddr)] : []),
      el('local-as', p.peer.localAs),
      el('peer-group', p.peer.group),
      el('peer-cfg-rti', p.peer.instance ?? 'master'),
      el('peer-fwd-rti', p.peer.instance ?? 'master'),
      el('peer-type', p.peer.type === 'internal' ? 'Internal' : 'External'),
      el('peer-state', p.peer.state),
      el('peer-flags', up ? 'Sync' : ''),
      el('last-state', up ? 'OpenConfirm' : 'Idle'),
      el('last-event', up ? 'RecvKeepAlive' : 'ConnectRetry'),
      el('last-error', 'None'),
      '<bgp-option-information>',
      el('bgp-options', 'Preference PeerAS Refresh'),
      el('holdtime', 90),
      el('preference', 170),
      '</bgp-option-information>',
      el('flap-count', p.peer.flaps ?? 0),
    );
    if (up) {
      out.push(
        el('peer-id', peerRouterId(seed, p.peer.address)),
        el('local-id', localId),
        el('active-holdtime', 90),
        el('keepalive-interval', 30),
        el('group-index', 0),
        el('peer-index', i),
        ...(local ? [el('local-interface-name', local)] : []),
        el('nlri-type-peer', p.peer.address.includes(':') ? 'inet6-unicast' : 'inet-unicast'),
        el('nlri-type-session', p.peer.address.includes(':') ? 'inet6-unicast' : 'inet-unicast'),
        '<bgp-rib junos:style="detail">',
        el('name', p.table),
        el('rib-bit', 10000 + i),
        el('bgp-rib-state', 'BGP restart is complete'),
        el('send-state', 'in sync'),
        el('active-prefix-count', p.active),
        el('received-prefix-count', p.received),
        el('accepted-prefix-count', p.received),
        el('suppressed-prefix-count', 0),
        el('advertised-prefix-count', 0),
        '</bgp-rib>',
        el('last-received', p.up % 30),
        el('last-sent', p.up % 30),
        el('last-checked', p.up % 60),
        el('input-messages', p.inMsgs),
        el('input-updates', p.received ? 2 : 1),
        el('input-refreshes', 0),
        el('input-octets', p.inMsgs * 19 + p.received * 40),
        el('output-messages', p.outMsgs),
        el('output-updates', 1),
        el('output-refreshes', 0),
        el('output-octets', p.outMsgs * 19),
        '<bgp-output-queue>',
        el('number', 0),
        el('count', 0),
        el('table-name', p.table),
        '</bgp-output-queue>',
      );
    }
    out.push('</bgp-peer>');
  });
  out.push('</bgp-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines: string[] = [];
  for (const p of elements(info).filter((c) => c.name === 'bgp-peer')) {
    const opt = elements(p).find((c) => c.name === 'bgp-option-information');
    lines.push(
      `Peer: ${t(p, 'peer-address')} AS ${t(p, 'peer-as')}   Local: ${t(p, 'local-address') || 'unspecified'} AS ${t(p, 'local-as')}`,
      `  Group: ${t(p, 'peer-group')}         Routing-Instance: ${t(p, 'peer-cfg-rti')}`,
      `  Forwarding routing-instance: ${t(p, 'peer-fwd-rti')}`,
      `  Type: ${t(p, 'peer-type')}    State: ${t(p, 'peer-state')}    Flags: <${t(p, 'peer-flags')}>`,
      `  Last State: ${t(p, 'last-state')}   Last Event: ${t(p, 'last-event')}`,
      `  Last Error: ${t(p, 'last-error')}`,
      `  Options: <${t(opt, 'bgp-options')}>`,
      `  Holdtime: ${t(opt, 'holdtime')} Preference: ${t(opt, 'preference')}`,
      `  Number of flaps: ${t(p, 'flap-count')}`,
    );
    if (t(p, 'peer-id')) {
      lines.push(`  Peer ID: ${t(p, 'peer-id').padEnd(15)} Local ID: ${t(p, 'local-id').padEnd(15)} Active Holdtime: ${t(p, 'active-holdtime')}`, `  Keepalive Interval: ${t(p, 'keepalive-interval')}         Group index: ${t(p, 'group-index')}    Peer index: ${t(p, 'peer-index')}`);
      if (t(p, 'local-interface-name')) lines.push(`  Local Interface: ${t(p, 'local-interface-name')}`);
      lines.push(`  NLRI for this session: ${t(p, 'nlri-type-session')}`);
      for (const r of elements(p).filter((c) => c.name === 'bgp-rib')) {
        lines.push(
          `  Table ${t(r, 'name')} Bit: ${t(r, 'rib-bit')}`,
          `    RIB State: ${t(r, 'bgp-rib-state')}`,
          `    Send state: ${t(r, 'send-state')}`,
          `    Active prefixes:              ${t(r, 'active-prefix-count')}`,
          `    Received prefixes:            ${t(r, 'received-prefix-count')}`,
          `    Accepted prefixes:            ${t(r, 'accepted-prefix-count')}`,
          `    Suppressed due to damping:    ${t(r, 'suppressed-prefix-count')}`,
          `    Advertised prefixes:          ${t(r, 'advertised-prefix-count')}`,
        );
      }
      lines.push(
        `  Last traffic (seconds): Received ${t(p, 'last-received')}   Sent ${t(p, 'last-sent')}   Checked ${t(p, 'last-checked')}`,
        `  Input messages:  Total ${t(p, 'input-messages')}\tUpdates ${t(p, 'input-updates')}\tRefreshes ${t(p, 'input-refreshes')}\tOctets ${t(p, 'input-octets')}`,
        `  Output messages: Total ${t(p, 'output-messages')}\tUpdates ${t(p, 'output-updates')}\tRefreshes ${t(p, 'output-refreshes')}\tOctets ${t(p, 'output-octets')}`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

export const getBgpNeighborInformation: RpcModule = {
  name: 'get-bgp-neighbor-information',
  handler,
  cli: [{ words: 'show bgp neighbor', args: [{ keyword: 'instance' }, { positional: 'neighbor-address', match: /^[0-9a-fA-F:.]+$/ }] }],
  text,
};
