/**
 * Small pieces the system RPC modules share: element writers, the Junos namespace of a
 * reply, the committed configuration as XML, and the addresses it configures (what
 * request-ping and traceroute answer from).
 */
import net from 'node:net';
import { RpcError } from '../../netconf/rpc-error.js';
import { child, elements, escapeText, parseXml, textOf, type XmlElement } from '../../netconf/xml.js';
import type { ConfigSession } from '../config/api.js';
import type { DeviceView, RpcContext } from './types.js';
import { operModel } from '../oper/model.js';

/** `<name>value</name>`, text escaped. */
export const el = (name: string, value: string | number) => `<${name}>${escapeText(String(value))}</${name}>`;

/** `http://xml.juniper.net/junos/<xmlRelease>/<area>` */
export const junosNs = (device: DeviceView, area: string) => `http://xml.juniper.net/junos/${device.profile.xmlRelease}/${area}`;

/** The committed configuration (groups applied) as an element; `<configuration/>` when unreadable. */
export function committedConfig(config: ConfigSession, filter?: string): XmlElement {
  try {
    const xml = config.getConfiguration({ database: 'committed', format: 'xml', inherit: 'inherit', filter: filter ? parseXml(filter) : undefined });
    return elements(parseXml(`<r xmlns:junos="urn:x-junos">${xml}</r>`))[0] ?? parseXml('<configuration/>');
  } catch (err) {
    if (err instanceof RpcError) return parseXml('<configuration/>');
    throw err;
  }
}

/** Children of `el` along a path of element names (every match at each step). */
export function walk(el: XmlElement | undefined, ...names: string[]): XmlElement[] {
  let cur = el ? [el] : [];
  for (const n of names) cur = cur.flatMap((e) => elements(e).filter((c) => c.name === n));
  return cur;
}

export const nameOf = (e: XmlElement): string => {
  const n = child(e, 'name');
  return n ? textOf(n).trim() : '';
};

/** One configured interface address: the interface unit, the address and its prefix. */
export interface ConfiguredAddress {
  ifl: string;
  family: 'inet' | 'inet6';
  address: string;
  prefix: number;
}

/**
 * The device's interface addresses, from the operational model (configured units, then the
 * profile's own ports such as fxp0; units of the platform's private instances left out).
 */
export function configuredAddresses(ctx: Pick<RpcContext, 'device'>): ConfiguredAddress[] {
  const out: ConfiguredAddress[] = [];
  for (const u of operModel(ctx.device).logicalUnits()) {
    if (!u.configured && u.instance) continue;
    for (const f of u.families) {
      if (f.name !== 'inet' && f.name !== 'inet6') continue;
      for (const cidr of f.addresses) {
        const [address, len] = cidr.split('/');
        if (net.isIP(address) === 0) continue;
        out.push({ ifl: u.name, family: f.name, address, prefix: len === undefined ? (f.name === 'inet' ? 32 : 128) : Number(len) });
      }
    }
  }
  return out;
}

/** Configured neighbours: BGP peers and static-route next hops, from the operational model. */
export function configuredNeighbours(ctx: Pick<RpcContext, 'device'>): string[] {
  const model = operModel(ctx.device);
  const bgp = model.bgpPeers().map((p) => p.address);
  const nh = model
    .routes()
    .filter((r) => r.protocol === 'Static')
    .flatMap((r) => r.nextHops.map((h) => h.to ?? ''));
  return [...bgp, ...nh].filter((a) => net.isIP(a) !== 0);
}

/**
 * Where a destination is for this device: one of its own addresses, on a connected
 * subnet, a configured neighbour (reached over the first interface address of its
 * family), or unreachable (undefined).
 */
export function locate(ctx: Pick<RpcContext, 'config' | 'device'>, dest: string): { kind: 'local' | 'connected' | 'neighbour'; via?: ConfiguredAddress } | undefined {
  const type = net.isIP(dest) === 6 ? 'ipv6' : 'ipv4';
  const addrs = configuredAddresses(ctx).filter((a) => (a.family === 'inet6') === (type === 'ipv6'));
  const own = addrs.find((a) => a.address === dest);
  if (own) return { kind: 'local', via: own };
  for (const a of addrs) {
    if (a.prefix >= (type === 'ipv4' ? 32 : 128)) continue;
    const bl = new net.BlockList();
    bl.addSubnet(a.address, a.prefix, type);
    if (bl.check(dest, type)) return { kind: 'connected', via: a };
  }
  if (configuredNeighbours(ctx).includes(dest)) return { kind: 'neighbour', via: addrs.find((a) => !a.address.startsWith('127.') && !a.address.startsWith('fe80')) };
  return undefined;
}
