/** get-system-information (`show system information`): model, OS, serial and host name. */
import { escapeText, elements } from '../../netconf/xml.js';
import { t } from './formats.js';
import type { RpcModule } from './types.js';

const el = (name: string, value: string | number) => `<${name}>${escapeText(String(value))}</${name}>`;

export const getSystemInformation: RpcModule = {
  name: 'get-system-information',
  handler: ({ device }) =>
    [
      '<system-information>',
      el('hardware-model', device.profile.hardwareModel),
      el('os-name', device.profile.osName),
      el('os-version', device.profile.release),
      el('serial-number', device.serialNumber),
      el('host-name', device.hostname),
      '</system-information>',
    ].join('\n'),
  cli: [{ words: 'show system information' }],
  text: (reply) => {
    const s = elements(reply)[0];
    return [`Model: ${t(s, 'hardware-model')}`, `Family: ${t(s, 'os-name')}`, `Junos: ${t(s, 'os-version')}`, `Hostname: ${t(s, 'host-name')}`].join('\n');
  },
};
