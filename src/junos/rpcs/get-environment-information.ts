/**
 * get-environment-information (`show chassis environment`): temperatures, power and fans
 * of the chassis. Built from the profile's routing engines (a generic healthy chassis);
 * profiles of real hardware carry the captured list as rpc/get-environment-information.xml.
 * As on Junos, `<class>` is written on the first item of each class only.
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { el, junosNs } from './reply-parts.js';
import { eventsIfAny } from '../life/events.js';
import type { DeviceView, RpcModule } from './types.js';

interface Item {
  cls: 'Temp' | 'Power' | 'Fans';
  name: string;
  celsius?: number;
  comment?: string;
}

function items(device: DeviceView): Item[] {
  // A temperature event (../life/events.ts) sets the master routing engine's; the rest of the chassis follows.
  const hot = eventsIfAny(device)?.temperature;
  const list = baseItems(device);
  if (hot === undefined) return list;
  const shift = Math.round(hot) - 38;
  return list.map((it) => (it.celsius === undefined ? it : { ...it, celsius: it.celsius + shift }));
}

function baseItems(device: DeviceView): Item[] {
  const out: Item[] = [
    { cls: 'Temp', name: 'PEM 0', celsius: 34 },
    { cls: 'Temp', name: 'PEM 1', celsius: 33 },
  ];
  device.profile.routingEngines.forEach((re, i) => out.push({ cls: 'Temp', name: `Routing Engine ${re.slot}`, celsius: 38 + i }, { cls: 'Temp', name: `Routing Engine ${re.slot} CPU`, celsius: 45 + i }));
  out.push({ cls: 'Temp', name: 'FPC 0 Intake', celsius: 29 }, { cls: 'Temp', name: 'FPC 0 Exhaust A', celsius: 41 });
  out.push({ cls: 'Power', name: 'PEM 0', comment: '' }, { cls: 'Power', name: 'PEM 1', comment: '' });
  for (let f = 0; f < 2; f++) out.push({ cls: 'Fans', name: `Fan Tray 0 Fan ${f}`, comment: 'Spinning at normal speed' });
  return out;
}

const fahrenheit = (c: number) => Math.round((c * 9) / 5 + 32);

function reply(device: DeviceView): string {
  const lines = [`<environment-information xmlns="${junosNs(device, 'junos-chassis')}">`];
  let last = '';
  for (const it of items(device)) {
    lines.push('<environment-item>', el('name', it.name));
    if (it.cls !== last) lines.push(el('class', it.cls));
    last = it.cls;
    lines.push(el('status', it.celsius !== undefined && it.celsius >= 75 ? 'Check' : 'OK'));
    if (it.celsius !== undefined) lines.push(`<temperature junos:celsius="${it.celsius}">${it.celsius} degrees C / ${fahrenheit(it.celsius)} degrees F</temperature>`);
    if (it.comment) lines.push(el('comment', it.comment));
    lines.push('</environment-item>');
  }
  lines.push('</environment-information>');
  return lines.join('\n');
}

function text(info: XmlElement | undefined): string {
  const out = ['Class Item                           Status     Measurement'];
  for (const it of info ? elements(info).filter((e) => e.name === 'environment-item') : []) {
    const measure = t(it, 'temperature') || t(it, 'comment');
    out.push(`${pad(t(it, 'class'), 6)}${pad(t(it, 'name'), 31)}${pad(t(it, 'status'), 11)}${measure}`.trimEnd());
  }
  return out.join('\n');
}

export const getEnvironmentInformation: RpcModule = {
  name: 'get-environment-information',
  handler: ({ device }) => reply(device),
  cli: [{ words: 'show chassis environment' }],
  text: (r) => text(elements(r)[0]),
};
