/**
 * Device events for the control socket (`POST /event`, `nc-grpc-device event`) and the
 * library: which devices a selector names, and the event applied to each of them.
 *
 * Selector (`--device`): a device number (`3`), a range (`1-50`), a list (`1,4,7`), `all`,
 * a host name or a device-id; none: the only device (a fleet needs one).
 */
import type { EmulatedDevice } from '../junos/device.js';
import { EventError, eventsIfAny, eventsOf, parseEvent } from '../junos/life/events.js';
import type { EventControl } from '../status/control.js';
import { parseScenario, ScenarioRunner } from '../junos/life/scenario.js';
import type { EventResult } from './fleet-threads.js';

/** The event surface of a process: this thread's devices, and the other threads' through `others`. */
export interface DeviceEvents extends EventControl {
  /** Applies an event to this thread's devices that the selector names (none: an empty answer). */
  applyHere(words: string[], selector: string): Promise<EventResult[]>;
  stop(): void;
}

/** The other threads of a threaded fleet, as the events see them. */
export interface OtherThreads {
  event(words: string[], selector: string): Promise<EventResult[]>;
}

export interface EventTarget {
  n: number;
  device: EmulatedDevice;
  /** The device-ids its clients send. */
  deviceIds(): string[];
}

/** The devices a selector names (an error names what is wrong). */
export function selectDevices(targets: EventTarget[], selector: string | undefined, total: number): EventTarget[] {
  if (selector === undefined || selector === '') {
    if (targets.length === 1 && total === 1) return targets;
    throw new EventError(`this process runs ${total} devices: name one with --device N (a number, a range 1-50, all, a host name or a device-id)`);
  }
  if (selector === 'all') return targets;
  const numbers = new Set<number>();
  if (/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(selector)) {
    for (const part of selector.split(',')) {
      const [a, b] = part.split('-').map(Number);
      const last = b ?? a;
      if (last < a || last - a > 1_000_000) throw new EventError(`bad device range ${part}`);
      for (let n = a; n <= last; n++) numbers.add(n);
    }
    const found = targets.filter((t) => numbers.has(t.n));
    if (found.length === 0) throw new EventError(`no device ${selector} in this process (devices ${targets[0]?.n ?? 1}-${targets[targets.length - 1]?.n ?? total}${targets.length < total ? ' of this thread' : ''})`);
    return found;
  }
  const found = targets.filter((t) => t.device.hostname === selector || t.device.identity === selector || t.deviceIds().includes(selector));
  if (found.length === 0) throw new EventError(`no device named ${selector.slice(0, 100)} in this process`);
  return found;
}

/** Applies an event to each chosen device; one device's refusal is that device's result when several were chosen. */
async function applyTo(chosen: EventTarget[], words: string[]): Promise<EventResult[]> {
  const ev = parseEvent(words);
  const out: EventResult[] = [];
  for (const t of chosen) {
    try {
      out.push({ device: t.n, hostname: t.device.hostname, result: await eventsOf(t.device).apply(ev) });
    } catch (err) {
      if (chosen.length === 1) throw err;
      out.push({ device: t.n, hostname: t.device.hostname, result: `error: ${(err as Error).message}` });
    }
  }
  return out;
}

/**
 * The control socket's event surface over this process's devices: this thread's, and in a
 * threaded fleet every other thread's too (`others`: each applies the event to its own).
 */
export function eventControl(targets: () => EventTarget[], total: number, others: () => OtherThreads | undefined = () => undefined): DeviceEvents {
  const runners: ScenarioRunner[] = [];
  const byNumber = () => new Map(targets().map((t) => [t.n, t]));
  const applyHere = async (words: string[], selector: string): Promise<EventResult[]> => {
    const mine = targets();
    let chosen: EventTarget[];
    try {
      chosen = selectDevices(mine, selector, total);
    } catch (err) {
      // None of this thread's devices: another thread's, or nobody's (the caller says so).
      if (err instanceof EventError && /^no device/.test(err.message)) return [];
      throw err;
    }
    return applyTo(chosen, words);
  };

  return {
    stop() {
      for (const r of runners) r.stop();
    },
    scenarios() {
      return runners.map((r) => ({ name: r.scenario.name, seed: r.scenario.seed, entries: r.scenario.entries.length, applied: r.applied, failed: r.failed, next: r.next() }));
    },
    async runScenario(text, name) {
      const scenario = parseScenario(text, name);
      // One schedule for the whole fleet (this thread's devices), one timer.
      let index = byNumber();
      const runner = new ScenarioRunner(
        scenario,
        () => {
          index = byNumber();
          return [...index.values()].map((t) => ({ n: t.n, profile: t.device.profile.name }));
        },
        async (n, ev) => {
          const t = index.get(n);
          if (t) await eventsOf(t.device).apply(ev);
        },
      );
      runners.push(runner);
      return { name: scenario.name, seed: scenario.seed, entries: scenario.entries.length, devices: index.size };
    },
    async apply(words, selector) {
      parseEvent(words);
      const threads = others();
      if (!threads || selector === undefined || selector === '') return applyTo(selectDevices(targets(), selector, total), words);
      // A threaded fleet: every thread applies it to the devices of its own that the selector names.
      const here = await applyHere(words, selector);
      const there = await threads.event(words, selector);
      const all = [...here, ...there].sort((a, b) => a.device - b.device);
      if (all.length === 0) throw new EventError(`no device ${selector.slice(0, 100)} in this fleet of ${total}`);
      return all;
    },
    applyHere,
    counts() {
      const total: Record<string, number> = {};
      for (const t of targets()) {
        for (const [k, v] of eventsIfAny(t.device)?.applied ?? []) total[k] = (total[k] ?? 0) + v;
      }
      return total;
    },
  };
}
