/**
 * The baseline: plain grpc-js on the same service definition (jnx.jet.netconf.Ncgrpc),
 * the same TLS certificate and the same channel options as the agent, with none of the
 * agent or the reference NMS in the way. The server answers at once; the client does the
 * least a program needs to do to get the same bytes across.
 */
import * as grpc from '@grpc/grpc-js';
import { CHANNEL_OPTIONS, type NcgrpcClient } from '../src/outbound/channel.js';
import { ncgrpcService } from '../src/wire/protos.js';
import { dnsOnlyServername } from '../src/outbound/tls.js';
import { MSG_SUBPROCESS_ENDED } from '../src/wire/contract.js';
import { BENCH_HELLO, bulkPiece } from './backends.js';
import { nowMs, type RateResult } from './stats.js';

const TERMINATOR = ']]>]]>';
/** The bare session's NMS turn (hello and one small RPC) and the client's reply. */
const BARE_NMS_TURN = '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>]]>]]><rpc message-id="1"><get-software-information/></rpc>]]>]]>';
const BARE_REPLY = '<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="1"><software-information><host-name>raw</host-name><product-model>mx960</product-model></software-information></rpc-reply>]]>]]>';

// ---------------------------------------------------------------- server side (NMS process)

/** A minimal Ncgrpc server; its behaviour per stream is chosen by the `bench-mode` metadata. */
export async function startRawServer(cert: string, key: string): Promise<{ port: number; stop(): void }> {
  const server = new grpc.Server();
  server.addService(ncgrpcService().service, {
    NcgrpcServerStatusGet: (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => cb(null, { status: 'SUCCESS' }),
    NcgrpcInitialize: (_call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
      const trailer = new grpc.Metadata();
      trailer.set('port', '1');
      trailer.set('conn_type', 'netconf');
      cb(null, { session_type: 'NETCONF' }, trailer);
    },
    NcgrpcCommandGet: (call: grpc.ServerDuplexStream<{ message: string }, unknown>) => {
      const md = (k: string) => call.metadata.get(k)[0]?.toString();
      const mode = md('bench-mode');
      call.on('error', () => {});
      if (mode === 'hello') {
        // The messages of one of our sessions, in the same directions: the client's hello in,
        // a kill out (as the NMS closes a session), the client's stop message in, then end.
        let seen = 0;
        call.on('data', () => {
          if (seen++ === 0) call.write({ netconf_command: '<>', kill_signal: '2' });
        });
        call.on('end', () => call.end());
      } else if (mode === 'session') {
        // A bare NETCONF-sized session: the client's hello in; the NMS's hello and one small
        // RPC out; the client's small reply in; a kill out; the client's stop message in; end.
        let seen = 0;
        call.on('data', () => {
          const n = seen++;
          if (n === 0) call.write({ netconf_command: BARE_NMS_TURN, kill_signal: '0' });
          else if (n === 1) call.write({ netconf_command: '<>', kill_signal: '2' });
        });
        call.on('end', () => call.end());
      } else if (mode === 'echo') {
        const replyBytes = Number(md('bench-reply-bytes') ?? 0);
        const fixed = replyBytes > 0 ? 'x'.repeat(Math.max(0, replyBytes - TERMINATOR.length)) + TERMINATOR : undefined;
        call.on('data', (req) => call.write({ netconf_command: fixed ?? req.message + '\n', kill_signal: '0' }));
        call.on('end', () => call.end());
      } else if (mode === 'sink') {
        let count = 0;
        call.on('data', (req) => (count += req.message.length));
        call.on('end', () => {
          call.write({ netconf_command: String(count), kill_signal: '0' });
          call.end();
        });
      } else if (mode === 'source') {
        const piece = bulkPiece(Number(md('bench-piece-bytes') ?? 65536));
        let left = Number(md('bench-bytes') ?? 0);
        call.on('data', () => {});
        call.on('end', () => {});
        // One piece per event-loop turn, without waiting for flow control: as the agent does.
        const step = (): void => {
          if (call.cancelled || call.destroyed) return;
          if (left <= 0) {
            call.end();
            return;
          }
          const n = Math.min(left, piece.length);
          call.write({ netconf_command: piece.subarray(0, n).toString('utf8'), kill_signal: '0' });
          left -= n;
          setImmediate(step);
        };
        step();
      } else {
        call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: `unknown bench-mode ${mode}` });
      }
    },
  });
  const creds = grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(cert), private_key: Buffer.from(key) }], false);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, stop: () => server.forceShutdown() };
}

// ---------------------------------------------------------------- client side (device process)

/**
 * A device of bare grpc-js that echoes, dialling the reference NMS as ours does: one
 * connection, its Initialize pending until the NMS asks for a session, then NcgrpcCommandGet
 * on that connection, every command sent back as a message. The round trip through the same
 * NMS as ours, with only the device side bare.
 */
