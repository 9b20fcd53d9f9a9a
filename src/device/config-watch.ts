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
 * Re-reads the configuration file on SIGHUP and when it changes; a bad file is rejected, the
 * running config stays. One reload is logged once (for a fleet too); a file event that leaves
 * the content as it was is not a reload. When the file's directory is replaced (renamed away
 * and recreated), the watch moves to the new directory and says so; while it is gone, that is
 * logged once and SIGHUP still reloads.
 */
export function watchConfig(configFile: string, reloadWith: ReloadWith, logger: Logger): () => void {
  const file = path.resolve(configFile);
  const dir = path.dirname(file);
  let timer: NodeJS.Timeout | undefined;
  let lastText = readText(file);
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
  let watchedIno: number | undefined;
  let goneLogged = false;
  const arm = (): boolean => {
    watcher?.close();
    watcher = undefined;
    try {
      watchedIno = statSync(dir).ino;
      // Watch the directory: editors replace files by rename.
      watcher = watch(dir, (_event, name) => {
        if (name === path.basename(file)) reload('file changed');
      });
      watcher.on('error', () => check());
      return true;
    } catch (err) {
      watchedIno = undefined;
      if (!goneLogged) logger.warn({ dir, reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message }, 'cannot watch the configuration directory; SIGHUP reloads');
      goneLogged = true;
      return false;
    }
  };
  const check = (): void => {
    let ino: number | undefined;
    try {
      ino = statSync(dir).ino;
    } catch {
      ino = undefined;
    }
    if (ino !== undefined && ino === watchedIno && watcher) return;
    if (ino === undefined) {
      watcher?.close();
      watcher = undefined;
      watchedIno = undefined;
      if (!goneLogged) logger.warn({ dir }, 'the configuration directory is gone; watching resumes when it is back (SIGHUP reloads)');
      goneLogged = true;
      return;
    }
    if (arm()) {
      logger.warn({ dir }, 'the configuration directory was replaced; watching the new one');
      goneLogged = false;
      reload('directory replaced');
    }
  };
  arm();
  const checker = setInterval(check, DIR_CHECK_MS).unref();
  return () => {
    clearTimeout(timer);
    clearInterval(checker);
    process.off('SIGHUP', onHup);
    watcher?.close();
  };
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
