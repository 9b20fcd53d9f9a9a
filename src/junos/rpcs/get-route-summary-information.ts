/**
 * get-route-summary-information (`show route summary`) from the operational model: the
 * autonomous system and router id, and per table the destination/route counts by protocol.
 */
import { elements, escapeText, type XmlElement } from '../../netconf/xml.js';
import { operModel } from '../oper/model.js';
import { t } from './formats.js';
import type { RpcModule } from './types.js';

const el = (name: string, value: string | number) => `<${name}>${escapeText(String(value))}</${name}>`;

export const getRouteSummaryInformation: RpcModule = {
  name: 'get-route-summary-information',
  handler: ({ device }) => {
    const m = operModel(device);
    const routes = m.routes();
    const out = [`<route-summary-information xmlns="http://xml.juniper.net/junos/${device.profile.xmlRelease}/junos-routing">`];
    const as = m.autonomousSystem();
    if (as !== undefined) out.push(el('as-number', as));
    const rid = m.routerId();
    if (rid) out.push(el('router-id', rid));
    for (const table of [...new Set(routes.map((r) => r.table))]) {
      const inTable = routes.filter((r) => r.table === table);
      out.push(
        '<route-table>',
        el('table-name', table),
        el('destination-count', new Set(inTable.map((r) => r.destination)).size),
        el('total-route-count', inTable.length),
        el('active-route-count', inTable.filter((r) => r.active).length),
        el('holddown-route-count', 0),
        el('hidden-route-count', 0),
      );
      for (const proto of [...new Set(inTable.map((r) => r.protocol))].sort()) {
        const p = inTable.filter((r) => r.protocol === proto);
        out.push('<protocols>', el('protocol-name', proto), el('protocol-route-count', p.length), el('active-route-count', p.filter((r) => r.active).length), '</protocols>');
      }
      out.push('</route-table>');
    }
    out.push('</route-summary-information>');
    return out.join('\n');
  },
  cli: [{ words: 'show route summary' }],
  text: (reply: XmlElement) => {
    const info = elements(reply)[0];
    const out: string[] = [];
    if (t(info, 'as-number')) out.push(`Autonomous system number: ${t(info, 'as-number')}`);
    if (t(info, 'router-id')) out.push(`Router ID: ${t(info, 'router-id')}`);
    for (const tbl of elements(info).filter((e) => e.name === 'route-table')) {
      out.push('', `${t(tbl, 'table-name')}: ${t(tbl, 'destination-count')} destinations, ${t(tbl, 'total-route-count')} routes (${t(tbl, 'active-route-count')} active, ${t(tbl, 'holddown-route-count')} holddown, ${t(tbl, 'hidden-route-count')} hidden)`);
      for (const p of elements(tbl).filter((e) => e.name === 'protocols')) {
        out.push(`${t(p, 'protocol-name').padStart(18)}: ${t(p, 'protocol-route-count').padStart(6)} routes, ${t(p, 'active-route-count').padStart(6)} active`);
      }
    }
    return out.join('\n').replace(/^\n/, '');
  },
};
