/**
 * The committed configuration and its rollbacks on disk, one file per revision, as Junos
 * keeps juniper.conf.N: `<state-dir>/rollbacks/commit-<seq>.conf` (mode 0600, directories
 * 0700). A commit writes its own file only (temporary file, fsync, rename, fsync of the
 * directory) and removes the one that fell out of the history: nothing proportional to the
 * history is rewritten. Each file holds two `##` lines (a tag, and JSON metadata with the
 * SHA-256 of the body) and the configuration tree as JSON: a lossless form, so what is
 * committed is exactly what comes back (Junos text is not: the emulator's text reader knows
 * fewer list statements than Junos XML carries).
 *
 * At start, a file that cannot be read, fails its checksum or does not parse is reported
 * in one line and skipped: the device starts on the newest good revision. The former
 * single-file format (`config-history.json`) is migrated once.
 */
import { sha256Hex as sha256 } from '../../digest.js';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigTree, type ConfigNode, type NodeKind } from './tree.js';
import { parseText } from './text.js';
import { ConfigSyntaxError } from './errors.js';
import { CREATE_NEW, ownDir, readOwnFile, refuseSymlink, SymlinkRefusedError } from '../../own-files.js';

export const ROLLBACK_DIR = 'rollbacks';
export const LEGACY_FILE = 'config-history.json';
const TAG = '## nc-grpc-device revision';
const NAME = /^commit-(\d{10})\.conf$/;

export interface RevisionMeta {
  seq: number;
  user: string;
  time: number;
  client: string;
  /** The user's commit comment (`commit comment "..."`, `<log>`). */
  log?: string;
  /**
   * What the system notes about the commit (`commit confirmed, rollback in 5mins`,
   * `commit confirmed rollback`): Junos's `<comment>`. Absent in files written before it.
   */
  comment?: string;
  /**
   * A commit confirmed not yet confirmed when written: when (epoch ms) it is rolled back,
   * and the sequence number of the revision it goes back to. A revision after it (the
   * confirmation, the rollback) ends it, so only the newest revision's counts at start.
   */
  confirm?: { due: number; previous: number };
}

export interface LoadedRevision extends RevisionMeta {
  tree: ConfigTree;
  /** The stored form of the tree (encodeTree). */
  stored: string;
}

const EMPTY = new ConfigTree();

function fileName(seq: number): string {
  return `commit-${String(seq).padStart(10, '0')}.conf`;
}


type StoredNode = { n: string; k: 'c' | 'e' | 'l' | 'f'; v?: string; key?: [string, string][]; i?: 1; m?: string; c?: StoredNode[] };
const KIND_CODE: Record<NodeKind, StoredNode['k']> = { container: 'c', entry: 'e', leaf: 'l', flag: 'f' };
const CODE_KIND: Record<string, NodeKind> = { c: 'container', e: 'entry', l: 'leaf', f: 'flag' };

function toStored(n: ConfigNode): StoredNode {
  const o: StoredNode = { n: n.name, k: KIND_CODE[n.kind] };
  if (n.value !== undefined) o.v = n.value;
  if (n.keys?.length) o.key = n.keys.map((k) => [k.name, k.value]);
  if (n.inactive) o.i = 1;
  if (n.comment !== undefined) o.m = n.comment;
  if (n.children.length) o.c = n.children.map(toStored);
  return o;
}

function fromStored(o: StoredNode): ConfigNode {
  const kind = CODE_KIND[o?.k];
  if (typeof o?.n !== 'string' || !kind) throw new Error('damaged configuration');
  const n: ConfigNode = { name: o.n, kind, children: [] };
  if (o.v !== undefined) {
    if (typeof o.v !== 'string') throw new Error('damaged configuration');
    n.value = o.v;
  }
  if (o.key !== undefined) {
    if (!Array.isArray(o.key) || !o.key.every((k) => Array.isArray(k) && typeof k[0] === 'string' && typeof k[1] === 'string')) throw new Error('damaged configuration');
    n.keys = o.key.map(([name, value]) => ({ name, value }));
  }
  if (o.i === 1) n.inactive = true;
  if (typeof o.m === 'string') n.comment = o.m;
  if (o.c !== undefined) {
    if (!Array.isArray(o.c)) throw new Error('damaged configuration');
    n.children = o.c.map(fromStored);
  }
  return n;
}

