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

/**
 * What the ring holds: events as recorded, or as their parts (a device polled every minute
 * records two session events a minute: as parts they share their strings, not a line each).
 */
type Entry = SyslogEvent | SessionEvent | BootEvent;

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
    const ring: Entry[] = [];
    let lines = 0;
    const add = (e: Entry): void => {
      ring.push(e);
      lines += size(e);
      while (lines > RING && ring.length > 1) lines -= size(ring.shift()!);
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
        const oldest = ring[0]?.time ?? 0;
        const all = [...ring.flatMap(expand), ...commits.filter((c) => c.time >= oldest)].sort((a, b) => a.time - b.time);
        return all.map((e) => `${stamp(e.time)}  ${host} ${e.process}: ${e.text}`);
      },
    };
    logs.set(device, log);
    s = log;
  }
  return s;
}
