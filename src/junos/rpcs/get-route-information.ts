/**
 * get-route-information (`show route [DESTINATION] [protocol P] [table T] [terse|detail|
 * extensive] [exact]`) from the operational model (../oper/model.ts): Direct and Local
 * routes of the configured interface addresses, Static routes of routing-options (and of
 * routing instances, in `<instance>.inet.0`), OSPF routes behind configured OSPF
 * interfaces, BGP routes from configured peers. DESTINATION with a length selects that
 * prefix and those inside it (`exact`: that prefix only); an address alone, its longest match.
 */
import { child, elements, escapeText, textOf, type XmlElement } from '../../netconf/xml.js';
import { compareDest, inPrefix, operModel, parsePrefix, type OperRoute } from '../oper/model.js';
import { pad, t } from './formats.js';
import type { DeviceView, RpcHandler, RpcModule } from './types.js';

const el = (name: string, value: string | number) => `<${name}>${escapeText(String(value))}</${name}>`;

/** Junos route age: `19:56:37`, `1d 06:42:42`, `2w3d 04:05:06`. */
export function routeAge(seconds: number): string {
  const w = Math.floor(seconds / 604800);
  const d = Math.floor((seconds % 604800) / 86400);
  const hms = [Math.floor((seconds % 86400) / 3600), Math.floor((seconds % 3600) / 60), seconds % 60].map((n) => String(n).padStart(2, '0')).join(':');
  if (w) return `${w}w${d}d ${hms}`;
  if (d) return `${d}d ${hms}`;
  return hms;
}

export interface RouteQuery {
  destination?: string;
  exact?: boolean;
  protocol?: string;
  table?: string;
  /** `show route hidden`: the hidden routes only (a static next hop that does not resolve). */
  hidden?: boolean;
  level: 'brief' | 'terse' | 'detail' | 'extensive';
}

/** The routes a query selects, by table. */
export function selectRoutes(all: OperRoute[], q: Omit<RouteQuery, 'level'>): OperRoute[] {
  // A hidden route is not looked up, and listed only when asked for, as on Junos.
  let routes = all.filter((r) => !!r.hidden === !!q.hidden);
  if (q.table) routes = routes.filter((r) => r.table === q.table || r.table.startsWith(`${q.table}.`) || (q.table === 'inet' && r.table === 'inet.0'));
  if (q.protocol) routes = routes.filter((r) => r.protocol.toLowerCase() === q.protocol!.toLowerCase());
  if (q.destination) {
    const d = q.destination;
    if (d.includes('/')) {
      const p = parsePrefix(d);
      routes = routes.filter((r) => (q.exact ? parsePrefix(r.destination)?.network === p?.network : p !== undefined && inPrefix(r.destination.split('/')[0], p.network) && (parsePrefix(r.destination)?.len ?? 0) >= p.len));
    } else {
      const matching = routes.filter((r) => inPrefix(d, r.destination));
      const best = new Map<string, number>();
      for (const r of matching) best.set(r.table, Math.max(best.get(r.table) ?? -1, parsePrefix(r.destination)?.len ?? 0));
      routes = matching.filter((r) => (parsePrefix(r.destination)?.len ?? 0) === best.get(r.table));
    }
  }
  return routes;
}

function nextHops(r: OperRoute, level: RouteQuery['level']): string[] {
  if (r.nextHopType) return [el('nh-type', r.nextHopType)];
  if (r.protocol === 'Local') return [el('nh-type', 'Local'), '<nh>', el('nh-local-interface', r.nextHops[0]?.via ?? ''), '</nh>'];
  const out: string[] = [];
  if (level === 'detail' || level === 'extensive') out.push(el('nh-type', r.nextHops.length && r.nextHops[0].to ? 'Router' : 'Interface'));
  r.nextHops.forEach((h, i) => {
    out.push('<nh>');
    if (i === 0 && r.active) out.push('<selected-next-hop/>');
    if (level === 'detail' || level === 'extensive') out.push(el('nh-string', 'Next hop'));
    if (h.to) out.push(el('to', h.to));
    if (h.via) out.push(el('via', h.via));
    out.push('</nh>');
  });
  return out;
}

