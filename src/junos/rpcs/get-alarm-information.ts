/**
 * get-alarm-information (`show chassis alarms`): the chassis alarms, none on a healthy
 * emulated chassis. A profile's rpc/get-alarm-information.xml can raise some; the text
 * rendering reads either.
 */
import { child, elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { junosNs } from './reply-parts.js';
import type { RpcModule } from './types.js';

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
  handler: ({ device }) =>
    [`<alarm-information xmlns="${junosNs(device, 'junos-alarm')}">`, '<alarm-summary>', '<no-active-alarms/>', '</alarm-summary>', '</alarm-information>'].join('\n'),
  cli: [{ words: 'show chassis alarms' }],
  text: (reply) => {
    const info = elements(reply)[0];
    return info && child(info, 'alarm-detail') ? alarmsText(info, '') : 'No alarms currently active';
  },
};
