/**
 * The operator port of `nc-grpc-device nms`: a TCP listener on 127.0.0.1 speaking the
 * protocol of ops-protocol.ts, turning each operator connection into one NMS session.
 */
import net from 'node:net';
import type { Logger } from '../log.js';
import { readLines, sendLine, type OpsAnswer } from './ops-protocol.js';
import type { ReferenceNms } from './server.js';
import type { NmsSession } from './session.js';

export class OpsServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly nms: ReferenceNms,
    private readonly logger: Logger,
  ) {
    this.server = net.createServer((sock) => this.onConnection(sock));
  }

  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => reject(new Error(`cannot listen on operator port ${host}:${port}: ${err.code ?? err.message}`));
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private onConnection(sock: net.Socket): void {
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => {});
    let session: NmsSession | undefined;
    let requested = false;
    let leaving = false;
    const fail = (error: string): void => {
      sendLine(sock, { ok: false, error } satisfies OpsAnswer);
      sock.end();
    };
    const leave = (): void => {
      if (leaving || !session) return;
      leaving = true;
      void session.close();
    };
    sock.on('close', () => leave());
    readLines(
      sock,
      (o) => {
        if (!requested) {
          requested = true;
          void this.answer(o, sock).then(
            (s) => {
              if (!s) return;
              session = s;
              if (sock.destroyed) leave();
            },
            (err: Error) => fail(err.message),
          );
          return;
        }
        if (!session || session.isEnded) return;
        try {
          if (typeof o.command === 'string') session.send(o.command);
          else if (typeof o.kill === 'number') session.kill(o.kill);
          else if (o.close === true) leave();
        } catch (err) {
          this.logger.warn({ reason: (err as Error).message }, 'operator input ignored');
        }
      },
      (line) => {
        if (!requested) fail(`the first line must be a JSON request, got ${JSON.stringify(line.slice(0, 80))}`);
      },
    );
  }

  /** Answers the request line; for a session request, wires the session to the socket. */
  private async answer(o: Record<string, unknown>, sock: net.Socket): Promise<NmsSession | undefined> {
    const timeoutMs = typeof o.timeoutMs === 'number' && o.timeoutMs > 0 ? o.timeoutMs : 10_000;
    let session: NmsSession;
    if (o.op === 'list') {
      const waiting = Object.fromEntries(this.nms.waitingDevices());
      const sessions = this.nms.sessions().map((s) => ({ peer: s.peer, device: s.deviceId, type: s.type, protocol: s.protocol }));
      sendLine(sock, { ok: true, waiting, waitingBasic: this.nms.waitingBasicSessions(), sessions } satisfies OpsAnswer);
      sock.end();
      return undefined;
    } else if (o.op === 'session') {
      if (typeof o.device !== 'string' || typeof o.secret !== 'string' || (o.type !== 'netconf' && o.type !== 'csh')) {
        throw new Error('a session request needs "device", "secret" and "type" (netconf or csh)');
      }
      this.logger.info({ deviceId: o.device, type: o.type }, 'operator requests a session');
      session = await this.nms.requestSession(o.device, o.secret, o.type, { timeoutMs });
    } else if (o.op === 'basic-session') {
      this.logger.info('operator requests a basic session');
      session = await this.nms.requestBasicSession({ timeoutMs });
    } else {
      throw new Error(`unknown request op ${JSON.stringify(o.op)} (session, basic-session or list)`);
    }
    sendLine(sock, { ok: true, peer: session.peer, device: session.deviceId, type: session.type } satisfies OpsAnswer);
    // Whatever the device said before the operator took the session goes first.
    const before = session.output();
    if (before) sendLine(sock, { message: before });
    session.on('message', (m: string) => sendLine(sock, { message: m }));
    const finish = (reason: string): void => {
      sendLine(sock, { end: reason });
      sock.end();
    };
    if (session.isEnded) finish(session.endReason ?? 'cancelled');
    else session.once('end', finish);
    return session;
  }
}