function entry(r: OperRoute, now: number, level: RouteQuery['level']): string[] {
  const age = Math.max(0, Math.floor((now - r.since) / 1000));
  const out = ['<rt-entry>', el('active-tag', r.active ? '*' : ' '), ...(r.active ? ['<current-active/>', '<last-active/>'] : []), el('protocol-name', r.protocol), el('preference', r.preference)];
  if (r.metric !== undefined && level !== 'terse') out.push(el('metric', r.metric));
  if (level === 'detail' || level === 'extensive') {
    out.push(...nextHops(r, level), el('rt-entry-state', r.hidden ? 'Hidden Int' : r.active ? (r.protocol === 'BGP' && r.asPath !== 'I' ? 'Active Ext' : 'Active Int') : 'Inactive'));
    if (r.hidden) out.push(el('inactive-reason', 'Unusable path'));
    if (r.protocol === 'BGP') out.push(el('local-as', '0'), el('peer-as', (r.asPath ?? '').split(' ')[0] ?? ''));
    out.push(`<age junos:seconds="${age}">${routeAge(age)}</age>`, el('task-name', r.protocol === 'Direct' || r.protocol === 'Local' ? 'IF' : r.protocol === 'Static' ? 'RT' : r.protocol === 'BGP' ? `BGP_${r.nextHops[0]?.to ?? ''}` : 'OSPF'));
    if (r.asPath !== undefined) out.push(el('as-path', `AS path: ${r.asPath}\n`));
    if (r.localPreference !== undefined) out.push(el('local-preference', r.localPreference));
  } else {
    out.push(`<age junos:seconds="${age}">${routeAge(age)}</age>`);
    if (r.asPath !== undefined) out.push(el('as-path', r.asPath));
    out.push(...nextHops(r, level));
  }
  out.push('</rt-entry>');
  return out;
}

/** The `<route-information>` reply. */
export function routeInformation(device: DeviceView, q: RouteQuery): string {
  const m = operModel(device);
  const all = m.routes();
  const now = device.now();
  const chosen = selectRoutes(all, q);
  const ns = `http://xml.juniper.net/junos/${device.profile.xmlRelease}/junos-routing`;
  const out = [`<route-information xmlns="${ns}">`];
  const tables = [...new Set(all.map((r) => r.table))];
  const style = q.level === 'terse' ? 'terse' : q.level === 'brief' ? 'brief' : 'detail';
  for (const table of tables) {
    const inTable = all.filter((r) => r.table === table);
    const routes = chosen.filter((r) => r.table === table);
    if (routes.length === 0 && (q.destination || q.protocol || q.table || q.hidden)) continue;
    const dests = [...new Set(inTable.map((r) => r.destination))];
    out.push(
      '<route-table>',
      el('table-name', table),
      el('destination-count', dests.length),
      el('total-route-count', inTable.length),
      el('active-route-count', inTable.filter((r) => r.active).length),
      el('holddown-route-count', 0),
      el('hidden-route-count', inTable.filter((r) => r.hidden).length),
    );
    for (const dest of [...new Set(routes.map((r) => r.destination))].sort(compareDest)) {
      const entries = routes.filter((r) => r.destination === dest);
      out.push(`<rt junos:style="${style}">`);
      if (style === 'detail') {
        const [addr, len] = dest.split('/');
        out.push(el('rt-destination', addr), el('rt-prefix-length', len), `<rt-entry-count junos:format="${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}">${entries.length}</rt-entry-count>`, el('rt-announced-count', 1));
      } else out.push(el('rt-destination', dest));
      for (const r of entries) out.push(...entry(r, now, q.level));
      out.push('</rt>');
    }
    out.push('</route-table>');
  }
  out.push('</route-information>');
  return out.join('\n');
}

const handler: RpcHandler = ({ device, op }) => {
  const v = (n: string) => {
    const c = child(op, n);
    return c ? textOf(c).trim() : undefined;
  };
  const level = child(op, 'terse') ? 'terse' : child(op, 'extensive') ? 'extensive' : child(op, 'detail') ? 'detail' : 'brief';
  return routeInformation(device, { destination: v('destination'), exact: child(op, 'exact') !== undefined, protocol: v('protocol'), table: v('table'), hidden: child(op, 'hidden') !== undefined, level });
};

function tableHeader(tbl: XmlElement): string {
  return `${t(tbl, 'table-name')}: ${t(tbl, 'destination-count')} destinations, ${t(tbl, 'total-route-count')} routes (${t(tbl, 'active-route-count')} active, ${t(tbl, 'holddown-route-count')} holddown, ${t(tbl, 'hidden-route-count')} hidden)`;
}

