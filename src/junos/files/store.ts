/**
 * The file system of one emulated device: what `file list|show|copy|delete|rename|checksum`,
 * `request system storage cleanup`, SCP and SFTP act on. Device paths (`/var/tmp/x.tgz`)
 * map to real files under the device's directory in the state directory (`files/`), or a
 * private temporary directory without one.
 *
 *  - Writable: `/var/tmp` and `/var/home` (and below); `/var/log/messages` (the syslog) and
 *    the profile's files are read-only, generated on read.
 *  - Bounded: the bytes stored on a device never exceed its capacity (the profile's
 *    storage), and a write that would is refused ("No space left on device").
 *  - Never outside: paths are normalised as device paths first (`..` cannot climb above `/`),
 *    and no symbolic link is ever followed (one found in the tree is refused).
 *  - Stored once: every stored file is a hard link to a content-addressed blob
 *    (`blobs/<sha256>`), shared by every device of a fleet; the same image pushed to a
 *    thousand devices takes its size once on disk. A blob no device holds any more is removed.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { constants, promises as fsp, type Stats } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '../../temp-root.js';

/** A refused or failed file operation; the message is Junos's wording where it has one. */
export class FileError extends Error {
  constructor(
    message: string,
    readonly code: 'ENOENT' | 'EEXIST' | 'EACCES' | 'ENOSPC' | 'EISDIR' | 'ENOTDIR' | 'EINVAL' | 'ENOTEMPTY' = 'EINVAL',
  ) {
    super(message);
  }
}

export interface FileEntry {
  /** Device path. */
  path: string;
  name: string;
  type: 'file' | 'dir';
  size: number;
  /** Epoch ms. */
  mtime: number;
  /** Permission bits (0o644, 0o755). */
  mode: number;
  /** Generated on read (syslog, profile files): cannot be written. */
  virtual?: boolean;
}

export interface FileStoreOptions {
  /** The device's directory of files; a private temporary one when absent. */
  dir?: string;
  /** The blob directory (shared by a fleet); `<dir>/../blobs` by default. */
  blobs?: string;
  /** Bytes the device may store in all. */
  capacityBytes: number;
  /** Read-only files generated on read, by device path (the syslog, the profile's files). */
  virtual?: () => Map<string, string>;
  /** Epoch ms for generated files' dates. */
  now?: () => number;
}

/** Directories every device has. */
export const BASE_DIRS = ['/var', '/var/tmp', '/var/log', '/var/home', '/config'];
/** Where writes may go. */
const WRITABLE = ['/var/tmp', '/var/home'];
const MAX_PATH = 1024;

const isUnder = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

/** A device path, normalised: absolute, no `.`/`..`, no trailing slash. Relative paths are under `cwd`. */
export function devicePath(p: string, cwd = '/var/tmp'): string {
  if (typeof p !== 'string' || p.length === 0) throw new FileError('missing file name');
  if (p.length > MAX_PATH || p.includes('\0')) throw new FileError(`${p.slice(0, 64)}: invalid file name`);
  const expanded = p.startsWith('~') ? p.replace(/^~(?=\/|$)/, cwd) : p;
  const abs = path.posix.normalize(expanded.startsWith('/') ? expanded : `${cwd}/${expanded}`);
  return abs.length > 1 ? abs.replace(/\/+$/, '') : abs;
}

/** A stream writer into the store: write chunks, then finish (or abort). */
export interface FileWriter {
  write(chunk: Buffer): Promise<void>;
  finish(): Promise<FileEntry>;
  abort(): Promise<void>;
  readonly written: number;
}

export class DeviceFiles {
  private root?: string;
  private blobs?: string;
  private ownBase?: string;
  private used?: number;
  private preparing?: Promise<void>;
  private readonly now: () => number;

  constructor(private readonly opts: FileStoreOptions) {
    this.now = opts.now ?? Date.now;
  }

  get capacity(): number {
    return this.opts.capacityBytes;
  }

  /** Makes the directories (0700) on first use and counts what is stored. */
  private prepare(): Promise<void> {
    this.preparing ??= (async () => {
      let root = this.opts.dir;
      let blobs = this.opts.blobs;
      if (!root) {
        // No state directory: a private one, gone with the device.
        this.ownBase = makeTempDir('files-');
        root = path.join(this.ownBase, 'files');
        blobs = path.join(this.ownBase, 'blobs');
      }
      await fsp.mkdir(root, { recursive: true, mode: 0o700 });
      blobs ??= path.join(path.dirname(root), 'blobs');
      await fsp.mkdir(blobs, { recursive: true, mode: 0o700 });
      for (const d of [root, blobs]) if ((await fsp.lstat(d)).isSymbolicLink()) throw new FileError(`${d} is a symbolic link: refused`, 'EACCES');
      this.root = root;
      this.blobs = blobs;
      for (const d of BASE_DIRS) await fsp.mkdir(path.join(root, d), { recursive: true, mode: 0o700 });
      this.used = await this.walkSize(root);
    })();
    return this.preparing;
  }

