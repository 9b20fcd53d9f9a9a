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

/** Serves one SFTP session for `user` on `files`. */
export function serveSftp(sftp: SFTPWrapper, files: DeviceFiles, user: string, log: Logger): void {
  const home = `/var/home/${user}`;
  const handles = new Map<number, Handle>();
  let next = 1;
  void files.mkdir(home).catch(() => undefined);
  const resolve = (p: string) => devicePath(p === '' ? '.' : p, home);
  const fail = (id: number, err: unknown) => {
    if (!(err instanceof FileError)) log.warn({ reason: (err as Error).message }, 'sftp request failed');
    sftp.status(id, codeOf(err), (err as Error).message);
  };
  const run = (id: number, f: () => Promise<void>) => {
    f().catch((err) => fail(id, err));
  };
  const newHandle = (h: Handle): Buffer | undefined => {
    if (handles.size >= MAX_HANDLES) return undefined;
    const n = next++;
    handles.set(n, h);
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const handleOf = (b: Buffer): [number, Handle | undefined] => {
    const n = b.length === 4 ? b.readUInt32BE(0) : -1;
    return [n, handles.get(n)];
  };
  const give = (id: number, h: Handle) => {
    const b = newHandle(h);
    if (!b) return sftp.status(id, STATUS_CODE.FAILURE, 'too many open files');
    sftp.handle(id, b);
  };

  sftp.on('REALPATH', (id, p) =>
    run(id, async () => {
      const v = resolve(p);
      sftp.name(id, [{ filename: v, longname: v, attrs: {} as Attributes }]);
    }),
  );
  const stat = (id: number, p: string) =>
    run(id, async () => {
      const e = await files.stat(resolve(p));
      if (!e) throw new FileError(`${p}: No such file or directory`, 'ENOENT');
      sftp.attrs(id, attrsOf(e));
    });
  sftp.on('STAT', stat);
  sftp.on('LSTAT', stat);
  sftp.on('OPEN', (id, p, flags) =>
    run(id, async () => {
      const v = resolve(p);
      if (flags & OPEN_MODE.WRITE) {
        if (flags & OPEN_MODE.APPEND) throw new FileError(`${v}: appending is not supported`);
        const existing = await files.stat(v);
        if (existing && flags & OPEN_MODE.EXCL) throw new FileError(`${v}: File exists`, 'EEXIST');
        if (!existing && !(flags & OPEN_MODE.CREAT)) throw new FileError(`${v}: No such file or directory`, 'ENOENT');
        const writer = await files.writer(v);
        return give(id, { kind: 'write', path: v, writer, queue: Promise.resolve(), ahead: new Map(), aheadBytes: 0 });
      }
      give(id, { kind: 'read', path: v, file: await files.openRead(v) });
    }),
  );
  sftp.on('READ', (id, hb, offset, len) => {
    const [, h] = handleOf(hb);
    if (!h || h.kind !== 'read') return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    run(id, async () => {
      if (offset >= h.file.size) return sftp.status(id, STATUS_CODE.EOF);
      sftp.data(id, await h.file.read(offset, Math.min(len, MAX_READ)));
    });
  });
  sftp.on('WRITE', (id, hb, offset, data) => {
    const [, h] = handleOf(hb);
    if (!h || h.kind !== 'write') return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    // The file is written from start to end; pieces that arrive ahead of their turn (clients
    // write many at once) wait, within a bound, for the gap before them.
    h.queue = h.queue.then(async () => {
      if (h.failed) return sftp.status(id, codeOf(h.failed), h.failed.message);
      try {
        if (offset < h.writer.written || h.ahead.has(offset)) throw new FileError(`${h.path}: only sequential writes are supported`);
        if (offset > h.writer.written) {
          if (h.aheadBytes + data.length > MAX_AHEAD) throw new FileError(`${h.path}: writes too far out of order`);
          h.ahead.set(offset, Buffer.from(data));
          h.aheadBytes += data.length;
          return sftp.status(id, STATUS_CODE.OK);
        }
        await h.writer.write(data);
        for (let next = h.ahead.get(h.writer.written); next; next = h.ahead.get(h.writer.written)) {
          h.ahead.delete(h.writer.written);
          h.aheadBytes -= next.length;
          await h.writer.write(next);
        }
        sftp.status(id, STATUS_CODE.OK);
      } catch (err) {
        h.failed = err instanceof FileError ? err : new FileError((err as Error).message);
        fail(id, h.failed);
      }
    });
  });
  sftp.on('FSTAT', (id, hb) => {
    const [, h] = handleOf(hb);
    if (!h) return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    if (h.kind === 'write') {
      const now = Math.floor(Date.now() / 1000);
      return sftp.attrs(id, { mode: 0o100644, uid: 0, gid: 0, size: h.writer.written, atime: now, mtime: now });
    }
    stat(id, h.path);
  });
  sftp.on('FSETSTAT', (id) => sftp.status(id, STATUS_CODE.OK));
  sftp.on('SETSTAT', (id) => sftp.status(id, STATUS_CODE.OK));
  sftp.on('CLOSE', (id, hb) => {
    const [n, h] = handleOf(hb);
    if (!h) return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    handles.delete(n);
    run(id, async () => {
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
      sftp.status(id, STATUS_CODE.OK);
    });
  });
  sftp.on('OPENDIR', (id, p) =>
    run(id, async () => {
      const v = resolve(p);
      const e = await files.stat(v);
      if (!e) throw new FileError(`${v}: No such file or directory`, 'ENOENT');
      if (e.type !== 'dir') throw new FileError(`${v}: Not a directory`, 'ENOTDIR');
      give(id, { kind: 'dir', path: v });
    }),
  );
  sftp.on('READDIR', (id, hb) => {
    const [, h] = handleOf(hb);
    if (!h || h.kind !== 'dir') return sftp.status(id, STATUS_CODE.FAILURE, 'bad handle');
    run(id, async () => {
      if (h.entries) return sftp.status(id, STATUS_CODE.EOF);
      h.entries = await files.list(h.path);
      sftp.name(
        id,
        h.entries.map((e) => ({ filename: e.name, longname: longname(e, user), attrs: attrsOf(e) })),
      );
    });
  });
  sftp.on('REMOVE', (id, p) => run(id, async () => (await files.remove(resolve(p)), sftp.status(id, STATUS_CODE.OK))));
  sftp.on('RMDIR', (id, p) => run(id, async () => (await files.rmdir(resolve(p)), sftp.status(id, STATUS_CODE.OK))));
  sftp.on('MKDIR', (id, p) => run(id, async () => (await files.mkdir(resolve(p)), sftp.status(id, STATUS_CODE.OK))));
  sftp.on('RENAME', (id, a, b) => run(id, async () => (await files.rename(resolve(a), resolve(b)), sftp.status(id, STATUS_CODE.OK))));
  sftp.on('READLINK', (id) => sftp.status(id, STATUS_CODE.OP_UNSUPPORTED, 'symbolic links are not supported'));
  sftp.on('SYMLINK', (id) => sftp.status(id, STATUS_CODE.PERMISSION_DENIED, 'symbolic links are not supported'));
  sftp.on('EXTENDED', (id) => sftp.status(id, STATUS_CODE.OP_UNSUPPORTED));
  // The client is done (EOF): close the channel, as sftp-server does.
  sftp.on('end', () => {
    // Exit status 0 first, as sftp-server's exit gives it (OpenSSH's scp checks it). ssh2's
    // SFTP object has no exit(); its protocol does.
    const inner = sftp as unknown as { _protocol?: { exitStatus(id: number, status: number): void }; outgoing?: { id: number; state: string } };
    try {
      if (inner.outgoing?.state === 'open') inner._protocol?.exitStatus(inner.outgoing.id, 0);
    } catch {
      /* closing anyway */
    }
    sftp.end();
  });
  sftp.on('close', () => {
    for (const h of handles.values()) {
      if (h.kind === 'read') void h.file.close().catch(() => undefined);
      if (h.kind === 'write') void h.writer.abort();
    }
    handles.clear();
  });
}
