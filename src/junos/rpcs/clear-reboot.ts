/** clear-reboot (`clear system reboot`): cancels a shutdown scheduled with `at` or `in`. */
import { child, textOf } from '../../netconf/xml.js';
import { bootOf } from '../life/boot.js';
import type { RpcModule } from './types.js';

export const clearReboot: RpcModule = {
  name: 'clear-reboot',
  handler: ({ device }) => {
    const cleared = bootOf(device).clear();
    return `<clear-reboot-results>\n<output>${cleared ? 'Terminating...' : 'No shutdown/reboot scheduled.'}</output>\n</clear-reboot-results>`;
  },
  cli: [{ words: 'clear system reboot', args: [{ flag: 'both-routing-engines' }] }],
  text: (reply) => {
    const o = child(child(reply, 'clear-reboot-results') ?? reply, 'output');
    return `${o ? textOf(o).trim() : ''}\n`;
  },
};
