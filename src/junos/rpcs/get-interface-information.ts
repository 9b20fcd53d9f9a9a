/**
 * get-interface-information (`show interfaces [NAME] [terse|brief|detail|extensive|media|
 * descriptions|statistics] [routing-instance R]`) from the device's operational model
 * (../oper/model.ts): physical interfaces of the profile, units, addresses, descriptions,
 * `disable` and MTU of the committed configuration, counters growing with uptime.
 * Interface names match as on Junos: `*` any run, `?` one character, `[abc]`/`[0-3]`
 * classes (`ge-0/0/[0-3]`, PyEZ's `[afgxe][et]-*`); a logical unit name answers that unit
 * alone. Every level carries `<if-type>` on physical interfaces (detail and above).
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { localTime } from './template.js';
import { child, elements, escapeText, textOf, type XmlElement } from '../../netconf/xml.js';
import { operModel, parsePrefix, type OperInterface, type OperModel, type OperUnit } from '../oper/model.js';
import { pad, t } from './formats.js';
import type { DeviceView, RpcHandler, RpcModule } from './types.js';

const el = (name: string, value: string | number) => `<${name}>${escapeText(String(value))}</${name}>`;

export type InterfaceLevel = 'terse' | 'brief' | 'normal' | 'detail' | 'extensive' | 'media' | 'descriptions';

export interface InterfaceQuery {
  instance?: string;
  name?: string;
  terse?: boolean;
  level?: InterfaceLevel;
  /** `snmp-index N`: the physical or logical interface with that SNMP ifIndex. */
  snmpIndex?: number;
}

/** A Junos interface-name pattern as a matcher: `*`, `?`, `[abc]`, `[0-3]`, `[!x]`. */
export function nameMatcher(name: string | undefined): (n: string) => boolean {
  if (!name) return () => true;
  let re = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = name.indexOf(']', i + 1);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = name.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  try {
    const rx = new RegExp(`^${re}$`);
    return (n) => rx.test(n);
  } catch {
    return (n) => n === name;
  }
}

/** `192.0.2/24` style network, as Junos writes ifa-destination, and the broadcast address. */
export function inetNetwork(address: string): { local: string; destination?: string; broadcast?: string } {
  const [ip, lenText] = address.split('/');
  const octets = ip.split('.').map(Number);
  if (lenText === undefined || octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255))) return { local: ip };
  const len = Number(lenText);
  if (!(len >= 0 && len <= 32) || len === 32) return { local: ip };
  const value = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - len);
  const net = value - (value % size);
  const toOctets = (v: number) => [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256);
  const shown = toOctets(net).slice(0, Math.max(1, Math.ceil(len / 8)));
  return { local: ip, destination: `${shown.join('.')}/${len}`, broadcast: toOctets(net + size - 1).join('.') };
}

const RANK: Record<InterfaceLevel, number> = { terse: 0, descriptions: 0, brief: 1, normal: 2, media: 3, detail: 4, extensive: 5 };

/** A logical unit of the terse reply, its lines added to `lines` (one array for the whole reply). */
function terseUnit(lines: string[], u: OperUnit): void {
  lines.push('<logical-interface>', el('name', u.name), el('admin-status', u.admin), el('oper-status', u.oper), '<filter-information>', '</filter-information>');
  for (const fam of u.families) {
    lines.push('<address-family>', el('address-family-name', fam.name));
    for (const a of fam.addresses) lines.push('<interface-address>', `<ifa-local junos:emit="emit">${escapeText(fam.name === 'inet' && a.endsWith('/32') ? a.slice(0, -3) : a)}</ifa-local>`, '</interface-address>');
    lines.push('</address-family>');
  }
  lines.push('</logical-interface>');
}

function unitStats(m: OperModel, name: string, now: number, level: InterfaceLevel): string[] {
  const c = m.counters(name, now);
  if (RANK[level] >= RANK.detail) {
    return [
      '<traffic-statistics junos:style="detail">',
      el('input-bytes', c.inputBytes),
      el('output-bytes', c.outputBytes),
      el('input-packets', c.inputPackets),
      el('output-packets', c.outputPackets),
      '</traffic-statistics>',
    ];
  }
  return ['<traffic-statistics junos:style="brief">', el('input-packets', c.inputPackets), el('output-packets', c.outputPackets), '</traffic-statistics>'];
}

