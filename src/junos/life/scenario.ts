/**
 * Scenarios: a YAML timeline of device events for one device or a selection of a fleet,
 * seeded so a run is reproducible (the same seed picks the same devices at the same
 * offsets), run by ONE schedule for the whole fleet (one timer, whatever the fleet's size).
 *
 *   seed: 7
 *   events:
 *     - every: 300s            # repeat (s, m, h; a bare number is seconds)
 *       fraction: 0.02         # 2% of the selected devices, drawn again each time
 *       event: link-flap ge-0/0/1 --for 20
 *     - at: 10m                # once, 10 minutes after the start
 *       devices: 1-50          # numbers, ranges, lists, or all (default)
 *       event: upgrade 22.4R3.25   # pending release, then a reboot onto it
 *     - at: 0
 *       profiles: [mx]
 *       event: traffic ge-0/0/0 5000000
 *
 * Entry keys: `at` or `every` (with `start`, default `every`; `count`, default unbounded;
 * `until`), `devices`, `profiles`, `fraction`, `event` (the `nc-grpc-device event` words as
 * one string). A `link-flap ... --for S` becomes a link-down now and a link-up S later, both
 * on the one schedule.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { EventError, parseEvent, type DeviceEvent } from './events.js';

export interface ScenarioEntry {
  /** Seconds from the start of the first occurrence. */
  start: number;
  /** Seconds between occurrences; 0: once. */
  every: number;
  /** How many occurrences at most (Infinity: unbounded). */
  count: number;
  /** No occurrence after this offset (seconds). */
  until: number;
  devices?: Set<number> | 'all';
  profiles?: string[];
  fraction?: number;
  event: DeviceEvent;
  /** The event as written. */
  text: string;
}

export interface Scenario {
  name: string;
  seed: number;
  entries: ScenarioEntry[];
}

/** A scenario that cannot be read: the message says where. */
export class ScenarioError extends Error {}

const MAX_ENTRIES = 1000;

/** Seconds from `300`, `300s`, `10m`, `1h`, `1.5m`. */
export function parseDuration(v: unknown, where: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v) : null;
  if (!m) throw new ScenarioError(`${where}: not a duration: ${JSON.stringify(v)} (300, 300s, 10m, 1h)`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : m[2] === 'h' ? n * 3600 : n;
}

/** Device numbers from `1-50`, `1,4,7`, `3`, `[1, 2]` or `all`. */
export function parseDeviceSet(v: unknown, where: string): Set<number> | 'all' {
  if (v === 'all') return 'all';
  const parts = Array.isArray(v) ? v.map(String) : typeof v === 'number' ? [String(v)] : typeof v === 'string' ? v.split(',') : undefined;
  if (!parts) throw new ScenarioError(`${where}: devices is a number, a range 1-50, a list or all`);
  const out = new Set<number>();
  for (const p of parts) {
    const m = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(p);
    if (!m) throw new ScenarioError(`${where}: bad device range ${JSON.stringify(p)}`);
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    if (b < a || b - a > 1_000_000) throw new ScenarioError(`${where}: bad device range ${p}`);
    for (let n = a; n <= b; n++) out.add(n);
  }
  return out;
}

