/**
 * The protocol registry: one entry per protocol version. A new version is one file next to
 * this one (its link and probe) and one entry below, plus its name in src/wire/contract.ts.
 */
import { BASIC_DEFAULT_SECRET, DEFAULT_PROTOCOL, PROTOCOL_HELP, PROTOCOL_NAMES, type ProtocolName } from '../../wire/contract.js';
import { BasicServerLink, probeBasic } from './basic.js';
import { EnhancedServerLink, probeEnhanced } from './enhanced.js';
import type { OutboundProtocol } from './protocol.js';
import type { NcgrpcClient } from '../channel.js';

export type { OutboundProtocol, ProbeResult } from './protocol.js';

const PROTOCOLS: Record<ProtocolName, OutboundProtocol> = {
  enhanced: {
    name: 'enhanced',
    help: PROTOCOL_HELP.enhanced,
    needsDeviceId: true,
    probe: probeEnhanced,
    link: (server, host, handoff) => new EnhancedServerLink(server, host, handoff as NcgrpcClient | undefined),
  },
  basic: {
    name: 'basic',
    help: PROTOCOL_HELP.basic,
    needsDeviceId: false,
    defaultSecret: BASIC_DEFAULT_SECRET,
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

/** Every registered protocol, newest first. */
export function allProtocols(): OutboundProtocol[] {
  return PROTOCOL_NAMES.map((n) => PROTOCOLS[n]);
}
