/**
 * Operational reply templates of a profile: XML text with `{{name}}` placeholders filled
 * from the device's identity and clock, so host name, serial numbers and times are the
 * device's own and live, not frozen sample text.
 *
 * Placeholders:
 *   {{hostname}} {{serial}} {{model}} {{product-name}} {{release}} {{xml-release}}
 *   {{now-seconds}} {{now-local}} {{boot-seconds}} {{boot-local}}
 *   {{uptime-seconds}} {{uptime-long}} (`3 days, 4 hours, 5 minutes, 6 seconds`)
 *   {{uptime-clock}} (`3 days, 04:05`) {{uptime-hms}} (`76:05:06`)
 *   {{serial-of:TAG:PATTERN}} a serial number of PATTERN (# digit, @ letter) stable for
 *     this host name and TAG, for component serials.
 */
import { serialFor } from '../identity/profile.js';
import type { DeviceView } from './types.js';
import { escapeText as escapeXml } from '../../netconf/xml.js';

/** `2024-05-01 10:11:12 UTC`: the device clock is UTC. */
export function localTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Junos long form: `165 days, 6 hours, 35 minutes, 48 seconds` (leading zero units left out). */
export function uptimeLong(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts: string[] = [];
  if (d) parts.push(plural(d, 'day'));
  if (d || h) parts.push(plural(h, 'hour'));
  if (d || h || m) parts.push(plural(m, 'minute'));
  parts.push(plural(s, 'second'));
  return parts.join(', ');
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `3 days, 4:05` (the `up` column of show system uptime). */
export function uptimeClock(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const hm = h || d ? `${h}:${pad2(m)}` : `${m} mins`;
  return d ? `${plural(d, 'day')}, ${hm}` : hm;
}

/** `76:05:06`-like `HH:MM:SS` since boot (hours may exceed 24; Junos uses `Nw Nd HH:MM` past a day). */
export function uptimeHms(seconds: number): string {
  const w = Math.floor(seconds / 604800);
  const d = Math.floor((seconds % 604800) / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (w || d) return `${w ? `${w}w` : ''}${d}d ${pad2(h)}:${pad2(m)}`;
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}`;
}

export function templateVars(device: DeviceView): Record<string, string> {
  const now = device.now();
  const up = Math.max(0, Math.floor((now - device.bootTime) / 1000));
  const p = device.profile;
  return {
    hostname: device.hostname,
    serial: device.serialNumber,
    model: p.model,
    'product-name': p.productName,
    'hardware-model': p.hardwareModel,
    release: p.release,
    'xml-release': p.xmlRelease,
    'now-seconds': String(Math.floor(now / 1000)),
    'now-local': localTime(now),
    'boot-seconds': String(Math.floor(device.bootTime / 1000)),
    'boot-local': localTime(device.bootTime),
    'uptime-seconds': String(up),
    'uptime-long': uptimeLong(up),
    'uptime-clock': uptimeClock(up),
    'uptime-hms': uptimeHms(up),
  };
}

/** Fills a template; unknown placeholders are left as written so mistakes show. */
export function renderTemplate(text: string, device: DeviceView, extra: Record<string, string> = {}, raw = false): string {
  const vars = { ...templateVars(device), ...extra };
  const escapeText = raw ? (x: string) => x : escapeXml;
  return text.replace(/\{\{([a-z-]+)(?::([^:}]*):([^}]*))?\}\}/g, (whole, name: string, tag?: string, pattern?: string) => {
    if (name === 'serial-of' && tag !== undefined && pattern !== undefined) return escapeText(serialFor(pattern, `${device.identity ?? device.hostname}/${tag}`));
    const v = vars[name];
    return v === undefined ? whole : escapeText(v);
  });
}

/** Renders the profile's template for `name`, or undefined when the profile has none. */
export function profileTemplate(device: DeviceView, name: string, extra?: Record<string, string>): string | undefined {
  const t = device.profile.templates.get(name);
  return t === undefined ? undefined : renderTemplate(t, device, extra).replace(/\s+$/, '');
}