function normalUnit(m: OperModel, u: OperUnit, ifd: OperInterface, now: number, level: InterfaceLevel): string[] {
  const up = u.oper === 'up';
  const lines = ['<logical-interface>', el('name', u.name)];
  if (u.description !== undefined) lines.push(el('description', u.description));
  lines.push(
    el('local-index', u.localIndex),
    el('snmp-index', u.snmpIndex),
    '<if-config-flags>',
    up ? '<iff-up/>' : '<iff-device-down/>',
    '<iff-snmp-traps/>',
    el('internal-flags', '0x4000'),
    '</if-config-flags>',
  );
  if (u.vlanId !== undefined) lines.push(el('link-address', `[ 0x8100.${u.vlanId} ]`));
  lines.push(el('encapsulation', ifd.port || ifd.name === 'irb' ? 'ENET2' : 'Unspecified'));
  if (level !== 'brief') lines.push(...unitStats(m, u.name, now, level));
  lines.push('<filter-information>', '</filter-information>');
  for (const fam of u.families) {
    lines.push('<address-family>', el('address-family-name', fam.name));
    if (fam.mtu !== undefined) lines.push(el('mtu', fam.mtu));
    else if (fam.name === 'inet' || fam.name === 'inet6') lines.push(el('mtu', 'Unlimited'));
    fam.addresses.forEach((a, i) => {
      const flags = i === 0 ? ['<ifaf-current-preferred/>', '<ifaf-current-primary/>'] : [];
      if (!up) flags.unshift('<ifaf-down/>');
      lines.push('<interface-address>');
      if (flags.length) lines.push('<ifa-flags>', ...flags, '</ifa-flags>');
      if (fam.name === 'inet') {
        const n = inetNetwork(a);
        if (n.destination) lines.push(el('ifa-destination', n.destination));
        lines.push(el('ifa-local', n.local));
        if (n.broadcast) lines.push(el('ifa-broadcast', n.broadcast));
      } else if (fam.name === 'inet6') {
        const p = parsePrefix(a);
        if (p && p.len < 128) lines.push(el('ifa-destination', p.network));
        lines.push(el('ifa-local', a.split('/')[0]));
      } else {
        lines.push(el('ifa-local', a));
      }
      lines.push('</interface-address>');
    });
    lines.push('</address-family>');
  }
  lines.push('</logical-interface>');
  return lines;
}

type Counters = ReturnType<OperModel['counters']>;

/** The physical interface's identity, media (media and up) and flags. */
function physicalHead(ifd: OperInterface, level: InterfaceLevel): string[] {
  const lines = [
    el('name', ifd.name),
    `<admin-status junos:format="${ifd.admin === 'up' ? 'Enabled' : 'Disabled'}">${ifd.admin}</admin-status>`,
    el('oper-status', ifd.oper),
  ];
  if (ifd.description !== undefined) lines.push(el('description', ifd.description));
  lines.push(el('local-index', ifd.localIndex), el('snmp-index', ifd.snmpIndex));
  if (RANK[level] >= RANK.media) lines.push(el('if-type', ifd.ifType));
  lines.push(el('link-level-type', ifd.linkLevelType), el('mtu', ifd.mtu), el('speed', ifd.speed));
  if (ifd.port && RANK[level] >= RANK.media) {
    lines.push(el('duplex', 'Full-Duplex'), el('link-mode', 'Full-duplex'), el('if-auto-negotiation', 'enabled'), el('if-media-type', ifd.name.startsWith('ge-') ? 'Copper' : 'Fiber'));
  }
  lines.push(
    '<if-device-flags>',
    '<ifdf-present/>',
    '<ifdf-running/>',
    ...(ifd.oper === 'down' ? ['<ifdf-down/>'] : []),
    ...(ifd.name === 'lo0' ? ['<ifdf-loopback/>'] : []),
    '</if-device-flags>',
    '<if-config-flags>',
    ...(ifd.vlanTagging ? ['<iff-tagged/>'] : []),
    '<iff-snmp-traps/>',
    el('internal-flags', '0x4000'),
    '</if-config-flags>',
  );
  if (ifd.mac) lines.push(el('current-physical-address', ifd.mac), el('hardware-physical-address', ifd.mac));
  return lines;
}

