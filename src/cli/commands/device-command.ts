/** `nc-grpc-device [flags]`: one emulated device (or a fleet) until SIGTERM/SIGINT. */
import { createLogger } from '../../log.js';
import { startDevice } from '../../device/assemble.js';
import type { DeviceSettings } from '../../device/settings.js';
import { watchFleet } from '../fleet-progress.js';

/** Runs the device until SIGTERM/SIGINT, then ends every session with the stop message and exits 0. */
export async function runDeviceCommand(f: DeviceSettings): Promise<void> {
  const logger = createLogger({ level: f.logLevel, format: f.logFormat, file: f.logFile });
  const running = await startDevice(f, logger);
  // A fleet with an NMS says how many of its devices are in: "137/200 connected".
  const first = running.control.status();
  const fleet = (first.devices ?? 1) > 1 && first.clients.length > 0;
  const watch = fleet ? watchFleet(() => running.control.stateCounts(), logger) : undefined;
  const shutdown = async (signal: string) => {
    watch?.stop();
    logger.info({ signal }, 'terminating: ending every session');
    await running.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
