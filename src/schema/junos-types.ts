/**
 * Checks for the Junos types that junos-common-types declares only by name (`typedef ipv4prefix
 * { type string; }`): addresses, prefixes, interface names, MAC addresses, ... Each check
 * returns null when the value is acceptable, else the detail of the problem.
 */
import { isIPv6 } from 'node:net';

const octet = (s: string): boolean => /^\d{1,3}$/.test(s) && Number(s) <= 255;

/** Dotted-quad IPv4 address, all four octets. */
export function isIPv4(s: string): boolean {
  const p = s.split('.');
  return p.length === 4 && p.every(octet);
}

/** Junos also takes short prefixes: `10/8`, `0/0`, `172.16/12`. */
function isIPv4PrefixAddress(s: string): boolean {
  const p = s.split('.');
  return p.length >= 1 && p.length <= 4 && p.every(octet);
}

type Need = 'optional' | 'mandatory' | 'only';

function checkPrefix(value: string, v4: boolean, v6: boolean, need: Need): string | null {
  const slash = value.indexOf('/');
  const addr = slash < 0 ? value : value.slice(0, slash);
  const len = slash < 0 ? undefined : value.slice(slash + 1);
  const is4 = v4 && (len === undefined ? isIPv4(addr) : isIPv4PrefixAddress(addr));
  const is6 = v6 && !is4 && isIPv6(addr);
  if (!is4 && !is6) return `invalid prefix: ${value}`;
  // A bare address is a host prefix where the length may be left out (`-only` as well: a
  // prefix-list item 172.16.1.32 is stored as 172.16.1.32/32).
  if (len === undefined) return need !== 'mandatory' ? null : `prefix length required: ${value}`;
  const max = is4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(len) || Number(len) > max) return `invalid prefix length: ${value}`;
  if (need === 'only' && is4) {
    // host bits must be zero
    const o = addr.split('.').map(Number);
    while (o.length < 4) o.push(0);
    const n = ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
    const bits = Number(len);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((n & ~mask) >>> 0 !== 0) return `host bits set in prefix: ${value}`;
  }
  return null;
}

const PREFIX_TYPES = new Set(['ipv4prefix', 'ipv6prefix', 'ipprefix', 'ipv4prefix-optional', 'ipv6prefix-optional', 'ipprefix-optional', 'ipv4prefix-mandatory', 'ipv6prefix-mandatory', 'ipprefix-mandatory', 'ipv4prefix-only', 'ipv6prefix-only', 'ipprefix-only']);

/**
 * The value as Junos stores a prefix of a junos-common-types prefix type: a bare address gets
 * its host length (`172.16.1.32` → `172.16.1.32/32`, `2001:db8::1` → `2001:db8::1/128`) and a
 * short IPv4 prefix its missing octets (`10/8` → `10.0.0.0/8`). Anything else, unchanged.
 */
export function canonicalPrefix(type: string | undefined, value: string): string {
  if (type === undefined || !PREFIX_TYPES.has(type)) return value;
  const slash = value.indexOf('/');
  const addr = slash < 0 ? value : value.slice(0, slash);
  if (slash < 0) {
    if (isIPv4(addr)) return `${addr}/32`;
    if (isIPv6(addr)) return `${addr}/128`;
    return value;
  }
  const len = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(len) || isIPv4(addr) || !isIPv4PrefixAddress(addr) || addr.includes(':')) return value;
  const o = addr.split('.');
  while (o.length < 4) o.push('0');
  return `${o.join('.')}/${len}`;
}

function checkAddress(value: string, v4: boolean, v6: boolean): string | null {
  if (v4 && isIPv4(value)) return null;
  if (v6 && isIPv6(value)) return null;
  return `invalid ${v4 && !v6 ? 'ipv4 ' : v6 && !v4 ? 'ipv6 ' : 'ip '}address: ${value}`;
}

