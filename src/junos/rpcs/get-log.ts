/**
 * get-log (`show log messages`): the device's synthesised syslog (../identity/syslog.ts), as text
 * inside `<output>` like Junos's file-backed logs.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { escapeText, textOf, elements } from '../../netconf/xml.js';
import { syslogOf } from '../identity/syslog.js';
import type { RpcModule } from './types.js';

export const getLog: RpcModule = {
  name: 'get-log',
  handler: ({ device, op }) => {
    const file = elements(op).find((e) => e.name === 'filename');
    const name = file ? textOf(file).trim() : '';
    if (name === '') return `<output>\n${escapeText('messages\ninteractive-commands\n')}</output>`;
    if (name !== 'messages' && name !== '/var/log/messages') {
      throw new RpcError({ type: 'application', tag: 'operation-failed', message: `could not resolve file: ${name}` });
    }
    const lines = syslogOf(device).lines(device.hostname);
    return `<output>\n${escapeText(lines.map((l) => l + '\n').join(''))}</output>`;
  },
  cli: [{ words: 'show log', args: [{ positional: 'filename' }] }],
  text: (reply) => textOf(reply).replace(/^\n/, ''),
};