export function bareEchoDevice(nmsPort: number, cert: string, deviceId: string, secret: string): { stop(): void } {
  const Ctor = ncgrpcService();
  const client = new Ctor(`127.0.0.1:${nmsPort}`, dnsOnlyServername(grpc.credentials.createSsl(Buffer.from(cert))), CHANNEL_OPTIONS) as unknown as NcgrpcClient;
  const md = new grpc.Metadata();
  md.set('send_data', 'send_data');
  client.NcgrpcInitialize({ instance_id: '1', device_id: deviceId, secret_key: secret }, md, (err: grpc.ServiceError | null) => {
    if (err) return;
    const smd = new grpc.Metadata();
    smd.set('conn_type', 'netconf');
    const call = client.NcgrpcCommandGet(smd) as grpc.ClientDuplexStream<unknown, { netconf_command?: string; kill_signal?: string | number }>;
    call.on('error', () => {});
    call.on('data', (r) => {
      if (Number(r.kill_signal ?? 0) !== 0) {
        call.write({ message: MSG_SUBPROCESS_ENDED });
        call.end();
      } else call.write({ message: r.netconf_command ?? '' });
    });
  });
  return { stop: () => client.close() };
}

export class RawClient {
  private readonly creds: grpc.ChannelCredentials;
  private readonly target: string;
  private readonly Ctor = ncgrpcService();

  constructor(port: number, cert: string) {
    this.target = `127.0.0.1:${port}`;
    this.creds = dnsOnlyServername(grpc.credentials.createSsl(Buffer.from(cert)));
  }

  private channel(): NcgrpcClient {
    return new this.Ctor(this.target, this.creds, CHANNEL_OPTIONS) as unknown as NcgrpcClient;
  }

  private stream(client: NcgrpcClient, fields: Record<string, string>): grpc.ClientDuplexStream<unknown, { netconf_command?: string }> {
    const md = new grpc.Metadata();
    md.set('conn_type', 'netconf');
    for (const [k, v] of Object.entries(fields)) md.set(k, v);
    const call = client.NcgrpcCommandGet(md) as grpc.ClientDuplexStream<unknown, { netconf_command?: string }>;
    call.on('error', () => {});
    return call;
  }

