/**
 * A TCP proxy on 127.0.0.1 for fault injection: forwards to a target port and can drop
 * every connection at once while it keeps listening, or count connection attempts.
 */
import net from 'node:net';

export class TcpProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly pairs: net.Socket[][] = [];
  readonly attempts: number[] = [];
  port = 0;

  /** target undefined: accept and close at once (a port that refuses TLS). */
  constructor(private target: number | undefined) {
    this.server = net.createServer((socket) => {
      this.attempts.push(Date.now());
      if (this.target === undefined) {
        socket.destroy();
        return;
      }
      const upstream = net.connect(this.target, '127.0.0.1');
      this.pairs.push([socket, upstream]);
      for (const s of [socket, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      socket.pipe(upstream).pipe(socket);
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
    });
  }

  start(): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve((this.port = (this.server.address() as net.AddressInfo).port))));
  }

  /** Drops every live connection; new ones are still accepted. */
  dropAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  /**
   * Drops every live connection but one: the one whose upstream side has this local port
   * (the port the target sees as the peer of that connection).
   */
  dropAllExcept(upstreamPort: number): void {
    for (const pair of this.pairs) {
      if (pair[1].localPort !== upstreamPort) for (const s of pair) s.destroy();
    }
  }

  close(): Promise<void> {
    this.dropAll();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
