/**
 * get-fpc-information (`show chassis fpc [SLOT]`): one `<fpc>` per slot up to the highest
 * FPC the profile's interfaces use (ge-1/0/0 -> FPC 1): Online with temperature, CPU and
 * memory where interfaces live, Empty otherwise.
 */
import { child, elements, textOf, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import { el, junosNs } from './reply-parts.js';
import type { RpcModule } from './types.js';

function reply(used: Set<number>, only: number | undefined, ns: string): string {
  const max = Math.max(0, ...used);
  const lines = [`<fpc-information xmlns="${ns}" junos:style="brief">`];
  for (let slot = 0; slot <= max; slot++) {
    if (only !== undefined && slot !== only) continue;
    lines.push('<fpc>', el('slot', slot));
    if (used.has(slot)) {
      const c = 34 + slot * 2;
      lines.push(el('state', 'Online'), `<temperature junos:celsius="${c}">${c}</temperature>`, el('cpu-total', 9 + slot), el('cpu-interrupt', 0));
      lines.push(el('memory-dram-size', 2048), el('memory-heap-utilization', 14), el('memory-buffer-utilization', 0));
    } else lines.push(el('state', 'Empty'));
    lines.push('</fpc>');
  }
  lines.push('</fpc-information>');
  return lines.join('\n');
}

function text(info: XmlElement | undefined): string {
  const out = ['                     Temp  CPU Utilization (%)   Memory    Utilization (%)', 'Slot State            (C)  Total  Interrupt      DRAM (MB) Heap     Buffer'];
  for (const f of info ? elements(info).filter((e) => e.name === 'fpc') : []) {
    const state = t(f, 'state');
    if (!child(f, 'cpu-total')) {
      out.push(`${t(f, 'slot').padStart(3)}  ${state}`);
      continue;
    }
    out.push(`${t(f, 'slot').padStart(3)}  ${state.padEnd(15)}${t(f, 'temperature').padStart(5)}${t(f, 'cpu-total').padStart(7)}${t(f, 'cpu-interrupt').padStart(11)}${t(f, 'memory-dram-size').padStart(15)}${t(f, 'memory-heap-utilization').padStart(5)}${t(f, 'memory-buffer-utilization').padStart(11)}`);
  }
  return out.join('\n');
}

export const getFpcInformation: RpcModule = {
  name: 'get-fpc-information',
  handler: ({ device, op }) => {
    const used = new Set(device.profile.interfaces.map((i) => /^[a-z]+-(\d+)\/\d+\/\d+$/.exec(i.name)?.[1]).filter((s): s is string => s !== undefined).map(Number));
    const s = child(op, 'fpc-slot');
    return reply(used, s ? Number(textOf(s).trim()) : undefined, junosNs(device, 'junos-chassis'));
  },
  cli: [{ words: 'show chassis fpc', args: [{ positional: 'fpc-slot', match: /^\d+$/ }] }],
  text: (r) => text(elements(r)[0]),
};
