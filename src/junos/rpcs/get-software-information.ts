/**
 * get-software-information (`show version`), in its single-RE form and the
 * multi-routing-engine form (`<all-servers/>` or `invoke-on all-routing-engines` on a
 * device with several REs).
 */
import { child, elements, escapeText, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import type { DeviceView, RpcHandler, RpcModule } from './types.js';

/** The <software-information> element of one routing engine. */
export function softwareInformation(device: DeviceView): string {
  const p = device.profile;
  const lines = [
    '<software-information>',
    `<host-name>${escapeText(device.hostname)}</host-name>`,
    `<product-model>${escapeText(p.model)}</product-model>`,
    `<product-name>${escapeText(p.productName)}</product-name>`,
    `<junos-version>${escapeText(p.release)}</junos-version>`,
  ];
  for (const pkg of p.packages) {
    lines.push('<package-information>', `<name>${escapeText(pkg.name)}</name>`, `<comment>${escapeText(pkg.comment.replace(/\{\{release\}\}/g, p.release))}</comment>`, '</package-information>');
  }
  lines.push('</software-information>');
  return lines.join('\n');
}

/** Software information of every RE: multi-routing-engine-results when there are several. */
export function softwareAllEngines(device: DeviceView): string {
  const res = device.profile.routingEngines;
  // Virtual-chassis-capable switches answer per member (fpc0...) even with one member.
  if (res.length < 2 && !device.profile.virtualChassis) return softwareInformation(device);
  const items = res.map((re) => ['<multi-routing-engine-item>', `<re-name>${escapeText(re.name)}</re-name>`, softwareInformation(device), '</multi-routing-engine-item>'].join('\n'));
  return ['<multi-routing-engine-results>', ...items, '</multi-routing-engine-results>'].join('\n');
}

const handler: RpcHandler = ({ device, op }) => {
  if (child(op, 'all-servers') || child(op, 'invoke-on')) return softwareAllEngines(device);
  return softwareInformation(device);
};

function softwareText(sw: XmlElement): string {
  const lines = [`Hostname: ${t(sw, 'host-name')}`, `Model: ${t(sw, 'product-model')}`, `Junos: ${t(sw, 'junos-version')}`];
  for (const p of elements(sw).filter((e) => e.name === 'package-information')) lines.push(t(p, 'comment'));
  return lines.join('\n');
}

function text(root: XmlElement): string {
  const multi = child(root, 'multi-routing-engine-results');
  if (!multi) return softwareText(child(root, 'software-information')!);
  return elements(multi)
    .filter((e) => e.name === 'multi-routing-engine-item')
    .map((item) => `${t(item, 're-name')}:\n${'-'.repeat(74)}\n${softwareText(child(item, 'software-information')!)}`)
    .join('\n\n');
}

export const getSoftwareInformation: RpcModule = {
  name: 'get-software-information',
  handler,
  cli: [
    { words: 'show version' },
    { words: 'show version detail', params: ['detail'] },
    { words: 'show version brief', params: ['brief'] },
    { words: 'show version invoke-on all-routing-engines', params: ['all-servers'] },
  ],
  text,
};
