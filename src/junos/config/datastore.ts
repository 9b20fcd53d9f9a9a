/**
 * The configuration datastore of one emulated device, with Junos semantics: a committed
 * configuration and 49 rollbacks, one candidate shared by every session (or a private
 * one per `configure private` session), an exclusive lock, commit check/confirmed.
 * With a state directory the committed configuration and rollbacks survive restarts
 * (history-files.ts: one file per revision), and the directory is locked for this process
 * (state-lock.ts).
 */
import { RpcError } from '../../netconf/rpc-error.js';
import type { XmlElement } from '../../netconf/xml.js';
import type {
  CommitInfo,
  CommitOptions,
  CommitResult,
  ConfigDatastore,
  ConfigDatastoreOptions,
  ConfigSession,
  GetConfigOptions,
  LoadOptions,
  PendingCommit,
  RescueInfo,
} from './api.js';
import { ConfigTree } from './tree.js';
import { parseText, renderText } from './text.js';
import { applySetText, applySetLine, renderSet } from './set.js';
import { parseXmlConfig, renderXml } from './xml-config.js';
import { renderJson } from './json.js';
import { mergeTree, clean } from './merge.js';
import { diffTrees } from './diff.js';
import { filterTree, selectPath } from './filter.js';
import { ConfigSyntaxError, throwAll } from './errors.js';
import { parseXml } from '../../netconf/xml.js';
import { checkCandidate, CONSTRAINT_CHECKOUT, CONSTRAINT_COMMIT } from './commit-check.js';
import { expandGroups } from './groups.js';
import { RevisionFiles, decodeTree, encodeTree, readRescue, removeRescue, stateWriteError, writeRescue, type RevisionMeta, type StateWriteError } from './history-files.js';
import { lockStateDir, NO_ROOM, type StateLock } from './state-lock.js';
import { ownDir } from '../../own-files.js';
import { schemaPlacer, type Placer } from './order.js';
import { conformTree, textShape } from './shape.js';
import { asRpc, computeLoad, editedCopy, renderChecked, type LoadOutcome } from './load-work.js';
import { atLeastNodes, largeLoad, offThread, rpcErrors, type WorkerAnswer } from './off-thread.js';

export const MAX_ROLLBACKS = 50;
/** Junos accepts a confirm-timeout of up to 65535 minutes. */
const MAX_CONFIRM_SECONDS = 65535 * 60;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface CommitEvent {
  info: CommitInfo;
  /** The configuration now active (a copy). */
  config: ConfigTree;
  /** `commit`, or `confirmed-rollback` when an unconfirmed commit was undone. */
  reason: 'commit' | 'confirmed-rollback';
}

/** The datastore, with what the device side needs beyond the NETCONF contract. */
export interface JunosDatastore extends ConfigDatastore {
  /** A copy of the active configuration. */
  committed(): ConfigTree;
  /** A copy of the active configuration's top-level statements of these names only. */
  committedTop(names: string[]): ConfigTree;
  /** Called after every commit (including the automatic rollback of commit confirmed). */
  onCommit(listener: (ev: CommitEvent) => void): () => void;
  /**
   * Whether building the datastore again would give the same one: the factory revision
   * alone (in memory, or written whole to the state directory, which then holds nothing
   * else), the candidate equal to it, no session, lock, rescue or commit waiting.
   */
  pristine(): boolean;
  /**
   * Closes the datastore but keeps the state directory's lock, handed to the caller (a
   * datastore built again takes it over: heldLock); undefined without a state directory.
   */
  detach(): Promise<Pick<StateLock, 'release' | 'readOnly'> | undefined>;
  /** Whether a commit confirmed is waiting for its confirmation. */
  confirmPending(): boolean;
  /**
   * What a reboot of the device does (its sessions are gone already): an unconfirmed commit
   * confirmed is rolled back, a pending `commit at` is dropped, the shared candidate is the
   * committed configuration again.
   */
  restart(): void;
}

/** A revision: what its file holds (seq is 0 without one), and its tree. */
interface Revision extends RevisionMeta {
  /**
   * The tree, kept for the active configuration only: rollbacks keep their stored form
   * (a string the garbage collector does not walk) and are decoded when asked for.
   */
  tree?: ConfigTree;
  stored: string;
}

/** `YYYY-MM-DD HH:MM:SS UTC`, as Junos writes commit times. */
export function junosTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/**
 * How a session's commits show in the history ("via cli", "via netconf"): the cli is `cli`,
 * every NETCONF face (SSH, outbound HTTPS, stdio) is `netconf`, the device itself `other`.
 * Also maps what revision files written before this recorded (a peer address, `stdio`).
 */
export function commitClient(client: string): string {
  return client === 'cli' || client === 'other' || client === 'junoscript' ? client : 'netconf';
}

/**
 * The time of `commit at`: `hh:mm[:ss]` (today, or tomorrow when that time has passed
 * today) or `yyyy-mm-dd hh:mm[:ss]`, in the device's time zone (UTC). Epoch ms.
 */
