/**
 * Progress of a fleet dialling in, for the person who started it: on a terminal one live
 * line on stderr ("fleet: 137/200 connected (probing 63)"), ending with "200/200 connected in
 * 4.2s"; otherwise log lines (every few seconds while it changes, and once when all are
 * connected). After that it keeps watching, quietly, and reports a fleet that loses devices
 * and comes back.
 */
import type { Logger } from '../log.js';
import type { ClientState } from '../status/types.js';
import { ProgressLine } from './progress.js';

export interface FleetWatch {
  stop(): void;
}

/** Fast polling while devices connect, slower once all are in. */
const FAST_MS = 250;
const SLOW_MS = 2_000;

/**
 * `counts` is asked every FAST_MS while devices connect: it counts states (a whole status
 * of a fleet of thousands, every quarter second, was a noticeable part of its start CPU).
 */
export function watchFleet(counts: () => { clients: number; byState: Partial<Record<ClientState, number>> }, logger: Logger, opts: { stream?: NodeJS.WriteStream; tty?: boolean } = {}): FleetWatch {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? stream.isTTY === true;
  const line = tty ? new ProgressLine(stream, { tty: true }) : undefined;
  let since = Date.now();
  let complete = false;
  let everComplete = false;
  let lastPlain = 0;
  let lastText = '';
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const tick = (): void => {
    if (stopped) return;
    const sum = counts();
    const total = sum.clients;
    const connected = sum.byState.connected ?? 0;
    const seconds = ((Date.now() - since) / 1000).toFixed(1);
    if (total > 0 && connected === total) {
      if (!complete) {
        complete = true;
        const text = `fleet: ${connected}/${total} connected ${everComplete ? 'again after' : 'in'} ${seconds}s`;
        if (line) line.done(text);
        logger[line ? 'debug' : 'info']({ connected, total, seconds: Number(seconds) }, everComplete ? 'fleet connected again' : 'fleet connected');
        everComplete = true;
      }
    } else if (total > 0) {
      if (complete) {
        complete = false;
        since = Date.now();
      }
      const others = Object.entries(sum.byState)
        .filter(([k, v]) => k !== 'connected' && v)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      const text = `fleet: ${connected}/${total} connected${others ? ` (${others})` : ''}`;
      if (line) line.update(`${text} ${seconds}s`);
      else if (text !== lastText && Date.now() - lastPlain >= 5_000) {
        lastPlain = Date.now();
        lastText = text;
        logger.info({ connected, total, byState: sum.byState }, 'fleet progress');
      }
    }
    timer = setTimeout(tick, complete ? SLOW_MS : FAST_MS);
    timer.unref();
  };
  timer = setTimeout(tick, FAST_MS);
  timer.unref();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      line?.clear();
    },
  };
}
