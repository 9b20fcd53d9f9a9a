/**
 * The server side of the classic SCP protocol on an exec channel (`scp -t PATH` to receive,
 * `scp -f PATH` to send): what `scp -O`, paramiko's scp module and PyEZ's SCP utility run.
 * Files land in the device's file system (../junos/files/), within its storage; names are
 * single path components (no `/`, no `..`); `-r` directories are made in writable places.
 */
import path from 'node:path';
import type { ServerChannel } from 'ssh2';
import { devicePath, FileError, type DeviceFiles } from '../junos/files/index.js';
import type { Logger } from '../log.js';

/** Longest control line accepted (`C0644 123 name`). */
const MAX_LINE = 4096;

export interface ScpRequest {
  mode: 'sink' | 'source';
  path: string;
  recursive: boolean;
  /** `-d`: the target must be a directory. */
  dirTarget: boolean;
}

/** Reads `scp [-v] [-p] [-d] [-r] [-q] -t|-f [--] PATH`; undefined when it is not such a command. */
export function parseScpCommand(command: string): ScpRequest | undefined {
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'scp') return undefined;
  let mode: ScpRequest['mode'] | undefined;
  let recursive = false;
  let dirTarget = false;
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i];
    if (w === '--') {
      i++;
      break;
    }
    if (!w.startsWith('-')) break;
    for (const c of w.slice(1)) {
      if (c === 't') mode = 'sink';
      else if (c === 'f') mode = 'source';
      else if (c === 'r') recursive = true;
      else if (c === 'd') dirTarget = true;
      else if (!'vpqE'.includes(c)) return undefined;
    }
  }
  const rest = words.slice(i).join(' ');
  if (!mode || !rest) return undefined;
  // The client quotes names with spaces.
  const unquoted = /^'(.*)'$/.exec(rest)?.[1] ?? /^"(.*)"$/.exec(rest)?.[1] ?? rest.replace(/\\(.)/g, '$1');
  return { mode, path: unquoted, recursive, dirTarget };
}