export function parseAtTime(text: string, now: number): number {
  const m = /^(?:(\d{4})-(\d{2})-(\d{2})\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  const bad = () => rpcErr(`invalid at-time: ${text} (expected hh:mm[:ss] or yyyy-mm-dd hh:mm[:ss])`, 'invalid-value', 'protocol', { badElement: 'at-time' });
  if (!m) throw bad();
  const [h, min, sec] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || min > 59 || sec > 59) throw bad();
  const today = new Date(now);
  const [y, mo, d] = m[1] ? [Number(m[1]), Number(m[2]) - 1, Number(m[3])] : [today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()];
  let at = Date.UTC(y, mo, d, h, min, sec);
  const check = new Date(at);
  if (check.getUTCMonth() !== mo || check.getUTCDate() !== d) throw bad();
  if (!m[1] && at <= now) at += 24 * 3600 * 1000;
  if (at <= now) throw rpcErr(`invalid at-time: ${text} is not in the future`, 'invalid-value', 'protocol', { badElement: 'at-time' });
  if (at - now > 365 * 24 * 3600 * 1000) throw rpcErr(`invalid at-time: ${text} is more than a year away`, 'invalid-value', 'protocol', { badElement: 'at-time' });
  return at;
}

/** A timer due at `due` (epoch ms, real clock): Node timers hold at most ~24.8 days, so a longer wait re-arms itself. */
function timerAt(due: number, fire: () => void, holder: { timer?: NodeJS.Timeout }): NodeJS.Timeout {
  const timer = setTimeout(() => {
    if (Date.now() < due) holder.timer = timerAt(due, fire, holder);
    else fire();
  }, Math.min(MAX_TIMER_MS, Math.max(0, due - Date.now())));
  timer.unref();
  return timer;
}

/** The factory configuration as the datastore reads it (text, `set` commands or XML). */
export function parseInitial(init: ConfigDatastoreOptions['initialConfig']): ConfigTree {
  switch (init.format) {
    case 'text':
      return parseText(init.content);
    case 'set': {
      const t = new ConfigTree();
      applySetText(t, init.content);
      return t;
    }
    case 'xml':
      return new ConfigTree(clean(parseXmlConfig(parseXml(init.content)).root));
  }
}

function fresh(tree: ConfigTree): { tree: ConfigTree; stored: string } {
  return { tree, stored: encodeTree(tree) };
}

function rpcErr(message: string, tag = 'operation-failed', type: RpcError['info']['type'] = 'protocol', extra: Partial<RpcError['info']> = {}): RpcError {
  return new RpcError({ type, tag, message, ...extra });
}

/** Junos' answer to a commit whose configuration could not be written: nothing was committed. */
function notSaved(reason: string): RpcError {
  return new RpcError({ type: 'application', tag: 'operation-failed', message: `commit failed: configuration could not be saved (${reason}); nothing was committed` });
}

class Store implements JunosDatastore {
  revisions: Revision[] = [];
  /** Why nothing may be written (the state directory's file system was full at start), naming the path. */
  readOnly?: string;
  private lastWriteError?: StateWriteError;
  private files?: RevisionFiles;
  private lock?: Pick<StateLock, 'release' | 'readOnly'>;
  /** Revision files being written, in commit order. */
  private saving: Promise<void> = Promise.resolve();
  shared!: { tree: ConfigTree; changedAt: number; modifiers: Set<number> };
  lockHolder?: { session: Session; since: number };
  confirm?: { timer?: NodeJS.Timeout; previous: ConfigTree; previousSeq: number; due: number; user: string };
  /** A `commit at` waiting for its time: the checked candidate as it was when asked. */
  pending?: PendingCommit & { timer?: NodeJS.Timeout; tree: ConfigTree; stored: string };
  /** The rescue configuration (`request system configuration rescue save`). */
  rescueConfig?: RescueInfo & { stored: string };
  readonly sessions = new Set<Session>();
  private listeners = new Set<(ev: CommitEvent) => void>();
  readonly now: () => number;
  private readonly report: (line: string) => void;
  /** Where new statements go: in the schema's order when the device has a schema (order.ts). */
  readonly place: Placer | undefined;

  constructor(readonly opts: ConfigDatastoreOptions) {
    this.now = opts.now ?? Date.now;
    this.place = opts.schema ? schemaPlacer(opts.schema) : undefined;
    this.report = opts.report ?? ((line: string) => process.stderr.write(`nc-grpc-device: ${line}\n`));
  }

