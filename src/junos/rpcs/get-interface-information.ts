/**
 * get-interface-information (`show interfaces [terse] [routing-instance R] [name]`) from the profile's interface list, in the two forms clients
 * read: terse (`<terse/>`, what PyEZ's current_re fact asks for) and the default
 * "normal" form of `show interfaces` (indices, flags, addresses with destination and
 * broadcast). Filters: `<routing-instance>` and `<interface-name>` (with `*` wildcards;
 * a logical unit name answers that unit alone, as Junos does).
 */
import { createHash } from 'node:crypto';
import type { ProfileInterface } from '../profile.js';
import { RpcError } from '../../netconf/rpc-error.js';
import { localTime } from '../template.js';
import { child, elements, escapeText, textOf, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import type { DeviceView, RpcHandler, RpcModule } from './types.js';

type Unit = NonNullable<ProfileInterface['units']>[number];

const el = (name: string, value: string | number) => `<${name}>${escapeText(String(value))}</${name}>`;

export interface InterfaceQuery {
  instance?: string;
  name?: string;
  terse?: boolean;
}

function nameMatcher(name: string | undefined): (n: string) => boolean {
  if (!name) return () => true;
  const re = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return (n) => re.test(n);
}

/** Ports with a MAC address and a line speed; the rest are software interfaces. */
const PORT = /^(ge|xe|et|mge|em|fxp|me|vme|bme)-?\d/;

function portSpeed(name: string): string {
  if (name.startsWith('xe-')) return '10Gbps';
  if (name.startsWith('et-')) return '100Gbps';
  return '1000mbps';
}

const LINK_TYPES: Record<string, string> = {
  irb: 'Ethernet',
  gre: 'GRE',
  ipip: 'IP-over-IP',
  mtun: 'Multicast-GRE',
  pimd: 'PIM-Decapsulator',
  pime: 'PIM-Encapsulator',
  vtep: 'VxLAN-Tunnel-Endpoint',
};

/** A stable MAC address per device and interface position (Juniper OUI). */
function macAddress(device: DeviceView, index: number): string {
  const h = createHash('sha256').update(device.hostname).digest();
  const tail = (h.readUIntBE(0, 3) + index) & 0xffffff;
  const hex = tail.toString(16).padStart(6, '0');
  return `2c:6b:f5:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
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

function terseUnit(u: Unit): string[] {
  const lines = ['<logical-interface>', el('name', u.name), el('admin-status', u.admin ?? 'up'), el('oper-status', u.oper ?? 'up'), '<filter-information>', '</filter-information>'];
  for (const fam of u.families) {
    lines.push('<address-family>', el('address-family-name', fam.name));
    for (const a of fam.addresses ?? []) lines.push('<interface-address>', `<ifa-local junos:emit="emit">${escapeText(a)}</ifa-local>`, '</interface-address>');
    lines.push('</address-family>');
  }
  lines.push('</logical-interface>');
  return lines;
}

function normalUnit(u: Unit, ifd: ProfileInterface, index: number, snmpIndex: number): string[] {
  const up = (ifd.admin ?? 'up') === 'up' && (ifd.oper ?? 'up') === 'up' && (u.oper ?? 'up') === 'up';
  const port = PORT.test(ifd.name);
  const lines = [
    '<logical-interface>',
    el('name', u.name),
    el('local-index', 64 + index),
    el('snmp-index', snmpIndex),
    '<if-config-flags>',
    up ? '<iff-up/>' : '<iff-device-down/>',
    '<iff-snmp-traps/>',
    el('internal-flags', '0x4000'),
    '</if-config-flags>',
    el('encapsulation', port || ifd.name === 'irb' ? 'ENET2' : 'Unspecified'),
    '<traffic-statistics junos:style="brief">',
    el('input-packets', 0),
    el('output-packets', 0),
    '</traffic-statistics>',
    '<filter-information>',
    '</filter-information>',
  ];
  for (const fam of u.families) {
    lines.push('<address-family>', el('address-family-name', fam.name));
    if (fam.name === 'inet' || fam.name === 'inet6') lines.push(el('mtu', port ? 1500 : 'Unlimited'));
    fam.addresses?.forEach((a, i) => {
      const flags = i === 0 ? ['<ifaf-current-preferred/>', '<ifaf-current-primary/>'] : [];
      if (!up) flags.unshift('<ifaf-down/>');
      lines.push('<interface-address>');
      if (flags.length) lines.push('<ifa-flags>', ...flags, '</ifa-flags>');
      if (fam.name === 'inet') {
        const n = inetNetwork(a);
        if (n.destination) lines.push(el('ifa-destination', n.destination));
        lines.push(el('ifa-local', n.local));
        if (n.broadcast) lines.push(el('ifa-broadcast', n.broadcast));
      } else {
        lines.push(el('ifa-local', a.split('/')[0]));
      }
      lines.push('</interface-address>');
    });
    lines.push('</address-family>');
  }
  lines.push('</logical-interface>');
  return lines;
}

function normalPhysical(device: DeviceView, ifd: ProfileInterface, index: number, units: string[]): string[] {
  const admin = ifd.admin ?? 'up';
  const oper = ifd.oper ?? 'up';
  const port = PORT.test(ifd.name);
  const flappedAt = Math.min(device.bootTime + 60_000, device.now());
  const ago = Math.max(0, Math.floor((device.now() - flappedAt) / 1000));
  const lines = [
    '<physical-interface>',
    el('name', ifd.name),
    `<admin-status junos:format="${admin === 'up' ? 'Enabled' : 'Disabled'}">${admin}</admin-status>`,
    el('oper-status', oper),
    el('local-index', 128 + index),
    el('snmp-index', 500 + index),
    el('link-level-type', port ? 'Ethernet' : ifd.name === 'lo0' ? 'Unspecified' : (LINK_TYPES[ifd.name] ?? 'Unspecified')),
    el('mtu', port ? 1514 : 'Unlimited'),
    el('speed', port ? portSpeed(ifd.name) : 'Unlimited'),
    '<if-device-flags>',
    '<ifdf-present/>',
    '<ifdf-running/>',
    ...(oper === 'down' ? ['<ifdf-down/>'] : []),
    ...(ifd.name === 'lo0' ? ['<ifdf-loopback/>'] : []),
    '</if-device-flags>',
    '<if-config-flags>',
    '<iff-snmp-traps/>',
    el('internal-flags', '0x4000'),
    '</if-config-flags>',
  ];
  if (port) {
    const mac = macAddress(device, index);
    lines.push(el('current-physical-address', mac), el('hardware-physical-address', mac));
  }
  lines.push(
    `<interface-flapped junos:seconds="${Math.floor(flappedAt / 1000)}">${escapeText(`${localTime(flappedAt)} (${Math.floor(ago / 86400)}d ${new Date(ago * 1000).toISOString().slice(11, 16)} ago)`)}</interface-flapped>`,
    '<traffic-statistics junos:style="brief">',
    el('input-bps', 0),
    el('input-pps', 0),
    el('output-bps', 0),
    el('output-pps', 0),
    '</traffic-statistics>',
    ...units,
    '</physical-interface>',
  );
  return lines;
}

/** The `<interface-information>` reply for a query. */
export function interfaceInformation(device: DeviceView, q: InterfaceQuery): string {
  const ns = `http://xml.juniper.net/junos/${device.profile.xmlRelease}/junos-interface`;
  const style = q.terse ? 'terse' : 'normal';
  const lines = [`<interface-information xmlns="${ns}" junos:style="${style}">`];
  const wanted = nameMatcher(q.name);
  let found = 0;
  let unitIndex = 0;
  device.profile.interfaces.forEach((ifd, index) => {
    const all = ifd.units ?? [];
    const firstUnit = unitIndex;
    unitIndex += all.length;
    const inInstance = q.instance ? all.filter((u) => u.instance === q.instance) : all;
    if (q.instance && inInstance.length === 0) return;
    const ifdMatches = wanted(ifd.name);
    const units = inInstance.filter((u) => ifdMatches || wanted(u.name));
    if (!ifdMatches && units.length === 0) return;
    found++;
    if (q.terse) {
      if (!q.instance) lines.push('<physical-interface>', el('name', ifd.name), el('admin-status', ifd.admin ?? 'up'), el('oper-status', ifd.oper ?? 'up'));
      else lines.push('<physical-interface>');
      for (const u of units) lines.push(...terseUnit(u));
      lines.push('</physical-interface>');
      return;
    }
    const rendered = units.map((u) => {
      const i = firstUnit + all.indexOf(u);
      // Logical interfaces take SNMP indices after the physical ones.
      return normalUnit(u, ifd, i, 500 + device.profile.interfaces.length + i);
    });
    // A unit asked for by name is answered on its own, without its physical interface.
    if (!ifdMatches) lines.push(...rendered.flat());
    else lines.push(...normalPhysical(device, ifd, index, rendered.flat()));
  });
  if (q.name && found === 0) {
    throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: `device ${q.name} not found`, severity: 'error' });
  }
  lines.push('</interface-information>');
  return lines.join('\n');
}

