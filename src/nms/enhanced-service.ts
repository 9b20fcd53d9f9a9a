/**
 * The enhanced outbound-HTTPS service (jnx.jet.netconf.Ncgrpc) on the reference NMS:
 * status probes, pending Initializes held until an operator asks for a session, and the
 * CommandGet streams matched to their Initialize by the connection (peer address), the way
 * Juniper's sample NMS matches them, but with clear refusals and a full event record.
 */
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log.js';
import { RuntimeError } from '../errors.js';
import type {
  NcgrpcCommandGetRequest,
  NcgrpcCommandGetResponse,
  NcgrpcInitializeRequest,
  NcgrpcInitializeResponse,
  NcgrpcStatusRequest,
  NcgrpcStatusResponse,
} from '../wire/protos.js';
import type { NmsEventLog } from './events.js';
import { NmsSession, type ConnType, type NmsSessionInfo, type SessionCodec } from './session.js';

/** How NcgrpcServerStatusGet answers: SUCCESS (the default), FAILURE, or a gRPC error. */
export type StatusAnswer = 'SUCCESS' | 'FAILURE' | 'error';

interface PendingInitialize {
  deviceId: string;
  instanceId: string;
  secret: string;
  peer: string;
  since: Date;
  call: grpc.ServerUnaryCall<NcgrpcInitializeRequest, NcgrpcInitializeResponse>;
  answer: grpc.sendUnaryData<NcgrpcInitializeResponse>;
}

/** An answered Initialize whose device has yet to open its CommandGet on the same connection. */
interface AwaitedStream {
  deviceId: string;
  type: ConnType;
  resolve(s: NmsSession): void;
}

export interface RequestSessionOptions {
  /** Bound on waiting for a pending Initialize and then for the device's CommandGet (default 10 s). */
  timeoutMs?: number;
}

/** A duration for a message: whole seconds when whole, else one decimal. */
export function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(1)));
}

const EXIT_TEXT: Record<ConnType, string> = { netconf: '<>', csh: 'exit' };

/** The text entries of a call's metadata, minus the transport's own headers. */
function textMetadata(md: grpc.Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md.getMap())) {
    if (typeof v === 'string' && k !== 'user-agent' && !k.startsWith('grpc-')) out[k] = v;
  }
  return out;
}

function enhancedCodec(type: ConnType): SessionCodec<NcgrpcCommandGetRequest, Partial<NcgrpcCommandGetResponse>> {
  const field = type === 'netconf' ? 'netconf_command' : 'csh_command';
  return {
    messageOf: (req) => req.message ?? '',
    command: (text) => ({ [field]: text, kill_signal: '0' }),
    kill: (signal) => ({ [field]: EXIT_TEXT[type], kill_signal: String(signal) }),
    leave: 'kill',
  };
}

/** An error a caller of requestSession sees; its message is one line for an operator. */
export class NmsRequestError extends RuntimeError {}

export class EnhancedService {
  statusAnswer: StatusAnswer = 'SUCCESS';
  /** Pending Initializes by device id, oldest first (a fleet of 10,000 is 10,000 keys). */
  private readonly pending = new Map<string, PendingInitialize[]>();
  private pendingTotal = 0;
  private readonly awaited = new Map<string, AwaitedStream[]>();
  private readonly live = new Set<NmsSession>();
  /** Wakes requestSession waiters when a new Initialize arrives or the NMS stops. */
  private readonly wake = new EventEmitter();
  private nextPort = 1;
  private stopped = false;

  constructor(
    private readonly log: NmsEventLog,
    private readonly logger: Logger,
    private readonly sessionOptions: Pick<NmsSessionInfo, 'closeTimeoutMs' | 'keepOutputChars'>,
  ) {
    this.wake.setMaxListeners(0);
  }

  /** Handlers keyed by RPC name, for grpc.Server.addService. */
  handlers(): grpc.UntypedServiceImplementation {
    return {
      NcgrpcServerStatusGet: this.status.bind(this),
      NcgrpcInitialize: this.initialize.bind(this),
      NcgrpcCommandGet: this.commandGet.bind(this),
    };
  }

  pendingCount(deviceId?: string): number {
    return deviceId === undefined ? this.pendingTotal : (this.pending.get(deviceId)?.length ?? 0);
  }

  private addPending(p: PendingInitialize): void {
    const list = this.pending.get(p.deviceId);
    if (list) list.push(p);
    else this.pending.set(p.deviceId, [p]);
    this.pendingTotal++;
  }

