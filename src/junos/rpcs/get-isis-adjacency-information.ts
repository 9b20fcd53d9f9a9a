/**
 * get-isis-adjacency-information (`show isis adjacency [SYSTEM] [brief|detail|extensive]
 * [instance I]`): the level 2 adjacencies of ./isis-parts.ts.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { isisInterfaces } from './isis-parts.js';
import { countdown, el, hasFlag, junosNs, param, since } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, op }) => {
  const { m, list } = isisInterfaces(device);
  const level = hasFlag(op, 'extensive') ? 'extensive' : hasFlag(op, 'detail') ? 'detail' : 'brief';
  const system = param(op, 'system-id');
  const instance = param(op, 'instance');
  const out = [`<isis-adjacency-information xmlns="${junosNs(device, 'junos-routing')}" junos:style="${level}">`];
  if (instance && instance !== 'master') return `${out[0]}\n</isis-adjacency-information>`;
  const when = new Date(m.commitTime).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
  for (const i of list) {
    const a = i.adjacency;
    if (!a || (system && system !== a.system)) continue;
    out.push('<isis-adjacency>', el('interface-name', i.name), el('system-name', a.system), el('level', 2), el('adjacency-state', 'Up'), el('holdtime', countdown(device, 27, 19, i.name)), el('snpa', a.snpa));
    if (level !== 'brief') {
      const up = since(device, m.commitTime);
      out.push(
        el('interface-priority', 64),
        el('circuit-type', 2),
        el('adjacency-flag', 'Speaks: IP'),
        el('adjacency-topologies', 'Unicast'),
        el('adjacency-restart-capable', 'Yes'),
        el('adjacency-advertisement', 'Advertising'),
        el('ip-address', a.address),
        `<adjacency-uptime junos:seconds="${up}">${up}</adjacency-uptime>`,
      );
      if (level === 'extensive') out.push('<isis-adjacency-log>', el('adjacency-when', when), el('adjacency-state', 'Up'), el('adjacency-event', 'Seenself'), '</isis-adjacency-log>');
    }
    out.push('</isis-adjacency>');
  }
  out.push('</isis-adjacency-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const adj = elements(info).filter((e) => e.name === 'isis-adjacency');
  if (info.attrs['junos:style'] === 'brief' || !info.attrs['junos:style']) {
    const lines = ['Interface             System         L State        Hold (secs) SNPA'];
    for (const a of adj) lines.push(`${pad(t(a, 'interface-name'), 22)}${pad(t(a, 'system-name'), 15)}${pad(t(a, 'level'), 2)} ${pad(t(a, 'adjacency-state'), 12)}${t(a, 'holdtime').padStart(12)}  ${t(a, 'snpa')}`);
    return lines.join('\n');
  }
  const lines: string[] = [];
  for (const a of adj) {
    lines.push(
      t(a, 'system-name'),
      `  Interface: ${t(a, 'interface-name')}, Level: ${t(a, 'level')}, State: ${t(a, 'adjacency-state')}, Expires in ${t(a, 'holdtime')} secs`,
      `  Priority: ${t(a, 'interface-priority')}, Up/Down transitions: 1, Last transition: ${t(a, 'adjacency-uptime')} seconds ago`,
      `  Circuit type: ${t(a, 'circuit-type')}, Speaks: IP, IPv6`,
      `  Topologies: ${t(a, 'adjacency-topologies')}`,
      `  Restart capable: ${t(a, 'adjacency-restart-capable')}, Adjacency advertisement: ${t(a, 'adjacency-advertisement')}`,
      `  IP addresses: ${t(a, 'ip-address')}`,
    );
    for (const l of elements(a).filter((e) => e.name === 'isis-adjacency-log')) lines.push('  Transition log:', '  When                  State        Event           Down reason', `  ${pad(t(l, 'adjacency-when'), 22)}${pad(t(l, 'adjacency-state'), 13)}${t(l, 'adjacency-event')}`);
    lines.push('');
  }
  return lines.join('\n');
}

export const getIsisAdjacencyInformation: RpcModule = {
  name: 'get-isis-adjacency-information',
  handler,
  cli: [{ words: 'show isis adjacency', args: [{ flag: 'brief' }, { flag: 'detail' }, { flag: 'extensive' }, { keyword: 'instance' }, { positional: 'system-id', match: /^[a-zA-Z0-9][\w.-]*$/ }] }],
  text,
};