  async init(): Promise<void> {
    const dir = this.opts.stateDir;
    const report = this.report;
    if (dir) {
      if (!this.opts.heldLock) await ownDir(dir);
      this.lock = this.opts.heldLock ?? lockStateDir(dir, this.opts.owner ?? `nc-grpc-device, pid ${process.pid}`);
      if (this.lock.readOnly) this.readOnly = this.lock.readOnly;
      try {
        const { files, revisions, found } = await RevisionFiles.open(dir, MAX_ROLLBACKS, report, this.readOnly !== undefined);
        this.files = files;
        // Only the active configuration keeps its tree; older ones keep their stored form.
        this.revisions = revisions.map(({ tree, ...rest }, i) => (i === 0 ? { ...rest, tree } : rest));
        if (!revisions.length && found > 0) report(`${dir}: no readable configuration revision; starting from the factory configuration`);
        try {
          const rescue = await readRescue(dir);
          if (rescue) this.rescueConfig = { user: rescue.user, time: rescue.time, stored: rescue.stored };
        } catch (e) {
          report(`${dir}: rescue configuration skipped: ${(e as Error).message}`);
        }
      } catch (e) {
        this.lock.release();
        throw e;
      }
    }
    if (this.revisions.length === 0) {
      let tree: ConfigTree;
      let stored: string;
      try {
        ({ tree, stored } = this.opts.initialCopy?.() ?? fresh(parseInitial(this.opts.initialConfig)));
      } catch (e) {
        this.lock?.release();
        if (e instanceof ConfigSyntaxError) throw new Error(e.describe('initial configuration').split('\n')[0]);
        if (e instanceof Error && e.name === 'XmlSyntaxError') throw new Error(`initial configuration: ${e.message}`);
        throw e;
      }
      const rev: Revision = { seq: this.files?.allocate() ?? 0, tree, stored, user: 'root', time: this.opts.initialTime ?? this.now(), client: 'other' };
      this.revisions = [rev];
      const failed = await this.save(rev);
      const noRoom = this.lastWriteError && NO_ROOM.has(this.lastWriteError.code) ? this.lastWriteError.message : undefined;
      if (failed && !this.readOnly && noRoom) {
        // No room for even the first revision: the factory configuration, in memory, read-only.
        this.readOnly = noRoom;
      } else if (failed && !this.readOnly) {
        this.lock?.release();
        throw new Error(failed.info.message);
      }
    }
    if (this.readOnly) report(`${this.readOnly}: starting read-only on the last good revision (${this.revisions[0].seq ? `commit ${this.revisions[0].seq}` : 'the factory configuration'}); commits are refused until the device restarts with room to write`);
    // Trees kept before the schema decided their shape (factory text, older revisions).
    if (this.opts.schema) conformTree(this.active, this.opts.schema);
    this.shared = { tree: this.active.clone(), changedAt: this.revisions[0].time, modifiers: new Set() };
    this.resumeConfirm();
  }

  /**
   * A commit confirmed that was still waiting when the device stopped: its wait goes on for
   * the time left, or, when that ran out meanwhile, it is rolled back now. A device that
   * restarts never makes an unconfirmed commit permanent.
   */
  private resumeConfirm(): void {
    const top = this.revisions[0];
    const c = top.confirm;
    if (!c) return;
    const back = this.revisions.find((r) => r.seq === c.previous);
    if (!back) {
      this.report(`commit confirmed by ${top.user} was pending, but the configuration to go back to (revision ${c.previous}) is gone; it stays`);
      return;
    }
    const previous = back.tree ?? decodeTree(back.stored);
    this.confirm = { previous, previousSeq: c.previous, due: c.due, user: top.user };
    if (Date.now() >= c.due) {
      this.report(`commit confirmed by ${top.user} was not confirmed in time; rolled back at start`);
      this.confirmExpired();
      return;
    }
    this.confirm.timer = this.armConfirmTimer(c.due);
    this.report(`commit confirmed by ${top.user} still waits for its confirmation: rollback in ${Math.ceil((c.due - Date.now()) / 1000)} s`);
  }

  get active(): ConfigTree {
    return this.revisions[0].tree as ConfigTree;
  }

  committed(): ConfigTree {
    return this.active.clone();
  }

  committedTop(names: string[]): ConfigTree {
    const part = new ConfigTree();
    part.root.children = this.active.root.children.filter((c) => names.includes(c.name));
    return part.clone();
  }

  history(): CommitInfo[] {
    return this.revisions.map((r, index) => ({ index, user: r.user, time: r.time, client: commitClient(r.client), ...(r.log !== undefined ? { log: r.log } : {}), ...(r.comment !== undefined ? { comment: r.comment } : {}) }));
  }

  pristine(): boolean {
    if (this.revisions.length !== 1) return false;
    // On disk: the factory revision that init() wrote, and nothing failed or left to write.
    const onDisk = this.files !== undefined;
    const factory = this.revisions[0].user === 'root' && this.revisions[0].client === 'other' && this.revisions[0].log === undefined;
    if (onDisk && (!factory || this.readOnly !== undefined || this.lastWriteError !== undefined)) return false;
    return this.sessions.size === 0 && !this.lockHolder && !this.confirm && !this.pending && !this.rescueConfig && this.shared.tree.equals(this.active);
  }

  async detach(): Promise<Pick<StateLock, 'release' | 'readOnly'> | undefined> {
    const lock = this.lock;
    this.lock = undefined;
    await this.close();
    return lock;
  }