/** Splits an event line into words, keeping "quoted parts" whole. */
export function splitWords(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** yaml, loaded when a scenario is first read (a device with none never needs it). */
let yamlParse: ((text: string) => unknown) | undefined;
function parseYaml(text: string): unknown {
  yamlParse ??= (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse;
  return yamlParse(text);
}

/** Reads a scenario file's text (YAML). */
export function parseScenario(text: string, name = 'scenario'): Scenario {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ScenarioError(`${name}: not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ScenarioError(`${name}: a scenario is a mapping with "events" (and "seed")`);
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) if (!['seed', 'events', 'name', 'devices', 'profiles'].includes(k)) throw new ScenarioError(`${name}: unknown key ${k}`);
  const seed = d.seed === undefined ? 1 : Number(d.seed);
  if (!Number.isSafeInteger(seed)) throw new ScenarioError(`${name}: seed must be an integer`);
  if (!Array.isArray(d.events) || d.events.length === 0) throw new ScenarioError(`${name}: "events" must list at least one event`);
  if (d.events.length > MAX_ENTRIES) throw new ScenarioError(`${name}: at most ${MAX_ENTRIES} events`);
  const entries = d.events.map((raw, i): ScenarioEntry => {
    const where = `${name}: events[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new ScenarioError(`${where}: an entry is a mapping (at|every, event, ...)`);
    const e = raw as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!['at', 'every', 'start', 'count', 'until', 'devices', 'profiles', 'fraction', 'event'].includes(k)) throw new ScenarioError(`${where}: unknown key ${k}`);
    if (typeof e.event !== 'string' || !e.event.trim()) throw new ScenarioError(`${where}: "event" is the event's words, e.g. "link-down ge-0/0/1"`);
    let event: DeviceEvent;
    try {
      event = parseEvent(splitWords(e.event));
    } catch (err) {
      throw new ScenarioError(`${where}: ${(err as Error).message}`);
    }
    if (e.at !== undefined && e.every !== undefined) throw new ScenarioError(`${where}: give "at" or "every", not both`);
    const every = e.every !== undefined ? parseDuration(e.every, `${where}.every`) : 0;
    if (e.every !== undefined && every < 1) throw new ScenarioError(`${where}: "every" must be at least 1 s`);
    const start = e.at !== undefined ? parseDuration(e.at, `${where}.at`) : e.start !== undefined ? parseDuration(e.start, `${where}.start`) : every;
    const count = e.count !== undefined ? Number(e.count) : every ? Infinity : 1;
    if (!(count >= 1)) throw new ScenarioError(`${where}: count must be at least 1`);
    const fraction = e.fraction !== undefined ? Number(e.fraction) : undefined;
    if (fraction !== undefined && !(fraction > 0 && fraction <= 1)) throw new ScenarioError(`${where}: fraction is between 0 and 1 (0.02 is 2%)`);
    const devices = e.devices ?? d.devices;
    const profiles = e.profiles ?? d.profiles;
    if (profiles !== undefined && !(Array.isArray(profiles) && profiles.every((p) => typeof p === 'string'))) throw new ScenarioError(`${where}: profiles is a list of profile names`);
    return {
      start,
      every,
      count: every ? count : 1,
      until: e.until !== undefined ? parseDuration(e.until, `${where}.until`) : Infinity,
      ...(devices !== undefined ? { devices: parseDeviceSet(devices, where) } : {}),
      ...(profiles !== undefined ? { profiles: profiles as string[] } : {}),
      ...(fraction !== undefined ? { fraction } : {}),
      event,
      text: e.event.trim(),
    };
  });
  return { name: typeof d.name === 'string' ? d.name : name, seed, entries };
}

/** A device a scenario may act on. */
export interface ScenarioDevice {
  n: number;
  profile: string;
}

/**
 * The devices an occurrence acts on, out of the fleet's (all threads'): the entry's
 * selection, then (with `fraction`) round(fraction x count) of them picked by the seed,
 * the entry and the occurrence: the same on every run, wherever each device runs.
 */
export function selectFor(entry: ScenarioEntry, index: number, occurrence: number, seed: number, fleet: ScenarioDevice[]): number[] {
  let chosen = fleet.filter((d) => (entry.devices === undefined || entry.devices === 'all' || entry.devices.has(d.n)) && (!entry.profiles || entry.profiles.includes(d.profile)));
  if (entry.fraction !== undefined && entry.fraction < 1) {
    const want = Math.max(1, Math.round(entry.fraction * chosen.length));
    const key = (n: number) => createHash('sha256').update(`${seed}/${index}/${occurrence}/${n}`).digest().readUInt32BE(0);
    chosen = chosen
      .map((d) => ({ d, k: key(d.n) }))
      .sort((a, b) => a.k - b.k || a.d.n - b.d.n)
      .slice(0, want)
      .map((x) => x.d)
      .sort((a, b) => a.n - b.n);
  }
  return chosen.map((d) => d.n);
}

/** One thing the schedule does at an offset. */
export interface Occurrence {
  /** Seconds from the start. */
  at: number;
  entry: number;
  occurrence: number;
  event: DeviceEvent;
  devices: number[];
}

export interface SchedulerClock {
  now(): number;
  setTimer(fn: () => void, ms: number): { cancel(): void };
}

const realClock: SchedulerClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.min(ms, 2 ** 31 - 1));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/**
 * Runs a scenario over a fleet with one timer: the next occurrence of every entry sits in
 * one queue; when the earliest is due its devices get the event, and the entry's next
 * occurrence is queued. A link-flap's link-up is queued the same way.
 */