const handler: RpcHandler = ({ device, op }) => {
  const ri = child(op, 'routing-instance');
  const name = child(op, 'interface-name');
  return interfaceInformation(device, {
    instance: ri ? textOf(ri).trim() : undefined,
    name: name ? textOf(name).trim() : undefined,
    terse: child(op, 'terse') !== undefined,
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
    `    Flags: ${[...flagWords(flags, /^iff-/), t(flags, 'internal-flags')].join(' ')} Encapsulation: ${t(ifl, 'encapsulation')}`,
    `    Input packets : ${t(stats, 'input-packets')}`,
    `    Output packets: ${t(stats, 'output-packets')}`,
  ];
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
      `  Link-level type: ${t(ifd, 'link-level-type')}, MTU: ${t(ifd, 'mtu')}, Speed: ${t(ifd, 'speed')}`,
      `  Device flags   : ${flagWords(child(ifd, 'if-device-flags'), /^ifdf-/).join(' ')}`,
      `  Interface flags: ${[...flagWords(child(ifd, 'if-config-flags'), /^iff-/), `Internal: ${t(child(ifd, 'if-config-flags'), 'internal-flags')}`].join(' ')}`,
    );
    if (t(ifd, 'current-physical-address')) {
      out.push(`  Current address: ${t(ifd, 'current-physical-address')}, Hardware address: ${t(ifd, 'hardware-physical-address')}`);
    }
    out.push(
      `  Last flapped   : ${t(ifd, 'interface-flapped')}`,
      `  Input rate     : ${t(stats, 'input-bps')} bps (${t(stats, 'input-pps')} pps)`,
      `  Output rate    : ${t(stats, 'output-bps')} bps (${t(stats, 'output-pps')} pps)`,
    );
    for (const ifl of elements(ifd).filter((e) => e.name === 'logical-interface')) out.push('', ...logicalText(ifl));
  }
  return out.join('\n');
}

export const getInterfaceInformation: RpcModule = {
  name: 'get-interface-information',
  handler,
  cli: [{ words: 'show interfaces', args: [{ flag: 'terse' }, { keyword: 'routing-instance' }, { positional: 'interface-name', match: /^[a-z]/ }] }],
  text: (reply) => {
    const info = elements(reply)[0];
    return info.attrs['junos:style'] === 'terse' ? interfacesTerse(info) : interfacesNormal(info);
  },
};
