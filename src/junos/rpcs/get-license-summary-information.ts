/**
 * get-license-summary-information (`show system license`): the license usage of the
 * model's features (none installed, nothing used: a lab box), in the shape of the reply.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { el, junosNs } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

/** Licensed features Junos lists per family, with their description. */
const FEATURES: Record<string, [string, string][]> = {
  junos: [['scale-subscriber', 'Scale Subscriber'], ['scale-l2tp', 'Scale L2TP'], ['scale-mobile-ip', 'Scale MOBILE IP']],
  'junos-es': [['idp-sig', 'IDP Signature'], ['appid-sig', 'APPID Signature'], ['av_key_sophos_engine', 'Anti Virus with Sophos Engine'], ['wf_key_websense_ewf', 'Web Filtering EWF'], ['remote-access-ipsec-vpn-client', 'Remote Access IPSec VPN Client']],
  'junos-ex': [['ex4300-efl', 'EX4300 Enhanced Feature License'], ['ex4300-afl', 'EX4300 Advanced Feature License']],
  'junos-qfx': [['qfx-edge-fab', 'QFX Edge Fabric'], ['qfx5110-afl', 'QFX5110 Advanced Feature License']],
};

const handler: RpcHandler = ({ device }) => {
  const out = [`<license-summary-information xmlns="${junosNs(device, 'junos-license')}">`, '<license-usage-summary junos:style="normal">'];
  for (const [name, desc] of FEATURES[device.profile.family] ?? FEATURES.junos) {
    out.push('<feature-summary>', el('name', name), el('description', desc), el('licensed', 0), el('used-licensed', 0), el('needed', 0), '</feature-summary>');
  }
  out.push('</license-usage-summary>', '</license-summary-information>');
  return out.join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const usage = elements(info).find((e) => e.name === 'license-usage-summary');
  const lines = ['License usage: ', '                                 Licenses     Licenses    Licenses    Expiry', '  Feature name                       used    installed      needed '];
  for (const f of usage ? elements(usage).filter((e) => e.name === 'feature-summary') : []) {
    lines.push(`  ${pad(t(f, 'name'), 33)}${t(f, 'used-licensed').padStart(4)}${t(f, 'licensed').padStart(13)}${t(f, 'needed').padStart(12)}    permanent`);
  }
  lines.push('', 'Licenses installed: none');
  return lines.join('\n');
}

export const getLicenseSummaryInformation: RpcModule = {
  name: 'get-license-summary-information',
  handler,
  cli: [{ words: 'show system license' }],
  text,
};
