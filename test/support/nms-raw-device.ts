/**
 * A minimal device written directly on grpc-js, to test the reference NMS without the
 * agent: real TLS, real gRPC, one connection per client (local subchannel pool).
 */
import * as grpc from '@grpc/grpc-js';
import { basicService, ncgrpcService } from '../../src/wire/protos.js';
import { dnsOnlyServername } from '../../src/outbound/tls.js';

export type RawClient = grpc.Client & Record<string, any>;

export const STOPPING = 'Client is stopping, subprocess not running';

export function rawClient(port: number, trustedCert: string, basic = false): RawClient {
  const Ctor = basic ? basicService() : ncgrpcService();
  return new Ctor(`127.0.0.1:${port}`, dnsOnlyServername(grpc.credentials.createSsl(Buffer.from(trustedCert))), {
    'grpc.use_local_subchannel_pool': 1,
  }) as RawClient;
}

export function status(c: RawClient): Promise<string> {
  return new Promise((resolve, reject) => {
    c.NcgrpcServerStatusGet({ req: 'REQ_RUNNING' }, (err: grpc.ServiceError | null, r: { status: string }) => (err ? reject(err) : resolve(r.status)));
  });
}

export interface InitResult {
  sessionType: string;
  trailer: grpc.Metadata;
}

/** Issues NcgrpcInitialize; `answered` settles when the NMS answers (it holds the call). */
export function initialize(c: RawClient, deviceId: string, secret: string, instanceId = '4242'): { call: grpc.ClientUnaryCall; answered: Promise<InitResult> } {
  let call!: grpc.ClientUnaryCall;
  const answered = new Promise<InitResult>((resolve, reject) => {
    let resp: { session_type: string } | undefined;
    let failed: grpc.ServiceError | undefined;
    const md = new grpc.Metadata();
    md.set('send_data', 'send_data');
    call = c.NcgrpcInitialize({ instance_id: instanceId, device_id: deviceId, secret_key: secret }, md, (err: grpc.ServiceError | null, r: { session_type: string }) => {
      if (err) failed = err;
      else resp = r;
    });
    call.on('status', (s: grpc.StatusObject) => {
      if (failed || !resp) reject(failed ?? new Error(s.details));
      else resolve({ sessionType: resp.session_type, trailer: s.metadata });
    });
  });
  answered.catch(() => {});
  return { call, answered };
}

export interface RawStream {
  call: grpc.ClientDuplexStream<any, any>;
  /** Every response received from the NMS. */
  received: any[];
  /** Settles with the final status of the stream. */
  status: Promise<grpc.StatusObject>;
}

/** Opens NcgrpcCommandGet with the given invocation metadata, recording what comes down. */
export function commandGet(c: RawClient, md: grpc.Metadata): RawStream {
  const call = c.NcgrpcCommandGet(md) as grpc.ClientDuplexStream<any, any>;
  const received: any[] = [];
  call.on('data', (r: unknown) => received.push(r));
  call.on('error', () => {});
  const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
  return { call, received, status };
}

/**
 * Acts as a device session on an open stream: echoes each command back as `echo:<cmd>`;
 * on a kill signal sends the stopping message and half-closes, like the real device.
 */
export function echoDevice(s: RawStream, first: string): void {
  s.call.write({ message: first });
  s.call.on('data', (r: { netconf_command?: string; csh_command?: string; message?: string; kill_signal?: string }) => {
    const text = r.netconf_command ?? r.csh_command ?? '';
    // A kill signal ends the session, and so does `exit` in a csh session (the shell exits).
    if ((r.kill_signal && r.kill_signal !== '0') || (r.csh_command !== undefined && r.csh_command.trim() === 'exit')) {
      s.call.write({ message: STOPPING });
      s.call.end();
      return;
    }
    s.call.write({ message: `echo:${text}` });
  });
}

/** A device with one pending Initialize that, once answered, opens its session and echoes. */
export async function deviceSession(port: number, cert: string, deviceId: string, secret: string): Promise<{ client: RawClient; stream: RawStream; init: InitResult }> {
  const client = rawClient(port, cert);
  const { answered } = initialize(client, deviceId, secret);
  const init = await answered;
  const stream = commandGet(client, init.trailer);
  echoDevice(stream, init.sessionType === 'CSH' ? 'csh session is started' : '<hello/>]]>]]>');
  return { client, stream, init };
}

/** Polls `pred` every 10 ms until true or `timeoutMs` passes; bounded. */
export async function until(pred: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
