/**
 * Operational RPCs answered from the device identity, clock and profile: system,
 * routing-engine, uptime, interfaces (./interfaces.ts), chassis cluster, files and the shell. Other
 * operational RPCs come from the profile's rpc/*.xml templates (see ./index.ts).
 */
import { serialFor } from '../profile.js';
import { RpcError } from '../../netconf/rpc-error.js';
import { localTime, uptimeClock, uptimeLong } from '../template.js';
import type { ConfigSession } from '../config/api.js';
import { child, elements, escapeAttr, escapeText, parseXml, textOf, type XmlElement } from '../../netconf/xml.js';
import { getInterfaceInformation } from './interfaces.js';
import type { DeviceView, RpcHandler } from './types.js';

const el = (name: string, value: string | number) => `<${name}>${escapeText(String(value))}</${name}>`;
const ns = (device: DeviceView, area: string) => `http://xml.juniper.net/junos/${device.profile.xmlRelease}/${area}`;
const upSeconds = (device: DeviceView) => Math.max(0, Math.floor((device.now() - device.bootTime) / 1000));

export const getSystemInformation: RpcHandler = ({ device }) =>
  [
    '<system-information>',
    el('hardware-model', device.profile.hardwareModel),
    el('os-name', device.profile.osName),
    el('os-version', device.profile.release),
    el('serial-number', device.serialNumber),
    el('host-name', device.hostname),
    '</system-information>',
  ].join('\n');

/** Serial number of a routing engine board, stable for the device. */
export function reSerial(device: DeviceView, reName: string): string {
  const re = device.profile.routingEngines.find((r) => r.name === reName);
  return re?.serial ?? serialFor('90130#####', `${device.hostname}/${reName}`);
}

export function routeEngineInformation(device: DeviceView): string {
  const up = upSeconds(device);
  const boot = device.bootTime;
  const multi = device.profile.routingEngines.length > 1;
  const lines = [`<route-engine-information xmlns="${ns(device, 'junos-chassis')}">`];
  device.profile.routingEngines.forEach((re, i) => {
    // The backup booted a little after the master.
    const reBoot = boot + i * 9000;
    const reUp = Math.max(0, up - i * 9);
    lines.push(
      '<route-engine>',
      el('slot', re.slot),
      el('mastership-state', re.mastership),
      ...(multi ? [el('mastership-priority', `${re.mastership} (default)`)] : []),
      el('status', 'OK'),
      `<temperature junos:celsius="${33 + i}">${33 + i} degrees C / ${Math.round((33 + i) * 1.8 + 32)} degrees F</temperature>`,
      `<cpu-temperature junos:celsius="${31 + i}">${31 + i} degrees C / ${Math.round((31 + i) * 1.8 + 32)} degrees F</cpu-temperature>`,
      el('memory-dram-size', '32719 MB'),
      el('memory-installed-size', '(32768 MB installed)'),
      el('memory-buffer-utilization', 12),
      el('cpu-user', 1),
      el('cpu-background', 0),
      el('cpu-system', 2),
      el('cpu-interrupt', 0),
      el('cpu-idle', 97),
      el('model', re.model),
      el('serial-number', reSerial(device, re.name)),
      `<start-time junos:seconds="${Math.floor(reBoot / 1000)}">${escapeText(localTime(reBoot))}</start-time>`,
      `<up-time junos:seconds="${reUp}">${escapeText(uptimeLong(reUp))}</up-time>`,
      el('last-reboot-reason', 'Router rebooted after a normal shutdown.'),
      el('load-average-one', '0.12'),
      el('load-average-five', '0.09'),
      el('load-average-fifteen', '0.08'),
      '</route-engine>',
    );
  });
  lines.push('</route-engine-information>');
  return lines.join('\n');
}

export const getRouteEngineInformation: RpcHandler = ({ device }) => routeEngineInformation(device);

function dateTime(tag: string, ms: number, extra: string[] = []): string[] {
  return [`<${tag}>`, `<date-time junos:seconds="${Math.floor(ms / 1000)}">${escapeText(localTime(ms))}</date-time>`, ...extra, `</${tag}>`];
}