/** Traffic statistics: verbose from detail up, brief below (none for brief). */
function trafficStatistics(c: Counters, level: InterfaceLevel): string[] {
  if (RANK[level] >= RANK.detail) {
    return [
      el('statistics-cleared', 'Never'),
      '<traffic-statistics junos:style="verbose">',
      el('input-bytes', c.inputBytes),
      el('input-bps', c.inputBps),
      el('output-bytes', c.outputBytes),
      el('output-bps', c.outputBps),
      el('input-packets', c.inputPackets),
      el('input-pps', c.inputPps),
      el('output-packets', c.outputPackets),
      el('output-pps', c.outputPps),
      '</traffic-statistics>',
    ];
  }
  if (level === 'brief') return [];
  return ['<traffic-statistics junos:style="brief">', el('input-bps', c.inputBps), el('input-pps', c.inputPps), el('output-bps', c.outputBps), el('output-pps', c.outputPps), '</traffic-statistics>'];
}

/** The error lists of extensive: a flapping link (an event) leaves framing errors behind. */
function errorLists(ifd: OperInterface): string[] {
  return [
    '<input-error-list>',
    ...['input-errors', 'input-drops', 'framing-errors', 'input-runts', 'input-discards', 'input-l3-incompletes', 'input-l2-channel-errors', 'input-l2-mismatch-timeouts', 'input-fifo-errors', 'input-resource-errors'].map((n) => el(n, n === 'input-errors' || n === 'framing-errors' ? 3 * (ifd.transitions ?? 0) : 0)),
    '</input-error-list>',
    '<output-error-list>',
    el('carrier-transitions', (ifd.oper === 'up' ? 1 : 0) + (ifd.transitions ?? 0)),
    ...['output-errors', 'output-collisions', 'output-drops', 'aged-packets', 'mtu-errors', 'hs-link-crc-errors', 'output-fifo-errors', 'output-resource-errors'].map((n) => el(n, 0)),
    '</output-error-list>',
  ];
}

/** A port's MAC statistics (extensive, media): broadcasts 1 in 50 packets, multicasts 1 in 20. */
function macStatistics(c: Counters): string[] {
  const bcast = (n: number) => Math.floor(n / 50);
  const mcast = (n: number) => Math.floor(n / 20);
  return [
    '<ethernet-mac-statistics junos:style="verbose">',
    el('input-bytes', c.inputBytes),
    el('output-bytes', c.outputBytes),
    el('input-packets', c.inputPackets),
    el('output-packets', c.outputPackets),
    el('input-unicasts', c.inputPackets - bcast(c.inputPackets) - mcast(c.inputPackets)),
    el('output-unicasts', c.outputPackets - bcast(c.outputPackets) - mcast(c.outputPackets)),
    el('input-broadcasts', bcast(c.inputPackets)),
    el('output-broadcasts', bcast(c.outputPackets)),
    el('input-multicasts', mcast(c.inputPackets)),
    el('output-multicasts', mcast(c.outputPackets)),
    ...['input-crc-errors', 'output-crc-errors', 'input-fifo-errors', 'output-fifo-errors'].map((n) => el(n, 0)),
    '</ethernet-mac-statistics>',
  ];
}

function physical(device: DeviceView, m: OperModel, ifd: OperInterface, units: string[], level: InterfaceLevel): string[] {
  const now = device.now();
  const flappedAt = Math.min(ifd.flappedAt, now);
  const ago = Math.max(0, Math.floor((now - flappedAt) / 1000));
  const c = m.counters(ifd.name, now);
  return [
    '<physical-interface>',
    ...physicalHead(ifd, level),
    `<interface-flapped junos:seconds="${Math.floor(flappedAt / 1000)}">${escapeText(`${localTime(flappedAt)} (${Math.floor(ago / 86400)}d ${new Date(ago * 1000).toISOString().slice(11, 16)} ago)`)}</interface-flapped>`,
    ...trafficStatistics(c, level),
    ...(level === 'extensive' ? errorLists(ifd) : []),
    ...(ifd.port && (level === 'extensive' || level === 'media') ? macStatistics(c) : []),
    ...units,
    '</physical-interface>',
  ];
}

