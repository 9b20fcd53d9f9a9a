/**
 * The SFTP subsystem of the SSH face, on the device's file system (../junos/files/): what
 * `sftp` and OpenSSH 9's `scp` speak. Paths are device paths (a login starts in its home,
 * /var/home/<user>); writes go to /var/tmp and /var/home only, sequentially, within the
 * device's storage; no symbolic link is made or followed.
 */
import ssh2, { type SFTPWrapper } from 'ssh2';
import type { Attributes } from 'ssh2';
import { devicePath, FileError, type DeviceFiles, type FileEntry, type FileWriter } from '../junos/files/index.js';
import type { Logger } from '../log.js';

const { OPEN_MODE, STATUS_CODE } = ssh2.utils.sftp;
/** Open handles one SFTP session may hold. */
const MAX_HANDLES = 64;
/** Largest read answered at once (OpenSSH asks 32 KiB). */
const MAX_READ = 256 * 1024;
/** Bytes of out-of-order writes one open file may hold while waiting for the gap. */
const MAX_AHEAD = 16 * 1024 * 1024;

type Handle =
  | { kind: 'read'; path: string; file: Awaited<ReturnType<DeviceFiles['openRead']>> }
  | { kind: 'write'; path: string; writer: FileWriter; queue: Promise<void>; failed?: FileError; ahead: Map<number, Buffer>; aheadBytes: number }
  | { kind: 'dir'; path: string; entries?: FileEntry[] };

