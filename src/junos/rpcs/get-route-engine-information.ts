/** get-route-engine-information (`show chassis routing-engine`): one entry per routing engine of the profile. */
import { serialFor } from '../profile.js';
import { localTime, uptimeLong } from '../template.js';
import { elements, escapeText, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import type { DeviceView, RpcModule } from './types.js';
import { bootOf, type BootableDevice } from '../life/boot.js';

const el = (name: string, value: string | number) => `<${name}>${escapeText(String(value))}</${name}>`;
const ns = (device: DeviceView, area: string) => `http://xml.juniper.net/junos/${device.profile.xmlRelease}/${area}`;
const upSeconds = (device: DeviceView) => Math.max(0, Math.floor((device.now() - device.bootTime) / 1000));

/** Serial number of a routing engine board, stable for the device. */
export function reSerial(device: DeviceView, reName: string): string {
  const re = device.profile.routingEngines.find((r) => r.name === reName);
  return re?.serial ?? serialFor('90130#####', `${device.identity ?? device.hostname}/${reName}`);
}

export function routeEngineInformation(device: DeviceView): string {
  const up = upSeconds(device);
  const boot = device.bootTime;
  const multi = device.profile.routingEngines.length > 1;
  // The same memory `show system memory` reports (the profile's memoryMB); Junos shows a little
  // less DRAM than is installed (16334 MB of 16384 MB on a real RE).
  const memoryMB = device.profile.memoryMB ?? 16384;
  const lines = [`<route-engine-information xmlns="${ns(device, 'junos-chassis')}">`];
  device.profile.routingEngines.forEach((re, i) => {
    // The backup booted a little after the master.
    const reBoot = boot + i * 9000;
    const reUp = Math.max(0, up - i * 9);
    lines.push(
      '<route-engine>',
      el('slot', re.slot),
      el('mastership-state', re.mastership),
      ...(multi ? [el('mastership-priority', `${re.mastership} (default)`)] : []),
      el('status', 'OK'),
      `<temperature junos:celsius="${33 + i}">${33 + i} degrees C / ${Math.round((33 + i) * 1.8 + 32)} degrees F</temperature>`,
      `<cpu-temperature junos:celsius="${31 + i}">${31 + i} degrees C / ${Math.round((31 + i) * 1.8 + 32)} degrees F</cpu-temperature>`,
      el('memory-dram-size', `${memoryMB - 50} MB`),
      el('memory-installed-size', `(${memoryMB} MB installed)`),
      el('memory-buffer-utilization', 12),
      el('cpu-user', 1),
      el('cpu-background', 0),
      el('cpu-system', 2),
      el('cpu-interrupt', 0),
      el('cpu-idle', 97),
      el('model', re.model),
      el('serial-number', reSerial(device, re.name)),
      `<start-time junos:seconds="${Math.floor(reBoot / 1000)}">${escapeText(localTime(reBoot))}</start-time>`,
      `<up-time junos:seconds="${reUp}">${escapeText(uptimeLong(reUp))}</up-time>`,
      el('last-reboot-reason', bootOf(device as unknown as BootableDevice).lastReason),
      el('load-average-one', '0.12'),
      el('load-average-five', '0.09'),
      el('load-average-fifteen', '0.08'),
      '</route-engine>',
    );
  });
  lines.push('</route-engine-information>');
  return lines.join('\n');
}

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  const out: string[] = ['Routing Engine status:'];
  for (const re of elements(info).filter((e) => e.name === 'route-engine')) {
    out.push(
      `  Slot ${t(re, 'slot')}:`,
      `    Current state                  ${t(re, 'mastership-state').replace(/^./, (c) => c.toUpperCase())}`,
      `    Temperature                 ${t(re, 'temperature')}`,
      `    DRAM                      ${[t(re, 'memory-dram-size'), t(re, 'memory-installed-size')].filter(Boolean).join(' ')}`,
      `    Model                          ${t(re, 'model')}`,
      `    Serial ID                      ${t(re, 'serial-number')}`,
      `    Start time                     ${t(re, 'start-time')}`,
      `    Uptime                         ${t(re, 'up-time')}`,
      `    Last reboot reason             ${t(re, 'last-reboot-reason')}`,
    );
  }
  return out.join('\n');
}

export const getRouteEngineInformation: RpcModule = {
  name: 'get-route-engine-information',
  handler: ({ device }) => routeEngineInformation(device),
  cli: [{ words: 'show chassis routing-engine' }],
  text,
};
