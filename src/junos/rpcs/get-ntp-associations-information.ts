/**
 * get-ntp-associations-information (`show ntp associations [no-resolve]`): Junos answers
 * it with the ntpq table as `<output>` text, one line per configured `system ntp server`
 * (and peer). A server on a connected subnet or a configured neighbour is reachable: the
 * first is the system peer (`*`), the others candidates (`+`); the rest stay `.INIT.`
 * at stratum 16.
 */
import { elements, escapeText, textOf } from '../../netconf/xml.js';
import { committedConfig, locate, nameOf, walk } from './reply-parts.js';
import type { RpcContext, RpcModule } from './types.js';

const HEADER = ['     remote           refid      st t when poll reach   delay   offset  jitter', '=============================================================================='];

export function ntpServers(ctx: Pick<RpcContext, 'config' | 'device'>): { name: string; reachable: boolean }[] {
  const cfg = committedConfig(ctx.config, '<configuration><system><ntp/></system></configuration>');
  const names = [...walk(cfg, 'system', 'ntp', 'server'), ...walk(cfg, 'system', 'ntp', 'peer')].map(nameOf).filter(Boolean);
  return names.map((name) => ({ name, reachable: locate(ctx, name) !== undefined }));
}

function table(ctx: RpcContext): string {
  let synced = false;
  const rows = ntpServers(ctx).map(({ name, reachable }, i) => {
    const remote = name.slice(0, 15).padEnd(15);
    if (!reachable) return ` ${remote} .INIT.          16 -    -   64    0    0.000    0.000 4000.00`;
    const mark = synced ? '+' : '*';
    synced = true;
    const delay = (0.4 + i * 0.15).toFixed(3).padStart(8);
    return `${mark}${remote} .GPS.            1 u   ${String(17 + i * 5).padStart(2)}   64  377 ${delay}   ${(-0.012 * (i + 1)).toFixed(3).padStart(6)}   ${(0.004 + i * 0.001).toFixed(3)}`;
  });
  return [...HEADER, ...rows].join('\n');
}

export const getNtpAssociationsInformation: RpcModule = {
  name: 'get-ntp-associations-information',
  handler: (ctx) => `<output>\n${escapeText(table(ctx))}\n</output>`,
  cli: [{ words: 'show ntp associations', args: [{ flag: 'no-resolve' }] }],
  text: (reply) => textOf(elements(reply)[0]).replace(/^\n|\n$/g, ''),
};
