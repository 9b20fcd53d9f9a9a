/**
 * What a NETCONF server session needs from the device behind it, and nothing more: the
 * hello's capabilities and login class, the namespace release and a clock, an RPC
 * dispatcher, and the session's configuration handle to close at the end. The NETCONF
 * protocol (this folder) knows nothing of Junos; src/junos/ supplies these.
 */
import type { RpcError } from './rpc-error.js';
import type { XmlElement } from './xml.js';

/**
 * A reply: the XML (or text) put inside <rpc-reply>, and warnings to add after it. `end`
 * asks the session to close after sending the reply.
 */
export interface RpcReply {
  body: string;
  warnings?: RpcError[];
  end?: boolean;
}

/** Answers one operation (the first child of <rpc>); throws RpcError for a failed RPC. */
export type RpcDispatcher = (op: XmlElement) => Promise<RpcReply | string>;

/** What the session shows of the server: hello, reply namespace, clock. */
export interface NetconfServerInfo {
  readonly profile: { readonly capabilities: readonly string[]; readonly loginClass: string; readonly xmlRelease: string };
  now(): number;
}

/** The session's configuration handle: closed (locks released, private candidate dropped) when the session ends. */
export interface SessionResource {
  close(): void;
}
