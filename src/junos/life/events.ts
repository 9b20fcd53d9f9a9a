/**
 * Events that happen to a device with no NMS session involved: links going down and up,
 * BGP and OSPF neighbours dropping, alarms, someone else's commit (drift), CPU, memory and
 * temperature levels, a reboot. One `DeviceEvents` per device (`eventsOf(device)`): it keeps
 * the conditions the operational model (../oper/model.ts) applies when it is built, the
 * alarms and levels the chassis RPCs read, and writes the Junos syslog lines. Every view
 * (XML, text, JSON, every face) reads the same model, so they agree.
 *
 * `parseEvent(words)` reads the command-line form (`link-down ge-0/0/1`, `alarm set
 * --class major chassis "FPC 0 Major Errors"`, `commit "set system location building b2"
 * --user ops`); `applyEvent(device, event)` applies one and answers a one-line summary.
 */
import type { ConfigDatastore } from '../config/api.js';
import type { OperModel } from '../oper/model.js';
import type { DeviceProfile } from '../identity/profile.js';
import { syslogOf } from '../identity/syslog.js';
import { bootOf, REBOOT_REASONS, type BootableDevice } from './boot.js';
import { softwareOf } from './software.js';
import type { OperConditions } from '../oper/conditions.js';

export type { OperConditions } from '../oper/conditions.js';

export interface Alarm {
  /** `chassis` (show chassis alarms) or `system` (show system alarms). */
  kind: 'chassis' | 'system';
  cls: 'Major' | 'Minor';
  text: string;
  /** Epoch ms it was raised. */
  time: number;
}

export type DeviceEvent =
  | { kind: 'link-down' | 'link-up'; ifd: string }
  | { kind: 'link-flap'; ifd: string; forSeconds: number }
  | { kind: 'bgp-down' | 'bgp-up'; peer: string }
  | { kind: 'ospf-down' | 'ospf-up'; ifl: string }
  | { kind: 'alarm-set'; alarm: Omit<Alarm, 'time'> }
  | { kind: 'alarm-clear'; alarmKind?: Alarm['kind']; text?: string }
  | { kind: 'reboot'; reason?: string }
  | { kind: 'power-on' }
  | { kind: 're-switchover' }
  | { kind: 'commit'; lines: string[]; user: string; comment?: string }
  | { kind: 'cpu' | 'memory' | 'temperature'; level: number }
  | { kind: 'traffic'; ifd: string; bps: number }
  | { kind: 'upgrade'; release: string };

export type EventKind = DeviceEvent['kind'];

/** A bad event (unknown kind, interface or peer): the message is a one-line user error. */
export class EventError extends Error {}

/** What the events need of a device (EmulatedDevice has it). */
export interface EventDevice extends BootableDevice {
  readonly profile: DeviceProfile;
  oper(): OperModel;
  materialise?(): Promise<ConfigDatastore>;
}

const MIB2D = 'mib2d[2121]';
const RPD = 'rpd[2206]';
const ALARMD = 'alarmd[2290]';
const CHASSISD = 'chassisd[2289]';

function bgpStateText(what: string, down: boolean, instance: string | undefined): string {
  return down
    ? `BGP_NEIGHBOR_STATE_CHANGED: ${what} changed state from Established to Idle (event Stop) (instance ${instance ?? 'master'})`
    : `BGP_NEIGHBOR_STATE_CHANGED: ${what} changed state from OpenConfirm to Established (event RecvKeepAlive) (instance ${instance ?? 'master'})`;
}

function alarmText(what: 'set' | 'cleared', a: Omit<Alarm, 'time'>): string {
  return `Alarm ${what}: ${a.kind === 'chassis' ? 'CHASSIS' : 'RE'} color=${a.cls === 'Major' ? 'RED' : 'YELLOW'}, class=${a.kind === 'chassis' ? 'CHASSIS' : 'SYSTEM'}, reason=${a.text}`;
}

