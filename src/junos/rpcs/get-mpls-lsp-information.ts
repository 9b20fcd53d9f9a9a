/**
 * get-mpls-lsp-information (`show mpls lsp [ingress|egress|transit] [name NAME]`): each
 * configured `protocols mpls label-switched-path` as an ingress LSP, Up when its `to`
 * address is reachable (a configured subnet or a neighbour's router), else Dn; egress and
 * transit sections empty, as on a head end.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { committedConfig, nameOf, walk } from './reply-parts.js';
import { el, hasFlag, junosNs, modelOf, param } from './protocol-parts.js';
import { inPrefix, parsePrefix } from '../oper/model.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, op, config }) => {
  const { m } = modelOf(device);
  const cfg = committedConfig(config);
  const wanted = param(op, 'regex');
  const routerId = m.routerId() ?? '0.0.0.0';
  const reachable = (to: string) => m.logicalUnits().some((u) => u.oper === 'up' && u.families.some((f) => f.addresses.some((a) => inPrefix(to, parsePrefix(a)?.network ?? '')))) || m.routes().some((r) => r.active && r.protocol !== 'Direct' && inPrefix(to, r.destination));
  const lsps = walk(cfg, 'protocols', 'mpls', 'label-switched-path').filter((l) => !wanted || nameOf(l) === wanted);
  const only = ['ingress', 'egress', 'transit'].find((f) => hasFlag(op, f));
  const out = [`<mpls-lsp-information xmlns="${junosNs(device, 'junos-mpls')}">`];
  const section = (type: string, items: string[][], up: number) => {
    if (only && only !== type.toLowerCase()) return;
    out.push('<rsvp-session-data>', el('session-type', type), el('count', items.length));
    for (const i of items) out.push(...i);
    out.push(el('display-count', items.length), el('up-count', up), el('down-count', items.length - up), '</rsvp-session-data>');
  };
  let up = 0;
  const items = lsps.map((l) => {
    const to = t(l, 'to');
    const state = to && reachable(to) ? 'Up' : 'Dn';
    if (state === 'Up') up++;
    return ['<rsvp-session>', '<mpls-lsp>', el('destination-address', to), el('source-address', t(l, 'from') || routerId), el('lsp-state', state), el('route-count', 0), el('active-path', state === 'Up' ? '' : ''), el('name', nameOf(l)), '</mpls-lsp>', '</rsvp-session>'];
  });
  section('Ingress', items, up);
  section('Egress', [], 0);
  section('Transit', [], 0);
  out.push('</mpls-lsp-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines: string[] = [];
  for (const s of elements(info).filter((e) => e.name === 'rsvp-session-data')) {
    lines.push(`${t(s, 'session-type')} LSP: ${t(s, 'count')} sessions`);
    const sessions = elements(s).filter((e) => e.name === 'rsvp-session');
    if (sessions.length) lines.push('To              From            State Rt P     ActivePath       LSPname');
    for (const r of sessions) {
      const l = elements(r).find((e) => e.name === 'mpls-lsp') as XmlElement;
      lines.push(`${pad(t(l, 'destination-address'), 16)}${pad(t(l, 'source-address'), 16)}${pad(t(l, 'lsp-state'), 6)}${pad(t(l, 'route-count'), 3)}*     ${pad(t(l, 'active-path'), 17)}${t(l, 'name')}`);
    }
    lines.push(`Total ${t(s, 'display-count')} displayed, Up ${t(s, 'up-count')}, Down ${t(s, 'down-count')}`, '');
  }
  return lines.join('\n');
}

export const getMplsLspInformation: RpcModule = {
  name: 'get-mpls-lsp-information',
  handler,
  cli: [{ words: 'show mpls lsp', args: [{ flag: 'ingress' }, { flag: 'egress' }, { flag: 'transit' }, { flag: 'terse' }, { flag: 'brief' }, { flag: 'detail' }, { flag: 'extensive' }, { keyword: 'name', param: 'regex' }] }],
  text,
};
