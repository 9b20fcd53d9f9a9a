/**
 * get-bgp-summary-information (`show bgp summary [group G] [instance I]`): the BGP peers
 * configured in the committed configuration (operational model bgpPeers()), Established
 * when a configured subnet holds the peer (iBGP always), with the BGP routes the model
 * learns from each; message counts grow with the session's age.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import type { BgpPeer, OperModel } from '../oper/model.js';
import { pad, t } from './formats.js';
import { bgpElapsed, el, junosNs, modelOf, param, since } from './protocol-parts.js';
import type { DeviceView, RpcHandler, RpcModule } from './types.js';

export interface PeerFacts {
  peer: BgpPeer;
  table: string;
  received: number;
  active: number;
  up: number;
  inMsgs: number;
  outMsgs: number;
}

/** Each configured peer with its table, prefix counts, time in state and message counts. */
export function peerFacts(device: DeviceView, m: OperModel): PeerFacts[] {
  const routes = m.routes().filter((r) => r.protocol === 'BGP');
  return m.bgpPeers().map((peer) => {
    const table = `${peer.instance ? `${peer.instance}.` : ''}${peer.address.includes(':') ? 'inet6.0' : 'inet.0'}`;
    const mine = routes.filter((r) => r.nextHops[0]?.to === peer.address && r.table === table);
    const up = since(device, peer.since ?? m.commitTime);
    const established = peer.state === 'Established';
    const keepalives = Math.floor(up / 30);
    return {
      peer,
      table,
      received: established ? mine.length : 0,
      active: established ? mine.filter((r) => r.active).length : 0,
      up,
      inMsgs: established ? keepalives + 2 + mine.length : 0,
      outMsgs: established ? keepalives + 2 : 0,
    };
  });
}

export const stateAbbrev = (s: string) => (s === 'Established' ? 'Establ' : s);

const handler: RpcHandler = ({ device, op }) => {
  const { m } = modelOf(device);
  const group = param(op, 'group');
  const instance = param(op, 'instance') ?? param(op, 'exact-instance');
  const peers = peerFacts(device, m).filter((p) => (!group || p.peer.group === group) && (!instance || (p.peer.instance ?? 'master') === instance));
  const tables = [...new Set(peers.map((p) => p.table))].sort();
  const out = [
    `<bgp-information xmlns="${junosNs(device, 'junos-routing')}">`,
    el('bgp-thread-mode', 'BGP I/O'),
    el('default-ebgp-advertise-mode', 'accept'),
    el('default-ebgp-receive-mode', 'accept'),
    el('group-count', new Set(peers.map((p) => `${p.peer.instance ?? ''}/${p.peer.group}`)).size),
    el('peer-count', peers.length),
    el('down-peer-count', peers.filter((p) => p.peer.state !== 'Established').length),
  ];
  for (const table of tables) {
    const inT = peers.filter((p) => p.table === table);
    const sum = (f: (p: PeerFacts) => number) => inT.reduce((a, p) => a + f(p), 0);
    const ext = inT.filter((p) => p.peer.type === 'external');
    out.push(
      '<bgp-rib junos:style="brief">',
      el('name', table),
      el('total-prefix-count', sum((p) => p.received)),
      el('received-prefix-count', sum((p) => p.received)),
      el('accepted-prefix-count', sum((p) => p.received)),
      el('active-prefix-count', sum((p) => p.active)),
      el('suppressed-prefix-count', 0),
      el('history-prefix-count', 0),
      el('damped-prefix-count', 0),
      el('total-external-prefix-count', ext.reduce((a, p) => a + p.received, 0)),
      el('active-external-prefix-count', ext.reduce((a, p) => a + p.active, 0)),
      el('accepted-external-prefix-count', ext.reduce((a, p) => a + p.received, 0)),
      el('suppressed-external-prefix-count', 0),
      el('total-internal-prefix-count', sum((p) => p.received) - ext.reduce((a, p) => a + p.received, 0)),
      el('active-internal-prefix-count', sum((p) => p.active) - ext.reduce((a, p) => a + p.active, 0)),
      el('accepted-internal-prefix-count', sum((p) => p.received) - ext.reduce((a, p) => a + p.received, 0)),
      el('suppressed-internal-prefix-count', 0),
      el('pending-prefix-count', 0),
      el('bgp-rib-state', 'BGP restart is complete'),
      '</bgp-rib>',
    );
  }
  for (const p of peers) {
    out.push(
      '<bgp-peer junos:style="terse" heading="Peer                     AS      InPkt     OutPkt    OutQ   Flaps Last Up/Dwn State|#Active/Received/Accepted/Damped...">',
      el('peer-address', p.peer.address),
      el('peer-as', p.peer.peerAs),
      el('input-messages', p.inMsgs),
      el('output-messages', p.outMsgs),
      el('route-queue-count', 0),
      el('flap-count', p.peer.flaps ?? 0),
      `<elapsed-time junos:seconds="${p.up}">${bgpElapsed(p.up)}</elapsed-time>`,
      `<peer-state junos:format="${stateAbbrev(p.peer.state)}">${p.peer.state}</peer-state>`,
    );
    if (p.peer.state === 'Established') {
      out.push('<bgp-rib junos:style="terse">', el('name', p.table), el('active-prefix-count', p.active), el('received-prefix-count', p.received), el('accepted-prefix-count', p.received), el('suppressed-prefix-count', 0), '</bgp-rib>');
    }
    out.push('</bgp-peer>');
  }
  out.push('</bgp-information>');
  return out.join('\n');
};