export class DeviceEvents {
  /** Bumped by every change: the device rebuilds its model when it moved. */
  version = 0;
  readonly conditions: OperConditions = { linksDown: new Set(), linkChanged: new Map(), flaps: new Map(), bgpDown: new Map(), bgpChanged: new Map(), ospfDown: new Map(), rates: new Map() };
  alarms: Alarm[] = [];
  /** Routing-engine CPU utilisation (percent busy), system memory used (percent), temperature (degrees C); undefined: the profile's idle values. */
  cpu?: number;
  memory?: number;
  temperature?: number;
  /** The routing engine that is master now (re-switchover), by slot; undefined: the profile's. */
  masterSlot?: number;
  /** Events applied, per kind. */
  readonly applied = new Map<EventKind, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly device: EventDevice) {
    // A reboot clears what was transient (links come back, neighbours re-form); alarms raised by events stay until cleared.
    bootOf(device).onBoot(() => {
      const c = this.conditions;
      c.linksDown.clear();
      c.bgpDown.clear();
      c.ospfDown.clear();
      c.rateBase?.clear();
      c.flaps.clear();
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      this.cpu = undefined;
      this.version++;
    });
  }

  total(): number {
    let n = 0;
    for (const v of this.applied.values()) n += v;
    return n;
  }

  private log(process: string, text: string): void {
    syslogOf(this.device).record({ time: this.device.now(), process, text });
  }

  private changed(kind: EventKind): void {
    this.version++;
    this.applied.set(kind, (this.applied.get(kind) ?? 0) + 1);
  }

  private ifdOf(name: string) {
    const ifd = this.device.oper().interface(name);
    if (!ifd) throw new EventError(`no interface ${name} on this device`);
    if (!ifd.port) throw new EventError(`${name} is not a physical port`);
    return ifd;
  }

  /** Applies one event; resolves to what happened, in one line. */
  async apply(ev: DeviceEvent): Promise<string> {
    const boot = bootOf(this.device);
    if (!boot.up && ev.kind !== 'reboot' && ev.kind !== 'power-on') throw new EventError(`the device is ${boot.state === 'going-down' ? 'going down' : 'down'}: ${ev.kind} needs it up`);
    switch (ev.kind) {
      case 'link-down':
      case 'link-up':
        return this.link(ev.kind, ev.ifd);
      case 'link-flap':
        return this.linkFlap(ev.ifd, ev.forSeconds);
      case 'bgp-down':
      case 'bgp-up':
        return this.bgp(ev.kind, ev.peer);
      case 'ospf-down':
      case 'ospf-up':
        return this.ospf(ev.kind, ev.ifl);
      case 'alarm-set':
        return this.alarmSet(ev.alarm);
      case 'alarm-clear':
        return this.alarmClear(ev.alarmKind, ev.text);
      case 'reboot':
        return this.reboot(ev.reason);
      case 'power-on':
        return this.powerOn();
      case 're-switchover':
        return this.reSwitchover();
      case 'commit':
        return this.commit(ev);
      case 'cpu':
      case 'memory':
      case 'temperature':
        return this.level(ev.kind, ev.level);
      case 'upgrade':
        return this.upgrade(ev.release);
      case 'traffic':
        return this.traffic(ev.ifd, ev.bps);
    }
  }

  private link(kind: 'link-down' | 'link-up', name: string): string {
    const now = this.device.now();
    const c = this.conditions;
    const ifd = this.ifdOf(name);
    const down = kind === 'link-down';
    if (down === c.linksDown.has(ifd.name)) return `${ifd.name} link already ${down ? 'down' : 'up'}`;
    this.anchorCounters(ifd.name, now);
    if (down) c.linksDown.add(ifd.name);
    else c.linksDown.delete(ifd.name);
    c.linkChanged.set(ifd.name, now);
    c.flaps.set(ifd.name, (c.flaps.get(ifd.name) ?? 0) + 1);
    const admin = ifd.admin === 'up' ? 'up(1)' : 'down(2)';
    this.log(MIB2D, down ? `SNMP_TRAP_LINK_DOWN: ifIndex ${ifd.snmpIndex}, ifAdminStatus ${admin}, ifOperStatus down(2), ifName ${ifd.name}` : `SNMP_TRAP_LINK_UP: ifIndex ${ifd.snmpIndex}, ifAdminStatus ${admin}, ifOperStatus up(1), ifName ${ifd.name}`);
    this.neighboursFollow(ifd.name, down);
    this.changed(kind);
    return `${ifd.name} link ${down ? 'down' : 'up'}`;
  }

  private async linkFlap(name: string, forSeconds: number): Promise<string> {
    const ifd = this.ifdOf(name);
    await this.apply({ kind: 'link-down', ifd: ifd.name });
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (bootOf(this.device).up) void this.apply({ kind: 'link-up', ifd: ifd.name }).catch(() => undefined);
    }, Math.max(0, forSeconds) * 1000);
    t.unref();
    this.timers.add(t);
    this.changed('link-flap');
    return `${ifd.name} link down for ${forSeconds} s`;
  }

  private bgp(kind: 'bgp-down' | 'bgp-up', address: string): string {
    const now = this.device.now();
    const c = this.conditions;
    const peer = this.device.oper().bgpPeers().find((p) => p.address === address);
    if (!peer) throw new EventError(`no BGP neighbor ${address} in the committed configuration`);
    const down = kind === 'bgp-down';
    if (down === c.bgpDown.has(peer.address)) return `BGP peer ${peer.address} already ${down ? 'down' : 'up'}`;
    if (down) c.bgpDown.set(peer.address, now);
    else c.bgpDown.delete(peer.address);
    const was = c.bgpChanged.get(peer.address);
    c.bgpChanged.set(peer.address, { since: now, flaps: (was?.flaps ?? 0) + (down ? 1 : 0) });
    const what = `BGP peer ${peer.address} (${peer.type === 'internal' ? 'Internal' : 'External'} AS ${peer.peerAs})`;
    this.log(RPD, bgpStateText(what, down, peer.instance));
    this.changed(kind);
    return `BGP peer ${peer.address} ${down ? 'down' : 'up'}`;
  }

  private ospf(kind: 'ospf-down' | 'ospf-up', name: string): string {
    const c = this.conditions;
    const ifl = name.includes('.') ? name : `${name}.0`;
    const m = this.device.oper();
    const oi = m.ospfInterfaces('ospf').find((o) => o.interface === ifl) ?? m.ospfInterfaces('ospf3').find((o) => o.interface === ifl);
    if (!oi) throw new EventError(`${ifl} is not an OSPF interface in the committed configuration`);
    const down = kind === 'ospf-down';
    if (down === c.ospfDown.has(ifl)) return `OSPF on ${ifl} already ${down ? 'down' : 'up'}`;
    if (down) c.ospfDown.set(ifl, this.device.now());
    else c.ospfDown.delete(ifl);
    const nbr = m.neighbours().find((n) => n.interface === ifl && n.address.includes('.'));
    if (nbr) {
      this.log(
        RPD,
        down
          ? `RPD_OSPF_NBRDOWN: OSPF neighbor ${nbr.address} (realm ospf-v2 ${ifl} area ${oi.area}) state changed from Full to Down due to InActiveTimer (event reason: neighbor was inactive and declared dead)`
          : `RPD_OSPF_NBRUP: OSPF neighbor ${nbr.address} (realm ospf-v2 ${ifl} area ${oi.area}) state changed from Loading to Full due to LoadDone (event reason: OSPF loading completed)`,
      );
    }
    this.changed(kind);
    return `OSPF on ${ifl} ${down ? 'down' : 'up'}`;
  }

  private alarmSet(alarm: Omit<Alarm, 'time'>): string {
    const a = { ...alarm, time: this.device.now() };
    if (this.alarms.some((x) => x.kind === a.kind && x.text === a.text)) return `${a.kind} alarm already set: ${a.text}`;
    this.alarms.push(a);
    this.log(a.kind === 'chassis' ? CHASSISD : ALARMD, alarmText('set', a));
    this.changed('alarm-set');
    return `${a.kind} alarm set (${a.cls}): ${a.text}`;
  }

  private alarmClear(kind: Alarm['kind'] | undefined, text: string | undefined): string {
    const gone = this.alarms.filter((a) => (!kind || a.kind === kind) && (text === undefined || a.text === text));
    if (gone.length === 0) throw new EventError(`no such alarm${text ? `: ${text}` : ''}`);
    this.alarms = this.alarms.filter((a) => !gone.includes(a));
    for (const a of gone) this.log(a.kind === 'chassis' ? CHASSISD : ALARMD, alarmText('cleared', a));
    this.changed('alarm-clear');
    return `${gone.length} alarm${gone.length === 1 ? '' : 's'} cleared`;
  }

  private async reboot(reason: string | undefined): Promise<string> {
    const boot = bootOf(this.device);
    this.changed('reboot');
    if (boot.state === 'down') {
      await boot.boot(reason);
      return 'device powered on';
    }
    if (!boot.up) return 'device already rebooting';
    boot.request({ kind: 'reboot', user: 'root', reason: reason ?? REBOOT_REASONS.normal });
    return `device rebooting (back in ${boot.bootSeconds} s)`;
  }

  private async powerOn(): Promise<string> {
    const boot = bootOf(this.device);
    if (boot.up) return 'device already up';
    this.changed('power-on');
    await boot.boot(REBOOT_REASONS.power);
    return 'device powered on';
  }

  private reSwitchover(): string {
    const res = this.device.profile.routingEngines;
    if (res.length < 2) throw new EventError('re-switchover needs a dual routing engine profile');
    const master = this.masterSlot ?? res.find((r) => r.mastership === 'master')?.slot ?? res[0].slot;
    const next = res.find((r) => r.slot !== master)!.slot;
    this.masterSlot = next;
    this.log(CHASSISD, `CHASSISD_RE_MASTER_CHANGE: Routing Engine ${next} became master`);
    this.log('mgd[5061]', `UI_MASTERSHIP_EVENT: Mastership change event: Routing Engine ${next} (re${next}) is master now`);
    this.changed('re-switchover');
    return `re${next} is master now`;
  }

  /** Someone else's commit, in a private candidate: not whatever sits in the shared one. */
  private async commit(ev: Extract<DeviceEvent, { kind: 'commit' }>): Promise<string> {
    if (!this.device.materialise) throw new EventError('this device has no datastore');
    const store = await this.device.materialise();
    const session = store.openSession(90000 + (this.total() % 9000), ev.user, 'cli');
    try {
      session.openConfiguration('private');
      for (const line of ev.lines) {
        const errs = session.applyCliLine(line).filter((e) => e.info.severity !== 'warning');
        if (errs.length) throw new EventError(`${line}: ${errs[0].info.message}`);
      }
      if (!session.hasUncommittedChanges()) return 'nothing to commit: the configuration already says that';
      const r = session.commit({ ...(ev.comment !== undefined ? { log: ev.comment } : {}) });
      await r.saved;
    } catch (err) {
      session.discardChanges();
      if (err instanceof EventError) throw err;
      throw new EventError(`commit refused: ${(err as { info?: { message?: string } }).info?.message ?? (err as Error).message}`);
    } finally {
      session.close();
    }
    this.changed('commit');
    return `committed by ${ev.user}${ev.comment ? ` (${ev.comment})` : ''}: ${ev.lines.length} change${ev.lines.length === 1 ? '' : 's'}`;
  }

  private level(kind: 'cpu' | 'memory' | 'temperature', level: number): string {
    const max = kind === 'temperature' ? 150 : 100;
    if (!Number.isFinite(level) || level < 0 || level > max) throw new EventError(`${kind} level must be 0..${max}`);
    this[kind] = level;
    if (kind === 'temperature') this.temperatureAlarm(level);
    this.changed(kind);
    return `${kind} ${level}${kind === 'temperature' ? ' degrees C' : '%'}`;
  }

  /** Reboot onto a release (a scenario's "reboot devices 1-50 onto 22.4R3"), as if a package had been added. */
  private upgrade(release: string): string {
    const boot = bootOf(this.device);
    const sw = softwareOf(this.device);
    if (sw.active === release) return `already on ${release}`;
    sw.pending = { release };
    boot.request({ kind: 'reboot', user: 'root', message: `upgrade to ${release}` });
    this.changed('upgrade');
    return `rebooting onto ${release} (back in ${boot.bootSeconds} s)`;
  }

  private traffic(name: string, bps: number): string {
    const ifd = this.ifdOf(name);
    if (!Number.isFinite(bps) || bps < 0) throw new EventError('traffic rate must be a number of bits per second');
    this.anchorCounters(ifd.name, this.device.now());
    this.conditions.rates.set(ifd.name, bps);
    this.changed('traffic');
    return `${ifd.name} carries ${bps} bps each way`;
  }

  /** Counters of a port go on from what they show now (they never go back across a change). */
  private anchorCounters(ifd: string, now: number): void {
    const before = this.device.oper().counters(ifd, now);
    (this.conditions.rateBase ??= new Map()).set(ifd, { since: now, inBytes: before.inputBytes, outBytes: before.outputBytes });
  }

  /** Above 75 C the chassis raises "Temperature Hot" (Major), as Junos's chassisd does. */
  private temperatureAlarm(level: number): void {
    const text = 'Temperature Hot';
    const raised = this.alarms.some((a) => a.text === text);
    if (level >= 75 && !raised) {
      this.alarms.push({ kind: 'chassis', cls: 'Major', text, time: this.device.now() });
      this.log(CHASSISD, `Alarm set: CHASSIS color=RED, class=CHASSIS, reason=${text}`);
    } else if (level < 75 && raised) {
      this.alarms = this.alarms.filter((a) => a.text !== text);
      this.log(CHASSISD, `Alarm cleared: CHASSIS color=RED, class=CHASSIS, reason=${text}`);
    }
  }

  /** A link going down takes the BGP and OSPF neighbours behind it down in the syslog too. */
  private neighboursFollow(ifd: string, down: boolean): void {
    const m = this.device.oper();
    const behind = m.neighbours().filter((n) => n.interface.split('.')[0] === ifd);
    for (const p of m.bgpPeers().filter((p) => behind.some((n) => n.address === p.address) && p.type === 'external' && !this.conditions.bgpDown.has(p.address))) {
      const was = this.conditions.bgpChanged.get(p.address);
      this.conditions.bgpChanged.set(p.address, { since: this.device.now(), flaps: (was?.flaps ?? 0) + (down ? 1 : 0) });
      const what = `BGP peer ${p.address} (External AS ${p.peerAs})`;
      this.log(RPD, bgpStateText(what, down, p.instance));
    }
  }

  /** The device is closing: flap timers stop. */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

