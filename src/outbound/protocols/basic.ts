/**
 * The basic (Junos 20.2) protocol on one NMS server: InitialHandShake with the shared
 * string, then one NETCONF session over GetExecuteCommand on that connection. When the
 * session ends, a new connection and handshake wait for the next one.
 */
import * as grpc from '@grpc/grpc-js';
import type { ServerConfig } from '../config-types.js';
import { connectTimeoutReason, describeGrpcError, describeLoss, openBasicConnection, targetOf, whenReady, withoutSecret, type BasicConnection } from '../channel.js';
import { oneLine } from '../../printable.js';
import { sharedServerCredentials } from '../tls.js';
import type { SessionBridge } from '../session-bridge.js';
import { bridgeWithFaults } from '../faulty-bridge.js';
import type { LinkEnd, ServerLink, SessionHost } from '../session-host.js';
import { probeBounds, type ProbeOptions, type ProbeResult } from '../server-walk.js';

import { BASIC_AUTH_OK } from '../../wire/contract.js';
export { BASIC_AUTH_OK, BASIC_DEFAULT_SECRET } from '../../wire/contract.js';

export class BasicServerLink implements ServerLink {
  private stopped = false;
  /** Set by drop(): the link ends as lost, as after a network failure. */
  private dropped = false;
  private channel: BasicConnection | undefined;
  private current: SessionBridge | undefined;
  private wakeStop: (() => void) | undefined;

  constructor(
    private readonly server: ServerConfig,
    private readonly host: SessionHost,
  ) {}

  stop(): void {
    this.stopped = true;
    this.channel?.close();
    this.wakeStop?.();
  }

  drop(): void {
    this.dropped = true;
    this.current?.abort();
    this.channel?.close();
  }

  async run(): Promise<LinkEnd | 'refused'> {
    const key = targetOf(this.server);
    while (!this.stopped) {
      const timing = this.host.timing;
      const channel = openBasicConnection(this.server, sharedServerCredentials(this.server).creds, timing);
      this.channel = channel;
      const auth = await new Promise<{ ok: true } | { ok: false; lost: boolean; reason: string }>((resolve) => {
        let connectTimedOut = false;
        const call = channel.InitialHandShake({ message_req: this.host.secret }, (err, resp) => {
          if (connectTimedOut) resolve({ ok: false, lost: true, reason: connectTimeoutReason(timing.connectTimeoutMs) });
          else if (err) resolve({ ok: false, lost: err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.CANCELLED, reason: err.code === grpc.status.UNAVAILABLE ? describeLoss(err, timing, this.host.secret) : describeGrpcError(err, this.host.secret) });
          else if (resp?.message_res === BASIC_AUTH_OK) resolve({ ok: true });
          else resolve({ ok: false, lost: false, reason: `NMS answered "${oneLine(withoutSecret(resp?.message_res ?? '', this.host.secret))}" to the handshake` });
        });
        // The connection (TCP, TLS, HTTP/2 settings) must come up within the connect bound.
        void whenReady(channel, timing.connectTimeoutMs).then((r) => {
          if (r !== 'timeout') return;
          connectTimedOut = true;
          call.cancel();
        });
      });
      if (this.stopped) break;
      if (this.dropped) {
        channel.close();
        return 'lost';
      }
      if (!auth.ok) {
        channel.close();
        if (auth.lost) this.host.noteLoss(key, auth.reason);
        else this.host.noteError(`${key}: ${auth.reason}`);
        this.host.logger.warn({ server: key, reason: auth.reason }, auth.lost ? 'connection to NMS lost' : 'NMS refused the handshake');
        return auth.lost ? 'lost' : 'refused';
      }
      this.host.logger.info({ server: key }, 'handshake accepted');
      const end = await this.serveOneSession(channel);
      channel.close();
      if (end === 'lost' || this.dropped) return 'lost';
    }
    return 'stopped';
  }

  private async serveOneSession(channel: BasicConnection): Promise<'done' | 'lost'> {
    const stream = channel.GetExecuteCommand();
    let lastRequestId = '0';
    stream.on('data', (r) => {
      lastRequestId = r.request_id ?? lastRequestId;
      if (r.cli_command !== undefined && r.cli_command !== '') {
        stream.write({ request_id: lastRequestId, message: 'error: cli_command is not supported by the basic protocol\n' });
      }
    });
    stream.on('error', () => {});
    let session;
    try {
      session = await this.host.backend('netconf').open('netconf');
    } catch (err) {
      const reason = (err as Error).message;
      this.host.noteError(`netconf session could not start: ${reason}`);
      stream.write({ request_id: lastRequestId, message: `error: netconf session could not start: ${reason}\n` });
      stream.end();
      return 'done';
    }
    return new Promise((resolve) => {
      let untrack: () => void = () => {};
      let lost = false;
      stream.on('status', (s: grpc.StatusObject) => {
        lost = s.code === grpc.status.UNAVAILABLE;
        if (lost && !this.stopped && !this.dropped) this.host.noteLoss(targetOf(this.server), describeLoss(s, this.host.timing, this.host.secret));
      });
      const bridge = bridgeWithFaults(
        stream,
        session,
        {
          kind: 'netconf',
          toMessage: (message) => ({ request_id: lastRequestId, message }),
          onClose: (why) => {
            untrack();
            this.current = undefined;
            this.wakeStop = undefined;
            setImmediate(() => resolve(lost || why === 'stream-error' ? 'lost' : 'done'));
          },
        },
        this.host.faults,
        this.host.logger,
      );
      this.current = bridge;
      if (!bridge.isClosed) {
        untrack = this.host.track('netconf', bridge);
        this.wakeStop = () => void bridge.terminate();
      }
    });
  }
}

/**
 * The basic probe (20.2 has no status RPC): up when a verified TLS connection can be made
 * within the connect bound.
 */
export function probeBasic(server: ServerConfig, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const { connectMs } = probeBounds(opts);
  const signal = opts.signal;
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve({ up: false, reason: 'stopped' });
    const began = Date.now();
    const shared = sharedServerCredentials(server);
    const channel = openBasicConnection(server, shared.creds, opts);
    const onAbort = () => channel.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    void channel.whenReady(connectMs).then((r) => {
      signal?.removeEventListener('abort', onAbort);
      channel.close();
      const identity = shared.identityError(began);
      if (r === 'ready') resolve({ up: true });
      else if (r === 'closed') resolve({ up: false, reason: 'stopped' });
      else if (r === 'failed') resolve({ up: false, reason: identity ?? `connection failed: ${channel.failure}` });
      else resolve({ up: false, reason: identity ?? connectTimeoutReason(connectMs) });
    });
  });
}