export class ScenarioRunner {
  private readonly queue: { at: number; entry: number; occurrence: number; event: DeviceEvent; devices?: number[] }[] = [];
  private timer?: { cancel(): void };
  private readonly started: number;
  private stopped = false;
  /** Events applied (device x event). */
  applied = 0;
  /** Failures (an interface a profile lacks, a device down...). */
  failed = 0;
  readonly log: Occurrence[] = [];
  private readonly maxLog = 1000;

  constructor(
    readonly scenario: Scenario,
    private readonly fleet: () => ScenarioDevice[],
    private readonly apply: (n: number, event: DeviceEvent) => Promise<unknown>,
    private readonly clock: SchedulerClock = realClock,
  ) {
    this.started = clock.now();
    scenario.entries.forEach((e, i) => this.push({ at: e.start, entry: i, occurrence: 0, event: e.event }));
    this.arm();
  }

  private push(item: ScenarioRunner['queue'][number]): void {
    let k = this.queue.length;
    while (k > 0 && this.queue[k - 1].at > item.at) k--;
    this.queue.splice(k, 0, item);
  }

  /** Seconds from the start to the next occurrence (undefined: the scenario is over). */
  next(): number | undefined {
    return this.queue[0]?.at;
  }

  private arm(): void {
    this.timer?.cancel();
    if (this.stopped || this.queue.length === 0) return;
    const due = this.started + this.queue[0].at * 1000;
    this.timer = this.clock.setTimer(() => void this.fire(), Math.max(0, due - this.clock.now()));
  }

  private async fire(): Promise<void> {
    const elapsed = (this.clock.now() - this.started) / 1000;
    const work: Promise<unknown>[] = [];
    while (!this.stopped && this.queue.length && this.queue[0].at <= elapsed + 0.0005) {
      const item = this.queue.shift()!;
      const entry = this.scenario.entries[item.entry];
      const devices = item.devices ?? selectFor(entry, item.entry, item.occurrence, this.scenario.seed, this.fleet());
      let event = item.event;
      // A flap on the schedule: down now, up later, as two occurrences of the one queue.
      if (event.kind === 'link-flap') {
        this.push({ at: item.at + event.forSeconds, entry: item.entry, occurrence: item.occurrence, event: { kind: 'link-up', ifd: event.ifd }, devices });
        event = { kind: 'link-down', ifd: event.ifd };
      }
      if (this.log.length < this.maxLog) this.log.push({ at: item.at, entry: item.entry, occurrence: item.occurrence, event, devices });
      for (const n of devices) {
        work.push(
          this.apply(n, event).then(
            () => void this.applied++,
            () => void this.failed++,
          ),
        );
      }
      if (!item.devices && entry.every) {
        const nextAt = item.at + entry.every;
        if (item.occurrence + 1 < entry.count && nextAt <= entry.until) this.push({ at: nextAt, entry: item.entry, occurrence: item.occurrence + 1, event: entry.event });
      }
    }
    this.arm();
    await Promise.all(work);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }
}

export { EventError };