const all = new WeakMap<object, DeviceEvents>();

/** The events of a device (made on first use). */
export function eventsOf(device: EventDevice): DeviceEvents {
  let e = all.get(device);
  if (!e) all.set(device, (e = new DeviceEvents(device)));
  return e;
}

/** The events of a device if any were ever made (readers that must not create them). */
export function eventsIfAny(device: object): DeviceEvents | undefined {
  return all.get(device);
}

export const EVENT_USAGE = [
  'link-down IFD | link-up IFD | link-flap IFD [--for SECONDS]',
  'bgp-down PEER | bgp-up PEER | ospf-down IFL | ospf-up IFL',
  'alarm set [--class major|minor] [chassis|system] TEXT | alarm clear [chassis|system] [TEXT]',
  'reboot [--reason TEXT] | power-on | re-switchover',
  'commit "set ..." ["set ..." ...] [--user NAME] [--comment TEXT]',
  'cpu PERCENT | memory PERCENT | temperature CELSIUS | traffic IFD BPS | upgrade RELEASE',
];

/** An event's words after its kind: options (`--k v`, `--k=v`) and the positional words. */
class EventWords {
  readonly opts = new Map<string, string>();
  readonly pos: string[] = [];

  constructor(
    readonly kind: string,
    rest: string[],
  ) {
    for (let i = 0; i < rest.length; i++) {
      const w = rest[i];
      if (w.startsWith('--') && w.length > 2) {
        const [k, v] = w.slice(2).split('=', 2);
        if (v !== undefined) this.opts.set(k, v);
        else if (i + 1 < rest.length) this.opts.set(k, rest[++i]);
        else throw new EventError(`--${k} needs a value`);
      } else this.pos.push(w);
    }
  }

