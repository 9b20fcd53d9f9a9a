/**
 * get-instance-information (`show route instance [NAME] [summary|detail]`): the master
 * instance and each configured routing instance with its type, state, interfaces and
 * RIBs (route counts from the operational model). NAPALM's get_bgp_neighbors reads it.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { el, junosNs, modelOf, param } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, op }) => {
  const { m } = modelOf(device);
  const wanted = param(op, 'instance-name');
  const routes = m.routes();
  const instances = [
    { name: 'master', type: 'forwarding', interfaces: m.logicalUnits().filter((u) => !u.instance).map((u) => u.name), prefix: '' },
    ...m.routingInstances().map((r) => ({ name: r.name, type: r.type, interfaces: r.interfaces, prefix: `${r.name}.` })),
  ];
  const out = [`<instance-information xmlns="${junosNs(device, 'junos-routing')}" junos:style="terse">`];
  for (const i of instances) {
    if (wanted && wanted !== i.name) continue;
    out.push('<instance-core>', el('instance-name', i.name), el('instance-type', i.type), el('instance-state', 'Active'));
    for (const ifl of i.interfaces) out.push('<instance-interface>', el('interface-name', ifl), '</instance-interface>');
    for (const rib of ['inet.0', 'inet6.0']) {
      const name = `${i.prefix}${rib}`;
      const inRib = routes.filter((r) => r.table === name);
      if (!inRib.length && i.name !== 'master') continue;
      const active = inRib.filter((r) => r.active).length;
      out.push('<instance-rib>', el('irib-name', name), el('irib-active-count', active), el('irib-holddown-count', 0), el('irib-hidden-count', inRib.filter((r) => r.hidden).length), el('irib-route-count', inRib.length), '</instance-rib>');
    }
    out.push('</instance-core>');
  }
  out.push('</instance-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines = ['Instance             Type', '         Primary RIB                                     Active/holddown/hidden'];
  for (const i of elements(info).filter((e) => e.name === 'instance-core')) {
    lines.push(`${pad(t(i, 'instance-name'), 21)}${t(i, 'instance-type')}`);
    for (const r of elements(i).filter((e) => e.name === 'instance-rib')) {
      lines.push(`         ${pad(t(r, 'irib-name'), 48)}${t(r, 'irib-active-count')}/${t(r, 'irib-holddown-count')}/${t(r, 'irib-hidden-count')}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export const getInstanceInformation: RpcModule = {
  name: 'get-instance-information',
  handler,
  cli: [{ words: 'show route instance', args: [{ flag: 'summary' }, { flag: 'brief' }, { flag: 'detail' }, { flag: 'extensive' }, { positional: 'instance-name', match: /^[\w.-]+$/ }] }],
  text,
};
