/**
 * The one hook faces use to record sessions: what `--record DIR` adds to a device. Without
 * it, every function hands the session back as it is.
 */
import type { Logger } from '../log.js';
import type { ByteSession, SessionKind } from '../session/byte-session.js';
import { parseByteSize, Recorder } from './recorder.js';

/** Wraps one outbound-HTTPS session (by its kind and the backend serving it). */
export type OutboundRecord = (session: ByteSession, kind: SessionKind, backend: string) => ByteSession;

export interface SshRecord {
  netconf(session: ByteSession, login: string, peer: string): ByteSession;
  shell(login: string, session: ByteSession): ByteSession;
  command(login: string, command: string, session: ByteSession): ByteSession;
}

export interface SessionRecorder {
  readonly recorder?: Recorder;
  outbound(device: { hostname: string }, n?: number): OutboundRecord;
  ssh(device: { hostname: string }, n?: number): SshRecord;
}

export interface RecordFlags {
  record?: string;
  recordMaxBytes?: string | number;
  recordMaxTotal?: string | number;
}

/** The recorder `--record` asks for (a UsageError for a directory it cannot write), or none. */
export function recorderFromFlags(f: RecordFlags, logger: Logger): SessionRecorder {
  if (!f.record) {
    return {
      outbound: () => (s) => s,
      ssh: () => ({ netconf: (s) => s, shell: (_l, s) => s, command: (_l, _c, s) => s }),
    };
  }
  const recorder = new Recorder({
    dir: f.record,
    maxFileBytes: f.recordMaxBytes !== undefined ? parseByteSize(f.recordMaxBytes, '--record-max-bytes') : undefined,
    maxTotalBytes: f.recordMaxTotal !== undefined ? parseByteSize(f.recordMaxTotal, '--record-max-total') : undefined,
    logger,
  });
  const num = (n?: number) => (n === undefined ? {} : { deviceNumber: n });
  return {
    recorder,
    outbound: (device, n) => (session, kind, backend) => recorder.wrap(session, { face: 'outbound-https', kind, device: device.hostname, ...num(n), backend }),
    ssh: (device, n) => ({
      netconf: (session, login, peer) => recorder.wrap(session, { face: 'ssh', kind: 'netconf', device: device.hostname, ...num(n), backend: 'built-in', user: login, peer }),
      shell: (login, session) => recorder.wrap(session, { face: 'ssh', kind: 'shell', device: device.hostname, ...num(n), backend: 'built-in cli', user: login }),
      command: (login, command, session) => recorder.wrap(session, { face: 'ssh', kind: 'command', device: device.hostname, ...num(n), backend: 'built-in cli', user: login, command }),
    }),
  };
}