  /** Only these options may be given. */
  known(...names: string[]): this {
    for (const k of this.opts.keys()) if (!names.includes(k)) throw new EventError(`${this.kind}: unknown option --${k}`);
    return this;
  }

  one(what: string): string {
    if (this.pos.length !== 1) throw new EventError(`${this.kind} needs one ${what}`);
    return this.pos[0];
  }

  none(message = `${this.kind} takes no words`): void {
    if (this.pos.length) throw new EventError(message);
  }

  num(text: string | undefined, what: string): number {
    const n = Number(text);
    if (text === undefined || text === '' || !Number.isFinite(n)) throw new EventError(`${this.kind}: ${what} must be a number`);
    return n;
  }
}

const IFD = 'interface (ge-0/0/1)';
type Parser = (w: EventWords) => DeviceEvent;
const linkEvent = (kind: 'link-down' | 'link-up'): Parser => (w) => ({ kind, ifd: w.known().one(IFD) });
const bgpEvent = (kind: 'bgp-down' | 'bgp-up'): Parser => (w) => ({ kind, peer: w.known().one('peer address') });
const ospfEvent = (kind: 'ospf-down' | 'ospf-up'): Parser => (w) => ({ kind, ifl: w.known().one('logical interface (ge-0/0/0.0)') });
const levelEvent = (kind: 'cpu' | 'memory' | 'temperature'): Parser => (w) => ({ kind, level: w.known().num(w.one('level'), 'the level') });
const bareEvent = (kind: 'power-on' | 're-switchover'): Parser => (w) => (w.known().none(), { kind });

