/**
 * The basic (Junos 20.2) service management.NetconfRpcApi on the reference NMS:
 * InitialHandShake compares the device's string to a shared one; each GetExecuteCommand
 * stream from an authenticated connection is one NETCONF session, kept (with its output
 * so far) until an operator takes it with requestBasicSession().
 */
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log.js';
import type { BasicAuthRequest, BasicAuthResponse, BasicRpcRequest, BasicRpcResponse } from '../wire/protos.js';
import type { NmsEventLog } from './events.js';
import { NmsRequestError, seconds } from './enhanced-service.js';
import { NmsSession, type SessionCodec } from './session.js';

import { BASIC_AUTH_FAILED, BASIC_AUTH_OK } from '../wire/contract.js';
export { BASIC_AUTH_FAILED, BASIC_AUTH_OK, BASIC_DEFAULT_SECRET } from '../wire/contract.js';

export class BasicService {
  private readonly authenticated = new Set<string>();
  private readonly unclaimed: NmsSession[] = [];
  private readonly live = new Set<NmsSession>();
  private readonly wake = new EventEmitter();
  private stopped = false;

  constructor(
    private readonly log: NmsEventLog,
    private readonly logger: Logger,
    private readonly sharedSecret: string,
  ) {
    this.wake.setMaxListeners(0);
  }

  handlers(): grpc.UntypedServiceImplementation {
    return {
      InitialHandShake: this.handshake.bind(this),
      GetExecuteCommand: this.executeCommand.bind(this),
    };
  }

  /** Authenticated session streams no operator has taken yet. */
  waitingCount(): number {
    return this.unclaimed.length;
  }

  sessions(): NmsSession[] {
    return [...this.live];
  }

  /** The oldest untaken session stream, or the next one to arrive within timeoutMs (default 10 s). */
  async requestSession(opts: { timeoutMs?: number } = {}): Promise<NmsSession> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.stopped) throw new NmsRequestError('the NMS stopped');
      const s = this.unclaimed.shift();
      if (s) return s;
      const left = deadline - Date.now();
      if (left <= 0) throw new NmsRequestError(`no basic device session is waiting at the NMS after ${seconds(timeoutMs)} s`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.wake.off('arrived', done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.wake.on('arrived', done);
      });
    }
  }

  stop(): void {
    this.stopped = true;
    this.wake.emit('arrived');
    for (const s of this.live) s.abort();
  }

  private handshake(call: grpc.ServerUnaryCall<BasicAuthRequest, BasicAuthResponse>, answer: grpc.sendUnaryData<BasicAuthResponse>): void {
    const peer = call.getPeer();
    const ok = call.request.message_req === this.sharedSecret;
    this.log.record({ type: 'basic-auth', peer, ok, protocol: 'basic' });
    this.logger.info({ peer, ok }, ok ? 'basic device authenticated' : 'basic device failed authentication');
    if (ok) this.authenticated.add(peer);
    answer(null, { message_res: ok ? BASIC_AUTH_OK : BASIC_AUTH_FAILED });
  }

  private executeCommand(call: grpc.ServerDuplexStream<BasicRpcRequest, BasicRpcResponse>): void {
    const peer = call.getPeer();
    if (!this.authenticated.has(peer)) {
      const detail = `GetExecuteCommand on a connection that passed no InitialHandShake: ${peer}`;
      this.log.record({ type: 'stream-rejected', peer, protocol: 'basic', detail });
      this.logger.warn({ peer }, 'GetExecuteCommand refused: not authenticated');
      call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: detail });
      return;
    }
    // The NMS echoes the request_id of the device's latest message in its commands.
    let requestId = '0';
    const codec: SessionCodec<BasicRpcRequest, Partial<BasicRpcResponse>> = {
      messageOf: (req) => {
        requestId = String(req.request_id ?? requestId);
        return req.message ?? '';
      },
      command: (text) => ({ request_id: requestId, netconf_command: text }),
      leave: 'end',
    };
    const session = new NmsSession(call as grpc.ServerDuplexStream<unknown, unknown>, codec, { peer, type: 'netconf', protocol: 'basic' });
    this.live.add(session);
    this.unclaimed.push(session);
    this.log.record({ type: 'session-open', peer, connType: 'netconf', protocol: 'basic' });
    this.logger.info({ peer }, 'basic session stream open');
    session.once('end', (reason: string) => {
      this.live.delete(session);
      const i = this.unclaimed.indexOf(session);
      if (i >= 0) this.unclaimed.splice(i, 1);
      this.log.record({ type: 'session-close', peer, connType: 'netconf', protocol: 'basic', detail: reason });
      this.logger.info({ peer, reason }, 'basic session closed');
    });
    call.on('close', () => this.authenticated.delete(peer));
    this.wake.emit('arrived');
  }
}
