/**
 * ping (`ping HOST [count N] [size N] [ttl N] [wait N] [interval N] [rapid] ...`),
 * answered from the device's addresses: a destination that is one of its own addresses,
 * on a configured subnet or a configured neighbour (BGP peer, static next hop) replies;
 * anything else is 100% loss. No packet is sent; round-trip times are fixed per probe.
 * The count defaults to 5 and is capped at 1000 (the cli's endless ping has no Ctrl-C
 * over an RPC).
 */
import net from 'node:net';
import { RpcError } from '../../netconf/rpc-error.js';
import { child, elements, textOf, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import { el, locate } from './reply-parts.js';
import type { RpcContext, RpcModule } from './types.js';

/** A numeric parameter within bounds, else the Junos value error. */
export function numberParam(op: XmlElement, name: string, dflt: number, min: number, max: number): number {
  const e = child(op, name);
  if (!e) return dflt;
  const s = textOf(e).trim();
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < min || n > max) {
    throw new RpcError({ type: 'protocol', tag: 'invalid-value', message: `invalid value '${s}' for ${name}: must be ${min}..${max}`, badElement: name });
  }
  return n;
}

/** The destination address of a ping/traceroute; a name that is not an address does not resolve. */
export function destination(op: XmlElement, tool: string): string {
  const h = child(op, 'host');
  const host = h ? textOf(h).trim() : '';
  if (!host) throw new RpcError({ type: 'protocol', tag: 'missing-element', message: 'syntax error, expecting <host>', badElement: 'host' });
  if (net.isIP(host) === 0) throw new RpcError({ type: 'application', tag: 'operation-failed', message: `${tool}: cannot resolve ${host}: Host name lookup failure` });
  return host;
}

function reply(ctx: RpcContext): string {
  const host = destination(ctx.op, 'ping');
  const count = numberParam(ctx.op, 'count', 5, 1, 1000);
  const size = numberParam(ctx.op, 'size', 56, 0, 65468);
  const ttl = numberParam(ctx.op, 'ttl', 64, 1, 255);
  const where = locate(ctx, host);
  const now = Math.floor(ctx.device.now() / 1000);
  const lines = ['<ping-results>', el('target-host', host), el('target-ip', host), el('packet-size', size)];
  const rtts: number[] = [];
  if (where) {
    const hopTtl = where.kind === 'local' ? 64 : where.kind === 'connected' ? 64 : 63;
    for (let i = 0; i < count; i++) {
      const rtt = (where.kind === 'local' ? 40 : 400) + ((i * 37) % 90);
      rtts.push(rtt);
      lines.push(
        `<probe-result date-determined="${now + i}">`,
        el('probe-index', i + 1),
        '<probe-success/>',
        el('sequence-number', i),
        el('ip-address', host),
        el('time-to-live', Math.min(hopTtl, ttl === 64 ? hopTtl : ttl)),
        el('response-size', size + 8),
        el('rtt', rtt),
        '</probe-result>',
      );
    }
  }
  lines.push('<probe-results-summary>', el('probes-sent', count), el('responses-received', rtts.length), el('packet-loss', where ? 0 : 100));
  if (rtts.length) {
    const avg = rtts.reduce((s, r) => s + r, 0) / rtts.length;
    const sd = Math.sqrt(rtts.reduce((s, r) => s + (r - avg) ** 2, 0) / rtts.length);
    lines.push(el('rtt-minimum', Math.min(...rtts)), el('rtt-maximum', Math.max(...rtts)), el('rtt-average', Math.round(avg)), el('rtt-stddev', Math.round(sd)));
  }
  lines.push('</probe-results-summary>', where ? '<ping-success/>' : '<ping-failure/>', '</ping-results>');
  return lines.join('\n');
}

const ms = (us: string) => (Number(us) / 1000).toFixed(3);

function text(r: XmlElement): string {
  const p = elements(r)[0];
  if (!p) return '';
  const host = t(p, 'target-host');
  const size = t(p, 'packet-size');
  const out = [`PING ${host} (${t(p, 'target-ip')}): ${size} data bytes`];
  for (const pr of elements(p).filter((e) => e.name === 'probe-result')) {
    out.push(`${t(pr, 'response-size')} bytes from ${t(pr, 'ip-address')}: icmp_seq=${t(pr, 'sequence-number')} ttl=${t(pr, 'time-to-live')} time=${ms(t(pr, 'rtt'))} ms`);
  }
  const s = child(p, 'probe-results-summary');
  const sent = t(s, 'probes-sent');
  const got = t(s, 'responses-received');
  out.push('', `--- ${host} ping statistics ---`, `${sent} packets transmitted, ${got} packets received, ${t(s, 'packet-loss')}% packet loss`);
  if (t(s, 'rtt-minimum')) out.push(`round-trip min/avg/max/stddev = ${ms(t(s, 'rtt-minimum'))}/${ms(t(s, 'rtt-average'))}/${ms(t(s, 'rtt-maximum'))}/${ms(t(s, 'rtt-stddev'))} ms`);
  return out.join('\n');
}

const VALUES = ['count', 'size', 'ttl', 'wait', 'interval', 'source', 'interface', 'routing-instance', 'tos', 'pattern', 'logical-system'];
const FLAGS = ['rapid', 'no-resolve', 'do-not-fragment', 'bypass-routing', 'inet', 'inet6', 'record-route', 'strict', 'verbose', 'detail', 'brief'];

export const ping: RpcModule = {
  name: 'ping',
  handler: (ctx) => reply(ctx),
  cli: [{ words: 'ping', args: [...VALUES.map((keyword) => ({ keyword })), ...FLAGS.map((flag) => ({ flag })), { positional: 'host', required: true }] }],
  text,
};
