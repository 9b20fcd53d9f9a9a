/**
 * CLI text renderings of operational replies, as `<command format="text">` and the
 * emulated cli print them. Each is built from the same XML the RPC answers, so text and
 * XML never disagree.
 */
import { child, elements, parseXml, textOf, type XmlElement } from '../../netconf/xml.js';
import type { DeviceView } from './types.js';

const t = (el: XmlElement | undefined, name: string) => {
  const c = el ? child(el, name) : undefined;
  return c ? textOf(c).trim() : '';
};

function softwareText(sw: XmlElement): string {
  const lines = [`Hostname: ${t(sw, 'host-name')}`, `Model: ${t(sw, 'product-model')}`, `Junos: ${t(sw, 'junos-version')}`];
  for (const p of elements(sw).filter((e) => e.name === 'package-information')) lines.push(t(p, 'comment'));
  return lines.join('\n');
}

function versionText(root: XmlElement): string {
  const multi = child(root, 'multi-routing-engine-results');
  if (!multi) return softwareText(child(root, 'software-information')!);
  return elements(multi)
    .filter((e) => e.name === 'multi-routing-engine-item')
    .map((item) => `${t(item, 're-name')}:\n${'-'.repeat(74)}\n${softwareText(child(item, 'software-information')!)}`)
    .join('\n\n');
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s.padEnd(n);
}

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

function uptimeText(u: XmlElement): string {
  const dt = (name: string) => t(child(u, name), 'date-time');
  const ago = (name: string) => t(child(u, name), 'time-length');
  const ui = child(u, 'uptime-information');
  const lc = child(u, 'last-configured-time');
  return [
    `Current time: ${dt('current-time')}`,
    `Time Source:  ${t(u, 'time-source').trim()}`,
    `System booted: ${dt('system-booted-time')} (${ago('system-booted-time')} ago)`,
    `Protocols started: ${dt('protocols-started-time')} (${ago('protocols-started-time')} ago)`,
    `Last configured: ${dt('last-configured-time')} (${ago('last-configured-time')} ago) by ${t(lc, 'user')}`,
    `${t(ui, 'date-time')}  up ${t(ui, 'up-time')}, 1 user, load averages: ${t(ui, 'load-average-1')}, ${t(ui, 'load-average-5')}, ${t(ui, 'load-average-15')}`,
  ].join('\n');
}

function systemInfoText(s: XmlElement): string {
  return [`Model: ${t(s, 'hardware-model')}`, `Family: ${t(s, 'os-name')}`, `Junos: ${t(s, 'os-version')}`, `Hostname: ${t(s, 'host-name')}`].join('\n');
}

function inventoryText(inv: XmlElement): string {
  const lines = ['Hardware inventory:', 'Item             Version  Part number  Serial number     Description'];
  const walk = (el: XmlElement, depth: number) => {
    const name = `${'  '.repeat(depth)}${t(el, 'name')}`;
    lines.push(`${pad(name, 17)}${pad(t(el, 'version'), 9)}${pad(t(el, 'part-number'), 13)}${pad(t(el, 'serial-number'), 18)}${t(el, 'description')}`.trimEnd());
    for (const c of elements(el).filter((e) => /^chassis(-sub)*-module$/.test(e.name))) walk(c, depth + 1);
  };
  for (const ch of elements(inv).filter((e) => e.name === 'chassis')) walk(ch, 0);
  return lines.join('\n');
}

function routeEngineText(info: XmlElement): string {
  const out: string[] = ['Routing Engine status:'];
  for (const re of elements(info).filter((e) => e.name === 'route-engine')) {
    out.push(
      `  Slot ${t(re, 'slot')}:`,
      `    Current state                  ${t(re, 'mastership-state').replace(/^./, (c) => c.toUpperCase())}`,
      `    Temperature                 ${t(re, 'temperature')}`,
      `    DRAM                      ${t(re, 'memory-dram-size')}`,
      `    Model                          ${t(re, 'model')}`,
      `    Serial ID                      ${t(re, 'serial-number')}`,
      `    Start time                     ${t(re, 'start-time')}`,
      `    Uptime                         ${t(re, 'up-time')}`,
      `    Last reboot reason             ${t(re, 'last-reboot-reason')}`,
    );
  }
  return out.join('\n');
}

/** Generic fallback: leaf elements as `name: value` lines, indented by depth. */
function genericText(el: XmlElement, depth = 0): string[] {
  const out: string[] = [];
  for (const c of elements(el)) {
    if (elements(c).length === 0) out.push(`${'  '.repeat(depth)}${c.name}: ${textOf(c).trim()}`);
    else {
      out.push(`${'  '.repeat(depth)}${c.name}:`);
      out.push(...genericText(c, depth + 1));
    }
  }
  return out;
}

export function renderCliText(rpc: string, replyXml: string, _device: DeviceView, _allEngines: boolean): string {
  const root = parseXml(`<r xmlns:junos="urn:x-junos">${replyXml}</r>`);
  const first = elements(root)[0];
  if (!first) return '';
  // A daemon's error inside a normal reply prints as its message.
  if ((first.name === 'error' || first.name === 'xnm:error') && child(first, 'message')) return t(first, 'message');
  switch (rpc) {
    case 'get-software-information':
      return versionText(root);
    case 'get-interface-information':
      return first.attrs['junos:style'] === 'terse' ? interfacesTerse(first) : interfacesNormal(first);
    case 'get-system-uptime-information':
      return uptimeText(first);
    case 'get-system-information':
      return systemInfoText(first);
    case 'get-chassis-inventory':
      return inventoryText(first);
    case 'get-route-engine-information':
      return routeEngineText(first);
    case 'file-show':
      return textOf(first);
    case 'request-shell-execute':
      return textOf(first).trim();
    default:
      return genericText(root).join('\n');
  }
}
