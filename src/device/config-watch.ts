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
 * Re-reads the configuration file on SIGHUP and when it changes; a bad file is rejected, the
 * running config stays. One reload is logged once (for a fleet too); a file event that leaves
 * the content as it was is not a reload. When the file's directory is replaced (renamed away
 * and recreated), the watch moves to the new directory and says so; while it is gone, that is
 * logged once and SIGHUP still reloads.
 */
export function watchConfig(configFile: string, reloadWith: ReloadWith, logger: Logger, seen: ConfigSnapshot = configSnapshot(configFile)): () => void {
  const file = path.resolve(configFile);
  const dir = path.dirname(file);
  let timer: NodeJS.Timeout | undefined;
  let lastText = seen.text;
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
  const reload = (why: string) => {
    clearTimeout(timer);
    // One reload at a time, in order.
    timer = setTimeout(() => (running = running.then(() => doReload(why))), 100);
  };
  const onHup = () => reload('SIGHUP');
  process.on('SIGHUP', onHup);

  let watcher: FSWatcher | undefined;
  // The directory as the device last read the file from it (compared with what is there now).
  let watchedDir: string | undefined = seen.dir;
  let goneLogged = false;
  /** Watches the directory there now; returns its identity, or undefined when it cannot. */
  const arm = (): string | undefined => {
    watcher?.close();
    watcher = undefined;
    try {
      const id = dirIdentity(dir, true)!;
      // Watch the directory: editors replace files by rename.
      watcher = watch(dir, (event, name) => {
        if (name === path.basename(file)) reload('file changed');
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
      watcher?.close();
      watcher = undefined;
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
      reload('directory replaced');
    }
  };
  // Arm, then catch up with whatever changed since the device read the file.
  check();
  if (timer === undefined && watcher && readText(file) !== lastText) reload('file changed');
  const checker = setInterval(check, DIR_CHECK_MS).unref();
  return () => {
    clearTimeout(timer);
    clearInterval(checker);
    process.off('SIGHUP', onHup);
    watcher?.close();
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
