/**
 * get-bfd-session-information (`show bfd session`): a session Up to each peer that has
 * `bfd-liveness-detection` configured and is reachable: BGP neighbours (group or neighbour
 * level) and the OSPF neighbour of each OSPF interface with it; timers from the
 * configuration (minimum-interval, multiplier; Junos defaults otherwise).
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { committedConfig, nameOf, walk } from './reply-parts.js';
import { el, junosNs, modelOf, unitName } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

interface Session {
  neighbor: string;
  ifl: string;
  intervalMs: number;
  multiplier: number;
}

const timers = (bfd: XmlElement): { intervalMs: number; multiplier: number } => ({
  intervalMs: Number(t(bfd, 'minimum-interval')) || 300,
  multiplier: Number(t(bfd, 'multiplier')) || 3,
});

const handler: RpcHandler = ({ device, config }) => {
  const { m } = modelOf(device);
  const cfg = committedConfig(config);
  const sessions: Session[] = [];
  const peers = m.bgpPeers();
  for (const g of walk(cfg, 'protocols', 'bgp', 'group')) {
    for (const n of walk(g, 'neighbor')) {
      const bfd = walk(n, 'bfd-liveness-detection')[0] ?? walk(g, 'bfd-liveness-detection')[0];
      const peer = peers.find((p) => p.address === nameOf(n));
      if (!bfd || !peer || peer.state !== 'Established') continue;
      const ifl = m.neighbours().find((x) => x.address === peer.address)?.interface ?? '';
      sessions.push({ neighbor: peer.address, ifl, ...timers(bfd) });
    }
  }
  for (const area of walk(cfg, 'protocols', 'ospf', 'area')) {
    for (const i of walk(area, 'interface')) {
      const bfd = walk(i, 'bfd-liveness-detection')[0];
      if (!bfd) continue;
      const n = m.neighbours().find((x) => x.interface === unitName(nameOf(i)) && x.address.includes('.'));
      if (n && !sessions.some((s) => s.neighbor === n.address)) sessions.push({ neighbor: n.address, ifl: n.interface, ...timers(bfd) });
    }
  }
  const out = [`<bfd-session-information xmlns="${junosNs(device, 'junos-routing')}">`];
  for (const s of sessions) {
    out.push(
      '<bfd-session>',
      el('session-neighbor', s.neighbor),
      el('session-state', 'Up'),
      el('session-interface', s.ifl),
      el('session-detection-time', ((s.intervalMs * s.multiplier) / 1000).toFixed(3)),
      el('session-transmission-interval', (s.intervalMs / 1000).toFixed(3)),
      el('session-adaptive-multiplier', s.multiplier),
      '</bfd-session>',
    );
  }
  const rate = sessions.reduce((a, s) => a + 1000 / s.intervalMs, 0).toFixed(1);
  out.push(el('sessions', sessions.length), el('clients', sessions.length), el('cumulative-transmission-rate', rate), el('cumulative-reception-rate', rate), '</bfd-session-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines = ['                                                  Detect   Transmit', 'Address                  State     Interface      Time     Interval  Multiplier'];
  for (const s of elements(info).filter((e) => e.name === 'bfd-session')) {
    lines.push(`${pad(t(s, 'session-neighbor'), 25)}${pad(t(s, 'session-state'), 10)}${pad(t(s, 'session-interface'), 15)}${pad(t(s, 'session-detection-time'), 9)}${pad(t(s, 'session-transmission-interval'), 10)}${t(s, 'session-adaptive-multiplier').padStart(5)}`);
  }
  lines.push('', `${t(info, 'sessions')} sessions, ${t(info, 'clients')} clients`, `Cumulative transmit rate ${t(info, 'cumulative-transmission-rate')} pps, cumulative receive rate ${t(info, 'cumulative-reception-rate')} pps`);
  return lines.join('\n');
}

export const getBfdSessionInformation: RpcModule = {
  name: 'get-bfd-session-information',
  handler,
  cli: [{ words: 'show bfd session', args: [{ flag: 'summary' }, { flag: 'brief' }, { flag: 'detail' }, { flag: 'extensive' }] }],
  text,
};
