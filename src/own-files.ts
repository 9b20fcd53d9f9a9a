/**
 * Files and directories the device writes in places it owns (the state directory and
 * what is inside it): never through a symbolic link planted there. Each part is checked
 * with lstat and files are opened with O_NOFOLLOW, so a link pointing elsewhere is refused
 * with a one-line error naming it, and its target is neither written nor re-moded.
 */
import fs from 'node:fs';
import { UsageError } from './errors.js';

const { O_WRONLY, O_RDONLY, O_CREAT, O_EXCL, O_APPEND, O_NOFOLLOW } = fs.constants;

/** Flags to create a new file exclusively, never through a link. */
export const CREATE_NEW = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;

/** A part of the state directory is a symbolic link the device did not make. */
export class SymlinkRefusedError extends UsageError {
  readonly code = 'ELOOP';
  constructor(readonly file: string) {
    super(`${file} is a symbolic link: refused (the device writes only to files and directories it made; remove the link)`);
  }
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** Throws SymlinkRefusedError when `p` is a symbolic link (nothing there is fine). */
export function refuseSymlinkSync(p: string): void {
  if (isLink(p)) throw new SymlinkRefusedError(p);
}

export async function refuseSymlink(p: string): Promise<void> {
  try {
    if ((await fs.promises.lstat(p)).isSymbolicLink()) throw new SymlinkRefusedError(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Creates a private directory (0700), or makes an existing one private; refuses a link. */
export async function ownDir(dir: string): Promise<void> {
  await refuseSymlink(dir);
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await fs.promises.lstat(dir);
  if (st.isSymbolicLink()) throw new SymlinkRefusedError(dir);
  if (!st.isDirectory()) throw new UsageError(`${dir} is not a directory`);
  if ((st.mode & 0o077) !== 0) await fs.promises.chmod(dir, st.mode & 0o700);
}

export function ownDirSync(dir: string): void {
  refuseSymlinkSync(dir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  if (st.isSymbolicLink()) throw new SymlinkRefusedError(dir);
  if (!st.isDirectory()) throw new UsageError(`${dir} is not a directory`);
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, st.mode & 0o700);
}

/** Reads a file that must not be a link (ELOOP becomes SymlinkRefusedError). */
export function readOwnFileSync(file: string): string {
  let fd: number;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new SymlinkRefusedError(file);
    throw e;
  }
  try {
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

export async function readOwnFile(file: string): Promise<string> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, O_RDONLY | O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new SymlinkRefusedError(file);
    throw e;
  }
  try {
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

/** Appends to a file (created 0600), never through a link. */
export function appendOwnFileSync(file: string, text: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new SymlinkRefusedError(file);
    throw e;
  }
  try {
    fs.writeFileSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

/** Creates a new file (0600) with `text`; EEXIST when there is one (a link counts as one). */
export function writeNewOwnFileSync(file: string, text: string): void {
  const fd = fs.openSync(file, CREATE_NEW, 0o600);
  try {
    fs.writeFileSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}