/** The `<interface-information>` reply for a query. */
export function interfaceInformation(device: DeviceView, q: InterfaceQuery): string {
  const m = operModel(device);
  const level: InterfaceLevel = q.level ?? (q.terse ? 'terse' : 'normal');
  const ns = `http://xml.juniper.net/junos/${device.profile.xmlRelease}/junos-interface`;
  const style = level === 'descriptions' ? 'description' : level === 'media' ? 'normal' : level;
  const lines = [`<interface-information xmlns="${ns}" junos:style="${style}">`];
  const wanted = nameMatcher(q.name);
  const now = device.now();
  let found = 0;
  for (const ifd of m.interfaces()) {
    const inInstance = q.instance ? ifd.units.filter((u) => (u.instance ?? 'default') === q.instance || (q.instance === 'master' && !u.instance)) : ifd.units;
    if (q.instance && inInstance.length === 0) continue;
    const bySnmp = q.snmpIndex !== undefined;
    const ifdMatches = bySnmp ? ifd.snmpIndex === q.snmpIndex : wanted(ifd.name);
    // Every unit of a matching interface (the common case, a whole table: no new array).
    const units = ifdMatches ? inInstance : inInstance.filter((u) => (bySnmp ? u.snmpIndex === q.snmpIndex : wanted(u.name)));
    if (!ifdMatches && units.length === 0) continue;
    found++;
    if (level === 'descriptions') {
      if (ifdMatches && ifd.description !== undefined) lines.push('<physical-interface>', el('name', ifd.name), el('admin-status', ifd.admin), el('oper-status', ifd.oper), el('description', ifd.description), '</physical-interface>');
      for (const u of units.filter((x) => x.description !== undefined)) lines.push('<logical-interface>', el('name', u.name), el('admin-status', u.admin), el('oper-status', u.oper), el('description', u.description!), '</logical-interface>');
      continue;
    }
    if (level === 'terse') {
      if (!q.instance) {
        lines.push('<physical-interface>', el('name', ifd.name), el('admin-status', ifd.admin), el('oper-status', ifd.oper));
        if (ifd.description !== undefined) lines.push(el('description', ifd.description));
      } else lines.push('<physical-interface>');
      for (const u of units) terseUnit(lines, u);
      lines.push('</physical-interface>');
      continue;
    }
    const rendered = units.map((u) => normalUnit(m, u, ifd, now, level));
    // A unit asked for by name is answered on its own, without its physical interface.
    if (!ifdMatches) lines.push(...rendered.flat());
    else lines.push(...physical(device, m, ifd, rendered.flat(), level));
  }
  if (q.name && found === 0 && !/[*?[]/.test(q.name)) {
    throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: `device ${q.name} not found`, severity: 'error' });
  }
  lines.push('</interface-information>');
  return lines.join('\n');
}

const LEVELS: InterfaceLevel[] = ['terse', 'brief', 'detail', 'extensive', 'media', 'descriptions'];

const handler: RpcHandler = ({ device, op }) => {
  const ri = child(op, 'routing-instance');
  const name = child(op, 'interface-name');
  const snmp = child(op, 'snmp-index');
  const level = LEVELS.find((l) => child(op, l) !== undefined) ?? (child(op, 'statistics') ? 'detail' : 'normal');
  return interfaceInformation(device, {
    instance: ri ? textOf(ri).trim() : undefined,
    name: name ? textOf(name).trim() : undefined,
    level,
    ...(snmp && /^\d+$/.test(textOf(snmp).trim()) ? { snmpIndex: Number(textOf(snmp).trim()) } : {}),
  });
};

