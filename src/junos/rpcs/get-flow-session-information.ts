/**
 * get-flow-session-information (`show security flow session [summary]`, SRX): the flow
 * table of an idle lab box: no sessions, the summary's counters at zero and the maximum
 * from the model (SRX345 and SRX4100 figures).
 */
import { elements, type XmlElement } from '../../netconf/xml.js';
import { syntaxError } from './cli-words.js';
import { t } from './formats.js';
import { el, hasFlag, junosNs } from './protocol-parts.js';
import type { RpcHandler, RpcModule } from './types.js';

/** Maximum sessions per model (data sheets); others: 64K. */
const MAX: Record<string, number> = { srx345: 375000, srx4100: 10000000, srx340: 375000, srx300: 64000 };

const handler: RpcHandler = ({ device, op }) => {
  if (device.profile.family !== 'junos-es') throw syntaxError('get-flow-session-information');
  const ns = junosNs(device, 'junos-flow');
  if (hasFlag(op, 'summary')) {
    const max = MAX[device.profile.model] ?? 65536;
    return [
      `<flow-session-summary-information xmlns="${ns}">`,
      el('active-unicast-sessions', 0), el('active-multicast-sessions', 0), el('active-services-offload-sessions', 0),
      el('failed-sessions', 0), el('active-sessions', 0), el('active-session-valid', 0), el('active-session-pending', 0),
      el('active-session-invalidated', 0), el('active-session-other', 0), el('max-sessions', max),
      '</flow-session-summary-information>',
    ].join('\n');
  }
  return [`<flow-session-information xmlns="${ns}">`, el('displayed-session-count', 0), el('displayed-session-valid', 0), el('displayed-session-pending', 0), el('displayed-session-invalidated', 0), el('displayed-session-other', 0), '</flow-session-information>'].join('\n');
};

function text(reply: XmlElement): string {
  const info = elements(reply)[0];
  if (info.name === 'flow-session-summary-information') {
    return [
      '',
      `Unicast-sessions on FPC0 PIC0:`,
      `Unicast-sessions: ${t(info, 'active-unicast-sessions')}`,
      `Multicast-sessions: ${t(info, 'active-multicast-sessions')}`,
      `Services-offload-sessions: ${t(info, 'active-services-offload-sessions')}`,
      `Failed-sessions: ${t(info, 'failed-sessions')}`,
      `Sessions-in-use: ${t(info, 'active-sessions')}`,
      `  Valid sessions: ${t(info, 'active-session-valid')}`,
      `  Pending sessions: ${t(info, 'active-session-pending')}`,
      `  Invalidated sessions: ${t(info, 'active-session-invalidated')}`,
      `  Sessions in other states: ${t(info, 'active-session-other')}`,
      `Maximum-sessions: ${t(info, 'max-sessions')}`,
    ].join('\n');
  }
  return `Total sessions: ${t(info, 'displayed-session-count')}`;
}

export const getFlowSessionInformation: RpcModule = {
  name: 'get-flow-session-information',
  handler,
  cli: [{ words: 'show security flow session', args: [{ flag: 'summary' }, { flag: 'brief' }, { flag: 'extensive' }] }],
  text,
};
