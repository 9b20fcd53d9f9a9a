/**
 * The constants of the wire contract shared by the device and the reference NMS: the two
 * protocol versions, their handshake strings and metadata, and the stop messages that end a
 * session. Each lives here only; README, "Behaviour on the wire", describes the contract.
 */

/** Protocol versions of the Junos outbound-HTTPS app, newest first. */
export const PROTOCOL_NAMES = ['enhanced', 'basic'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];
export const DEFAULT_PROTOCOL: ProtocolName = 'enhanced';
/** One line per version, for help texts. */
export const PROTOCOL_HELP: Record<ProtocolName, string> = {
  enhanced: 'enhanced (Junos 20.3+)',
  basic: 'basic (20.2)',
};
/** One line per version, as `check` names it. */
export const PROTOCOL_DETAIL: Record<ProtocolName, string> = {
  enhanced: 'enhanced (Junos 20.3+)',
  basic: 'basic (Junos 20.2, GetExecuteCommand)',
};

export function isProtocolName(s: unknown): s is ProtocolName {
  return typeof s === 'string' && (PROTOCOL_NAMES as readonly string[]).includes(s);
}

// ---- enhanced (20.3+) ----

/** Metadata the device sends with every NcgrpcInitialize. */
export const INITIALIZE_METADATA: Readonly<Record<string, string>> = { send_data: 'send_data' };

// ---- basic (20.2) ----

/** The NMS's answer to an accepted InitialHandShake. */
export const BASIC_AUTH_OK = 'client Auth successful';
/** The NMS's answer to a refused InitialHandShake. */
export const BASIC_AUTH_FAILED = 'client Auth failed';
/** The shared string Juniper's 20.2 sample NMS expects. */
export const BASIC_DEFAULT_SECRET = 'nc_grpc_device';

/** The first message of a csh session's stream. */
export const MSG_CSH_STARTED = 'csh session is started';

// ---- stop messages: the last message of a session's stream ----

/** Every stop message starts with this. */
export const STOP_MESSAGE_PREFIX = 'Client is stopping,';
/** The session's process ended (or could not start). */
export const MSG_SUBPROCESS_ENDED = 'Client is stopping, subprocess not running';
/** The device is terminating (SIGTERM, a restart of the client). */
export const MSG_TERMINATION = 'Client is stopping, termination received';