/** Interface types written `<type>-<fpc>/<pic>/<port>[:<channel>]`. */
const SLOTTED = new Set([
  'ge', 'xe', 'et', 'fe', 'mge', 'xle', 'fte', 'so', 'at', 'oc3', 'stm1', 't1', 'e1', 't3', 'e3', 'ds', 'se', 'ce1', 'ct1',
  'ct3', 'cau4', 'coc1', 'coc3', 'coc12', 'coc48', 'cstm1', 'cstm4', 'cstm16', 'cp', 'gr', 'ip', 'lt', 'mt', 'pd', 'pe',
  'vt', 'sp', 'ms', 'mams', 'ams', 'rms', 'lsq', 'ls', 'si', 'pp', 'ut', 'vc4', 'wx', 'es', 'fc', 'ps', 'pfe', 'pfh',
  'umd', 'bcm', 'cl', 'dl', 'lc', 'gre', 'ipip', 'pime', 'pimd', 'mtun', 'tap', 'vsp', 'sxe', 'fab', 'ae', 'em', 'wlan',
]);
/** Interface types written `<type>[<number>]`. */
const NAMED = new Set([
  'ae', 'lo', 'fxp', 'em', 'me', 'vme', 'irb', 'vlan', 'st', 'reth', 'fab', 'swfab', 'ps', 'pp', 'pp0', 'demux', 'dsc',
  'gre', 'ipip', 'pime', 'pimd', 'mtun', 'tap', 'esi', 'vtep', 'jsrv', 'cbp', 'pip', 'rbeb', 'lsi', 'fti', 'rlsq',
  'lsq', 'ams', 'mams', 'ms', 'bme', 'eti', 'cp', 'fc', 'rsi', 'ixgbe', 'sxe', 'ppd', 'ppe', 'vcp', 'ifsv', 'vtp',
  'ip', 'gr', 'dl', 'wlan', 'ut', 'umd', 'mt', 'pd', 'pe', 'si', 'lc', 'pfe', 'pfh',
]);

/**
 * Junos interface names: `ge-0/0/0`, `xe-1/2/3:1`, `ae0`, `lo0`, `irb`, `fxp0`, `reth1`, with `.unit`
 * when `unit` is 'optional' or 'required'.
 */
export function checkInterfaceName(value: string, unit: 'none' | 'optional' | 'required'): string | null {
  // `interface all` (ospf, lldp, rstp, ...) names every interface; a device is never called that
  if (value === 'all' && unit !== 'none') return null;
  const m = /^([a-z][a-z0-9]*?)(-\d+\/\d+\/\d+(?::\d+)?|\d+|)(?:\.(\d+))?$/.exec(value);
  const type = m?.[1] ?? /^[a-z][a-z0-9]*?(?=[-\d.]|$)/.exec(value)?.[0] ?? value;
  if (!m) {
    if (!SLOTTED.has(type) && !NAMED.has(type)) return `invalid interface type in '${value}'`;
    return `invalid interface name: ${value}`;
  }
  const slotted = m[2].startsWith('-');
  if (slotted ? !SLOTTED.has(type) : !NAMED.has(type)) return `invalid interface type in '${value}'`;
  if (m[3] !== undefined) {
    if (unit === 'none') return `invalid interface name (no unit allowed): ${value}`;
    if (Number(m[3]) > 1073741823) return `invalid unit number: ${value}`;
  } else if (unit === 'required') return `interface unit required: ${value}`;
  return null;
}

const HEX2 = /^[0-9a-fA-F]{1,2}$/;
function macOctets(value: string): number[] | null {
  let parts: string[];
  if (/^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(value)) {
    const h = value.replace(/\./g, '');
    parts = h.match(/../g) ?? [];
  } else parts = value.split(':');
  if (parts.length !== 6 || !parts.every((p) => HEX2.test(p))) return null;
  return parts.map((p) => parseInt(p, 16));
}

function checkMac(value: string, cast: 'any' | 'unicast' | 'multicast', prefix: boolean): string | null {
  let v = value;
  if (prefix) {
    const i = v.indexOf('/');
    if (i >= 0) {
      const len = v.slice(i + 1);
      if (!/^\d{1,2}$/.test(len) || Number(len) > 48) return `invalid mac address prefix length: ${value}`;
      v = v.slice(0, i);
    }
  }
  const o = macOctets(v);
  if (!o) return `invalid mac address: ${value}`;
  if (cast === 'unicast' && o[0] & 1) return `mac address must be unicast: ${value}`;
  if (cast === 'multicast' && !(o[0] & 1)) return `mac address must be multicast: ${value}`;
  return null;
}