function alarmEvent(w: EventWords): DeviceEvent {
  w.known('class');
  const [action, ...args] = w.pos;
  const k = args[0] === 'chassis' || args[0] === 'system' ? (args.shift() as Alarm['kind']) : undefined;
  const text = args.join(' ').trim();
  if (action === 'set') {
    const cls = (w.opts.get('class') ?? 'major').toLowerCase();
    if (cls !== 'major' && cls !== 'minor') throw new EventError('alarm --class is major or minor');
    if (!text) throw new EventError('alarm set needs the alarm text');
    return { kind: 'alarm-set', alarm: { kind: k ?? 'chassis', cls: cls === 'major' ? 'Major' : 'Minor', text } };
  }
  if (action === 'clear') return { kind: 'alarm-clear', ...(k ? { alarmKind: k } : {}), ...(text ? { text } : {}) };
  throw new EventError('alarm set|clear ...');
}

function commitEvent(w: EventWords): DeviceEvent {
  w.known('user', 'comment');
  const lines = w.pos.flatMap((p) => p.split(/\n|;(?=\s*(?:set|delete|deactivate|activate)\s)/)).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) throw new EventError('commit needs at least one "set ..." line');
  for (const l of lines) if (!/^(set|delete|deactivate|activate|rename|insert|annotate)\s/.test(l)) throw new EventError(`commit: not a configuration command: ${l}`);
  return { kind: 'commit', lines, user: w.opts.get('user') ?? 'root', ...(w.opts.has('comment') ? { comment: w.opts.get('comment') } : {}) };
}