  onCommit(listener: (ev: CommitEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  confirmPending(): boolean {
    return this.confirm !== undefined;
  }

  restart(): void {
    if (this.confirm) this.confirmExpired();
    if (this.pending?.timer) clearTimeout(this.pending.timer);
    this.pending = undefined;
    this.shared = { tree: this.active.clone(), changedAt: this.now(), modifiers: new Set() };
  }

  openSession(sessionId: number, user: string, client = 'netconf'): ConfigSession {
    const s = new Session(this, sessionId, user, client, this.now());
    this.sessions.add(s);
    return s;
  }

  async close(): Promise<void> {
    if (this.confirm) clearTimeout(this.confirm.timer);
    this.confirm = undefined;
    if (this.pending?.timer) clearTimeout(this.pending.timer);
    this.pending = undefined;
    for (const s of [...this.sessions]) s.close();
    await this.saving;
    this.lock?.release();
  }

  rollbackTree(n: number): ConfigTree {
    if (!Number.isInteger(n) || n < 0 || n >= this.revisions.length) {
      throw rpcErr(`invalid rollback index: ${n}`, 'invalid-value', 'protocol');
    }
    const rev = this.revisions[n];
    return rev.tree ?? decodeTree(rev.stored);
  }

  /** Makes `tree` the active configuration. */
  install(
    tree: ConfigTree,
    stored: string,
    user: string,
    client: string,
    log: string | undefined,
    reason: CommitEvent['reason'],
    comment?: string,
    confirm?: Revision['confirm'],
  ): { info: CommitInfo; saved: Promise<RpcError | undefined>; rev: Revision } {
    const rev: Revision = {
      seq: this.files?.allocate() ?? 0,
      tree,
      stored,
      user,
      time: this.now(),
      client: commitClient(client),
      ...(log !== undefined ? { log } : {}),
      ...(comment !== undefined ? { comment } : {}),
      ...(confirm !== undefined ? { confirm } : {}),
    };
    const before = this.revisions[0];
    if (before) delete before.tree;
    this.revisions.unshift(rev);
    if (this.revisions.length > MAX_ROLLBACKS) this.revisions.length = MAX_ROLLBACKS;
    const saved = this.save(rev);
    const info = this.history()[0];
    for (const l of [...this.listeners]) {
      try {
        l({ info, config: tree.clone(), reason });
      } catch {
        // A listener's failure is its own; the commit stands.
      }
    }
    return { info, saved, rev };
  }

  /**
   * What a commit changes in the store (history, active tree, commit confirmed, shared
   * candidate), taken before it; the function puts it back when that commit's revision
   * could not be written. A commit made after it (on top of it) is left alone: only the
   * unsaved revision leaves the history.
   */
  undoPoint(): (rev: Revision) => void {
    const revisions = [...this.revisions];
    const activeTree = this.revisions[0]?.tree;
    const confirm = this.confirm ? { ...this.confirm } : undefined;
    const shared = { ...this.shared, modifiers: new Set(this.shared.modifiers) };
    return (rev) => {
      if (this.revisions[0] !== rev) {
        this.revisions = this.revisions.filter((r) => r !== rev);
        return;
      }
      if (this.confirm && this.confirm.timer !== confirm?.timer) clearTimeout(this.confirm.timer);
      this.revisions = revisions;
      if (revisions[0] && activeTree) revisions[0].tree = activeTree;
      this.confirm = confirm;
      if (confirm) confirm.timer = this.armConfirmTimer(confirm.due);
      this.shared = shared;
    };
  }

  /**
   * Queues the writing of a revision's file after those before it; resolves to a warning
   * when it could not be written (the commit stands, in memory only). A revision that fell
   * out of the history before its turn is not written at all.
   */
  save(rev: Revision): Promise<RpcError | undefined> {
    const files = this.files;
    if (this.readOnly) return Promise.resolve(notSaved(this.readOnly));
    if (!files) return Promise.resolve(undefined);
    const done = this.saving.then(async () => {
      if (!this.revisions.includes(rev)) return undefined;
      try {
        await files.write({ seq: rev.seq, user: rev.user, time: rev.time, client: rev.client, log: rev.log, comment: rev.comment, confirm: rev.confirm }, rev.stored);
      } catch (e) {
        const err = stateWriteError(files.dir, e);
        this.lastWriteError = err;
        this.report(`commit ${rev.seq} not saved: ${err.message}`);
        return notSaved(err.message);
      }
      try {
        await files.prune(this.revisions[this.revisions.length - 1].seq);
      } catch (e) {
        // The commit is on disk; an old revision left behind is removed by a later commit.
        this.report(`old revision not removed: ${(e as Error).message}`);
      }
      return undefined;
    });
    this.saving = done.then(() => undefined);
    return done;
  }

  /**
   * Timer for the rollback of a commit confirmed, due at `due` (epoch ms of the real
   * clock). Node timers hold at most ~24.8 days, so a longer wait re-arms itself.
   */
  armConfirmTimer(due: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      if (!this.confirm) return;
      if (Date.now() < due) this.confirm.timer = this.armConfirmTimer(due);
      else this.confirmExpired();
    }, Math.min(MAX_TIMER_MS, Math.max(0, due - Date.now())));
    timer.unref();
    return timer;
  }

  /** Rollback of an unconfirmed commit confirmed: its timer ran out, or cancel-commit. */
  confirmExpired(why: 'timeout' | 'cancel-commit' = 'timeout'): void {
    const c = this.confirm;
    if (!c) return;
    clearTimeout(c.timer);
    this.confirm = undefined;
    // Junos records the automatic rollback as root's, "via other", with a system comment.
    const comment = why === 'timeout' ? 'commit confirmed rollback' : 'cancel-commit rollback';
    this.install(c.previous.clone(), encodeTree(c.previous), 'root', 'other', undefined, 'confirmed-rollback', comment);
    this.shared = { tree: this.active.clone(), changedAt: this.now(), modifiers: new Set() };
  }

