/**
 * get-system-memory-information (`show system memory`): the routing engine's memory
 * summary (FreeBSD-based Junos). Sizes follow the profile's memory (`memoryMB`, default
 * 16384) with fixed shares, so repeated reads agree.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import { junosNs } from './reply-parts.js';
import { eventsIfAny } from '../life/events.js';
import type { DeviceView, RpcModule } from './types.js';

const KINDS = [
  ['reserved', 'Reserved', 0.003],
  ['wired', 'Wired', 0.11],
  ['active', 'Active', 0.18],
  ['inactive', 'Inactive', 0.09],
  ['cache', 'Cache', 0.0],
] as const;

function reply(device: DeviceView): string {
  const total = (device.profile.memoryMB ?? 16384) * 1024;
  const line = (k: string, v: number) => `<system-memory-${k} junos:format="${v}K">${v}</system-memory-${k}>\n<system-memory-${k}-percent>${Math.round((v * 100) / total)}%</system-memory-${k}-percent>`;
  // A memory event (../life/events.ts) sets the share in use: the active pages grow to it.
  const used = eventsIfAny(device)?.memory;
  const fixed = KINDS.filter(([k]) => k !== 'active').reduce((sum, [, , share]) => sum + share, 0);
  const parts = KINDS.map(([k, , share]) => [k, Math.round(total * (k === 'active' && used !== undefined ? Math.max(0, used / 100 - fixed) : share))] as const);
  const free = total - parts.reduce((s, [, v]) => s + v, 0);
  return [
    `<system-memory-information xmlns="${junosNs(device, 'junos')}">`,
    '<system-memory-summary-information>',
    line('total', total),
    ...parts.map(([k, v]) => line(k, v)),
    line('free', free),
    '</system-memory-summary-information>',
    '</system-memory-information>',
  ].join('\n');
}

function text(info: XmlElement | undefined): string {
  const s = info ? elements(info).find((e) => e.name === 'system-memory-summary-information') : undefined;
  const row = (label: string, k: string) => `${`${label} memory:`.padStart(20)} ${t(s, `system-memory-${k}`).padStart(8)} Kbytes (${t(s, `system-memory-${k}-percent`).replace('%', '').padStart(3)}%)`;
  return ['System memory usage distribution:', row('Total', 'total'), ...KINDS.map(([k, label]) => row(label, k)), row('Free', 'free')].join('\n');
}

export const getSystemMemoryInformation: RpcModule = {
  name: 'get-system-memory-information',
  handler: ({ device }) => reply(device),
  cli: [{ words: 'show system memory' }],
  text: (r) => text(elements(r)[0]),
};