const kidsNamed = (e: XmlElement, n: string) => elements(e).filter((c) => c.name === n);

function hopText(e: XmlElement): string[] {
  const type = t(e, 'nh-type');
  if (type === 'Discard' || type === 'Reject' || type === 'Receive') return [`                      ${type}`];
  if (type === 'Local') return [`                      Local via ${t(child(e, 'nh')!, 'nh-local-interface')}`];
  return kidsNamed(e, 'nh').map((h) => `                    ${child(h, 'selected-next-hop') ? '>' : ' '}  ${[t(h, 'to') && `to ${t(h, 'to')}`, t(h, 'via') && `via ${t(h, 'via')}`].filter(Boolean).join(' ')}`);
}

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const out: string[] = [];
  for (const tbl of kidsNamed(info, 'route-table')) {
    out.push('', tableHeader(tbl));
    const rts = kidsNamed(tbl, 'rt');
    const style = rts[0]?.attrs['junos:style'] ?? 'brief';
    if (style === 'terse') {
      out.push('+ = Active Route, - = Last Active, * = Both', '', 'A V Destination        P Prf   Metric 1   Metric 2  Next hop        AS path');
      for (const rt of rts) {
        kidsNamed(rt, 'rt-entry').forEach((e, i) => {
          const nh = kidsNamed(e, 'nh')[0];
          const hop = t(e, 'nh-type') || (nh ? `>${t(nh, 'to') || t(nh, 'via')}` : '');
          out.push(`${pad(t(e, 'active-tag') || ' ', 2)}? ${pad(i === 0 ? t(rt, 'rt-destination') : '', 18)} ${t(e, 'protocol-name')[0]} ${t(e, 'preference').padStart(3)} ${(t(e, 'metric') || '').padStart(10)}            ${pad(hop, 16)}${t(e, 'as-path')}`.trimEnd());
        });
      }
      continue;
    }
    out.push('+ = Active Route, - = Last Active, * = Both', '');
    for (const rt of rts) {
      const dest = style === 'detail' ? `${t(rt, 'rt-destination')}/${t(rt, 'rt-prefix-length')}` : t(rt, 'rt-destination');
      if (style === 'detail') {
        out.push(`${dest} (${child(rt, 'rt-entry-count')?.attrs['junos:format'] ?? ''}, ${t(rt, 'rt-announced-count')} announced)`);
        for (const e of kidsNamed(rt, 'rt-entry')) {
          out.push(`        ${t(e, 'active-tag')}${t(e, 'protocol-name')} Preference: ${t(e, 'preference')}`, `                Next hop type: ${t(e, 'nh-type')}`);
          for (const h of kidsNamed(e, 'nh')) out.push(`                ${t(h, 'nh-string') || 'Next hop'}: ${[t(h, 'to'), t(h, 'via') && `via ${t(h, 'via')}`].filter(Boolean).join(' ')}${child(h, 'selected-next-hop') ? ', selected' : ''}`);
          out.push(`                State: <${t(e, 'rt-entry-state')}>`, `                Age: ${t(e, 'age')}`, `                Task: ${t(e, 'task-name')}`);
          if (t(e, 'as-path')) out.push(`                ${t(e, 'as-path')}`);
        }
        continue;
      }
      kidsNamed(rt, 'rt-entry').forEach((e, i) => {
        const metric = t(e, 'metric') ? `, metric ${t(e, 'metric')}` : '';
        out.push(`${pad(i === 0 ? dest : '', 18)} ${t(e, 'active-tag') || ' '}[${t(e, 'protocol-name')}/${t(e, 'preference')}] ${t(e, 'age')}${metric}`);
        if (t(e, 'as-path')) out.push(`                      AS path: ${t(e, 'as-path')}`);
        out.push(...hopText(e));
      });
    }
  }
  return out.join('\n').replace(/^\n/, '');
}

export const getRouteInformation: RpcModule = {
  name: 'get-route-information',
  handler,
  cli: [
    {
      words: 'show route',
      args: [
        { flag: 'terse' },
        { flag: 'detail' },
        { flag: 'extensive' },
        { flag: 'exact' },
        { flag: 'hidden' },
        { keyword: 'protocol' },
        { keyword: 'table' },
        { positional: 'destination', match: /^[0-9a-fA-F:.]+(\/\d+)?$/ },
      ],
    },
  ],
  text,
};