  /** Schedules a checked candidate for `at` (commit at). */
  schedule(p: PendingCommit & { tree: ConfigTree; stored: string }): void {
    const pending: NonNullable<Store['pending']> = { ...p };
    pending.timer = timerAt(p.at, () => this.runPending(pending), pending);
    this.pending = pending;
  }

  /** The time of a `commit at` came: its configuration becomes the active one. */
  runPending(p: NonNullable<Store['pending']>): void {
    if (this.pending !== p) return;
    this.pending = undefined;
    if (this.confirm) {
      clearTimeout(this.confirm.timer);
      this.confirm = undefined;
    }
    const candidateWasIt = this.shared.tree.equals(p.tree);
    this.install(p.tree.clone(), p.stored, p.user, p.client, p.log, 'commit', 'commit at');
    if (candidateWasIt) this.shared.modifiers.clear();
  }

  clearPending(): void {
    if (!this.pending) throw rpcErr('No pending commit', 'operation-failed', 'application');
    if (this.pending.timer) clearTimeout(this.pending.timer);
    this.pending = undefined;
  }

  async saveRescue(user: string): Promise<void> {
    const rescue = { user, time: this.now(), stored: this.revisions[0].stored };
    if (this.opts.stateDir) {
      try {
        await writeRescue(this.opts.stateDir, { seq: 0, user, time: rescue.time, client: 'other' }, rescue.stored);
      } catch (e) {
        throw rpcErr(`rescue configuration not saved: ${stateWriteError(this.opts.stateDir, e).message}`, 'operation-failed', 'application');
      }
    }
    this.rescueConfig = rescue;
  }

  async deleteRescue(): Promise<void> {
    if (this.opts.stateDir) await removeRescue(this.opts.stateDir);
    this.rescueConfig = undefined;
  }

  rescueTree(): ConfigTree {
    if (!this.rescueConfig) throw rpcErr('rescue configuration is not set', 'operation-failed', 'application');
    return decodeTree(this.rescueConfig.stored);
  }

  lockDenied(holder: Session): RpcError {
    const since = junosTime(this.lockHolder?.since ?? holder.openedAt);
    return new RpcError({
      type: 'protocol',
      tag: 'lock-denied',
      message: `configuration database locked by:\n  ${holder.user} terminal ${holder.client} (pid ${holder.sessionId}) on since ${since}\n  exclusive [edit]`,
      infoXml: `<session-id>${holder.sessionId}</session-id>`,
    });
  }
}

class Session implements ConfigSession {
  private mode: 'shared' | 'private' | 'exclusive' = 'shared';
  private priv?: { tree: ConfigTree; base: ConfigTree; changedAt: number };
  private closed = false;

  constructor(
    private readonly store: Store,
    readonly sessionId: number,
    readonly user: string,
    readonly client: string,
    readonly openedAt: number,
  ) {}

  private candidate(): ConfigTree {
    return this.priv?.tree ?? this.store.shared.tree;
  }

  private lockedByOther(): Session | undefined {
    const h = this.store.lockHolder?.session;
    return h && h !== this ? h : undefined;
  }

  private checkWritable(): void {
    if (this.priv) return;
    const other = this.lockedByOther();
    if (other) throw this.store.lockDenied(other);
  }

  /** Runs an edit on a copy of the candidate and keeps it only if it succeeds. */
  private edit<T>(f: (t: ConfigTree) => T): T {
    this.checkWritable();
    const { tree, out } = editedCopy(this.candidate(), f, this.store.opts.schema);
    this.replaceCandidate(tree);
    return out;
  }

  private replaceCandidate(t: ConfigTree): void {
    const before = this.candidate();
    const changed = !before.equals(t);
    if (this.priv) {
      this.priv.tree = t;
      if (changed) this.priv.changedAt = this.store.now();
      return;
    }
    this.store.shared.tree = t;
    if (changed) {
      this.store.shared.changedAt = this.store.now();
      this.store.shared.modifiers.add(this.sessionId);
    }
  }

  getConfiguration(opts: GetConfigOptions): string {
    const committed = opts.database === 'committed';
    const tree = committed ? this.store.active : this.candidate();
    if (opts.compareRollback !== undefined) {
      return diffTrees(this.forText(this.store.rollbackTree(opts.compareRollback)), this.forText(tree));
    }
    const full = opts.inherit ? expandGroups(tree, { mark: opts.groups }) : tree;
    const scoped = opts.path?.length ? selectPath(full, opts.path) ?? new ConfigTree() : full;
    // Only rendered below (the writers do not change a tree): without a filter, no copy.
    const view = opts.filter ? filterTree(scoped, opts.filter) : scoped;
    const rev = this.store.revisions[0];
    const changedAt = this.priv?.changedAt ?? this.store.shared.changedAt;
    const attrs: Record<string, string> = committed
      ? {
          'junos:commit-seconds': String(Math.floor(rev.time / 1000)),
          'junos:commit-localtime': junosTime(rev.time),
          'junos:commit-user': rev.user,
        }
      : {
          'junos:changed-seconds': String(Math.floor(changedAt / 1000)),
          'junos:changed-localtime': junosTime(changedAt),
        };
    switch (opts.format) {
      case 'xml':
        return renderXml(view, { attrs });
      case 'json':
        return renderJson(view, { attrs });
      case 'set':
        return renderSet(this.forText(view));
      default: {
        const header = committed
          ? [`## Last commit: ${junosTime(rev.time)} by ${rev.user}`]
          : [`## Last changed: ${junosTime(changedAt)}`];
        return renderText(this.forText(view), { header });
      }
    }
  }

