/** `nc-grpc-device [flags]`: one emulated device (or a fleet) until SIGTERM/SIGINT. */
import { createLogger } from '../../log.js';
import { startDevice, type DeviceFlags } from '../../device/assemble.js';

/** Runs the device until SIGTERM/SIGINT, then ends every session with the stop message and exits 0. */
export async function runDeviceCommand(f: DeviceFlags): Promise<void> {
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
