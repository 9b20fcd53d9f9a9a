/** `nc-grpc-device [flags]`: one emulated device (or a fleet) until SIGTERM/SIGINT. */
import { createLogger } from '../../log.js';
import { startDevice, type DeviceFlags } from '../../device/assemble.js';
import { runWithFleetSettings } from '../fleet-reexec.js';

/** Runs the device until SIGTERM/SIGINT, then ends every session with the stop message and exits 0. */
export async function runDeviceCommand(f: DeviceFlags): Promise<void> {
  // A large fleet runs in a process of its own with the fleet settings; this one only waits.
  const relayed = runWithFleetSettings(f);
  if (relayed) {
    process.exitCode = await relayed;
    return;
  }
  const logger = createLogger({ level: f.logLevel, format: f.logFormat, file: f.logFile });
  const running = await startDevice(f, logger);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'terminating: ending every session');
    await running.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
