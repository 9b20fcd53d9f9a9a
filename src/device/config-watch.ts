/**
 * Live reload: the device re-reads its configuration file on SIGHUP and when the file changes.
 */
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';

/**
 * Reads the file again and applies it; resolves to what changed (names per kind of change,
 * for the one log line of the reload), throws when the file is rejected.
 */
export type ReloadWith = () => Promise<Record<string, string[]>>;

/** How often the watcher checks that the configuration file's directory is still the one watched. */
const DIR_CHECK_MS = 1000;

/**
 * The configuration file as the device read it: its text and its directory's identity
 * (device, inode and birth time, so a directory recreated on a reused inode is still a new
 * one). Taken before the device reads the file, so that whatever changes between that read
 * and the watch being armed (an edit, a replaced directory) is still seen as a change.
 */
export interface ConfigSnapshot {
  text: string | undefined;
  dir: string | undefined;
}

export function configSnapshot(configFile: string): ConfigSnapshot {
  const file = path.resolve(configFile);
  return { text: readText(file), dir: dirIdentity(path.dirname(file)) };
}

/**
 * Reloads one at a time, in order, each a moment after its last cause (a save is several
 * file events); a file event that leaves the content as it was is not a reload.
 */
function reloader(configFile: string, reloadWith: ReloadWith, logger: Logger, seenText: string | undefined) {
  const file = path.resolve(configFile);
  let timer: NodeJS.Timeout | undefined;
  let lastText = seenText;
  let running: Promise<void> = Promise.resolve();
  const doReload = async (why: string): Promise<void> => {
    const text = readText(file);
    if (why !== 'SIGHUP' && text !== undefined && text === lastText) {
      logger.debug({ why, file: configFile }, 'configuration file unchanged; nothing to reload');
      return;
    }
    lastText = text;
    try {
      const total = await reloadWith();
      logger.info({ why, ...total }, 'configuration reloaded');
    } catch (err) {
      logger.error({ why, file: configFile, reason: (err as Error).message }, 'configuration rejected; the running configuration stays');
    }
  };
  return {
    reload(why: string): void {
      clearTimeout(timer);
      timer = setTimeout(() => (running = running.then(() => doReload(why))), 100);
    },
    /** A reload is due already. */
    pending: () => timer !== undefined,
    /** The file differs from what was last read. */
    changed: () => readText(file) !== lastText,
    cancel: () => clearTimeout(timer),
  };
}

/**
 * Watches the directory of `file` (editors replace files by rename): `onChange` for an event
 * on the file, or with 'directory replaced' when the directory was renamed away and
 * recreated. While it is gone, that is logged once. check() looks again.
 */
function directoryWatch(file: string, seenDir: string | undefined, onChange: (why: string) => void, logger: Logger) {
  const dir = path.dirname(file);
  let watcher: FSWatcher | undefined;
  // The directory as the device last read the file from it (compared with what is there now).
  let watchedDir: string | undefined = seenDir;
  let goneLogged = false;
  const close = (): void => {
    watcher?.close();
    watcher = undefined;
  };
  /** Watches the directory there now; returns its identity, or undefined when it cannot. */
  const arm = (): string | undefined => {
    close();
    try {
      const id = dirIdentity(dir, true)!;
      watcher = watch(dir, (event, name) => {
        if (name === path.basename(file)) onChange('file changed');
        // The directory itself may have been renamed away: see what is there now.
        else if (event === 'rename') check();
      });
      // The watched directory was removed or renamed away: see what is there now.
      watcher.on('error', () => check());
      return id;
    } catch (err) {
      if (!goneLogged) logger.warn({ dir, reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message }, 'cannot watch the configuration directory; SIGHUP reloads');
      goneLogged = true;
      return undefined;
    }
  };
  const check = (): void => {
    const id = dirIdentity(dir);
    if (id !== undefined && id === watchedDir && watcher) return;
    if (id === undefined) {
      close();
      watchedDir = undefined;
      if (!goneLogged) logger.warn({ dir }, 'the configuration directory is gone; watching resumes when it is back (SIGHUP reloads)');
      goneLogged = true;
      return;
    }
    const replaced = watchedDir !== undefined && id !== watchedDir;
    const armed = arm();
    if (armed === undefined) return;
    const wasGone = watchedDir === undefined;
    watchedDir = armed;
    if (replaced || wasGone) {
      logger.warn({ dir }, 'the configuration directory was replaced; watching the new one');
      goneLogged = false;
      onChange('directory replaced');
    }
  };
  return { check, close, watching: () => watcher !== undefined };
}

/**
 * Re-reads the configuration file on SIGHUP and when it changes; a bad file is rejected, the
 * running config stays. One reload is logged once (for a fleet too). When the file's
 * directory is replaced (renamed away and recreated), the watch moves to the new directory
 * and says so; while it is gone, that is logged once and SIGHUP still reloads.
 */
export function watchConfig(configFile: string, reloadWith: ReloadWith, logger: Logger, seen: ConfigSnapshot = configSnapshot(configFile)): () => void {
  const reloads = reloader(configFile, reloadWith, logger, seen.text);
  const onHup = () => reloads.reload('SIGHUP');
  process.on('SIGHUP', onHup);
  const dir = directoryWatch(path.resolve(configFile), seen.dir, (why) => reloads.reload(why), logger);
  // Arm, then catch up with whatever changed since the device read the file.
  dir.check();
  if (!reloads.pending() && dir.watching() && reloads.changed()) reloads.reload('file changed');
  const checker = setInterval(dir.check, DIR_CHECK_MS).unref();
  return () => {
    reloads.cancel();
    clearInterval(checker);
    process.off('SIGHUP', onHup);
    dir.close();
  };
}

/** A directory's identity: device, inode and birth time (undefined when it is not there). */
function dirIdentity(dir: string, throwIfGone = false): string | undefined {
  try {
    const st = statSync(dir, { bigint: true });
    return `${st.dev}:${st.ino}:${st.birthtimeNs}`;
  } catch (err) {
    if (throwIfGone) throw err;
    return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
