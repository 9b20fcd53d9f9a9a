/**
 * get-zones-information (`show security zones [NAME] [terse|detail]`, SRX): each
 * configured security zone (and the management functional zone) with its screen, its
 * interfaces and their count, in the shape of the SRX reply.
 */
import { elements, parseXml, textOf, type XmlElement } from '../../netconf/xml.js';
import { syntaxError } from './cli-words.js';
import { pad, t } from './formats.js';
import { committedConfig, nameOf, walk } from './reply-parts.js';
import { el, hasFlag, junosNs, param } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

const handler: RpcHandler = ({ device, op, config }) => {
  if (device.profile.family !== 'junos-es') throw syntaxError('get-zones-information');
  const cfg = committedConfig(config);
  const wanted = param(op, 'get-zones-named-information');
  const terse = hasFlag(op, 'terse');
  const out = [`<zones-information xmlns="${junosNs(device, 'junos-zones')}" junos:style="${terse ? 'terse' : 'detail'}">`];
  const zones = walk(cfg, 'security', 'zones', 'security-zone');
  const mgmt = walk(cfg, 'security', 'zones', 'functional-zone', 'management');
  const all: { name: string; type: string; z: XmlElement }[] = [
    ...mgmt.map((z) => ({ name: 'management', type: 'Functional', z })),
    ...zones.map((z) => ({ name: nameOf(z), type: 'Security', z })),
    // Junos always has junos-host (traffic to and from the device).
    { name: 'junos-host', type: 'Security', z: parseXml('<security-zone/>') },
  ];
  for (const { name, type, z } of all) {
    if (wanted && wanted !== name) continue;
    const ifs = walk(z, 'interfaces').map(nameOf);
    out.push('<zones-security>', el('zones-security-zonename', name));
    if (!terse) {
      out.push(el('zones-security-send-reset', 'Off'), el('zones-security-policy-configurable', type === 'Security' ? 'Yes' : 'No'));
      const screen = t(z, 'screen');
      if (screen) out.push(el('zones-security-screen', screen));
      out.push(el('zones-security-interfaces-bound', ifs.length), '<zones-security-interfaces>');
      for (const i of ifs) out.push(el('zones-security-interface-name', i));
      out.push('</zones-security-interfaces>');
    } else out.push(el('zones-security-zonetype', type));
    out.push('</zones-security>');
  }
  out.push('</zones-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const zones = elements(info).filter((e) => e.name === 'zones-security');
  if (info.attrs['junos:style'] === 'terse') {
    return ['Zone                        Type', ...zones.map((z) => `${pad(t(z, 'zones-security-zonename'), 28)}${t(z, 'zones-security-zonetype')}`)].join('\n');
  }
  const lines: string[] = [];
  for (const z of zones) {
    lines.push('', `Security zone: ${t(z, 'zones-security-zonename')}`, `  Send reset for non-SYN session TCP packets: ${t(z, 'zones-security-send-reset')}`, `  Policy configurable: ${t(z, 'zones-security-policy-configurable')}`);
    if (t(z, 'zones-security-screen')) lines.push(`  Screen: ${t(z, 'zones-security-screen')}`);
    lines.push(`  Interfaces bound: ${t(z, 'zones-security-interfaces-bound')}`, '  Interfaces:');
    const ifs = elements(z).find((e) => e.name === 'zones-security-interfaces');
    for (const i of ifs ? elements(ifs) : []) lines.push(`    ${textOf(i).trim()}`);
  }
  return lines.join('\n');
}

export const getZonesInformation: RpcModule = {
  name: 'get-zones-information',
  handler,
  cli: [{ words: 'show security zones', args: [{ flag: 'terse' }, { flag: 'detail' }, { positional: 'get-zones-named-information', match: /^[\w.-]+$/ }] }],
  text,
};
