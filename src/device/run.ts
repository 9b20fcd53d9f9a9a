/**
 * One assembly of devices in progress (assemble.ts): what its parts share (settings, logger,
 * layout, run directory, the devices and agents so far) and how it is taken down again.
 */
import path from 'node:path';
import type { SessionRecorder } from '../record/hook.js';
import { deferredChild, type Logger } from '../log.js';
import type { EmulatedDevice } from '../junos/device.js';
import type { Agent } from '../outbound/agent.js';
import type { AgentConfig } from '../outbound/config.js';
import type { FaultSet } from '../faults/faults.js';
import type { DeviceSettings } from './settings.js';
import type { Layout } from './layout.js';
import type { FleetThreads } from './fleet-threads.js';

type Stop = () => Promise<void> | void;

/**
 * What to undo when the assembly stops: parts started later stop first (sessions before the
 * sockets they use); `atEnd` ones (run directory, lock, control socket) after everything else.
 */
export class Stops {
  private readonly list: Stop[] = [];
  private stopped?: Promise<void>;

  constructor(private readonly logger: Logger) {}

  /** Stops before everything added so far. */
  add(stop: Stop): void {
    this.list.unshift(stop);
  }

  /** Stops after everything added so far, and after everything added with add(). */
  atEnd(stop: Stop): void {
    this.list.push(stop);
  }

  /** Runs every stop once, in order; a failing one is logged and the rest still run. */
  run(): Promise<void> {
    return (this.stopped ??= (async () => {
      for (const s of this.list) {
        try {
          await s();
        } catch (err) {
          this.logger.warn({ reason: (err as Error).message }, 'error while stopping');
        }
      }
    })());
  }
}

/** A device's SSH face as the inventory shows it. */
export interface SshFaceInfo {
  host: string;
  port: number;
  fingerprint: string;
}

/** What the parts of one assembly share. */
export interface Run {
  settings: DeviceSettings;
  logger: Logger;
  /** The NMS to dial, when one is configured. */
  config?: AgentConfig;
  layout: Layout;
  faults: FaultSet;
  /** The state directory (absolute), when one is given. */
  stateDir?: string;
  /** Private files of this run: a directory the session user can traverse but not list. */
  runDir: string;
  stops: Stops;
  startedAt: number;
  /** This thread's devices, their global numbers, agents and SSH faces, in the same order. */
  devices: EmulatedDevice[];
  numbers: number[];
  agents: Agent[];
  sshFaces: SshFaceInfo[];
  /** Sessions open now on each SSH face of this thread. */
  sshSessions: (() => number)[];
  /** Records sessions (--record), or hands them back as they are. */
  recorder: SessionRecorder;
  /** The other threads of a threaded fleet, once started. */
  others?: FleetThreads;
}

/** The logger of device n: tagged with its number in a fleet. */
export function memberLogger(run: Pick<Run, 'logger' | 'layout'>, n: number): Logger {
  return run.layout.fleet ? deferredChild(run.logger, { device: n }) : run.logger;
}

/** Where device n keeps its state: the state directory, device-n of it in a fleet. */
export function memberStateDir(run: Pick<Run, 'stateDir' | 'layout'>, n: number): string | undefined {
  return run.stateDir && run.layout.fleet ? path.join(run.stateDir, `device-${n}`) : run.stateDir;
}
