/**
 * get-system-alarm-information (`show system alarms`): the software alarms. A freshly
 * booted Junos device without a rescue configuration raises "Rescue configuration is not
 * set" (Minor); the emulator has no rescue configuration, so that one is always active.
 */
import { localTime } from './template.js';
import { elements } from '../../netconf/xml.js';
import { alarmsText, eventAlarms } from './get-alarm-information.js';
import { el, junosNs } from './reply-parts.js';
import type { RpcModule } from './types.js';

export const getSystemAlarmInformation: RpcModule = {
  name: 'get-system-alarm-information',
  handler: ({ device }) => {
    // Raised when the device booted without a rescue configuration.
    const at = device.bootTime;
    const raised = eventAlarms(device, 'system');
    return [
      `<alarm-information xmlns="${junosNs(device, 'junos-alarm')}">`,
      '<alarm-summary>',
      el('active-alarm-count', 1 + raised.filter((l) => l === '<alarm-detail>').length),
      '</alarm-summary>',
      '<alarm-detail>',
      `<alarm-time junos:seconds="${Math.floor(at / 1000)}">${localTime(at)}</alarm-time>`,
      el('alarm-class', 'Minor'),
      el('alarm-description', 'Rescue configuration is not set'),
      el('alarm-short-description', 'no-rescue'),
      el('alarm-type', 'Configuration'),
      '</alarm-detail>',
      ...raised,
      '</alarm-information>',
    ].join('\n');
  },
  cli: [{ words: 'show system alarms' }],
  text: (reply) => alarmsText(elements(reply)[0], 'No alarms currently active'),
};
