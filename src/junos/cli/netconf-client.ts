/**
 * A minimal NETCONF client over a stream socket, for the emulated `cli`: end-of-message
 * framing (`]]>]]>`, what Junos's CLI-side NETCONF speaks), the server hello skipped,
 * one RPC at a time, replies matched by message-id.
 */
import net from 'node:net';
import { CLIENT_HELLO, EOM, FrameDecoder } from '../../netconf/framing.js';
import { parseXml, textOf, type XmlElement } from '../../netconf/xml.js';

export interface RpcReply {
  /** The reply as the device wrote it, without the framing. */
  text: string;
  root: XmlElement;
}

export class NetconfClient {
  private readonly decoder = new FrameDecoder();
  private helloSeen = false;
  private nextId = 1;
  private waiting?: { id: string; resolve: (r: RpcReply) => void; reject: (e: Error) => void };
  private closedError?: Error;
  /** Receives the device's broadcast messages (the shutdown message, as a terminal shows a wall). */
  onBroadcast?: (text: string) => void;
  /** Called once when the device ends the session. */
  onClosed?: () => void;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (b: Buffer) =>
      this.decoder.push(b, (ev) => {
        if (ev.kind === 'message') this.onMessage(ev.body.toString('utf8'));
      }),
    );
    const onGone = (err?: Error) => {
      this.closedError ??= err ?? new Error('the device closed the session');
      this.waiting?.reject(this.closedError);
      this.waiting = undefined;
      const closed = this.onClosed;
      this.onClosed = undefined;
      closed?.();
    };
    socket.on('error', (err) => onGone(err));
    socket.on('close', () => onGone());
  }

  /** Connects to the device socket and sends a client hello. */
  static connect(socketPath: string): Promise<NetconfClient> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection(socketPath);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        const client = new NetconfClient(socket);
        socket.write(`${CLIENT_HELLO}\n${EOM}\n`);
        resolve(client);
      });
    });
  }

  private onMessage(text: string): void {
    if (!this.helloSeen) {
      this.helloSeen = true;
      if (/<(\w+:)?hello[\s>]/.test(text)) return;
    }
    if (text.trimStart().startsWith('<broadcast-message>')) {
      try {
        this.onBroadcast?.(textOf(parseXml(text)));
      } catch {
        /* an unreadable broadcast is dropped */
      }
      return;
    }
    const w = this.waiting;
    if (!w) return;
    let root: XmlElement;
    try {
      root = parseXml(text);
    } catch (err) {
      this.waiting = undefined;
      w.reject(new Error(`unreadable reply from the device: ${(err as Error).message}`));
      return;
    }
    if (root.attrs['message-id'] !== undefined && root.attrs['message-id'] !== w.id) return;
    this.waiting = undefined;
    w.resolve({ text, root });
  }

  /** Sends one RPC (the XML inside `<rpc>`) and resolves with its reply. */
  rpc(body: string): Promise<RpcReply> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (this.waiting) return Promise.reject(new Error('one RPC at a time'));
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      this.waiting = { id, resolve, reject };
      this.socket.write(`<rpc message-id="${id}">${body}</rpc>\n${EOM}\n`);
    });
  }

  /** Ends the session politely (close-session), then the connection. */
  async close(): Promise<void> {
    if (!this.closedError) {
      try {
        await this.rpc('<close-session/>');
      } catch {
        /* already gone */
      }
    }
    this.socket.destroy();
  }
}