  private initialize(client: NcgrpcClient): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const md = new grpc.Metadata();
      md.set('send_data', 'send_data');
      client.NcgrpcInitialize({ instance_id: '1', device_id: 'raw', secret_key: 'raw' }, md, (err: grpc.ServiceError | null) => (err ? reject(err) : resolve()));
    });
  }

  /** One session as the agent makes one: new connection, unary Initialize, bidi stream, first message, close. */
  async openOne(): Promise<void> {
    const client = this.channel();
    try {
      await this.initialize(client);
      await this.session(client);
    } finally {
      client.close();
    }
  }

  /**
   * Sessions of one device under the contract's rule, with grpc-js and nothing else: exactly
   * one Initialize pending at a time, each on a connection of its own (the next one already
   * connecting); when it returns the next goes out at once and the session (bidi stream,
   * first message, close) runs alongside. The least a device may do for `count` sessions.
   */
  async pipelined(count: number, maxMs: number): Promise<RateResult> {
    const t0 = nowMs();
    let done = 0;
    let failures = 0;
    let lastError: string | undefined;
    const sessions: Promise<void>[] = [];
    const connecting = (): NcgrpcClient => {
      const c = this.channel();
      c.getChannel().getConnectivityState(true);
      return c;
    };
    let next = connecting();
    for (let i = 0; i < count && nowMs() - t0 < maxMs; i++) {
      const client = next;
      next = connecting();
      try {
        await this.initialize(client);
      } catch (err) {
        failures++;
        lastError = (err as Error).message;
        client.close();
        continue;
      }
      sessions.push(
        this.session(client).then(
          () => void done++,
          (err: Error) => {
            failures++;
            lastError = err.message;
          },
        ).finally(() => client.close()),
      );
    }
    next.close();
    await Promise.all(sessions);
    return { ms: nowMs() - t0, done, failures, lastError };
  }

  /**
   * The session part of openOne, with the messages of one of ours: the hello out, the
   * server's kill in, the stop message out, half-close, status.
   */
  private async session(client: NcgrpcClient): Promise<void> {
    const call = this.stream(client, { 'bench-mode': 'hello' });
    call.write({ message: BENCH_HELLO });
    await new Promise<void>((resolve, reject) => {
      call.once('data', () => {
        call.write({ message: MSG_SUBPROCESS_ENDED });
        call.end();
        resolve();
      });
      call.once('status', (st: grpc.StatusObject) => reject(new Error(`stream ended before the kill: ${st.details}`)));
    });
    await new Promise<void>((resolve) => call.once('status', () => resolve()));
  }

  /**
   * The bare session the polled rows compare with: what a device must do at least for a
   * session with one small RPC, with grpc-js and nothing else. New connection, Initialize,
   * bidi stream, the hello out, the NMS's hello and RPC in, a small reply out, the kill in,
   * the stop message out, half-close, status, connection closed.
   */
  async bareSession(): Promise<void> {
    const client = this.channel();
    try {
      await this.initialize(client);
      const call = this.stream(client, { 'bench-mode': 'session' });
      call.write({ message: BENCH_HELLO });
      await new Promise<void>((resolve, reject) => {
        let seen = 0;
        call.on('data', () => {
          if (seen++ === 0) {
            call.write({ message: BARE_REPLY });
            return;
          }
          call.write({ message: MSG_SUBPROCESS_ENDED });
          call.end();
        });
        call.once('status', (st: grpc.StatusObject) => (seen >= 2 ? resolve() : reject(new Error(`bare session ended early: ${st.details}`))));
      });
    } finally {
      client.close();
    }
  }

  /** An echo stream held open (replies of `replyBytes` if given): round trips in blocks, then close. */
  echoStream(replyBytes = 0): { block(payload: string, count: number): Promise<number[]>; close(): Promise<void> } {
    const client = this.channel();
    const call = this.stream(client, replyBytes > 0 ? { 'bench-mode': 'echo', 'bench-reply-bytes': String(replyBytes) } : { 'bench-mode': 'echo' });
    let got = '';
    let wake: (() => void) | undefined;
    call.on('data', (r) => {
      got += r.netconf_command ?? '';
      if (got.includes(TERMINATOR)) wake?.();
    });
    return {
      block: async (payload, count) => {
        const samples: number[] = [];
        for (let i = 0; i < count; i++) {
          got = '';
          const t0 = nowMs();
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('raw echo timed out')), 10_000);
            wake = () => {
              clearTimeout(timer);
              wake = undefined;
              resolve();
            };
            call.write({ message: payload });
          });
          samples.push(nowMs() - t0);
        }
        return samples;
      },
      close: async () => {
        try {
          call.end();
          // Bounded: a stream whose round trip timed out may never see its status.
          let timer: NodeJS.Timeout | undefined;
          await new Promise<void>((resolve) => {
            timer = setTimeout(resolve, 5_000);
            call.once('status', () => resolve());
          });
          clearTimeout(timer);
        } finally {
          client.close();
        }
      },
    };
  }

  /** Round trips of `payload` on a new echo stream, closed after; each sample in ms. */
  async echo(payload: string, count: number, replyBytes = 0): Promise<number[]> {
    const stream = this.echoStream(replyBytes);
    try {
      return await stream.block(payload, count);
    } finally {
      await stream.close();
    }
  }

  /**
   * Client streaming, the agent's direction: `totalBytes` in `pieceBytes` string messages,
   * one per event-loop turn, no flow control; ends when the server has counted them all.
   */
  async sink(totalBytes: number, pieceBytes: number): Promise<{ ms: number; bytes: number }> {
    const client = this.channel();
    const piece = bulkPiece(pieceBytes);
    try {
      const call = this.stream(client, { 'bench-mode': 'sink' });
      let counted = 0;
      call.on('data', (r) => (counted = Number(r.netconf_command)));
      const done = new Promise<void>((resolve) => call.once('status', () => resolve()));
      const t0 = nowMs();
      let left = totalBytes;
      await new Promise<void>((resolve) => {
        const step = (): void => {
          if (left <= 0) {
            call.end();
            resolve();
            return;
          }
          const n = Math.min(left, piece.length);
          // The proto field is a string: the Buffer-to-string step any bridge must make.
          call.write({ message: piece.subarray(0, n).toString('utf8') });
          left -= n;
          setImmediate(step);
        };
        step();
      });
      await done;
      return { ms: nowMs() - t0, bytes: counted };
    } finally {
      client.close();
    }
  }

  /** Server streaming: the server sends `totalBytes` in `pieceBytes` messages; the client counts. */
  async source(totalBytes: number, pieceBytes: number): Promise<{ ms: number; bytes: number }> {
    const client = this.channel();
    try {
      const t0 = nowMs();
      const call = this.stream(client, { 'bench-mode': 'source', 'bench-bytes': String(totalBytes), 'bench-piece-bytes': String(pieceBytes) });
      let counted = 0;
      call.on('data', (r) => (counted += (r.netconf_command ?? '').length));
      await new Promise<void>((resolve) => call.once('status', () => resolve()));
      call.end();
      return { ms: nowMs() - t0, bytes: counted };
    } finally {
      client.close();
    }
  }
}
