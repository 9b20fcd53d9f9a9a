/**
 * get-software-information, in its single-RE form and the multi-routing-engine form
 * (`<all-servers/>` or `invoke-on all-routing-engines` on a device with several REs).
 */
import { child } from '../../netconf/xml.js';
import { escapeText } from '../../netconf/xml.js';
import type { DeviceView, RpcHandler } from './types.js';

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

export const getSoftwareInformation: RpcHandler = ({ device, op }) => {
  if (child(op, 'all-servers') || child(op, 'invoke-on')) return softwareAllEngines(device);
  return softwareInformation(device);
};