function interfacesTerse(info: XmlElement): string {
  const lines = ['Interface               Admin Link Proto    Local                 Remote'];
  const row = (name: string, admin: string, link: string, proto: string, local: string) =>
    `${pad(name, 24)}${pad(admin, 6)}${pad(link, 5)}${pad(proto, 9)}${local}`.trimEnd();
  for (const ifd of elements(info).filter((e) => e.name === 'physical-interface')) {
    if (t(ifd, 'name')) lines.push(row(t(ifd, 'name'), t(ifd, 'admin-status'), t(ifd, 'oper-status'), '', ''));
    for (const ifl of elements(ifd).filter((e) => e.name === 'logical-interface')) {
      const fams = elements(ifl).filter((e) => e.name === 'address-family');
      if (fams.length === 0) lines.push(row(t(ifl, 'name'), t(ifl, 'admin-status'), t(ifl, 'oper-status'), '', ''));
      fams.forEach((fam, fi) => {
        const addrs = elements(fam)
          .filter((e) => e.name === 'interface-address')
          .map((a) => t(a, 'ifa-local'));
        const first = fi === 0;
        const lead = first ? [t(ifl, 'name'), t(ifl, 'admin-status'), t(ifl, 'oper-status')] : ['', '', ''];
        lines.push(row(lead[0], lead[1], lead[2], t(fam, 'address-family-name'), addrs[0] ?? ''));
        for (const a of addrs.slice(1)) lines.push(`${' '.repeat(44)}${a}`);
      });
    }
  }
  return lines.join('\n');
}

const flagWords = (el: XmlElement | undefined, prefix: RegExp) =>
  el
    ? elements(el)
        .filter((f) => prefix.test(f.name))
        .map((f) => f.name.replace(prefix, '').replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => `${d}${c.toUpperCase()}`).replace(/^Snmp/, 'SNMP'))
    : [];

function logicalText(ifl: XmlElement): string[] {
  const flags = child(ifl, 'if-config-flags');
  const stats = child(ifl, 'traffic-statistics');
  const out = [
    `  Logical interface ${t(ifl, 'name')} (Index ${t(ifl, 'local-index')}) (SNMP ifIndex ${t(ifl, 'snmp-index')})`,
    ...(t(ifl, 'description') ? [`    Description: ${t(ifl, 'description')}`] : []),
    `    Flags: ${[...flagWords(flags, /^iff-/), t(flags, 'internal-flags')].join(' ')} Encapsulation: ${t(ifl, 'encapsulation')}`,
  ];
  if (stats && t(stats, 'input-bytes')) {
    out.push('    Traffic statistics:', `     Input  bytes  :${t(stats, 'input-bytes').padStart(20)}`, `     Output bytes  :${t(stats, 'output-bytes').padStart(20)}`);
    out.push(`     Input  packets:${t(stats, 'input-packets').padStart(20)}`, `     Output packets:${t(stats, 'output-packets').padStart(20)}`);
  } else if (stats) out.push(`    Input packets : ${t(stats, 'input-packets')}`, `    Output packets: ${t(stats, 'output-packets')}`);
  for (const fam of elements(ifl).filter((e) => e.name === 'address-family')) {
    out.push(`    Protocol ${t(fam, 'address-family-name')}${t(fam, 'mtu') ? `, MTU: ${t(fam, 'mtu')}` : ''}`);
    for (const a of elements(fam).filter((e) => e.name === 'interface-address')) {
      const f = flagWords(child(a, 'ifa-flags'), /^ifaf-/).map((w) => w.replace(/^Current-/, 'Is-'));
      const parts = [
        t(a, 'ifa-destination') && `Destination: ${t(a, 'ifa-destination')}`,
        `Local: ${t(a, 'ifa-local')}`,
        t(a, 'ifa-broadcast') && `Broadcast: ${t(a, 'ifa-broadcast')}`,
      ].filter(Boolean);
      out.push(`      Addresses${f.length ? `, Flags: ${f.join(' ')}` : ''}`, `        ${parts.join(', ')}`);
    }
  }
  return out;
}

