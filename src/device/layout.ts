/**
 * The layout of one process's devices: which of the fleet's devices it runs (a shard runs a
 * block), on how many threads, which of them this thread runs, and where their SSH faces
 * listen. Checked up front: a layout the settings rule out is a usage error before anything starts.
 */
import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import type { AgentConfig } from '../outbound/config.js';
import { fleetPlan, fleetThreads, sshPlaces, threadBlocks, type FleetPlan, type SshPlace } from './fleet.js';
import type { DeviceSettings } from './settings.js';
import { parseUserFlag, type SshUser } from '../ssh/users.js';

/** A block of device numbers, first..last (global numbers of the fleet). */
export interface Block {
  first: number;
  last: number;
}

export interface Layout {
  plan: FleetPlan;
  /** Devices of the whole fleet; "a fleet" is total > 1. */
  total: number;
  fleet: boolean;
  /** Worker threads running this process's devices (`--threads`; 1: none, the main thread runs all). */
  threads: number;
  /** The blocks of the worker threads this thread starts (none unless threaded). */
  workerBlocks: Block[];
  /** The block this thread runs (threaded: the main thread runs the first device only). */
  mine: Block;
  /** The main thread of the process: its control surface, lock and watch serve every thread. */
  main: boolean;
  /** Where device n's SSH face listens, when SSH faces are asked for. */
  sshPlace?: (n: number) => SshPlace;
  /** The SSH faces' password logins (--ssh-user). */
  sshUsers: SshUser[];
}

/** The layout of the settings' devices; `block`: this thread is a worker running that block. */
export function layoutOf(s: DeviceSettings, config: AgentConfig | undefined, block?: Block): Layout {
  const plan = fleetPlan(s, config);
  const fleet = plan.total > 1;
  const threads = fleet && !block ? fleetThreads(s.threads, plan.last - plan.first + 1, availableParallelism()) : 1;
  // A fleet on several threads: the main thread runs its first device only (the library's
  // `device`; the control surface is the main thread's work) and the worker threads the rest,
  // in `threads` blocks: their heaps grow as V8 normally grows them (fleet-threads.ts).
  const blocks = threads > 1 ? threadBlocks(plan.first + 1, plan.last, threads) : [];
  if (s.sshPort !== undefined && !s.sshUser?.length && !s.sshAuthorizedKeys) {
    throw new UsageError('--ssh-port needs at least one --ssh-user NAME:PASSWORD or --ssh-authorized-keys FILE');
  }
  return {
    plan,
    total: plan.total,
    fleet,
    threads,
    workerBlocks: blocks,
    mine: block ?? (threads > 1 ? { first: plan.first, last: plan.first } : { first: plan.first, last: plan.last }),
    main: !block,
    sshPlace: s.sshPort !== undefined ? sshPlaces(s, plan) : undefined,
    sshUsers: (s.sshUser ?? []).map(parseUserFlag),
  };
}
