/**
 * The contract between the NETCONF server (and the emulated cli) and the configuration
 * datastore. One ConfigDatastore per emulated device; one ConfigSession per NETCONF or
 * cli session. Errors are thrown as RpcError (../rpc-error.ts); warnings are returned.
 */
import type { RpcError } from '../../netconf/rpc-error.js';
import type { XmlElement } from '../../netconf/xml.js';
import type { Schema } from '../../schema/index.js';
import type { ConfigTree } from './tree.js';

export type ConfigFormat = 'xml' | 'text' | 'set' | 'json';
export type LoadAction = 'merge' | 'replace' | 'override' | 'update' | 'set';
export type Database = 'committed' | 'candidate';

export interface GetConfigOptions {
  database: Database;
  format: ConfigFormat;
  /** A <configuration> subtree filter (Junos get-configuration child, or base subtree filter). */
  filter?: XmlElement;
  /**
   * A statement path as `show configuration` takes it (`['interfaces','ge-0/0/0','unit','0']`):
   * only that statement, with its ancestors; an empty configuration when it is absent.
   * Applied before `filter`.
   */
  path?: string[];
  /** compare="rollback": the text diff between rollback N and the candidate (or committed). */
  compareRollback?: number;
  /**
   * inherit="inherit" (or "defaults"): the configuration with its groups applied, as
   * `show configuration | display inheritance` shows it, without `groups`/`apply-groups`.
   */
  inherit?: 'inherit' | 'defaults';
  /** groups="groups" with inherit: inherited statements carry junos:group="NAME" (xml, json). */
  groups?: boolean;
}

export interface LoadOptions {
  action: LoadAction;
  format: ConfigFormat;
  /** For xml: the <configuration> element. */
  xml?: XmlElement;
  /** For text, set or json: the raw text. */
  text?: string;
  /** load rollback N into the candidate instead of content. */
  rollback?: number;
  /** load the rescue configuration into the candidate (`rescue="rescue"`, cli `rollback rescue`). */
  rescue?: boolean;
}

export interface CommitOptions {
  check?: boolean;
  confirmed?: boolean;
  /** Minutes (commit-configuration); Junos default 10. */
  confirmTimeout?: number;
  /** Seconds (base NETCONF `<commit><confirm-timeout>`, RFC 6241); wins over confirmTimeout. */
  confirmTimeoutSeconds?: number;
  log?: string;
  synchronize?: boolean;
  atTime?: string;
}

export interface CommitResult {
  /** Warnings to include in <commit-results>. */
  warnings: RpcError[];
  /**
   * Resolves once the commit is on disk (at once without a state directory), or to an
   * error when it could not be written: the commit was then taken back (nothing is
   * committed that is not on disk). A reply to a commit waits for it; it never rejects.
   */
  saved?: Promise<RpcError | undefined>;
  /** A commit confirmed: minutes until it is rolled back unless confirmed. */
  confirmMinutes?: number;
  /** A commit at: when (epoch ms) the scheduled commit runs; nothing was committed yet. */
  scheduledAt?: number;
}

/** What a finished commit leaves in the rollback history. */
export interface CommitInfo {
  /** 0 is the active configuration. */
  index: number;
  user: string;
  /** Epoch milliseconds. */
  time: number;
  /** How the commit came: `cli`, `netconf`, `junoscript` or `other` (Junos's "via ..."). */
  client: string;
  /** The user's comment. */
  log?: string;
  /** The system's note (`commit confirmed, rollback in 5mins`, `commit confirmed rollback`). */
  comment?: string;
}

/** A `commit at` waiting for its time. */
export interface PendingCommit {
  user: string;
  client: string;
  /** Epoch ms when it runs. */
  at: number;
  log?: string;
}

/** The rescue configuration: when it was saved and by whom. */
export interface RescueInfo {
  user: string;
  time: number;
}

