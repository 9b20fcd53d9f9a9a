/** get-system-uptime-information (`show system uptime`): clock, boot, protocols, last commit, load. */
import { localTime, uptimeClock } from './template.js';
import { child, elements, escapeText, type XmlElement } from '../../netconf/xml.js';
import { t } from './formats.js';
import type { DeviceView, RpcModule } from './types.js';

const el = (name: string, value: string | number) => `<${name}>${escapeText(String(value))}</${name}>`;
const ns = (device: DeviceView, area: string) => `http://xml.juniper.net/junos/${device.profile.xmlRelease}/${area}`;
const upSeconds = (device: DeviceView) => Math.max(0, Math.floor((device.now() - device.bootTime) / 1000));

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

function uptimeText(u: XmlElement): string {
  const dt = (name: string) => t(child(u, name), 'date-time');
  const ago = (name: string) => t(child(u, name), 'time-length');
  const ui = child(u, 'uptime-information');
  const lc = child(u, 'last-configured-time');
  return [
    `Current time: ${dt('current-time')}`,
    `Time Source:  ${t(u, 'time-source').trim()}`,
    `System booted: ${dt('system-booted-time')} (${ago('system-booted-time')} ago)`,
    `Protocols started: ${dt('protocols-started-time')} (${ago('protocols-started-time')} ago)`,
    `Last configured: ${dt('last-configured-time')} (${ago('last-configured-time')} ago) by ${t(lc, 'user')}`,
    `${t(ui, 'date-time')}  up ${t(ui, 'up-time')}, 1 user, load averages: ${t(ui, 'load-average-1')}, ${t(ui, 'load-average-5')}, ${t(ui, 'load-average-15')}`,
  ].join('\n');
}

export const getSystemUptimeInformation: RpcModule = {
  name: 'get-system-uptime-information',
  handler: ({ device }) => systemUptimeInformation(device),
  cli: [{ words: 'show system uptime' }],
  text: (reply) => uptimeText(elements(reply)[0]),
};
