/**
 * get-alarm-information (`show chassis alarms`): the chassis alarms, none on a healthy
 * emulated chassis. A profile's rpc/get-alarm-information.xml can raise some; the text
 * rendering reads either.
 */
import { child, elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { junosNs } from './reply-parts.js';
import type { DeviceView, RpcModule } from './types.js';
import { eventsIfAny, type Alarm } from '../life/events.js';
import { localTime } from './template.js';
import { el } from './reply-parts.js';

/** The `<alarm-detail>` elements of the alarms events raised (../life/events.ts), of one kind. */
export function eventAlarms(device: DeviceView, kind: Alarm['kind']): string[] {
  const alarms = eventsIfAny(device)?.alarms.filter((a) => a.kind === kind) ?? [];
  return alarms.flatMap((a) => [
    '<alarm-detail>',
    `<alarm-time junos:seconds="${Math.floor(a.time / 1000)}">${localTime(a.time)}</alarm-time>`,
    el('alarm-class', a.cls),
    el('alarm-description', a.text),
    el('alarm-short-description', a.text.length > 20 ? a.text.slice(0, 20) : a.text),
    el('alarm-type', kind === 'chassis' ? 'Chassis' : 'Configuration'),
    '</alarm-detail>',
  ]);
}

/** Alarms as `show chassis alarms` / `show system alarms` print them. */
export function alarmsText(info: XmlElement | undefined, none: string): string {
  const alarms = info ? elements(info).filter((e) => e.name === 'alarm-detail') : [];
  if (alarms.length === 0) return none;
  return [
    `${alarms.length} alarms currently active`,
    'Alarm time               Class  Description',
    ...alarms.map((a) => `${pad(t(a, 'alarm-time'), 25)}${pad(t(a, 'alarm-class'), 7)}${t(a, 'alarm-description')}`),
  ].join('\n');
}

export const getAlarmInformation: RpcModule = {
  name: 'get-alarm-information',
  handler: ({ device }) => {
    const raised = eventAlarms(device, 'chassis');
    const count = raised.filter((l) => l === '<alarm-detail>').length;
    return [`<alarm-information xmlns="${junosNs(device, 'junos-alarm')}">`, '<alarm-summary>', count ? el('active-alarm-count', count) : '<no-active-alarms/>', '</alarm-summary>', ...raised, '</alarm-information>'].join('\n');
  },
  cli: [{ words: 'show chassis alarms' }],
  text: (reply) => {
    const info = elements(reply)[0];
    return info && child(info, 'alarm-detail') ? alarmsText(info, '') : 'No alarms currently active';
  },
};