export interface ConfigSession {
  readonly sessionId: number;
  /**
   * Rendered configuration:
   *  xml  -> `<configuration ...>...</configuration>` with junos:commit-* attributes (committed)
   *  text -> curly-brace text (caller wraps it in <configuration-text>)
   *  set  -> set commands, one per line (caller wraps it in <configuration-set>)
   *  json -> Junos JSON text (caller puts it as rpc-reply text)
   *  with compareRollback: the `show | compare rollback N` text diff (caller wraps it in
   *  <configuration-information><configuration-output>).
   */
  getConfiguration(opts: GetConfigOptions): string;
  /** Loads into the candidate (or this session's private candidate). Returns warnings. */
  load(opts: LoadOptions): RpcError[];
  /** Base NETCONF edit-config (operation attributes merge|replace|create|delete|remove). */
  editConfig(target: 'candidate' | 'running', config: XmlElement, defaultOperation: 'merge' | 'replace' | 'none'): RpcError[];
  /** Runs one `set`/`delete`/... line of configuration mode (the cli's configure). */
  applyCliLine(line: string): RpcError[];
  validate(): RpcError[];
  commit(opts: CommitOptions): CommitResult;
  /**
   * load, validate and commit that let other sessions and devices run meanwhile: large
   * input or a large candidate is worked on off the thread (same answers, same atomicity).
   * RPC handlers use these when present.
   */
  loadAsync?(opts: LoadOptions): Promise<RpcError[]>;
  editConfigAsync?(target: 'candidate' | 'running', config: XmlElement, defaultOperation: 'merge' | 'replace' | 'none'): Promise<RpcError[]>;
  validateAsync?(): Promise<RpcError[]>;
  commitAsync?(opts: CommitOptions): Promise<CommitResult>;
  /**
   * Base NETCONF `<cancel-commit/>`: undoes a pending commit confirmed now (the
   * configuration before it becomes active again). Throws when none is pending.
   */
  cancelCommit?(): void;
  discardChanges(): void;
  /** The commit history (as ConfigDatastore.history) and the pending `commit at`, if any. */
  commitInformation?(): { history: CommitInfo[]; pending?: PendingCommit };
  /** Cancels the pending `commit at`; throws when none is pending. */
  clearPendingCommit?(): void;
  /** Saves the active configuration as the rescue configuration (on disk before it resolves). */
  saveRescue?(): Promise<void>;
  /** Deletes the rescue configuration (nothing when there is none). */
  deleteRescue?(): Promise<void>;
  /** The rescue configuration as text, and when it was saved; undefined when there is none. */
  rescue?(): { text: string; info: RescueInfo } | undefined;
  /** Exclusive lock of the candidate (`lock-configuration`, base `<lock>`). */
  lock(target: 'candidate' | 'running'): void;
  unlock(target: 'candidate' | 'running'): void;
  /** open-configuration private|exclusive|shared; returns the Junos warnings. */
  openConfiguration(mode: 'private' | 'exclusive' | 'shared'): RpcError[];
  closeConfiguration(): void;
  /** True when the candidate this session edits differs from the committed configuration. */
  hasUncommittedChanges(): boolean;
  /** Ends the session: releases its locks, discards its private candidate. */
  close(): void;
}

export interface ConfigDatastore {
  openSession(sessionId: number, user: string, client?: string): ConfigSession;
  /** Rollback history, newest first (index 0 is the active configuration). */
  history(): CommitInfo[];
  /** Stops timers (commit confirmed) and flushes to disk. */
  close(): Promise<void>;
}

export interface ConfigDatastoreOptions {
  /** Where committed configuration and rollbacks are kept; none means memory only. */
  stateDir?: string;
  /** The factory-default configuration (text or XML) when the state directory is empty. */
  initialConfig: { format: 'text' | 'xml' | 'set'; content: string };
  /**
   * The factory configuration already parsed, with its stored form (config/factory.ts: a
   * copy of a tree parsed once per profile); the datastore keeps the tree. Without it,
   * initialConfig is parsed.
   */
  initialCopy?: () => { tree: ConfigTree; stored: string };
  /** Device clock (for commit times and confirmed-commit timers); defaults to Date.now. */
  now?: () => number;
  /** What holds the state directory's lock (named to a second process refused it). */
  owner?: string;
  /** The state directory's lock, already taken by the caller (a lazily built datastore); released by close(). */
  heldLock?: { release(): void; readonly readOnly?: string };
  /** One-line reports (a skipped damaged revision, a failed save); default: stderr. */
  report?: (line: string) => void;
  /**
   * The Junos schema of the device's family: every edit is checked against it (an edit
   * with errors leaves the candidate unchanged) and commits run its commit-time checks.
   * Without it only the schema-free checks apply.
   */
  schema?: Schema;
  /** The time of the factory revision when one is made (a datastore rebuilt keeps its first time); now by default. */
  initialTime?: number;
}