  private async walkSize(dir: string): Promise<number> {
    let total = 0;
    for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) total += await this.walkSize(p);
      else if (e.isFile()) total += (await fsp.lstat(p)).size;
    }
    return total;
  }

  /** Bytes stored on this device (each file counted whole, as the device sees it). */
  async usage(): Promise<number> {
    await this.prepare();
    return this.used!;
  }

  /**
   * The real path of a device path, checked: under the root, every existing component a
   * directory or file and never a symbolic link.
   */
  private async real(vpath: string): Promise<string> {
    await this.prepare();
    const root = this.root!;
    const parts = vpath.split('/').filter(Boolean);
    let cur = root;
    for (const part of parts) {
      cur = path.join(cur, part);
      let st: Stats;
      try {
        st = await fsp.lstat(cur);
      } catch {
        break;
      }
      if (st.isSymbolicLink()) throw new FileError(`${vpath}: symbolic links are not followed`, 'EACCES');
    }
    const out = path.join(root, ...parts);
    if (out !== root && !out.startsWith(root + path.sep)) throw new FileError(`${vpath}: outside the device`, 'EACCES');
    return out;
  }

  private virtualFiles(): Map<string, string> {
    return this.opts.virtual?.() ?? new Map();
  }

  private checkWritable(vpath: string): void {
    if (!WRITABLE.some((w) => isUnder(vpath, w))) throw new FileError(`${vpath}: Permission denied`, 'EACCES');
    if (this.virtualFiles().has(vpath)) throw new FileError(`${vpath}: Permission denied`, 'EACCES');
  }

  private entry(vpath: string, st: Stats): FileEntry {
    return { path: vpath, name: path.posix.basename(vpath) || '/', type: st.isDirectory() ? 'dir' : 'file', size: st.isDirectory() ? 512 : st.size, mtime: st.mtimeMs, mode: st.isDirectory() ? 0o755 : 0o644 };
  }

  /** What is at a device path, or undefined. */
  async stat(vpath: string): Promise<FileEntry | undefined> {
    const v = this.virtualFiles().get(vpath);
    if (v !== undefined) return { path: vpath, name: path.posix.basename(vpath), type: 'file', size: Buffer.byteLength(v), mtime: this.now(), mode: 0o644, virtual: true };
    if ([...this.virtualFiles().keys()].some((k) => k.startsWith(`${vpath}/`)) || vpath === '/') return { path: vpath, name: path.posix.basename(vpath) || '/', type: 'dir', size: 512, mtime: this.now(), mode: 0o755, virtual: true };
    try {
      const st = await fsp.lstat(await this.real(vpath));
      if (st.isSymbolicLink()) throw new FileError(`${vpath}: symbolic links are not followed`, 'EACCES');
      if (!st.isFile() && !st.isDirectory()) return undefined;
      return this.entry(vpath, st);
    } catch (err) {
      if (err instanceof FileError) throw err;
      return undefined;
    }
  }

  /** The entries of a directory (generated ones too), by name. */
  async list(vdir: string): Promise<FileEntry[]> {
    const st = await this.stat(vdir);
    if (!st) throw new FileError(`${vdir}: No such file or directory`, 'ENOENT');
    if (st.type !== 'dir') return [st];
    const out = new Map<string, FileEntry>();
    const prefix = vdir === '/' ? '/' : `${vdir}/`;
    for (const k of this.virtualFiles().keys()) {
      if (!k.startsWith(prefix)) continue;
      const rest = k.slice(prefix.length);
      const name = rest.split('/')[0];
      if (!out.has(name)) out.set(name, (await this.stat(prefix + name))!);
    }
    try {
      const real = await this.real(vdir);
      for (const e of await fsp.readdir(real, { withFileTypes: true })) {
        if (!e.isFile() && !e.isDirectory()) continue;
        out.set(e.name, this.entry(prefix + e.name, await fsp.lstat(path.join(real, e.name))));
      }
    } catch (err) {
      if (err instanceof FileError) throw err;
    }
    return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** A whole file (at most `max` bytes). */
  async read(vpath: string, max = 16 * 1024 * 1024): Promise<Buffer> {
    const v = this.virtualFiles().get(vpath);
    if (v !== undefined) return Buffer.from(v);
    const st = await this.stat(vpath);
    if (!st) throw new FileError(`${vpath}: No such file or directory`, 'ENOENT');
    if (st.type === 'dir') throw new FileError(`${vpath}: Is a directory`, 'EISDIR');
    if (st.size > max) throw new FileError(`${vpath}: file too large to show (${st.size} bytes)`, 'EINVAL');
    const fh = await fsp.open(await this.real(vpath), constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  }

  /** Opens a stored file for reading in pieces (SFTP, SCP); generated files come as a buffer. */
  async openRead(vpath: string): Promise<{ size: number; read(pos: number, len: number): Promise<Buffer>; close(): Promise<void> }> {
    const v = this.virtualFiles().get(vpath);
    if (v !== undefined) {
      const buf = Buffer.from(v);
      return { size: buf.length, read: async (pos, len) => buf.subarray(pos, pos + len), close: async () => undefined };
    }
    const st = await this.stat(vpath);
    if (!st) throw new FileError(`${vpath}: No such file or directory`, 'ENOENT');
    if (st.type === 'dir') throw new FileError(`${vpath}: Is a directory`, 'EISDIR');
    const fh = await fsp.open(await this.real(vpath), constants.O_RDONLY | constants.O_NOFOLLOW);
    return {
      size: st.size,
      read: async (pos, len) => {
        const buf = Buffer.alloc(Math.max(0, Math.min(len, st.size - pos)));
        if (buf.length === 0) return buf;
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        return buf.subarray(0, bytesRead);
      },
      close: () => fh.close(),
    };
  }

  /** Hash of a file's bytes (md5, sha1, sha256). */
  async checksum(vpath: string, algorithm: 'md5' | 'sha1' | 'sha256'): Promise<string> {
    const r = await this.openRead(vpath);
    const h = createHash(algorithm);
    try {
      for (let pos = 0; pos < r.size; ) {
        const chunk = await r.read(pos, 1 << 20);
        if (chunk.length === 0) break;
        h.update(chunk);
        pos += chunk.length;
      }
    } finally {
      await r.close();
    }
    return h.digest('hex');
  }

  /** A writer of a new file at `vpath` (replacing one there); `expected`: its announced size, refused at once when it cannot fit. */
  async writer(vpath: string, expected?: number): Promise<FileWriter> {
    this.checkWritable(vpath);
    const target = await this.real(vpath);
    const parent = await this.stat(path.posix.dirname(vpath));
    if (!parent || parent.type !== 'dir') throw new FileError(`${path.posix.dirname(vpath)}: No such file or directory`, 'ENOENT');
    const existing = await this.stat(vpath);
    if (existing?.type === 'dir') throw new FileError(`${vpath}: Is a directory`, 'EISDIR');
    const replaced = existing?.size ?? 0;
    const room = () => this.capacity - this.used! + replaced;
    if (expected !== undefined && expected > room()) throw new FileError(`${vpath}: No space left on device`, 'ENOSPC');
    const incoming = path.join(this.blobs!, `.incoming-${randomBytes(8).toString('hex')}`);
    const fh = await fsp.open(incoming, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    const hash: Hash = createHash('sha256');
    let written = 0;
    let done = false;
    const abort = async () => {
      if (done) return;
      done = true;
      await fh.close().catch(() => undefined);
      await fsp.unlink(incoming).catch(() => undefined);
    };
    return {
      get written() {
        return written;
      },
      write: async (chunk) => {
        if (done) throw new FileError(`${vpath}: write after the end`);
        if (written + chunk.length > room()) {
          await abort();
          throw new FileError(`${vpath}: No space left on device`, 'ENOSPC');
        }
        hash.update(chunk);
        await fh.write(chunk);
        written += chunk.length;
      },
      finish: async () => {
        if (done) throw new FileError(`${vpath}: write after the end`);
        done = true;
        await fh.close();
        const blob = path.join(this.blobs!, hash.digest('hex'));
        try {
          // The same bytes stored before (by this device or another): keep that blob.
          await fsp.link(incoming, blob);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
            await fsp.unlink(incoming).catch(() => undefined);
            throw err;
          }
        }
        await fsp.unlink(incoming);
        if (existing) await this.unlinkStored(target);
        await fsp.link(blob, target);
        this.used = this.used! - replaced + written;
        return (await this.stat(vpath))!;
      },
      abort,
    };
  }

  /** Stores a whole buffer at `vpath`. */
  async write(vpath: string, data: Buffer): Promise<FileEntry> {
    const w = await this.writer(vpath, data.length);
    try {
      await w.write(data);
    } catch (err) {
      await w.abort();
      throw err;
    }
    return w.finish();
  }

  /** Removes a stored file's name; its blob goes when no device holds it any more. */
  private async unlinkStored(real: string): Promise<void> {
    const st = await fsp.lstat(real);
    if (st.nlink === 2) {
      // Only the blob would remain: find it by content and remove it too.
      const h = createHash('sha256');
      const fh = await fsp.open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        for await (const chunk of fh.createReadStream()) h.update(chunk as Buffer);
      } finally {
        await fh.close().catch(() => undefined);
      }
      await fsp.unlink(real);
      const blob = path.join(this.blobs!, h.digest('hex'));
      const bst = await fsp.lstat(blob).catch(() => undefined);
      if (bst && bst.nlink === 1 && bst.ino === st.ino) await fsp.unlink(blob).catch(() => undefined);
      return;
    }
    await fsp.unlink(real);
  }

  /** `file delete`. */
  async remove(vpath: string): Promise<void> {
    this.checkWritable(vpath);
    const st = await this.stat(vpath);
    if (!st) throw new FileError(`${vpath}: No such file or directory`, 'ENOENT');
    if (st.type === 'dir') throw new FileError(`${vpath}: Is a directory`, 'EISDIR');
    await this.unlinkStored(await this.real(vpath));
    this.used = Math.max(0, this.used! - st.size);
  }

  /** `file rename` (a move within the device). */
  async rename(from: string, to: string): Promise<void> {
    this.checkWritable(from);
    this.checkWritable(to);
    const st = await this.stat(from);
    if (!st) throw new FileError(`${from}: No such file or directory`, 'ENOENT');
    const parent = await this.stat(path.posix.dirname(to));
    if (!parent || parent.type !== 'dir') throw new FileError(`${path.posix.dirname(to)}: No such file or directory`, 'ENOENT');
    const dest = await this.stat(to);
    if (dest?.type === 'dir') return this.rename(from, `${to}/${st.name}`);
    if (dest) await this.remove(to);
    await fsp.rename(await this.real(from), await this.real(to));
  }

  /** `file copy` within the device: the copy shares the blob (no bytes copied). */
  async copy(from: string, to: string): Promise<FileEntry> {
    const st = await this.stat(from);
    if (!st) throw new FileError(`${from}: No such file or directory`, 'ENOENT');
    if (st.type === 'dir') throw new FileError(`${from}: Is a directory`, 'EISDIR');
    const dest = await this.stat(to);
    const target = dest?.type === 'dir' ? `${to}/${st.name}` : to;
    if (st.virtual) return this.write(target, await this.read(from));
    this.checkWritable(target);
    const parent = await this.stat(path.posix.dirname(target));
    if (!parent || parent.type !== 'dir') throw new FileError(`${path.posix.dirname(target)}: No such file or directory`, 'ENOENT');
    const replaced = (await this.stat(target))?.size ?? 0;
    if (this.used! - replaced + st.size > this.capacity) throw new FileError(`${target}: No space left on device`, 'ENOSPC');
    if (replaced || (await this.stat(target))) await this.remove(target);
    await fsp.link(await this.real(from), await this.real(target));
    this.used = this.used! - replaced + st.size;
    return (await this.stat(target))!;
  }

  async mkdir(vpath: string): Promise<void> {
    this.checkWritable(vpath);
    if (await this.stat(vpath)) throw new FileError(`${vpath}: File exists`, 'EEXIST');
    const parent = await this.stat(path.posix.dirname(vpath));
    if (!parent || parent.type !== 'dir') throw new FileError(`${path.posix.dirname(vpath)}: No such file or directory`, 'ENOENT');
    await fsp.mkdir(await this.real(vpath), { mode: 0o700 });
  }

  async rmdir(vpath: string): Promise<void> {
    this.checkWritable(vpath);
    if (WRITABLE.includes(vpath)) throw new FileError(`${vpath}: Permission denied`, 'EACCES');
    const st = await this.stat(vpath);
    if (!st) throw new FileError(`${vpath}: No such file or directory`, 'ENOENT');
    if (st.type !== 'dir') throw new FileError(`${vpath}: Not a directory`, 'ENOTDIR');
    try {
      await fsp.rmdir(await this.real(vpath));
    } catch {
      throw new FileError(`${vpath}: Directory not empty`, 'ENOTEMPTY');
    }
  }

  /** `request system storage cleanup`: the files of /var/tmp (deleted unless a dry run). */
  async cleanup(dryRun: boolean): Promise<FileEntry[]> {
    const out: FileEntry[] = [];
    const walk = async (dir: string) => {
      for (const e of await this.list(dir)) {
        if (e.type === 'dir') await walk(e.path);
        else if (!e.virtual) out.push(e);
      }
    };
    await walk('/var/tmp');
    if (!dryRun) for (const e of out) await this.remove(e.path);
    return out;
  }

  /** The device is gone: a private temporary directory goes with it. */
  async close(): Promise<void> {
    await this.preparing?.catch(() => undefined);
    if (this.ownBase) await fsp.rm(this.ownBase, { recursive: true, force: true }).catch(() => undefined);
  }
}