  /** The tree as the text and set writers show it (`autonomous-system 65010;`; shape.ts). */
  private forText(t: ConfigTree): ConfigTree {
    return this.store.opts.schema ? textShape(t, this.store.opts.schema) : t;
  }

  load(opts: LoadOptions): RpcError[] {
    if (opts.rollback !== undefined || opts.rescue) {
      const t = opts.rescue ? this.store.rescueTree() : this.store.rollbackTree(opts.rollback as number).clone();
      this.checkWritable();
      this.replaceCandidate(t);
      return [];
    }
    this.checkWritable();
    return this.finishLoad(computeLoad(this.candidate(), opts, this.store.opts.schema, this.store.place));
  }

  /** The outcome of a load made the candidate; its errors thrown (a partial load). */
  private finishLoad(out: LoadOutcome): RpcError[] {
    this.replaceCandidate(out.tree);
    if (out.errors.length) throwAll(out.errorsWithWarnings ? [...out.warnings, ...out.errors] : out.errors);
    return out.warnings;
  }

  /**
   * load(), with large input worked on by the configuration worker (off-thread.ts) while
   * this thread serves other sessions and devices. Atomic as load() is: the result replaces
   * the candidate only if nothing changed it meanwhile; otherwise the load is done again
   * here, at once, on the candidate as it is now.
   */
  async loadAsync(opts: LoadOptions): Promise<RpcError[]> {
    if (!largeLoad(opts)) return this.load(opts);
    this.checkWritable();
    const base = this.candidate();
    const schema = this.store.opts.schema;
    let answer: WorkerAnswer;
    try {
      answer = await offThread({ kind: 'load', ...(schema ? { family: schema.family } : {}), candidate: base.root, load: opts });
    } catch {
      return this.load(opts);
    }
    if (this.closed) throw rpcErr('session ended');
    if (this.candidate() !== base) return this.load(opts);
    this.checkWritable();
    if ('thrown' in answer) throwAll(rpcErrors(answer.thrown));
    if ('failed' in answer) throw new Error(answer.failed);
    if (!('root' in answer)) return this.load(opts);
    return this.finishLoad({ tree: new ConfigTree(answer.root), warnings: rpcErrors(answer.warnings), errors: rpcErrors(answer.errors), errorsWithWarnings: answer.errorsWithWarnings });
  }

  editConfig(target: 'candidate' | 'running', config: XmlElement, defaultOperation: 'merge' | 'replace' | 'none'): RpcError[] {
    const schema = this.store.opts.schema;
    const incoming = asRpc(() => (schema ? conformTree(parseXmlConfig(config), schema) : parseXmlConfig(config)));
    if (target === 'running') {
      // No :writable-running on Junos; edits of running go through the candidate and a commit.
      if (this.hasUncommittedChanges()) throw rpcErr('configuration database modified');
    }
    const warnings = this.edit((t) => mergeTree(t, incoming, { action: 'replace', defaultOperation, strict: true, ...this.placeOpt() }));
    if (target === 'running') this.commit({});
    return warnings;
  }

  /**
   * editConfig(), a large `<configuration>` read and merged by the configuration worker;
   * atomic as editConfig() is (see loadAsync).
   */
  async editConfigAsync(target: 'candidate' | 'running', config: XmlElement, defaultOperation: 'merge' | 'replace' | 'none'): Promise<RpcError[]> {
    if (!atLeastNodes(config)) return this.editConfig(target, config, defaultOperation);
    const base = this.candidate();
    const schema = this.store.opts.schema;
    let answer: WorkerAnswer;
    try {
      answer = await offThread({ kind: 'edit', ...(schema ? { family: schema.family } : {}), candidate: base.root, config, defaultOperation });
    } catch {
      return this.editConfig(target, config, defaultOperation);
    }
    if (this.closed) throw rpcErr('session ended');
    if (this.candidate() !== base) return this.editConfig(target, config, defaultOperation);
    if ('thrown' in answer) throwAll(rpcErrors(answer.thrown));
    if ('failed' in answer) throw new Error(answer.failed);
    if (!('root' in answer)) return this.editConfig(target, config, defaultOperation);
    // No :writable-running on Junos; edits of running go through the candidate and a commit.
    if (target === 'running' && this.hasUncommittedChanges()) throw rpcErr('configuration database modified');
    this.checkWritable();
    this.replaceCandidate(new ConfigTree(answer.root));
    if (target === 'running') this.commit({});
    return rpcErrors(answer.warnings);
  }

  applyCliLine(line: string): RpcError[] {
    return this.edit((t) => applySetLine(t, line, undefined, this.store.place));
  }