/** The stored form of a configuration (JSON of its tree, one line). */
export function encodeTree(tree: ConfigTree): string {
  return JSON.stringify(toStored(tree.root)) + '\n';
}

/** Reads the stored form back; throws an Error when it is damaged. */
export function decodeTree(body: string): ConfigTree {
  let o: StoredNode;
  try {
    o = JSON.parse(body);
  } catch {
    throw new Error('damaged configuration (not JSON)');
  }
  const root = fromStored(o);
  if (root.name !== 'configuration' || root.kind !== 'container') throw new Error('damaged configuration');
  return new ConfigTree(root);
}

/** The file's bytes for a revision whose configuration's stored form is `text`. */
export function encodeRevision(meta: RevisionMeta, text: string): string {
  const m = {
    seq: meta.seq,
    user: meta.user,
    time: meta.time,
    client: meta.client,
    ...(meta.log !== undefined ? { log: meta.log } : {}),
    ...(meta.comment !== undefined ? { comment: meta.comment } : {}),
    ...(meta.confirm !== undefined ? { confirm: meta.confirm } : {}),
    sha256: sha256(text),
  };
  return `${TAG}\n## ${JSON.stringify(m)}\n${text}`;
}

/** Reads a revision file's contents; throws an Error with a short reason. */
export function decodeRevision(raw: string): LoadedRevision {
  const nl1 = raw.indexOf('\n');
  const nl2 = nl1 < 0 ? -1 : raw.indexOf('\n', nl1 + 1);
  if (nl2 < 0 || raw.slice(0, nl1) !== TAG || !raw.slice(nl1 + 1).startsWith('## ')) throw new Error('not a revision file');
  let m: RevisionMeta & { sha256?: string };
  try {
    m = JSON.parse(raw.slice(nl1 + 4, nl2));
  } catch {
    throw new Error('unreadable metadata');
  }
  if (!Number.isInteger(m.seq) || typeof m.user !== 'string' || typeof m.time !== 'number' || typeof m.client !== 'string') throw new Error('unreadable metadata');
  const text = raw.slice(nl2 + 1);
  if (m.sha256 !== sha256(text)) throw new Error('checksum mismatch (damaged or truncated)');
  const tree = decodeTree(text);
  const c = m.confirm;
  const confirm = c && Number.isFinite(c.due) && Number.isInteger(c.previous) ? { confirm: { due: c.due, previous: c.previous } } : {};
  return { seq: m.seq, user: m.user, time: m.time, client: m.client, ...(typeof m.log === 'string' ? { log: m.log } : {}), ...(typeof m.comment === 'string' ? { comment: m.comment } : {}), ...confirm, tree, stored: text };
}

function parseConfigText(text: string): ConfigTree {
  try {
    return parseText(text);
  } catch (e) {
    if (e instanceof ConfigSyntaxError) throw new Error(e.message);
    throw e;
  }
}

/** Creates a private directory, or makes an existing one private (0700); a symbolic link is refused. */
export async function privateDir(dir: string): Promise<void> {
  await ownDir(dir);
}

