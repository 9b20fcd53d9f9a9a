/**
 * A session bridged to its gRPC stream with the injected faults applied: the byte-stream
 * faults through FaultySession, drop-after as an abrupt abort of the RPC, no-stop-message in
 * the bridge. Without a FaultSet it is a plain SessionBridge.
 */
import type { Logger } from '../log.js';
import type { ByteSession } from '../session/byte-session.js';
import { FaultLog, FaultySession, type FaultSet } from '../faults/faults.js';
import { SessionBridge, type BridgeOptions, type SessionStream } from './session-bridge.js';

const SIGNAL_HUP = 1;

export function bridgeWithFaults(
  stream: SessionStream,
  session: ByteSession,
  opts: BridgeOptions,
  faults: FaultSet | undefined,
  logger: Logger,
): SessionBridge {
  if (!faults) return new SessionBridge(stream, session, opts);
  const log = new FaultLog(logger, { kind: opts.kind });
  let bridge: SessionBridge | undefined;
  const faulty = new FaultySession(session, faults, {
    log,
    onDrop: () => (bridge ? bridge.abort({ flushFirst: true }) : session.kill(SIGNAL_HUP)),
  });
  bridge = new SessionBridge(stream, faulty, {
    ...opts,
    omitStopMessage: () => faults.noStopMessage,
    onFault: (fault) => log.note(fault),
  });
  return bridge;
}