const kidsNamed = (e: XmlElement, n: string) => elements(e).filter((c) => c.name === n);

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines = [
    `Threading mode: ${t(info, 'bgp-thread-mode') || 'BGP I/O'}`,
    `Default eBGP mode: advertise - ${t(info, 'default-ebgp-advertise-mode') || 'accept'}, receive - ${t(info, 'default-ebgp-receive-mode') || 'accept'}`,
    `Groups: ${t(info, 'group-count')} Peers: ${t(info, 'peer-count')} Down peers: ${t(info, 'down-peer-count')}`,
  ];
  const ribs = kidsNamed(info, 'bgp-rib');
  if (ribs.length) {
    lines.push('Table          Tot Paths  Act Paths Suppressed    History Damp State    Pending');
    for (const r of ribs) {
      lines.push(pad(t(r, 'name'), 15));
      lines.push(['total-prefix-count', 'active-prefix-count', 'suppressed-prefix-count', 'history-prefix-count', 'damped-prefix-count', 'pending-prefix-count'].map((k, i) => t(r, k).padStart(i === 0 ? 24 : 11)).join(''));
    }
  }
  const peers = kidsNamed(info, 'bgp-peer');
  if (peers.length) {
    lines.push('Peer                     AS      InPkt     OutPkt    OutQ   Flaps Last Up/Dwn State|#Active/Received/Accepted/Damped...');
    for (const p of peers) {
      const state = elements(p).find((c) => c.name === 'peer-state');
      const rib = kidsNamed(p, 'bgp-rib');
      const fmt = state?.attrs['junos:format'] ?? t(p, 'peer-state');
      lines.push(`${pad(t(p, 'peer-address'), 20)}${t(p, 'peer-as').padStart(8)}${t(p, 'input-messages').padStart(11)}${t(p, 'output-messages').padStart(11)}${t(p, 'route-queue-count').padStart(8)}${t(p, 'flap-count').padStart(8)}${t(p, 'elapsed-time').padStart(12)} ${rib.length ? fmt : t(p, 'peer-state')}`);
      for (const r of rib) lines.push(`  ${t(r, 'name')}: ${t(r, 'active-prefix-count')}/${t(r, 'received-prefix-count')}/${t(r, 'accepted-prefix-count')}/${t(r, 'suppressed-prefix-count')}`);
    }
  }
  return lines.join('\n');
}

export const getBgpSummaryInformation: RpcModule = {
  name: 'get-bgp-summary-information',
  handler,
  cli: [{ words: 'show bgp summary', args: [{ keyword: 'group' }, { keyword: 'instance' }] }],
  text,
};