function timeLength(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const d = Math.floor(h / 24);
  const hms = `${String(h % 24).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return d ? `${Math.floor(d / 7) ? `${Math.floor(d / 7)}w` : ''}${d % 7}d ${hms.slice(0, 5)}` : hms;
}

/** When and by whom the active configuration was committed (the boot-time load when never). */
function lastConfigured(device: DeviceView, fallback: number, since: (ms: number) => string): string[] {
  const last = device.lastCommit?.();
  const time = last ? Math.min(last.time, device.now()) : fallback;
  return dateTime('last-configured-time', time, [since(time), el('user', last?.user ?? 'root')]);
}

export function systemUptimeInformation(device: DeviceView): string {
  const now = device.now();
  const up = upSeconds(device);
  const since = (ms: number) => `<time-length junos:seconds="${Math.max(0, Math.floor((now - ms) / 1000))}">${timeLength(Math.max(0, Math.floor((now - ms) / 1000)))}</time-length>`;
  const protocols = device.bootTime + 120_000;
  const clock = new Date(now);
  const h12 = clock.getUTCHours() % 12 || 12;
  return [
    `<system-uptime-information xmlns="${ns(device, 'junos')}">`,
    ...dateTime('current-time', now),
    el('time-source', ' LOCAL CLOCK '),
    ...dateTime('system-booted-time', device.bootTime, [since(device.bootTime)]),
    ...dateTime('protocols-started-time', Math.min(protocols, now), [since(Math.min(protocols, now))]),
    ...lastConfigured(device, Math.min(protocols, now), since),
    '<uptime-information>',
    `<date-time junos:seconds="${Math.floor(now / 1000)}">${h12}:${String(clock.getUTCMinutes()).padStart(2, '0')}${clock.getUTCHours() < 12 ? 'AM' : 'PM'}</date-time>`,
    `<up-time junos:seconds="${up}">${escapeText(uptimeClock(up))}</up-time>`,
    '<active-user-count junos:format="1 user">1</active-user-count>',
    el('load-average-1', '0.12'),
    el('load-average-5', '0.09'),
    el('load-average-15', '0.08'),
    '<user-table>',
    '</user-table>',
    '</uptime-information>',
    '</system-uptime-information>',
  ].join('\n');
}

export const getSystemUptimeInformation: RpcHandler = ({ device }) => systemUptimeInformation(device);

/**
 * A standalone SRX answers from its cluster daemon with an `xnm:error` inside a normal
 * reply (not an rpc-error): PyEZ reads that as srx_cluster False. Other platforms have
 * no such RPC.
 */
export const getChassisClusterStatus: RpcHandler = ({ device }) => {
  if (device.profile.cluster === 'srx-not-enabled') {
    const xnm = 'http://xml.juniper.net/xnm/1.1/xnm';
    return [
      `<xnm:error xmlns="${xnm}" xmlns:xnm="${xnm}">`,
      '<parse/>',
      '<source-daemon>jsrpd</source-daemon>',
      '<message>error: Chassis cluster is not enabled</message>',
      '</xnm:error>',
    ].join('\n');
  }
  throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'syntax error', badElement: 'get-chassis-cluster-status' });
};

function fileNotFound(p: string): RpcError {
  return new RpcError({ type: 'protocol', tag: 'operation-failed', message: `could not resolve file: ${p}` });
}

const RESOLV_CONF = new Set(['/etc/resolv.conf', '/var/etc/resolv.conf']);

/**
 * /etc/resolv.conf as Junos writes it from [edit system domain-name, domain-search,
 * name-server] of the active configuration (PyEZ reads it for the domain fact).
 */
function resolvConf(config: ConfigSession): string {
  let root: XmlElement;
  try {
    const filter = parseXml('<configuration><system><domain-name/><domain-search/><name-server/></system></configuration>');
    root = elements(parseXml(`<r xmlns:junos="urn:x-junos">${config.getConfiguration({ database: 'committed', format: 'xml', filter })}</r>`))[0] ?? parseXml('<configuration/>');
  } catch (err) {
    if (err instanceof RpcError) return '';
    throw err;
  }
  const system = child(root, 'system');
  if (!system) return '';
  const lines: string[] = [];
  const domain = child(system, 'domain-name');
  if (domain) lines.push(`domain ${textOf(domain).trim()}`);
  const search = elements(system).filter((e) => e.name === 'domain-search').map((e) => textOf(e).trim());
  if (search.length) lines.push(`search ${search.join(' ')}`);
  for (const ns of elements(system).filter((e) => e.name === 'name-server')) {
    const name = child(ns, 'name');
    lines.push(`nameserver ${textOf(name ?? ns).trim()}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

export const fileShow: RpcHandler = ({ device, op, config }) => {
  const f = child(op, 'filename');
  const p = f ? textOf(f).trim() : '';
  if (!p) throw new RpcError({ type: 'protocol', tag: 'missing-element', message: 'syntax error, expecting <filename>', badElement: 'filename' });
  const content = device.profile.files.get(p) ?? (RESOLV_CONF.has(p) ? resolvConf(config) : undefined);
  if (content === undefined) throw fileNotFound(p);
  const size = Buffer.byteLength(content, 'utf8');
  return `<file-content filename="${escapeAttr(p)}" junos:seconds="${Math.floor(device.bootTime / 1000)}" filesize="${size}" encoding="text">\n${escapeText(content)}</file-content>`;
};

export const fileList: RpcHandler = ({ device, op, user }) => {
  const pEl = child(op, 'path');
  let p = pEl ? textOf(pEl).trim() : '~';
  const home = `/var/home/${user}/`;
  if (p === '~' || p === '' || p === '.') p = home;
  else if (p.startsWith('~/')) p = home + p.slice(2);
  const dir = p.endsWith('/') ? p : `${p}/`;
  const exact = device.profile.files.has(p);
  const inDir = [...device.profile.files.keys()].filter((k) => k.startsWith(dir) && !k.slice(dir.length).includes('/'));
  if (!exact && inDir.length === 0 && p !== home && !p.startsWith('/var/tmp')) {
    throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: `${p}: No such file or directory` });
  }
  const names = exact ? [p] : inDir.map((k) => k.slice(dir.length));
  const root = exact ? p : dir;
  return [
    `<directory-list root-path="${escapeAttr(root)}" junos:seconds="${Math.floor(device.now() / 1000)}" junos:style="brief">`,
    `<directory name="${escapeAttr(root)}">`,
    el('directory-name', root),
    el('total-file-blocks', names.length * 8),
    ...names.flatMap((n) => ['<file-information>', el('file-name', n), '</file-information>']),
    el('total-files', names.length),
    '</directory>',
    '</directory-list>',
  ].join('\n');
};

/** A few shell commands NMS tools and PyEZ use; anything else is "not found". */
export const requestShellExecute: RpcHandler = ({ device, op, user }) => {
  const c = child(op, 'command');
  const cmd = c ? textOf(c).trim() : '';
  let out: string;
  if (cmd === 'sysctl -n hw.re.vmhost_mode') out = '0';
  else if (cmd === 'hostname') out = device.hostname;
  else if (cmd === 'whoami') out = user;
  else if (cmd === 'uname') out = 'JUNOS';
  else if (/^echo( |$)/.test(cmd)) out = cmd.slice(5);
  else out = `sh: ${cmd.split(/\s+/)[0]}: not found`;
  return `<output>\n${escapeText(out)}\n</output>`;
};

export const operationalRpcs: Record<string, RpcHandler> = {
  'get-system-information': getSystemInformation,
  'get-route-engine-information': getRouteEngineInformation,
  'get-system-uptime-information': getSystemUptimeInformation,
  'get-interface-information': getInterfaceInformation,
  'get-chassis-cluster-status': getChassisClusterStatus,
  'file-show': fileShow,
  'file-list': fileList,
  'request-shell-execute': requestShellExecute,
};