/** One entry per command word: how its words become an event. */
const PARSERS: Record<string, Parser> = {
  'link-down': linkEvent('link-down'),
  'link-up': linkEvent('link-up'),
  'link-flap': (w) => ({ kind: 'link-flap', ifd: w.known('for').one(IFD), forSeconds: w.opts.has('for') ? w.num(w.opts.get('for'), '--for') : 5 }),
  'bgp-down': bgpEvent('bgp-down'),
  'bgp-up': bgpEvent('bgp-up'),
  'ospf-down': ospfEvent('ospf-down'),
  'ospf-up': ospfEvent('ospf-up'),
  alarm: alarmEvent,
  reboot: (w) => {
    w.known('reason').none('reboot takes no words (--reason TEXT)');
    return { kind: 'reboot', ...(w.opts.has('reason') ? { reason: w.opts.get('reason') } : {}) };
  },
  'power-on': bareEvent('power-on'),
  're-switchover': bareEvent('re-switchover'),
  commit: commitEvent,
  cpu: levelEvent('cpu'),
  memory: levelEvent('memory'),
  temperature: levelEvent('temperature'),
  upgrade: (w) => {
    const release = w.known().one('release (22.4R3.25)');
    if (!/^\d{1,2}\.\d[A-Z]\d+(?:-[A-Z]\d+)?(?:\.\d+)?$/.test(release)) throw new EventError(`upgrade: not a Junos release: ${release}`);
    return { kind: 'upgrade', release };
  },
  traffic: (w) => {
    w.known();
    if (w.pos.length !== 2) throw new EventError('traffic IFD BPS');
    return { kind: 'traffic', ifd: w.pos[0], bps: w.num(w.pos[1], 'BPS') };
  },
};

/** Reads an event from command-line words; throws EventError with the usage on a bad one. */
export function parseEvent(words: string[]): DeviceEvent {
  const [kind, ...rest] = words;
  const w = new EventWords(kind ?? '', rest);
  if (kind === undefined || !Object.hasOwn(PARSERS, kind)) throw new EventError(`unknown event ${kind ?? '(none)'}; events: ${EVENT_USAGE.join('; ')}`);
  return PARSERS[kind](w);
}

/** Applies an event to a device (the library's and the control socket's entry). */
export function applyEvent(device: EventDevice, ev: DeviceEvent): Promise<string> {
  return eventsOf(device).apply(ev);
}
