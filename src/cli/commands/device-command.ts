/** `nc-grpc-device [flags]`: one emulated device (or a fleet) until SIGTERM/SIGINT. */
import { createLogger } from '../../log.js';
import { startDevice } from '../../device/assemble.js';
import type { DeviceSettings } from '../../device/settings.js';
import { watchFleet } from '../fleet-progress.js';
import { startReturningFreeMemory } from '../../native-memory.js';

/** Runs the device until SIGTERM/SIGINT, then ends every session with the stop message and exits 0. */
export async function runDeviceCommand(f: DeviceSettings): Promise<void> {
  const logger = createLogger({ level: f.logLevel, format: f.logFormat, file: f.logFile });
  // The signals are taken before the device starts: one that comes while it starts (its
  // first connection may already be out) ends it as soon as it is up, with exit status 0.
  let stopping: string | undefined;
  let shutdown: ((signal: string) => Promise<void>) | undefined;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = signal;
    void shutdown?.(signal);
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
  const running = await startDevice(f, logger);
  // The command owns its process: native memory its connections freed goes back to the system.
  const trimmer = startReturningFreeMemory(logger);
  // A fleet with an NMS says how many of its devices are in: "137/200 connected".
  const first = running.control.status();
  const fleet = (first.devices ?? 1) > 1 && first.clients.length > 0;
  const watch = fleet && !stopping ? watchFleet(() => running.control.stateCounts(), logger) : undefined;
  shutdown = async (signal: string) => {
    watch?.stop();
    trimmer.stop();
    logger.info({ signal }, 'terminating: ending every session');
    await running.close();
    process.exit(0);
  };
  if (stopping) await shutdown(stopping);
}
