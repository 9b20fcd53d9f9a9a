/**
 * get-ntp-status-information (`show ntp status`): the ntpq system variables as `<output>`
 * text: synchronised to the first reachable configured server (stratum 2), or
 * unsynchronised (stratum 16, leap alarm) without one.
 */
import { elements, escapeText, textOf } from '../../netconf/xml.js';
import { ntpServers } from './get-ntp-associations-information.js';
import type { RpcContext, RpcModule } from './types.js';

function status(ctx: RpcContext): string {
  const peer = ntpServers(ctx).find((s) => s.reachable);
  const now = new Date(ctx.device.now()).toUTCString();
  return [
    `status=${peer ? '0644 leap_none, sync_ntp, 4 events, event_peer/strat_chg' : 'c011 leap_alarm, sync_unspec, 1 event, event_restart'},`,
    'version="ntpd 4.2.8p15-a (1)", processor="amd64",',
    `system="JUNOS${ctx.device.profile.release}", leap=${peer ? '00' : '11'}, stratum=${peer ? 2 : 16},`,
    `precision=-23, rootdelay=${peer ? '0.512' : '0.000'}, rootdisp=${peer ? '11.093' : '0.450'}, refid=${peer ? peer.name : 'INIT'},`,
    `reftime=${peer ? '' : '00000000.00000000 '}${now},`,
    `clock=${now}, state=${peer ? 4 : 0},`,
    'offset=0.000, frequency=0.000, jitter=0.004, stability=0.000',
  ].join('\n');
}

export const getNtpStatusInformation: RpcModule = {
  name: 'get-ntp-status-information',
  handler: (ctx) => `<output>\n${escapeText(status(ctx))}\n</output>`,
  cli: [{ words: 'show ntp status', args: [{ flag: 'no-resolve' }] }],
  text: (reply) => textOf(elements(reply)[0]).replace(/^\n|\n$/g, ''),
};