  private placeOpt(): { place?: Placer } {
    return this.store.place ? { place: this.store.place } : {};
  }

  validate(): RpcError[] {
    return checkCandidate(this.candidate(), this.store.opts.schema);
  }

  /**
   * validate(), a large candidate checked by the configuration worker (off-thread.ts);
   * `tree` is the candidate the answer is about (the caller may compare it with the
   * candidate now).
   */
  private async checkedAsync(render = false): Promise<{ problems: RpcError[]; tree: ConfigTree; stored?: { text: string } | { error: RpcError } }> {
    const tree = this.candidate();
    const schema = this.store.opts.schema;
    if (!atLeastNodes(tree.root)) return { problems: this.validate(), tree };
    try {
      const answer = await offThread({ kind: 'check', ...(schema ? { family: schema.family } : {}), candidate: tree.root, render });
      if ('errors' in answer && !('root' in answer)) {
        const stored = answer.stored !== undefined ? { text: answer.stored } : answer.storedError ? { error: new RpcError(answer.storedError) } : undefined;
        return { problems: rpcErrors(answer.errors), tree, ...(stored ? { stored } : {}) };
      }
    } catch {
      // the worker failed: checked here
    }
    return { problems: checkCandidate(tree, schema), tree };
  }

  async validateAsync(): Promise<RpcError[]> {
    return (await this.checkedAsync()).problems;
  }

  /**
   * commit(), its checks of a large candidate made by the configuration worker. The commit
   * itself happens at once, on this thread, and only if the candidate checked is still the
   * candidate (otherwise it is checked again here): atomic as commit() is.
   */
  async commitAsync(opts: CommitOptions): Promise<CommitResult> {
    const { problems, tree, stored } = await this.checkedAsync(!opts.check);
    if (this.closed || this.candidate() !== tree) return this.commit(opts);
    return this.commit(opts, problems, stored);
  }

  /**
   * Commits the candidate. `checked`: its problems, when known (checkedAsync); `stored`: its
   * stored form (renderChecked), or why it has none.
   */
  commit(opts: CommitOptions, checked?: RpcError[], stored?: { text: string } | { error: RpcError }): CommitResult {
    const errors = (checked ?? this.validate()).filter((e) => !e.isWarning);
    // A commit refused by mgd's constraint checks ends as Junos ends it (commit check: check-out).
    if (errors.length) throwAll(opts.check ? errors : errors.map((e) => (e.info.message === CONSTRAINT_CHECKOUT ? new RpcError({ type: 'protocol', tag: 'operation-failed', message: CONSTRAINT_COMMIT }) : e)));
    if (opts.check) return { warnings: [] };
    this.checkWritable();
    const pending = this.store.pending;
    if (pending) {
      throw rpcErr(`commit at ${junosTime(pending.at)} by ${pending.user} is pending: clear system commit cancels it`, 'operation-failed', 'application');
    }
    if (this.priv && this.lockedByOther()) throw this.store.lockDenied(this.lockedByOther() as Session);
    const st = this.store;
    if (this.priv && !this.priv.base.equals(st.active)) {
      throw rpcErr('configuration database modified');
    }
    const tree = this.candidate().clone();
    // Refused before anything changes when it would not read back from disk as committed.
    if (stored && 'error' in stored) throw stored.error;
    const text = stored?.text ?? renderChecked(tree);
    if (opts.atTime !== undefined) {
      if (opts.confirmed) throw rpcErr('commit at cannot be confirmed', 'invalid-value', 'protocol', { badElement: 'confirmed' });
      const at = parseAtTime(opts.atTime, st.now());
      st.schedule({ user: this.user, client: commitClient(this.client), at, ...(opts.log !== undefined ? { log: opts.log } : {}), tree, stored: text });
      return { warnings: [], scheduledAt: at };
    }
    const undo = st.undoPoint();
    const privBefore = this.priv;
    let comment: string | undefined;
    let confirmMinutes: number | undefined;
    if (opts.confirmed) {
      const seconds = opts.confirmTimeoutSeconds ?? (opts.confirmTimeout ?? 10) * 60;
      if (!(seconds > 0 && seconds <= MAX_CONFIRM_SECONDS)) {
        throw rpcErr(`invalid confirm-timeout: ${opts.confirmTimeoutSeconds ?? opts.confirmTimeout}`, 'invalid-value');
      }
      const keep = st.confirm?.previous ?? st.active;
      const keepSeq = st.confirm?.previousSeq ?? st.revisions[0].seq;
      if (st.confirm) clearTimeout(st.confirm.timer);
      const due = Date.now() + Math.round(seconds * 1000);
      st.confirm = { timer: st.armConfirmTimer(due), previous: keep, previousSeq: keepSeq, due, user: this.user };
      confirmMinutes = Math.ceil(seconds / 60);
      comment = `commit confirmed, rollback in ${confirmMinutes}mins`;
    } else if (st.confirm) {
      clearTimeout(st.confirm.timer);
      st.confirm = undefined;
    }
    const pendingConfirm = st.confirm ? { due: st.confirm.due, previous: st.confirm.previousSeq } : undefined;
    const installed = st.install(tree, text, this.user, this.client, opts.log, 'commit', comment, pendingConfirm);
    // Nothing is committed that is not on disk: a failed write takes the commit back.
    const saved = installed.saved.then((failed) => {
      if (failed) {
        undo(installed.rev);
        if (this.priv !== undefined) this.priv = privBefore;
      }
      return failed;
    });
    if (this.priv) {
      this.priv = { tree: st.active.clone(), base: st.active.clone(), changedAt: st.now() };
      if (st.shared.modifiers.size === 0) st.shared = { tree: st.active.clone(), changedAt: st.now(), modifiers: new Set() };
    } else {
      st.shared.modifiers.clear();
    }
    return { warnings: [], saved, ...(confirmMinutes !== undefined ? { confirmMinutes } : {}) };
  }