/** Takes group and other access away from the regular files at the top of `dir`. */
async function tightenFiles(dir: string): Promise<void> {
  for (const e of await fs.promises.readdir(dir, { withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = path.join(dir, e.name);
    try {
      const st = await fs.promises.lstat(p);
      if ((st.mode & 0o077) !== 0) await fs.promises.chmod(p, st.mode & 0o700);
    } catch {
      // Not ours, or gone: left as it is.
    }
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.promises.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** A write to the state directory that failed, naming the file and the system's reason. */
export class StateWriteError extends Error {
  constructor(readonly file: string, readonly code: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'StateWriteError';
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ELOOP: 'is a symbolic link',
  EEXIST: 'already exists',
};

/** The error for a failed write of `file`: its path and a plain reason (no stack, no syscall jargon). */
export function stateWriteError(file: string, e: unknown): StateWriteError {
  if (e instanceof StateWriteError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
  return new StateWriteError(file, code, REASONS[code] ?? (e as Error).message.replace(/^[A-Z]+: /, ''));
}

/**
 * Writes `body` to `file` atomically and durably, mode 0600. The temporary file is
 * created exclusively and without following a symbolic link, and removed when anything
 * fails (a full disk leaves nothing behind). Throws StateWriteError.
 */
async function writeDurably(dir: string, name: string, body: string): Promise<void> {
  const tmp = path.join(dir, `.${name}.tmp`);
  const target = path.join(dir, name);
  try {
    await fs.promises.rm(tmp, { force: true });
    const fh = await fs.promises.open(tmp, CREATE_NEW, 0o600);
    try {
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await refuseSymlink(target);
    await fs.promises.rename(tmp, target);
    await fsyncDir(dir);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw stateWriteError(target, e);
  }
}



export class RevisionFiles {
  /** Sequence numbers of the revision files on disk, oldest first (good or not). */
  private onDisk: number[] = [];
  private nextSeq = 1;

  private constructor(readonly dir: string) {}

  /**
   * Opens `<stateDir>/rollbacks`, migrating the former format if needed, and reads the
   * newest `max` good revisions (newest first). `report` gets one line per skipped file.
   */
  static async open(stateDir: string, max: number, report: (line: string) => void, readOnly = false): Promise<{ files: RevisionFiles; revisions: LoadedRevision[]; found: number }> {
    const dir = path.join(stateDir, ROLLBACK_DIR);
    const files = new RevisionFiles(dir);
    if (!readOnly) {
      await privateDir(stateDir);
      await tightenFiles(stateDir);
      await files.migrate(stateDir, report);
      // Temporary files of the former format (an interrupted write).
      for (const name of await fs.promises.readdir(stateDir)) {
        if (/^config-history\.json\.\d+\.tmp$/.test(name)) await fs.promises.rm(path.join(stateDir, name), { force: true });
      }
      await privateDir(dir);
    }
    const seqs: number[] = [];
    let names: string[] = [];
    try {
      names = await fs.promises.readdir(dir);
    } catch (e) {
      // Read-only, nothing written yet: no revisions.
      if (!readOnly || (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const name of names) {
      const m = NAME.exec(name);
      if (m) seqs.push(Number(m[1]));
      else if (name.endsWith('.tmp') && !readOnly) await fs.promises.rm(path.join(dir, name), { force: true });
    }
    seqs.sort((a, b) => a - b);
    files.onDisk = seqs;
    files.nextSeq = (seqs[seqs.length - 1] ?? 0) + 1;
    const revisions: LoadedRevision[] = [];
    for (let i = seqs.length - 1; i >= 0 && revisions.length < max; i--) {
      const file = path.join(dir, fileName(seqs[i]));
      try {
        const st = await fs.promises.lstat(file);
        if (st.isSymbolicLink()) throw new SymlinkRefusedError(file);
        if ((st.mode & 0o077) !== 0 && !readOnly && st.isFile()) await fs.promises.chmod(file, st.mode & 0o700);
        const rev = decodeRevision(await readOwnFile(file));
        // Only the newest keeps its tree; older ones are decoded again when asked for.
        revisions.push({ ...rev, seq: seqs[i], tree: revisions.length === 0 ? rev.tree : EMPTY });
      } catch (e) {
        report(`${file}: skipped: ${(e as Error).message}`);
      }
    }
    return { files, revisions, found: seqs.length };
  }

  /** The sequence number for the next revision. */
  allocate(): number {
    return this.nextSeq++;
  }

  /** Writes one revision's file (the only file a commit writes). */
  async write(meta: RevisionMeta, text: string): Promise<void> {
    await writeDurably(this.dir, fileName(meta.seq), encodeRevision(meta, text));
    this.onDisk.push(meta.seq);
    this.onDisk.sort((a, b) => a - b);
  }

  /** Removes the files of revisions older than `oldestKept` (those that fell out of the history). */
  async prune(oldestKept: number): Promise<void> {
    while (this.onDisk.length && this.onDisk[0] < oldestKept) {
      const seq = this.onDisk.shift() as number;
      await fs.promises.rm(path.join(this.dir, fileName(seq)), { force: true });
    }
  }

  /**
   * The former format, one JSON file holding every revision: its good entries become
   * revision files (written aside, then put in place by one rename), and the file is
   * kept as `config-history.json.migrated` (mode 0600).
   */
  private async migrate(stateDir: string, report: (line: string) => void): Promise<void> {
    const legacy = path.join(stateDir, LEGACY_FILE);
    let raw: string;
    try {
      raw = await readOwnFile(legacy);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      report(e instanceof SymlinkRefusedError ? e.message : `${legacy}: skipped: ${(e as Error).message}`);
      return;
    }
    const done = async () => {
      await refuseSymlink(`${legacy}.migrated`);
      await fs.promises.rename(legacy, `${legacy}.migrated`);
      await fs.promises.chmod(`${legacy}.migrated`, 0o600);
    };
    if (fs.existsSync(this.dir)) return done();
    let entries: { user?: unknown; time?: unknown; client?: unknown; log?: unknown; config?: unknown }[] = [];
    try {
      const data = JSON.parse(raw) as { revisions?: unknown };
      if (!Array.isArray(data.revisions)) throw new Error();
      entries = data.revisions;
    } catch {
      report(`${legacy}: skipped: not a configuration history file`);
    }
    const good: { meta: Omit<RevisionMeta, 'seq'>; text: string }[] = [];
    entries.forEach((r, i) => {
      try {
        if (typeof r?.config !== 'string') throw new Error('no configuration');
        const tree = parseConfigText(r.config);
        good.push({
          meta: { user: String(r.user ?? 'root'), time: Number(r.time ?? 0), client: String(r.client ?? 'other'), ...(typeof r.log === 'string' ? { log: r.log } : {}) },
          text: encodeTree(tree),
        });
      } catch (e) {
        report(`${legacy}: rollback ${i}: skipped: ${(e as Error).message}`);
      }
    });
    const aside = `${this.dir}.migrating`;
    // rm of a link removes the link only
    await fs.promises.rm(aside, { recursive: true, force: true });
    await privateDir(aside);
    // Oldest first, so the newest gets the highest sequence number.
    good.reverse().forEach((g, i) => Object.assign(g.meta, { seq: i + 1 }));
    for (const g of good) await writeDurably(aside, fileName((g.meta as RevisionMeta).seq), encodeRevision(g.meta as RevisionMeta, g.text));
    await fs.promises.rename(aside, this.dir);
    await fsyncDir(stateDir);
    await done();
  }
}

/** The rescue configuration's file in the state directory (same format as a revision file). */
export const RESCUE_FILE = 'rescue.conf';

/** Writes the rescue configuration (atomically, mode 0600). */
export async function writeRescue(stateDir: string, meta: RevisionMeta, text: string): Promise<void> {
  await writeDurably(stateDir, RESCUE_FILE, encodeRevision(meta, text));
}

/** Reads the rescue configuration; undefined when there is none; throws an Error when damaged. */
export async function readRescue(stateDir: string): Promise<LoadedRevision | undefined> {
  let raw: string;
  try {
    raw = await readOwnFile(path.join(stateDir, RESCUE_FILE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return decodeRevision(raw);
}

/** Removes the rescue configuration's file (nothing when there is none). */
export async function removeRescue(stateDir: string): Promise<void> {
  await fs.promises.rm(path.join(stateDir, RESCUE_FILE), { force: true });
  await fsyncDir(stateDir);
}
