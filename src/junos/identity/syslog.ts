/**
 * The device's synthesised syslog (`show log messages`): a small ring buffer of events the
 * emulator records (boot, interface link-ups from the profile, logins and logouts of
 * NETCONF and cli sessions), merged at read time with the commit history (UI_COMMIT
 * lines), in the `/var/log/messages` layout of Junos.
 */
const RING = 500;

export interface SyslogEvent {
  /** Epoch milliseconds. */
  time: number;
  /** `mgd[1234]`, `sshd[..]`, `mib2d[..]`. */
  process: string;
  text: string;
}

export interface Syslog {
  record(e: SyslogEvent): void;
  /** Called with each line recorded, sessions' and the boot's too (syslog out: life/syslog-out.ts). */
  onRecord?: (e: SyslogEvent) => void;
  /** A NETCONF or cli session's login or logout (kept as its parts; the line is made when read). */
  session(e: SessionEvent): void;
  /** The boot: mgd's start and a link-up per interface (one entry; its lines made when read). */
  boot(time: number, interfaces: readonly { name: string }[]): void;
  /** Commits as (time, user, client, log), newest first; set by the device. */
  commits?: () => { time: number; user: string; client: string; log?: string }[];
  /** Events and commits in time order, as `messages` lines. */
  lines(host: string): string[];
}

export interface SessionEvent {
  time: number;
  /** The session id (the mgd pid of Junos). */
  id: number;
  user: string;
  client?: string;
  login: boolean;
}

interface BootEvent {
  time: number;
  interfaces: readonly { name: string }[];
}

/** What the ring holds besides sessions: events as recorded, and the boot as its parts. */
type Other = SyslogEvent | BootEvent;
type Entry = Other | SessionEvent;

/** Lines an entry stands for. */
function size(e: Entry): number {
  return 'interfaces' in e ? 1 + e.interfaces.length : 1;
}

function expand(e: Entry): SyslogEvent[] {
  if ('interfaces' in e) {
    return [
      { time: e.time, process: 'mgd[5061]', text: "UI_CHILD_START: Starting child '/usr/sbin/mgd'" },
      ...e.interfaces.map((i, n) => ({ time: e.time, process: 'mib2d[2121]', text: `SNMP_TRAP_LINK_UP: ifIndex ${500 + n}, ifAdminStatus up(1), ifOperStatus up(2), ifName ${i.name}` })),
    ];
  }
  if ('login' in e) {
    const text = e.login
      ? `UI_LOGIN_EVENT: User '${e.user}' login, class 'j-super-user' [${e.id}], ssh-connection '${e.client ?? ''}', client-mode '${e.client === 'cli' ? 'cli' : 'junoscript'}'`
      : `UI_LOGOUT_EVENT: User '${e.user}' logout`;
    return [{ time: e.time, process: `mgd[${e.id}]`, text }];
  }
  return [e];
}

/**
 * The (user, client, login) of session events, each once per thread: a session event in a
 * ring is its time, its id and the index of these here.
 */
const sessionKinds: { user: string; client?: string; login: boolean }[] = [];
const sessionKindIndex = new Map<string, number>();
function sessionKind(e: SessionEvent): number {
  const key = `${e.login ? 1 : 0}\u0000${e.user}\u0000${e.client ?? '\u0001'}`;
  let k = sessionKindIndex.get(key);
  if (k === undefined) {
    k = sessionKinds.length;
    sessionKinds.push({ user: e.user, client: e.client, login: e.login });
    sessionKindIndex.set(key, k);
  }
  return k;
}

/** The most entries a ring holds: each entry is one line at least, and the ring keeps RING lines. */
const MAX_ENTRIES = 512;

/**
 * The newest RING lines' entries, oldest first, in typed arrays: a device polled every
 * minute records two session events a minute, for hours, in every device of a fleet; as
 * objects they cost some 70 bytes each and a fleet's memory would grow for hours, as a
 * time, an id and a kind 20. The few other entries (the boot, recorded events) are objects
 * beside them, in the same order. The arrays grow by doubling, to
 * MAX_ENTRIES.
 */
class Ring {
  private times = new Float64Array(4);
  /** A session event's id; NaN for another entry (in `others`). */
  private ids = new Float64Array(4);
  private kinds = new Uint32Array(4);
  /** Where the oldest entry is, and how many there are. */
  private head = 0;
  private count = 0;
  private lines = 0;
  /** Entries other than sessions, oldest first (in the arrays' order: the NaN ids). */
  private others: Other[] = [];

  add(e: Entry): void {
    if (this.count === this.times.length) this.grow();
    const at = (this.head + this.count) % this.times.length;
    this.times[at] = e.time;
    if ('login' in e) {
      this.ids[at] = e.id;
      this.kinds[at] = sessionKind(e);
    } else {
      this.ids[at] = NaN;
      this.others.push(e);
    }
    this.count++;
    this.lines += size(e);
    while (this.lines > RING && this.count > 1) this.dropOldest();
  }

  private dropOldest(): void {
    // A session event is one line; another entry is the oldest of `others`.
    this.lines -= Number.isNaN(this.ids[this.head]) ? size(this.others.shift()!) : 1;
    this.head = (this.head + 1) % this.times.length;
    this.count--;
  }

  private grow(): void {
    const cap = Math.min(MAX_ENTRIES, this.times.length * 2);
    if (cap === this.times.length) throw new Error('syslog ring full'); // unreachable: lines bound the entries
    const copy = <T extends Float64Array | Uint32Array>(a: T, b: T): T => {
      for (let i = 0; i < this.count; i++) b[i] = a[(this.head + i) % a.length];
      return b;
    };
    this.times = copy(this.times, new Float64Array(cap));
    this.ids = copy(this.ids, new Float64Array(cap));
    this.kinds = copy(this.kinds, new Uint32Array(cap));
    this.head = 0;
  }

  get oldestTime(): number | undefined {
    return this.count ? this.times[this.head] : undefined;
  }

  /** Every entry's lines, oldest first. */
  events(): SyslogEvent[] {
    const out: SyslogEvent[] = [];
    let other = 0;
    for (let i = 0; i < this.count; i++) {
      const at = (this.head + i) % this.times.length;
      const id = this.ids[at];
      if (Number.isNaN(id)) {
        out.push(...expand(this.others[other++]));
      } else {
        const k = sessionKinds[this.kinds[at]];
        out.push(...expand({ time: this.times[at], id, user: k.user, client: k.client, login: k.login }));
      }
    }
    return out;
  }
}

const logs = new WeakMap<object, Syslog>();

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The syslog of a device (made on first use). */
export function syslogOf(device: object): Syslog {
  let s = logs.get(device);
  if (!s) {
    const ring = new Ring();
    const add = (e: Entry): void => {
      ring.add(e);
      // Lines are made here only when someone listens (syslog out).
      if (log.onRecord) for (const line of expand(e)) log.onRecord(line);
    };
    const log: Syslog = {
      record: add,
      session: add,
      boot: (time, interfaces) => add({ time, interfaces }),
      lines(host) {
        const commits = (log.commits?.() ?? []).map((c) => ({
          time: c.time,
          process: 'mgd[5061]',
          text: `UI_COMMIT: User '${c.user}' requested 'commit' operation (comment: ${c.log ?? 'none'})`,
        }));
        const oldest = ring.oldestTime ?? 0;
        const all = [...ring.events(), ...commits.filter((c) => c.time >= oldest)].sort((a, b) => a.time - b.time);
        return all.map((e) => `${stamp(e.time)}  ${host} ${e.process}: ${e.text}`);
      },
    };
    logs.set(device, log);
    s = log;
  }
  return s;
}