  commitInformation(): { history: CommitInfo[]; pending?: PendingCommit } {
    const p = this.store.pending;
    return { history: this.store.history(), ...(p ? { pending: { user: p.user, client: p.client, at: p.at, ...(p.log !== undefined ? { log: p.log } : {}) } } : {}) };
  }

  clearPendingCommit(): void {
    this.store.clearPending();
  }

  saveRescue(): Promise<void> {
    return this.store.saveRescue(this.user);
  }

  deleteRescue(): Promise<void> {
    return this.store.deleteRescue();
  }

  rescue(): { text: string; info: RescueInfo } | undefined {
    const r = this.store.rescueConfig;
    if (!r) return undefined;
    return { text: renderText(decodeTree(r.stored), { header: [`## Last commit: ${junosTime(r.time)} by ${r.user}`] }), info: { user: r.user, time: r.time } };
  }

  cancelCommit(): void {
    const st = this.store;
    if (!st.confirm) throw rpcErr('No confirmed commit is pending', 'operation-failed');
    st.confirmExpired('cancel-commit');
  }

  discardChanges(): void {
    if (this.priv) {
      this.priv.tree = this.store.active.clone();
      return;
    }
    this.checkWritable();
    this.store.shared = { tree: this.store.active.clone(), changedAt: this.store.now(), modifiers: new Set() };
  }

  lock(_target: 'candidate' | 'running'): void {
    const st = this.store;
    const other = this.lockedByOther();
    if (other) throw st.lockDenied(other);
    if (st.lockHolder?.session === this) return;
    const othersChanged = [...st.shared.modifiers].some((id) => id !== this.sessionId);
    if (othersChanged && !st.shared.tree.equals(st.active)) {
      throw new RpcError({ type: 'protocol', tag: 'lock-denied', message: 'configuration database modified' });
    }
    st.lockHolder = { session: this, since: st.now() };
  }

  unlock(_target: 'candidate' | 'running'): void {
    const st = this.store;
    if (st.lockHolder?.session !== this) {
      const other = this.lockedByOther();
      if (other) throw st.lockDenied(other);
      throw rpcErr('configuration database not locked');
    }
    this.releaseLock();
  }

  /**
   * Gives the lock back. As on Junos, changes to the shared candidate not committed while it
   * was locked are discarded (unlock, or the session ending): a failed commit leaves nothing
   * behind for the next session.
   */
  private releaseLock(): void {
    const st = this.store;
    if (!this.priv && !st.shared.tree.equals(st.active)) st.shared = { tree: st.active.clone(), changedAt: st.now(), modifiers: new Set() };
    st.lockHolder = undefined;
  }

  openConfiguration(mode: 'private' | 'exclusive' | 'shared'): RpcError[] {
    const st = this.store;
    if (mode === 'private') {
      const other = this.lockedByOther();
      if (other) throw st.lockDenied(other);
      if (!this.priv) {
        if (!st.shared.tree.equals(st.active) && [...st.shared.modifiers].some((id) => id !== this.sessionId)) {
          throw rpcErr('shared configuration database modified');
        }
        this.priv = { tree: st.active.clone(), base: st.active.clone(), changedAt: st.now() };
      }
      this.mode = 'private';
      return [new RpcError({ type: 'protocol', tag: 'operation-failed', severity: 'warning', message: 'uncommitted changes will be discarded on exit' })];
    }
    if (mode === 'exclusive') {
      this.lock('candidate');
      this.mode = 'exclusive';
      return [];
    }
    this.mode = 'shared';
    return [];
  }

  closeConfiguration(): void {
    const st = this.store;
    if (this.mode === 'private') this.priv = undefined;
    if (this.mode === 'exclusive' && st.lockHolder?.session === this) {
      // Exclusive mode discards what was not committed, then gives the lock back.
      if (st.shared.modifiers.has(this.sessionId)) st.shared = { tree: st.active.clone(), changedAt: st.now(), modifiers: new Set() };
      st.lockHolder = undefined;
    }
    this.mode = 'shared';
  }

  hasUncommittedChanges(): boolean {
    return !this.candidate().equals(this.store.active);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeConfiguration();
    if (this.store.lockHolder?.session === this) this.releaseLock();
    this.store.sessions.delete(this);
  }
}

/** Opens (and restores from its state directory) a device's configuration datastore. */
export async function createConfigDatastore(opts: ConfigDatastoreOptions): Promise<JunosDatastore> {
  const store = new Store(opts);
  await store.init();
  return store;
}
