/** clear-system-commit (`clear system commit`): cancels the pending `commit at`. */
import { child } from '../../netconf/xml.js';
import { feature } from './commit-history.js';
import { t } from './formats.js';
import type { RpcModule } from './types.js';

export const clearSystemCommit: RpcModule = {
  name: 'clear-system-commit',
  handler: ({ config }) => {
    feature(config, 'clearPendingCommit', 'clear-system-commit')();
    return '<clear-system-commit-results>\n<message>Pending commit cleared</message>\n</clear-system-commit-results>';
  },
  cli: [{ words: 'clear system commit' }],
  text: (reply) => t(child(reply, 'clear-system-commit-results'), 'message'),
};
