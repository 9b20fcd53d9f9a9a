/**
 * A large fleet started from the command line runs with the fleet settings (a larger young
 * generation, one malloc arena: src/device/fleet.ts) without the user setting anything: the
 * command starts itself again with them, passes its output, signals and exit code through,
 * and does nothing else. Only the settings need a new process: glibc and V8 read them at start.
 */
import { spawn } from 'node:child_process';
import { fleetNeedsSettings, fleetProcess, parseDevices } from '../device/fleet.js';
import { resolveShard, shardRange } from '../device/shard.js';
import type { DeviceFlags } from '../device/options.js';

/** Devices this process would run (its shard of the fleet); 1 when the flags are bad (the run reports them). */
function devicesHere(f: DeviceFlags): number {
  try {
    const total = parseDevices(f.devices, f.profile ?? 'mx').reduce((n, g) => n + g.count, 0);
    const shard = resolveShard(f.shard);
    return shard ? shardRange(total, shard).size : total;
  } catch {
    return 1;
  }
}

/**
 * If this run needs the fleet settings and lacks them, runs the same command again with
 * them and resolves with its exit code once it ends; else resolves undefined at once.
 */
export function runWithFleetSettings(f: DeviceFlags): Promise<number> | undefined {
  if (f.block || !fleetNeedsSettings(devicesHere(f))) return undefined;
  const { nodeFlags, env } = fleetProcess();
  const child = spawn(process.execPath, [...process.execArgv, ...nodeFlags, ...process.argv.slice(1)], { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null) child.kill(signal);
  };
  for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(s, forward(s));
  return new Promise((resolve) => {
    child.once('error', (err) => {
      process.stderr.write(`nc-grpc-device: could not start the fleet process: ${err.message}\n`);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
  });
}
