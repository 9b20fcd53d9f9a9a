/**
 * Syslog out: `system syslog host ADDR [port P] [structured-data]` in the committed
 * configuration makes the device send its syslog lines there over UDP, as Junos does: BSD
 * form (`<29>Dec  5 12:00:00 mx960-1 mgd[5061]: UI_COMMIT: ...`) or, with
 * `structured-data`, RFC 5424 (`<29>1 2026-12-05T12:00:00.000Z mx960-1 mgd 5061 UI_COMMIT
 * [junos@2636.1.1.1.2.25] ...`). Hosts are IP addresses; one UDP socket per process.
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import type { ConfigDatastore } from '../config/api.js';
import type { JunosDatastore } from '../config/datastore.js';
import { childrenNamed, entryName, leafValue, type ConfigNode } from '../config/tree.js';
import { syslogOf, type SyslogEvent } from '../identity/syslog.js';

export interface SyslogTarget {
  host: string;
  port: number;
  structured: boolean;
}

/** The syslog hosts of a committed configuration. */
export function syslogTargets(root: ConfigNode): SyslogTarget[] {
  const out: SyslogTarget[] = [];
  for (const system of childrenNamed(root, 'system').filter((n) => !n.inactive)) {
    for (const syslog of childrenNamed(system, 'syslog').filter((n) => !n.inactive)) {
      for (const h of childrenNamed(syslog, 'host').filter((n) => !n.inactive)) {
        const host = entryName(h);
        if (!host || !isIP(host)) continue;
        const port = Number(leafValue(h, 'port') ?? 514);
        out.push({ host, port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 514, structured: childrenNamed(h, 'structured-data').length > 0 });
      }
    }
  }
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** daemon.notice, daemon.warning for link and peer losses. */
const pri = (text: string) => 3 * 8 + (/LINK_DOWN|NBRDOWN|Established to|Alarm set/.test(text) ? 4 : 5);

/** One syslog line as Junos sends it. */
export function formatSyslog(e: SyslogEvent, host: string, structured: boolean): string {
  const d = new Date(e.time);
  const p = pri(e.text);
  if (!structured) {
    const ts = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${d.toISOString().slice(11, 19)}`;
    return `<${p}>${ts} ${host} ${e.process}: ${e.text}`;
  }
  const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(e.process);
  const tag = /^([A-Z][A-Z0-9_]+):\s*(.*)$/s.exec(e.text);
  return `<${p}>1 ${d.toISOString()} ${host} ${m?.[1] ?? e.process} ${m?.[2] ?? '-'} ${tag ? tag[1] : '-'} [junos@2636.1.1.1.2.25] ${tag ? tag[2] : e.text}`;
}

let socket: dgram.Socket | undefined;
function udp(): dgram.Socket {
  if (!socket) {
    socket = dgram.createSocket('udp4');
    socket.on('error', () => undefined);
    socket.unref();
  }
  return socket;
}
let socket6: dgram.Socket | undefined;
function udp6(): dgram.Socket {
  if (!socket6) {
    socket6 = dgram.createSocket('udp6');
    socket6.on('error', () => undefined);
    socket6.unref();
  }
  return socket6;
}

export interface SyslogDevice {
  readonly hostname: string;
  readonly materialised: boolean;
  readonly datastore: ConfigDatastore;
}

/** Sends a device's syslog to the hosts its committed configuration names. */
export function forwardSyslog(device: SyslogDevice): void {
  let targets: SyslogTarget[] | undefined;
  // The datastore listened to: a lazy device may drop a pristine one when idle and build another.
  // Held weakly: a dropped datastore must not stay alive for this comparison.
  let subscribed: WeakRef<object> | undefined;
  const current = (): SyslogTarget[] => {
    if (!device.materialised) return [];
    const store = device.datastore as Partial<JunosDatastore>;
    if (subscribed?.deref() !== store && store.onCommit) {
      subscribed = new WeakRef(store);
      targets = undefined;
      store.onCommit((ev) => {
        targets = syslogTargets(ev.config.root);
        send({ time: ev.info.time, process: 'mgd[5061]', text: `UI_COMMIT: User '${ev.info.user}' requested 'commit' operation (comment: ${ev.info.log ?? 'none'})` });
      });
    }
    targets ??= store.committed ? syslogTargets(store.committed().root) : [];
    return targets;
  };
  const send = (e: SyslogEvent) => {
    for (const t of current()) {
      const line = Buffer.from(formatSyslog(e, device.hostname, t.structured));
      (isIP(t.host) === 6 ? udp6() : udp()).send(line, t.port, t.host);
    }
  };
  syslogOf(device).onRecord = send;
  // A datastore already there: its commits are sent from now on.
  current();
}