function attrsOf(e: FileEntry): Attributes {
  const secs = Math.floor(e.mtime / 1000);
  return { mode: (e.type === 'dir' ? 0o040000 : 0o100000) | e.mode, uid: 0, gid: 0, size: e.size, atime: secs, mtime: secs };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function longname(e: FileEntry, user: string): string {
  const d = new Date(e.mtime);
  const perm = e.type === 'dir' ? 'drwxr-xr-x' : '-rw-r--r--';
  return `${perm}    1 ${user.padEnd(8)} wheel ${String(e.size).padStart(10)} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} ${e.name}`;
}

function codeOf(err: unknown): number {
  if (err instanceof FileError) {
    if (err.code === 'ENOENT') return STATUS_CODE.NO_SUCH_FILE;
    if (err.code === 'EACCES') return STATUS_CODE.PERMISSION_DENIED;
  }
  return STATUS_CODE.FAILURE;
}

/**
 * The parts of ssh2's SFTP object (a channel underneath) used to give an exit status:
 * the channel's id and state, and its protocol's exit-status message.
 */
interface SftpChannelInternals {
  _protocol?: { exitStatus(id: number, status: number): void };
  outgoing?: { id: number; state: string };
}

/** Serves one SFTP session for `user` on `files`. */
export function serveSftp(sftp: SFTPWrapper, files: DeviceFiles, user: string, log: Logger): void {
  new SftpSession(sftp, files, user, log).listen();
}

const ok = (sftp: SFTPWrapper, id: number) => sftp.status(id, STATUS_CODE.OK);

class SftpSession {
  private readonly home: string;
  private readonly handles = new Map<number, Handle>();
  private next = 1;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly files: DeviceFiles,
    private readonly user: string,
    private readonly log: Logger,
  ) {
    this.home = `/var/home/${user}`;
    void files.mkdir(this.home).catch(() => undefined);
  }

  listen(): void {
    const { sftp, files } = this;
    const resolve = (p: string) => this.resolve(p);
    sftp.on('REALPATH', (id, p) => this.run(id, async () => sftp.name(id, [{ filename: resolve(p), longname: resolve(p), attrs: {} as Attributes }])));
    sftp.on('STAT', (id, p) => this.stat(id, p));
    sftp.on('LSTAT', (id, p) => this.stat(id, p));
    sftp.on('OPEN', (id, p, flags) => this.run(id, () => this.open(id, resolve(p), flags)));
    sftp.on('READ', (id, hb, offset, len) => this.read(id, hb, offset, len));
    sftp.on('WRITE', (id, hb, offset, data) => this.write(id, hb, offset, data));
    sftp.on('FSTAT', (id, hb) => this.fstat(id, hb));
    sftp.on('FSETSTAT', (id) => ok(sftp, id));
    sftp.on('SETSTAT', (id) => ok(sftp, id));
    sftp.on('CLOSE', (id, hb) => this.close(id, hb));
    sftp.on('OPENDIR', (id, p) => this.run(id, () => this.opendir(id, resolve(p))));
    sftp.on('READDIR', (id, hb) => this.readdir(id, hb));
    sftp.on('REMOVE', (id, p) => this.run(id, async () => (await files.remove(resolve(p)), ok(sftp, id))));
    sftp.on('RMDIR', (id, p) => this.run(id, async () => (await files.rmdir(resolve(p)), ok(sftp, id))));
    sftp.on('MKDIR', (id, p) => this.run(id, async () => (await files.mkdir(resolve(p)), ok(sftp, id))));
    sftp.on('RENAME', (id, a, b) => this.run(id, async () => (await files.rename(resolve(a), resolve(b)), ok(sftp, id))));
    sftp.on('READLINK', (id) => sftp.status(id, STATUS_CODE.OP_UNSUPPORTED, 'symbolic links are not supported'));
    sftp.on('SYMLINK', (id) => sftp.status(id, STATUS_CODE.PERMISSION_DENIED, 'symbolic links are not supported'));
    sftp.on('EXTENDED', (id) => sftp.status(id, STATUS_CODE.OP_UNSUPPORTED));
    // The client is done (EOF): close the channel, as sftp-server does.
    sftp.on('end', () => this.end());
    sftp.on('close', () => this.abortAll());
  }

  private resolve(p: string): string {
    return devicePath(p === '' ? '.' : p, this.home);
  }

  private fail(id: number, err: unknown): void {
    if (!(err instanceof FileError)) this.log.warn({ reason: (err as Error).message }, 'sftp request failed');
    this.sftp.status(id, codeOf(err), (err as Error).message);
  }

  private run(id: number, f: () => Promise<void>): void {
    f().catch((err) => this.fail(id, err));
  }

  private handleOf(b: Buffer): [number, Handle | undefined] {
    const n = b.length === 4 ? b.readUInt32BE(0) : -1;
    return [n, this.handles.get(n)];
  }

  private give(id: number, h: Handle): void {
    if (this.handles.size >= MAX_HANDLES) {
      this.sftp.status(id, STATUS_CODE.FAILURE, 'too many open files');
      return;
    }
    const n = this.next++;
    this.handles.set(n, h);
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    this.sftp.handle(id, b);
  }

  private stat(id: number, p: string): void {
    this.run(id, async () => {
      const e = await this.files.stat(this.resolve(p));
      if (!e) throw new FileError(`${p}: No such file or directory`, 'ENOENT');
      this.sftp.attrs(id, attrsOf(e));
    });
  }

  private async open(id: number, v: string, flags: number): Promise<void> {
    if (flags & OPEN_MODE.WRITE) {
      if (flags & OPEN_MODE.APPEND) throw new FileError(`${v}: appending is not supported`);
      const existing = await this.files.stat(v);
      if (existing && flags & OPEN_MODE.EXCL) throw new FileError(`${v}: File exists`, 'EEXIST');
      if (!existing && !(flags & OPEN_MODE.CREAT)) throw new FileError(`${v}: No such file or directory`, 'ENOENT');
      const writer = await this.files.writer(v);
      return this.give(id, { kind: 'write', path: v, writer, queue: Promise.resolve(), ahead: new Map(), aheadBytes: 0 });
    }
    this.give(id, { kind: 'read', path: v, file: await this.files.openRead(v) });
  }

  private read(id: number, hb: Buffer, offset: number, len: number): void {
    const [, h] = this.handleOf(hb);
    if (!h || h.kind !== 'read') return void this.sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    this.run(id, async () => {
      if (offset >= h.file.size) return void this.sftp.status(id, STATUS_CODE.EOF);
      this.sftp.data(id, await h.file.read(offset, Math.min(len, MAX_READ)));
    });
  }

  private write(id: number, hb: Buffer, offset: number, data: Buffer): void {
    const [, h] = this.handleOf(hb);
    if (!h || h.kind !== 'write') return void this.sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    h.queue = h.queue.then(() => this.writeInOrder(id, h, offset, data));
  }

  /**
   * The file is written from start to end; pieces that arrive ahead of their turn (clients
   * write many at once) wait, within a bound, for the gap before them.
   */
  private async writeInOrder(id: number, h: Extract<Handle, { kind: 'write' }>, offset: number, data: Buffer): Promise<void> {
    if (h.failed) return void this.sftp.status(id, codeOf(h.failed), h.failed.message);
    try {
      if (offset < h.writer.written || h.ahead.has(offset)) throw new FileError(`${h.path}: only sequential writes are supported`);
      if (offset > h.writer.written) {
        if (h.aheadBytes + data.length > MAX_AHEAD) throw new FileError(`${h.path}: writes too far out of order`);
        h.ahead.set(offset, Buffer.from(data));
        h.aheadBytes += data.length;
        return void ok(this.sftp, id);
      }
      await h.writer.write(data);
      for (let next = h.ahead.get(h.writer.written); next; next = h.ahead.get(h.writer.written)) {
        h.ahead.delete(h.writer.written);
        h.aheadBytes -= next.length;
        await h.writer.write(next);
      }
      ok(this.sftp, id);
    } catch (err) {
      h.failed = err instanceof FileError ? err : new FileError((err as Error).message);
      this.fail(id, h.failed);
    }
  }

  private fstat(id: number, hb: Buffer): void {
    const [, h] = this.handleOf(hb);
    if (!h) return void this.sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    if (h.kind === 'write') {
      const now = Math.floor(Date.now() / 1000);
      return void this.sftp.attrs(id, { mode: 0o100644, uid: 0, gid: 0, size: h.writer.written, atime: now, mtime: now });
    }
    this.stat(id, h.path);
  }

  private close(id: number, hb: Buffer): void {
    const [n, h] = this.handleOf(hb);
    if (!h) return void this.sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    this.handles.delete(n);
    this.run(id, async () => {
      if (h.kind === 'read') await h.file.close();
      if (h.kind === 'write') {
        await h.queue;
        if (!h.failed && h.ahead.size) h.failed = new FileError(`${h.path}: the file has a hole (a piece never came)`);
        if (h.failed) {
          await h.writer.abort();
          throw h.failed;
        }
        await h.writer.finish();
      }
      ok(this.sftp, id);
    });
  }

  private async opendir(id: number, v: string): Promise<void> {
    const e = await this.files.stat(v);
    if (!e) throw new FileError(`${v}: No such file or directory`, 'ENOENT');
    if (e.type !== 'dir') throw new FileError(`${v}: Not a directory`, 'ENOTDIR');
    this.give(id, { kind: 'dir', path: v });
  }

  private readdir(id: number, hb: Buffer): void {
    const [, h] = this.handleOf(hb);
    if (!h || h.kind !== 'dir') return void this.sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    this.run(id, async () => {
      if (h.entries) return void this.sftp.status(id, STATUS_CODE.EOF);
      h.entries = await this.files.list(h.path);
      this.sftp.name(
        id,
        h.entries.map((e) => ({ filename: e.name, longname: longname(e, this.user), attrs: attrsOf(e) })),
      );
    });
  }

  /**
   * Exit status 0 first, as sftp-server's exit gives it (OpenSSH's scp checks it), then the
   * channel closes. ssh2's SFTP object has no exit(); its protocol does.
   */
  private end(): void {
    const inner: SftpChannelInternals = this.sftp as SFTPWrapper & SftpChannelInternals;
    try {
      if (inner.outgoing?.state === 'open') inner._protocol?.exitStatus(inner.outgoing.id, 0);
    } catch {
      /* closing anyway */
    }
    this.sftp.end();
  }

  private abortAll(): void {
    for (const h of this.handles.values()) {
      if (h.kind === 'read') void h.file.close().catch(() => undefined);
      if (h.kind === 'write') void h.writer.abort();
    }
    this.handles.clear();
  }
}
