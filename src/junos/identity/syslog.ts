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
  /** Called with each event recorded (syslog out: life/syslog-out.ts). */
  onRecord?: (e: SyslogEvent) => void;
  /** Commits as (time, user, client, log), newest first; set by the device. */
  commits?: () => { time: number; user: string; client: string; log?: string }[];
  /** Events and commits in time order, as `messages` lines. */
  lines(host: string): string[];
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
    const ring: SyslogEvent[] = [];
    const log: Syslog = {
      record(e) {
        ring.push(e);
        if (ring.length > RING) ring.shift();
        log.onRecord?.(e);
      },
      lines(host) {
        const commits = (log.commits?.() ?? []).map((c) => ({
          time: c.time,
          process: 'mgd[5061]',
          text: `UI_COMMIT: User '${c.user}' requested 'commit' operation (comment: ${c.log ?? 'none'})`,
        }));
        const oldest = ring[0]?.time ?? 0;
        const all = [...ring, ...commits.filter((c) => c.time >= oldest)].sort((a, b) => a.time - b.time);
        return all.map((e) => `${stamp(e.time)}  ${host} ${e.process}: ${e.text}`);
      },
    };
    logs.set(device, log);
    s = log;
  }
  return s;
}