/** `show interfaces` (no terse): a block per physical interface, then its units. */
function interfacesNormal(info: XmlElement): string {
  const out: string[] = [];
  for (const ifd of elements(info)) {
    if (ifd.name === 'logical-interface') {
      out.push(...logicalText(ifd));
      continue;
    }
    if (ifd.name !== 'physical-interface') continue;
    const admin = child(ifd, 'admin-status');
    const stats = child(ifd, 'traffic-statistics');
    if (out.length) out.push('');
    out.push(
      `Physical interface: ${t(ifd, 'name')}, ${admin?.attrs['junos:format'] ?? t(ifd, 'admin-status')}, Physical link is ${t(ifd, 'oper-status') === 'up' ? 'Up' : 'Down'}`,
      `  Interface index: ${t(ifd, 'local-index')}, SNMP ifIndex: ${t(ifd, 'snmp-index')}`,
      ...(t(ifd, 'description') ? [`  Description: ${t(ifd, 'description')}`] : []),
      ...(t(ifd, 'if-type') ? [`  Type: ${t(ifd, 'if-type')}`] : []),
      `  Link-level type: ${t(ifd, 'link-level-type')}, MTU: ${t(ifd, 'mtu')}, Speed: ${t(ifd, 'speed')}${t(ifd, 'duplex') ? `, Duplex: ${t(ifd, 'duplex')}` : ''}${t(ifd, 'link-mode') ? `, Link-mode: ${t(ifd, 'link-mode')}` : ''}`,
      `  Device flags   : ${flagWords(child(ifd, 'if-device-flags'), /^ifdf-/).join(' ')}`,
      `  Interface flags: ${[...flagWords(child(ifd, 'if-config-flags'), /^iff-/), `Internal: ${t(child(ifd, 'if-config-flags'), 'internal-flags')}`].join(' ')}`,
    );
    if (t(ifd, 'current-physical-address')) {
      out.push(`  Current address: ${t(ifd, 'current-physical-address')}, Hardware address: ${t(ifd, 'hardware-physical-address')}`);
    }
    out.push(`  Last flapped   : ${t(ifd, 'interface-flapped')}`);
    if (stats && t(stats, 'input-bytes')) {
      out.push(
        `  Statistics last cleared: ${t(ifd, 'statistics-cleared')}`,
        '  Traffic statistics:',
        `   Input  bytes  :${t(stats, 'input-bytes').padStart(20)}${t(stats, 'input-bps').padStart(20)} bps`,
        `   Output bytes  :${t(stats, 'output-bytes').padStart(20)}${t(stats, 'output-bps').padStart(20)} bps`,
        `   Input  packets:${t(stats, 'input-packets').padStart(20)}${t(stats, 'input-pps').padStart(20)} pps`,
        `   Output packets:${t(stats, 'output-packets').padStart(20)}${t(stats, 'output-pps').padStart(20)} pps`,
      );
    } else if (stats) {
      out.push(`  Input rate     : ${t(stats, 'input-bps')} bps (${t(stats, 'input-pps')} pps)`, `  Output rate    : ${t(stats, 'output-bps')} bps (${t(stats, 'output-pps')} pps)`);
    }
    const inErr = child(ifd, 'input-error-list');
    const outErr = child(ifd, 'output-error-list');
    if (inErr) out.push(`  Input errors:`, `    Errors: ${t(inErr, 'input-errors')}, Drops: ${t(inErr, 'input-drops')}, Framing errors: ${t(inErr, 'framing-errors')}, Runts: ${t(inErr, 'input-runts')}`);
    if (outErr) out.push(`  Output errors:`, `    Carrier transitions: ${t(outErr, 'carrier-transitions')}, Errors: ${t(outErr, 'output-errors')}, Drops: ${t(outErr, 'output-drops')}, Collisions: ${t(outErr, 'output-collisions')}`);
    for (const ifl of elements(ifd).filter((e) => e.name === 'logical-interface')) out.push('', ...logicalText(ifl));
  }
  return out.join('\n');
}

/** `show interfaces descriptions`. */
function interfacesDescriptions(info: XmlElement): string {
  const lines = ['Interface       Admin Link Description'];
  for (const e of elements(info)) lines.push(`${pad(t(e, 'name'), 16)}${pad(t(e, 'admin-status'), 6)}${pad(t(e, 'oper-status'), 5)}${t(e, 'description')}`);
  return lines.join('\n');
}

export const getInterfaceInformation: RpcModule = {
  name: 'get-interface-information',
  handler,
  cli: [
    {
      words: 'show interfaces',
      args: [
        ...LEVELS.map((l) => ({ flag: l })),
        { flag: 'statistics' },
        { keyword: 'routing-instance' },
        { keyword: 'snmp-index' },
        { positional: 'interface-name', match: /^[a-z*[]/ },
      ],
    },
  ],
  text: (reply) => {
    const info = elements(reply)[0];
    const style = info.attrs['junos:style'];
    if (style === 'terse') return interfacesTerse(info);
    if (style === 'description') return interfacesDescriptions(info);
    return interfacesNormal(info);
  },
};
