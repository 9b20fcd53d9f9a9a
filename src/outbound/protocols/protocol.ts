/**
 * What a protocol version of the outbound-https app is to the client that runs it: how to
 * tell that a server is up (probe), and the link that runs the session loop on a live
 * server. Nothing outside protocols/ asks which version it runs; it asks the protocol.
 */
import type { ProtocolName } from '../../wire/contract.js';
import type { ServerConfig } from '../config-types.js';
import type { ProbeOptions, ProbeResult } from '../server-walk.js';
import type { ServerLink, SessionHost } from '../session-host.js';

export type { ProbeResult };

export interface OutboundProtocol {
  readonly name: ProtocolName;
  /** One line for help and status. */
  readonly help: string;
  /** Whether the client needs a device id (basic has none). */
  readonly needsDeviceId: boolean;
  /** The secret used when none is configured, when the version has one. */
  readonly defaultSecret?: string;
  /** Is this server up for us? Bounded by the options' connect bound and deadline; aborted by their `signal` (the client stopping). */
  probe(server: ServerConfig, opts?: ProbeOptions): Promise<ProbeResult>;
  /**
   * The session loop on a live server; its run() ends when the server is lost, refuses, or
   * stop(). `handoff`: the connection an up probe kept (ProbeResult.handoff), now the link's.
   */
  link(server: ServerConfig, host: SessionHost, handoff?: { close(): void }): ServerLink;
}
