/**
 * get-rescue-information (`show system configuration rescue`): the rescue configuration
 * as text, in `<rescue-information><configuration-information><configuration-output>`.
 * An error when none is saved.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { child, escapeText, textOf } from '../../netconf/xml.js';
import { feature } from './commit-history.js';
import type { RpcModule } from './types.js';

export const getRescueInformation: RpcModule = {
  name: 'get-rescue-information',
  handler: ({ config }) => {
    const rescue = feature(config, 'rescue', 'get-rescue-information')();
    if (!rescue) throw new RpcError({ type: 'application', tag: 'operation-failed', message: 'rescue configuration is not set' });
    return ['<rescue-information>', '<configuration-information>', `<configuration-output>${escapeText(rescue.text)}</configuration-output>`, '</configuration-information>', '</rescue-information>'].join('\n');
  },
  cli: [{ words: 'show system configuration rescue' }],
  text: (reply) => {
    const out = child(child(child(reply, 'rescue-information') ?? reply, 'configuration-information') ?? reply, 'configuration-output');
    return out ? textOf(out).replace(/\n$/, '') : '';
  },
};
