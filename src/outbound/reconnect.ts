/**
 * THE reconnect rule of an outbound-https client, as plain functions (no timers, no
 * sockets) so it is read and tested in one place:
 *
 *   walk     every server once per walk, in the order walkOrder() gives (in-order: from the
 *            first; sticky: from the server in use when the connection was lost);
 *   probe    a server is used only when its probe says it is up (protocols/*: probe);
 *   waittime after a walk that found no server, wait waittime seconds (walkWaitMs); in a
 *            fleet the first wait of a down spell is a random fraction of it (the device's
 *            start phase), so devices whose NMS died together do not come back in step;
 *            `--storm` instead waits to the next multiple of waittime on the clock, so
 *            every device walks again at the same instant;
 *   flap     a link that died young is followed by a short pause (flapPauseMs), so a
 *            flapping server cannot make a hot loop;
 *   re-arm   an Initialize the NMS answers with an error is re-armed at once the first time,
 *            then with a doubling back-off, capped (rearmDelayMs).
 *
 * client-worker.ts runs the walk, protocols/enhanced.ts the re-arm.
 */
import type { ReconnectStrategy } from './config-types.js';

/** A link shorter than this is a flap. */
export const FLAP_PAUSE_MS = 1_000;
/** Longest back-off between failed Initializes. */
export const MAX_REARM_DELAY_MS = 5_000;

/**
 * The order of one walk over `count` servers. in-order always starts from the first;
 * sticky starts from the server in use when the connection was lost and goes on down the
 * list (wrapping round), so every server is tried once per walk.
 */
export function walkOrder(count: number, strategy: ReconnectStrategy, lastUsed: number | undefined): number[] {
  const start = strategy === 'sticky' && lastUsed !== undefined && lastUsed < count ? lastUsed : 0;
  return Array.from({ length: count }, (_, k) => (start + k) % count);
}

/** How a client paces its walks: `spread` (a random start phase) or `storm` (in step). */
export interface WalkPacing {
  /** The first wait of a down spell is `phase` × waittime, `phase` in [0, 1). */
  phase?: number;
  /** Wait until the next multiple of waittime on the clock (`now`, epoch ms). */
  storm?: { now: number };
}

/** How long to wait after a walk that found no server up. */
export function walkWaitMs(cfg: { waittime: number }, pacing: WalkPacing = {}): number {
  const full = cfg.waittime * 1000;
  if (full <= 0) return 0;
  if (pacing.storm) return full - (pacing.storm.now % full);
  if (pacing.phase !== undefined) return Math.floor(full * Math.min(Math.max(pacing.phase, 0), 1));
  return full;
}

/** The pause after a link that lived `lifetimeMs` (0 when it lived long enough). */
export function flapPauseMs(lifetimeMs: number): number {
  return lifetimeMs < FLAP_PAUSE_MS ? FLAP_PAUSE_MS : 0;
}

/** The delay before re-arming after the `failures`-th failed Initialize in a row (1-based). */
export function rearmDelayMs(failures: number): number {
  return Math.min(MAX_REARM_DELAY_MS, failures <= 1 ? 0 : 100 * 2 ** (failures - 2));
}
