/**
 * The protocol registry: one entry per protocol version. A new version is one file next to
 * this one (its link and probe) and one entry below, plus its name in src/wire/contract.ts.
 */
import { BASIC_DEFAULT_SECRET, DEFAULT_PROTOCOL, PROTOCOL_HELP, PROTOCOL_NAMES, type ProtocolName } from '../../wire/contract.js';
import { BasicServerLink, probeBasic } from './basic.js';
import { EnhancedServerLink, probeEnhanced } from './enhanced.js';
import type { OutboundProtocol } from './protocol.js';
import type { NcgrpcConnection } from '../channel.js';
import type { ClientProtocol } from '../config.js';

export type { OutboundProtocol, ProbeResult } from './protocol.js';

const PROTOCOLS: Record<ProtocolName, OutboundProtocol> = {
  enhanced: {
    name: 'enhanced',
    help: PROTOCOL_HELP.enhanced,
    needsDeviceId: true,
    probe: probeEnhanced,
    link: (server, host, handoff) => new EnhancedServerLink(server, host, handoff as NcgrpcConnection | undefined),
  },
  basic: {
    name: 'basic',
    help: PROTOCOL_HELP.basic,
    needsDeviceId: false,
    defaultSecret: BASIC_DEFAULT_SECRET,
    configuredByAppArguments: true,
    probe: probeBasic,
    link: (server, host, handoff) => {
      handoff?.close();
      return new BasicServerLink(server, host);
    },
  },
};

/** The protocol of that name (the default one when none is given). */
export function protocolFor(name: ProtocolName | undefined): OutboundProtocol {
  return PROTOCOLS[name ?? DEFAULT_PROTOCOL];
}

/** The protocol whose client the JET app's arguments configure, if one is registered. */
export function appArgumentsProtocol(): OutboundProtocol | undefined {
  return allProtocols().find((p) => p.configuredByAppArguments);
}

/** The protocols that need no device id (a client of theirs may leave it out). */
export function protocolsWithoutDeviceId(): ProtocolName[] {
  return allProtocols().filter((p) => !p.needsDeviceId).map((p) => p.name);
}

/** What building a client of protocol `name` needs to know of it (outbound/config.ts clientFromParts). */
export function clientProtocol(name: ProtocolName | undefined): ClientProtocol {
  const p = protocolFor(name);
  return { name: p.name, needsDeviceId: p.needsDeviceId, withoutDeviceId: protocolsWithoutDeviceId() };
}

/** Every registered protocol, newest first. */
export function allProtocols(): OutboundProtocol[] {
  return PROTOCOL_NAMES.map((n) => PROTOCOLS[n]);
}