  /** Takes `p` out of the pending Initializes; false when it was not there. */
  private takePending(p: PendingInitialize): boolean {
    const list = this.pending.get(p.deviceId);
    const i = list ? list.indexOf(p) : -1;
    if (i < 0) return false;
    list!.splice(i, 1);
    if (list!.length === 0) this.pending.delete(p.deviceId);
    this.pendingTotal--;
    return true;
  }

  sessions(): NmsSession[] {
    return [...this.live];
  }

  /** Devices with a pending Initialize, with their counts. */
  waitingDevices(): Map<string, number> {
    const m = new Map<string, number>();
    for (const [id, list] of this.pending) m.set(id, list.length);
    return m;
  }

  async requestSession(deviceId: string, secret: string, type: ConnType, opts: RequestSessionOptions = {}): Promise<NmsSession> {
    if (type !== 'netconf' && type !== 'csh') throw new NmsRequestError(`unknown session type "${type}" (netconf or csh)`);
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    const match = await this.claimPending(deviceId, secret, deadline, timeoutMs);
    const stream = new Promise<NmsSession>((resolve) => {
      const list = this.awaited.get(match.peer) ?? [];
      if (list.length > 0 || [...this.live].some((s) => s.peer === match.peer)) {
        this.log.record({ type: 'shared-connection', peer: match.peer, deviceId, protocol: 'enhanced', detail: 'an Initialize was answered on a connection that already carries a session' });
        this.logger.warn({ deviceId, peer: match.peer }, 'device shares one connection between sessions');
      }
      list.push({ deviceId, type, resolve });
      this.awaited.set(match.peer, list);
    });
    const trailer = new grpc.Metadata();
    trailer.set('port', String(this.nextPort++));
    trailer.set('conn_type', type);
    match.answer(null, { session_type: type === 'netconf' ? 'NETCONF' : 'CSH' }, trailer);
    this.log.record({ type: 'initialize-answered', peer: match.peer, deviceId, instanceId: match.instanceId, connType: type, protocol: 'enhanced' });
    this.logger.info({ deviceId, peer: match.peer, type }, 'Initialize answered; waiting for the session stream');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), Math.max(0, deadline - Date.now()))));
    let onStop: (() => void) | undefined;
    const stopped = new Promise<undefined>((r) => this.wake.once('stop', (onStop = () => r(undefined))));
    const session = await Promise.race([stream, late, stopped]);
    clearTimeout(timer);
    this.wake.off('stop', onStop!);
    if (!session) {
      this.dropAwaited(match.peer, deviceId);
      if (this.stopped) throw new NmsRequestError('the NMS stopped');
      throw new NmsRequestError(`device ${deviceId} opened no NcgrpcCommandGet on ${match.peer} within ${seconds(timeoutMs)} s of its Initialize being answered`);
    }
    return session;
  }

  /**
   * Fails the oldest pending Initialize of `deviceId` with a gRPC error (by default what
   * Juniper's sample produces for an unknown session type: INTERNAL "Failed to serialize
   * response!"). Returns false when none is pending.
   */
  failInitialize(deviceId: string, error: { code: grpc.status; details: string } = { code: grpc.status.INTERNAL, details: 'Failed to serialize response!' }): boolean {
    const p = this.pending.get(deviceId)?.[0];
    if (!p) return false;
    this.takePending(p);
    p.answer(error);
    this.log.record({ type: 'initialize-failed', peer: p.peer, deviceId, instanceId: p.instanceId, protocol: 'enhanced', detail: error.details });
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.wake.emit('stop');
    for (const s of this.live) s.abort();
    const all = [...this.pending.values()].flat();
    this.pending.clear();
    this.pendingTotal = 0;
    for (const p of all) {
      try {
        p.answer({ code: grpc.status.UNAVAILABLE, details: 'NMS stopping' });
      } catch {
        /* call already gone */
      }
    }
  }

  /**
   * Waits for a pending Initialize of the device and takes it, in one synchronous step after
   * the wait, so concurrent requests for one device never claim the same Initialize.
   */
  private async claimPending(deviceId: string, secret: string, deadline: number, timeoutMs: number): Promise<PendingInitialize> {
    for (;;) {
      if (this.stopped) throw new NmsRequestError('the NMS stopped');
      const found = this.pending.get(deviceId) ?? [];
      if (found.length > 0) {
        const match = found.find((p) => p.secret === secret);
        if (!match) {
          this.log.record({ type: 'secret-mismatch', peer: found[0].peer, deviceId, protocol: 'enhanced' });
          this.logger.warn({ deviceId }, 'session request refused: secret mismatch');
          throw new NmsRequestError(`secret mismatch for device ${deviceId}`);
        }
        this.takePending(match);
        return match;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new NmsRequestError(`no device ${deviceId} is waiting at the NMS after ${seconds(timeoutMs)} s`);
      }
      // Woken by an Initialize of this device only (a fleet's arrivals do not wake every waiter).
      const event = `initialize:${deviceId}`;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.wake.off(event, done);
          this.wake.off('stop', done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.wake.on(event, done);
        this.wake.on('stop', done);
      });
    }
  }

  private dropAwaited(peer: string, deviceId: string): void {
    const list = this.awaited.get(peer);
    if (!list) return;
    const i = list.findIndex((a) => a.deviceId === deviceId);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.awaited.delete(peer);
  }

  private status(
    call: grpc.ServerUnaryCall<NcgrpcStatusRequest, NcgrpcStatusResponse>,
    answer: grpc.sendUnaryData<NcgrpcStatusResponse>,
  ): void {
    const peer = call.getPeer();
    this.log.record({ type: 'status', peer, protocol: 'enhanced', detail: this.statusAnswer });
    this.logger.debug({ peer, answer: this.statusAnswer }, 'status probe');
    if (this.statusAnswer === 'error') answer({ code: grpc.status.UNAVAILABLE, details: 'status probe refused by test setting' });
    else answer(null, { status: this.statusAnswer });
  }

  private initialize(
    call: grpc.ServerUnaryCall<NcgrpcInitializeRequest, NcgrpcInitializeResponse>,
    answer: grpc.sendUnaryData<NcgrpcInitializeResponse>,
  ): void {
    const peer = call.getPeer();
    const req = call.request;
    const p: PendingInitialize = {
      deviceId: req.device_id,
      instanceId: String(req.instance_id),
      secret: req.secret_key,
      peer,
      since: new Date(),
      call,
      answer,
    };
    this.log.record({ type: 'initialize', peer, deviceId: p.deviceId, instanceId: p.instanceId, protocol: 'enhanced', metadata: textMetadata(call.metadata) });
    this.logger.info({ deviceId: p.deviceId, instanceId: p.instanceId, peer }, 'device waiting (Initialize pending)');
    if (this.stopped) {
      answer({ code: grpc.status.UNAVAILABLE, details: 'NMS stopping' });
      return;
    }
    this.addPending(p);
    call.on('cancelled', () => {
      if (!this.takePending(p)) return;
      this.log.record({ type: 'initialize-cancelled', peer, deviceId: p.deviceId, instanceId: p.instanceId, protocol: 'enhanced' });
      this.logger.info({ deviceId: p.deviceId, peer }, 'pending Initialize cancelled by the device');
    });
    this.wake.emit(`initialize:${p.deviceId}`);
  }

  private commandGet(call: grpc.ServerDuplexStream<NcgrpcCommandGetRequest, NcgrpcCommandGetResponse>): void {
    const peer = call.getPeer();
    const reject = (detail: string): void => {
      this.log.record({ type: 'stream-rejected', peer, protocol: 'enhanced', detail });
      this.logger.warn({ peer, reason: detail }, 'NcgrpcCommandGet refused');
      call.emit('error', { code: grpc.status.UNKNOWN, details: detail });
    };
    const connType = call.metadata.get('conn_type')[0]?.toString();
    if (connType === undefined) {
      reject(`NcgrpcCommandGet without conn_type metadata (from ${peer})`);
      return;
    }
    const list = this.awaited.get(peer);
    const awaited = list?.shift();
    if (!awaited) {
      reject(`NcgrpcCommandGet on a connection with no answered NcgrpcInitialize: ${peer}`);
      return;
    }
    if (list!.length === 0) this.awaited.delete(peer);
    if (connType !== awaited.type) {
      reject(`NcgrpcCommandGet conn_type "${connType}" differs from the ${awaited.type} session answered on ${peer}`);
      return;
    }
    const session = new NmsSession(call as grpc.ServerDuplexStream<unknown, unknown>, enhancedCodec(awaited.type), {
      peer,
      type: awaited.type,
      protocol: 'enhanced',
      deviceId: awaited.deviceId,
      ...this.sessionOptions,
    });
    this.live.add(session);
    this.log.record({ type: 'session-open', peer, deviceId: awaited.deviceId, connType: awaited.type, protocol: 'enhanced', metadata: textMetadata(call.metadata) });
    this.logger.info({ deviceId: awaited.deviceId, peer, type: awaited.type }, 'session open');
    session.once('end', (reason: string) => {
      this.live.delete(session);
      this.log.record({ type: 'session-close', peer, deviceId: awaited.deviceId, connType: awaited.type, protocol: 'enhanced', detail: reason });
      this.logger.info({ deviceId: awaited.deviceId, peer, reason }, 'session closed');
    });
    awaited.resolve(session);
  }
}
