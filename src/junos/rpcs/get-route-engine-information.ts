/** get-route-engine-information (`show chassis routing-engine`): one entry per routing engine of the profile. */
import { serialFor } from '../identity/profile.js';
import { localTime, uptimeLong } from './template.js';
import { elements, escapeText, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import type { DeviceView, RpcModule } from './types.js';
import { bootOf } from '../life/boot.js';
import { eventsIfAny } from '../life/events.js';

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
  // Events (../life/events.ts): a switchover moves mastership; CPU and temperature levels.
  const ev = eventsIfAny(device);
  const busy = ev?.cpu;
  const hot = ev?.temperature;
  device.profile.routingEngines.forEach((re, i) => {
    const mastership = ev?.masterSlot === undefined ? re.mastership : re.slot === ev.masterSlot ? 'master' : 'backup';
    const master = mastership === 'master';
    const temp = hot !== undefined && master ? Math.round(hot) : 33 + i;
    const cpuTemp = hot !== undefined && master ? Math.round(hot) - 2 : 31 + i;
    const cpu = busy !== undefined && master ? { user: Math.round(busy * 0.7), background: 0, system: busy - Math.round(busy * 0.7) - Math.round(busy * 0.05), interrupt: Math.round(busy * 0.05), idle: 100 - busy } : { user: 1, background: 0, system: 2, interrupt: 0, idle: 97 };
    // The backup booted a little after the master.
    const reBoot = boot + i * 9000;
    const reUp = Math.max(0, up - i * 9);
    lines.push(
      '<route-engine>',
      el('slot', re.slot),
      el('mastership-state', mastership),
      ...(multi ? [el('mastership-priority', `${re.mastership} (default)`)] : []),
      el('status', 'OK'),
      `<temperature junos:celsius="${temp}">${temp} degrees C / ${Math.round(temp * 1.8 + 32)} degrees F</temperature>`,
      `<cpu-temperature junos:celsius="${cpuTemp}">${cpuTemp} degrees C / ${Math.round(cpuTemp * 1.8 + 32)} degrees F</cpu-temperature>`,
      el('memory-dram-size', `${memoryMB - 50} MB`),
      el('memory-installed-size', `(${memoryMB} MB installed)`),
      el('memory-buffer-utilization', 12),
      el('cpu-user', cpu.user),
      el('cpu-background', cpu.background),
      el('cpu-system', Math.max(0, cpu.system)),
      el('cpu-interrupt', cpu.interrupt),
      el('cpu-idle', cpu.idle),
      el('model', re.model),
      el('serial-number', reSerial(device, re.name)),
      `<start-time junos:seconds="${Math.floor(reBoot / 1000)}">${escapeText(localTime(reBoot))}</start-time>`,
      `<up-time junos:seconds="${reUp}">${escapeText(uptimeLong(reUp))}</up-time>`,
      el('last-reboot-reason', bootOf(device).lastReason),
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
