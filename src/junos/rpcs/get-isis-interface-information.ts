/**
 * get-isis-interface-information (`show isis interface [X] [brief|detail|extensive]`):
 * the IS-IS interfaces of ./isis-parts.ts (level 1 disabled, level 2 point to point;
 * loopbacks passive).
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { isisInterfaces } from './isis-parts.js';
import { el, junosNs, param } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, op }) => {
  const { list } = isisInterfaces(device);
  const name = param(op, 'interface-name');
  const out = [`<isis-interface-information xmlns="${junosNs(device, 'junos-routing')}">`];
  list.forEach((i, k) => {
    if (name && i.name !== name && i.name !== `${name}.0`) return;
    const metric = i.passive ? 0 : 10;
    out.push(
      '<isis-interface>',
      el('interface-name', i.name),
      el('circuit-id', `0x${(k + 1).toString(16)}`),
      el('circuit-type', i.passive ? 0 : 2),
      el('isis-interface-state-one', i.passive ? 'Passive' : 'Disabled'),
      el('isis-interface-state-two', i.passive ? 'Passive' : i.up ? 'Point to Point' : 'Down'),
      el('metric-one', metric),
      el('metric-two', metric),
      '</isis-interface>',
    );
  });
  out.push('</isis-interface-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const lines = ['IS-IS interface database:', 'Interface             L CirID Level 1 DR        Level 2 DR        L1/L2 Metric'];
  for (const i of elements(info)) lines.push(`${pad(t(i, 'interface-name'), 22)}${t(i, 'circuit-type')} ${t(i, 'circuit-id').padStart(5)} ${pad(t(i, 'isis-interface-state-one'), 18)}${pad(t(i, 'isis-interface-state-two'), 18)}${`${t(i, 'metric-one')}/${t(i, 'metric-two')}`.padStart(9)}`);
  return lines.join('\n');
}

export const getIsisInterfaceInformation: RpcModule = {
  name: 'get-isis-interface-information',
  handler,
  cli: [{ words: 'show isis interface', args: [{ flag: 'brief' }, { flag: 'detail' }, { flag: 'extensive' }, { keyword: 'instance' }, { positional: 'interface-name', match: /^[a-z]/ }] }],
  text,
};