/** Bytes from a channel, read as lines and counted blocks, with backpressure. */
class ChannelReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private wake?: () => void;

  constructor(private readonly channel: ServerChannel) {
    channel.on('data', (b: Buffer) => {
      this.chunks.push(b);
      this.size += b.length;
      if (this.size > 1 << 20) channel.pause();
      this.wake?.();
    });
    channel.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
    channel.on('close', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  private async more(): Promise<boolean> {
    if (this.size > 0) return true;
    if (this.ended) return false;
    this.channel.resume();
    await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
    return this.size > 0;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.size = rest.length;
    if (this.size < 1 << 19) this.channel.resume();
    return out;
  }

  /** One byte, or undefined at the end. */
  async byte(): Promise<number | undefined> {
    if (!(await this.more())) return undefined;
    return this.take(1)[0];
  }

  /** A line without its newline, or undefined at the end. */
  async line(): Promise<string | undefined> {
    for (;;) {
      const all = Buffer.concat(this.chunks);
      this.chunks = all.length ? [all] : [];
      const nl = all.indexOf(10);
      if (nl >= 0) return this.take(nl + 1).subarray(0, nl).toString('utf8');
      if (all.length > MAX_LINE) throw new FileError('scp: protocol line too long');
      const before = this.size;
      if (this.ended) return before ? this.take(before).toString('utf8') : undefined;
      this.channel.resume();
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }

  /** Up to `n` bytes (at least one), or an empty buffer at the end. */
  async upTo(n: number): Promise<Buffer> {
    if (!(await this.more())) return Buffer.alloc(0);
    return this.take(Math.min(n, this.size));
  }
}

/** Runs one scp request on its channel (the exit status follows the protocol's outcome). */
export function serveScp(channel: ServerChannel, req: ScpRequest, files: DeviceFiles, user: string, log: Logger): void {
  const session = new ScpSession(channel, req, files, user, log);
  (req.mode === 'sink' ? session.sink() : session.source()).then(
    () => session.finish(0),
    (err: unknown) => {
      if (!(err instanceof FileError)) log.warn({ reason: (err as Error).message }, 'scp failed');
      try {
        channel.write(`\x02scp: ${(err as Error).message.replace(/^scp: /, '')}\n`);
      } catch {
        /* gone */
      }
      session.finish(1);
    },
  );
}

class ScpSession {
  private readonly home: string;
  private readonly reader: ChannelReader;

  constructor(
    private readonly channel: ServerChannel,
    private readonly req: ScpRequest,
    private readonly files: DeviceFiles,
    private readonly user: string,
    private readonly log: Logger,
  ) {
    this.home = `/var/home/${user}`;
    this.reader = new ChannelReader(channel);
  }

  private ok(): void {
    this.channel.write(Buffer.from([0]));
  }

  finish(code: number): void {
    try {
      this.channel.exit(code);
      this.channel.end();
    } catch {
      /* the client left */
    }
  }

  /** Receives (`scp -t`): control lines T (times), D (enter a directory), E (leave it), C (a file). */
  async sink(): Promise<void> {
    const dirs = [devicePath(this.req.path, this.home)];
    this.ok();
    for (;;) {
      const line = await this.reader.line();
      if (line === undefined || line === '') return;
      const kind = line[0];
      if (kind === 'T') {
        this.ok();
        continue;
      }
      if (kind === 'E') {
        if (dirs.length > 1) dirs.pop();
        this.ok();
        continue;
      }
      if (kind === '\x01' || kind === '\x02') throw new FileError(line.slice(1));
      const m = /^([CD])([0-7]{4}) (\d+) (.+)$/.exec(line);
      if (!m) throw new FileError(`scp: protocol error: unexpected <${line.slice(0, 40)}>`);
      const [, type, , sizeText, name] = m;
      if (name.includes('/') || name === '.' || name === '..') throw new FileError(`scp: ${name}: invalid file name`);
      const here = dirs[dirs.length - 1];
      const hereIsDir = (await this.files.stat(here))?.type === 'dir';
      const dest = hereIsDir ? path.posix.join(here, name) : here;
      if (type === 'D') {
        dirs.push(await this.enterDir(dest));
        continue;
      }
      if (this.req.dirTarget && !hereIsDir) throw new FileError(`scp: ${here}: Not a directory`);
      await this.receiveFile(dest, sizeText);
    }
  }

  private async enterDir(d: string): Promise<string> {
    if (!this.req.recursive) throw new FileError('scp: received directory without -r');
    if (!(await this.files.stat(d))) await this.files.mkdir(d);
    this.ok();
    return d;
  }

  /** One file's bytes, then the client's 0 byte that ends it. */
  private async receiveFile(dest: string, sizeText: string): Promise<void> {
    const size = Number(sizeText);
    if (!Number.isSafeInteger(size)) throw new FileError('scp: bad file size');
    const writer = await this.files.writer(dest, size);
    this.ok();
    try {
      let left = size;
      while (left > 0) {
        const chunk = await this.reader.upTo(Math.min(left, 1 << 20));
        if (chunk.length === 0) throw new FileError(`scp: ${dest}: truncated (${size - left} of ${size} bytes)`);
        await writer.write(chunk);
        left -= chunk.length;
      }
      const end = await this.reader.byte();
      if (end !== 0) throw new FileError(`scp: ${dest}: transfer not completed`);
      await writer.finish();
    } catch (err) {
      await writer.abort();
      throw err;
    }
    this.log.info({ user: this.user, file: dest, bytes: size }, 'scp received a file');
    this.ok();
  }

  /** Sends (`scp -f`) one regular file. */
  async source(): Promise<void> {
    const { channel, files, reader, req } = this;
    const p = devicePath(req.path, this.home);
    if ((await reader.byte()) !== 0) return;
    const st = await files.stat(p);
    if (!st) throw new FileError(`${req.path}: No such file or directory`);
    if (st.type === 'dir') throw new FileError(`${req.path}: not a regular file`);
    const file = await files.openRead(p);
    try {
      channel.write(`C0644 ${file.size} ${st.name}\n`);
      if ((await reader.byte()) !== 0) return;
      for (let pos = 0; pos < file.size; ) {
        const chunk = await file.read(pos, 256 * 1024);
        if (chunk.length === 0) break;
        if (!channel.write(chunk)) await new Promise((r) => channel.once('drain', r));
        pos += chunk.length;
      }
      this.ok();
      await reader.byte();
    } finally {
      await file.close();
    }
  }
}
