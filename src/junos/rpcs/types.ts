/**
 * What an RPC handler sees and returns. Handlers are small functions keyed by the RPC's
 * element name (see ./index.ts); they throw RpcError for a failed RPC.
 */
import type { ConfigSession } from '../config/api.js';
import type { DeviceProfile } from '../profile.js';
import type { XmlElement } from '../../netconf/xml.js';

/** The parts of the emulated device RPC handlers use. */
export interface DeviceView {
  readonly profile: DeviceProfile;
  readonly hostname: string;
  readonly serialNumber: string;
  /** Epoch milliseconds when the device "booted". */
  readonly bootTime: number;
  now(): number;
  /** The newest commit of the active configuration (time in epoch ms, and who), if any. */
  lastCommit?(): { time: number; user: string } | undefined;
  /** Ends another NETCONF session of this device; false when there is none with that id. */
  killSession(id: number): boolean;
}

export interface RpcContext {
  device: DeviceView;
  /** The configuration session of this NETCONF session. */
  config: ConfigSession;
  sessionId: number;
  user: string;
  /** The operation element (first child of <rpc>). */
  op: XmlElement;
}

/** A handler's reply (the NETCONF server's type): body, warnings, end. */
export type { RpcReply } from '../../netconf/dispatch.js';
import type { RpcReply } from '../../netconf/dispatch.js';

export type RpcHandler = (ctx: RpcContext) => RpcReply | string | Promise<RpcReply | string>;