function vlanId(s: string): boolean {
  return /^\d{1,4}$/.test(s) && Number(s) >= 1 && Number(s) <= 4094;
}

/**
 * The check for a junos-common-types typedef, or undefined when the type is free text
 * (filename, regular-expression, policy-algebra, ...).
 */
export function junosTypeCheck(name: string): ((value: string) => string | null) | undefined {
  switch (name) {
    case 'ipv4addr': return (v) => checkAddress(v, true, false);
    case 'ipv6addr': return (v) => checkAddress(v, false, true);
    case 'ipaddr': return (v) => checkAddress(v, true, true);
    case 'ipaddr-scoped': return (v) => checkAddress(v.replace(/%.*$/, ''), true, true);
    case 'ipv4prefix': case 'ipv4prefix-optional': return (v) => checkPrefix(v, true, false, 'optional');
    case 'ipv6prefix': case 'ipv6prefix-optional': return (v) => checkPrefix(v, false, true, 'optional');
    case 'ipprefix': case 'ipprefix-optional': return (v) => checkPrefix(v, true, true, 'optional');
    case 'ipv4prefix-mandatory': return (v) => checkPrefix(v, true, false, 'mandatory');
    case 'ipv6prefix-mandatory': return (v) => checkPrefix(v, false, true, 'mandatory');
    case 'ipprefix-mandatory': return (v) => checkPrefix(v, true, true, 'mandatory');
    case 'ipv4prefix-only': return (v) => checkPrefix(v, true, false, 'only');
    case 'ipv6prefix-only': return (v) => checkPrefix(v, false, true, 'only');
    case 'ipprefix-only': return (v) => checkPrefix(v, true, true, 'only');
    case 'ipv4addr-or-interface':
      return (v) => (isIPv4(v) || !checkInterfaceName(v, 'optional') ? null : `invalid address or interface: ${v}`);
    case 'ipv6addr-or-interface':
      return (v) => (isIPv6(v) || !checkInterfaceName(v, 'optional') ? null : `invalid address or interface: ${v}`);
    case 'ipaddr-or-interface':
      return (v) => (isIPv4(v) || isIPv6(v) || !checkInterfaceName(v, 'optional') ? null : `invalid address or interface: ${v}`);
    case 'interface-name': return (v) => checkInterfaceName(v, 'optional');
    case 'interface-unit': return (v) => checkInterfaceName(v, 'optional');
    case 'interface-device': return (v) => checkInterfaceName(v, 'none');
    case 'interface-wildcard': case 'interface-device-wildcard': case 'interface-range-wild':
      return (v) => (/^[a-z][a-z0-9]*[-a-z0-9/:.*\[\]]*$/.test(v) ? null : `invalid interface name: ${v}`);
    case 'mac-addr': return (v) => checkMac(v, 'any', false);
    case 'mac-unicast': return (v) => checkMac(v, 'unicast', false);
    case 'mac-multicast': return (v) => checkMac(v, 'multicast', false);
    case 'mac-addr-prefix': return (v) => checkMac(v, 'any', true);
    case 'mac-unicast-prefix': return (v) => checkMac(v, 'unicast', true);
    case 'mac-multicast-prefix': return (v) => checkMac(v, 'multicast', true);
    case 'areaid':
      return (v) => (isIPv4(v) || (/^\d{1,10}$/.test(v) && Number(v) <= 0xffffffff) ? null : `invalid area id: ${v}`);
    case 'vlan-range':
      return (v) => {
        const p = v.split('-');
        return p.length <= 2 && p.every(vlanId) && (p.length === 1 || Number(p[0]) <= Number(p[1])) ? null : `invalid vlan range: ${v}`;
      };
    case 'time-of-day':
      return (v) => (/^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(v) ? null : `invalid time of day: ${v}`);
    case 'date':
      return (v) => (/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(v) ? null : `invalid date: ${v}`);
    case 'hostname':
      return (v) => (isIPv4(v) || isIPv6(v) || /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(v) ? null : `invalid hostname: ${v}`);
    case 'esi':
      return (v) => (/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){9}$/.test(v) ? null : `invalid esi: ${v}`);
    default:
      return undefined;
  }
}
