/**
 * traceroute (`traceroute HOST [ttl N] [wait N] [source A] ...`), answered from the
 * device's addresses like ping: a destination on a configured subnet (or the device
 * itself) is one hop away, a configured neighbour two (through the connected gateway),
 * anything else answers no probe up to the maximum hop count (ttl, default 30).
 */
import { child, elements, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import { destination, numberParam } from './ping.js';
import { el, locate } from './reply-parts.js';
import type { RpcContext, RpcModule } from './types.js';

function reply(ctx: RpcContext): string {
  const host = destination(ctx.op, 'traceroute');
  const maxHops = numberParam(ctx.op, 'ttl', 30, 1, 255);
  const where = locate(ctx, host);
  const now = Math.floor(ctx.device.now() / 1000);
  const lines = ['<traceroute-results>', el('target-host', host), el('target-ip', host), el('max-hop-index', maxHops), el('packet-size', 40)];
  const hops: (string | undefined)[] = !where ? Array.from({ length: maxHops }, () => undefined) : where.kind === 'neighbour' && where.via ? [where.via.address, host] : [host];
  hops.forEach((addr, i) => {
    lines.push('<hop>', el('ttl-value', i + 1));
    if (addr) lines.push(el('last-ip-address', addr));
    for (let p = 1; p <= 3; p++) {
      lines.push(`<probe-result date-determined="${now}">`, el('probe-index', p));
      if (addr) {
        const last = i === hops.length - 1;
        lines.push(el('ip-address', addr));
        lines.push(last ? '<icmp-type integer-type-value="3">\n<icmp-unreach/>\n</icmp-type>' : '<icmp-type integer-type-value="11">\n<icmp-timxceed/>\n</icmp-type>');
        lines.push(el('rtt', 350 + i * 200 + p * 23), '<probe-success/>');
      } else lines.push('<probe-failure/>');
      lines.push('</probe-result>');
    }
    lines.push('</hop>');
  });
  lines.push(where ? '<traceroute-success/>' : '<traceroute-failure/>', '</traceroute-results>');
  return lines.join('\n');
}

function text(r: XmlElement): string {
  const tr = elements(r)[0];
  if (!tr) return '';
  const out = [`traceroute to ${t(tr, 'target-host')} (${t(tr, 'target-ip')}), ${t(tr, 'max-hop-index')} hops max, ${t(tr, 'packet-size')} byte packets`];
  for (const hop of elements(tr).filter((e) => e.name === 'hop')) {
    const probes = elements(hop).filter((e) => e.name === 'probe-result');
    const parts = probes.map((p) => (child(p, 'rtt') ? `${(Number(t(p, 'rtt')) / 1000).toFixed(3)} ms` : '*'));
    const addr = t(hop, 'last-ip-address');
    out.push(`${t(hop, 'ttl-value').padStart(2)}  ${addr ? `${addr} (${addr})  ${parts.join('  ')}` : parts.join(' ')}`);
  }
  return out.join('\n');
}

const VALUES = ['ttl', 'wait', 'source', 'interface', 'routing-instance', 'tos', 'gateway', 'logical-system'];
const FLAGS = ['no-resolve', 'inet', 'inet6', 'bypass-routing', 'as-number-lookup', 'propagate-ttl'];

export const traceroute: RpcModule = {
  name: 'traceroute',
  handler: (ctx) => reply(ctx),
  cli: [{ words: 'traceroute', args: [...VALUES.map((keyword) => ({ keyword })), ...FLAGS.map((flag) => ({ flag })), { positional: 'host', required: true }] }],
  text,
};
