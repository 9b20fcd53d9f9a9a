/**
 * get-system-users-information (`show system users`): uptime, load and one entry per
 * session open on the device now (NETCONF over every face and the emulated cli), with
 * its user, a tty, where it came from, login time and what it runs.
 */
import { uptimeClock } from './template.js';
import { child, elements, type XmlElement } from '../../netconf/xml.js';
import { pad, t } from './formats.js';
import { el, junosNs } from './reply-parts.js';
import type { DeviceView, RpcModule } from './types.js';

/** `11:04PM` from epoch ms (the device clock is UTC). */
function clock12(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours() % 12 || 12;
  return `${h}:${String(d.getUTCMinutes()).padStart(2, '0')}${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

/** What the session runs, as `w` shows it on Junos. */
const what = (client?: string) => (client === 'cli' ? 'cli' : client === 'stdio' ? 'xml-mode netconf need-trailer' : '-cli (cli) xml-mode netconf');

/** Where the session came from: a peer address; the faces without one show `-`. */
const from = (client?: string) => (client && /^[0-9a-f.:[\]]+$/i.test(client.replace(/:\d+$/, '')) ? client.replace(/^\[?([^\]]+?)\]?(:\d+)?$/, '$1') : '-');

function reply(device: DeviceView): string {
  const now = device.now();
  const up = Math.max(0, Math.floor((now - device.bootTime) / 1000));
  const sessions = device.sessionList?.() ?? [];
  const users = sessions.length;
  const lines = [
    `<system-users-information xmlns="${junosNs(device, 'junos')}">`,
    '<uptime-information>',
    `<date-time junos:seconds="${Math.floor(now / 1000)}">${clock12(now)}</date-time>`,
    `<up-time junos:seconds="${up}">${uptimeClock(up)}</up-time>`,
    `<active-user-count junos:format="${users} ${users === 1 ? 'user' : 'users'}">${users}</active-user-count>`,
    el('load-average-1', '0.12'),
    el('load-average-5', '0.09'),
    el('load-average-15', '0.08'),
    '<user-table>',
  ];
  sessions.forEach((s, i) => {
    const idle = Math.max(0, Math.floor((now - s.since) / 1000));
    lines.push(
      '<user-entry>',
      el('user', s.user),
      el('tty', `pts/${i}`),
      el('from', from(s.client)),
      `<login-time junos:seconds="${Math.floor(s.since / 1000)}">${clock12(s.since)}</login-time>`,
      `<idle-time junos:seconds="${idle}">${idle < 60 ? '-' : `${Math.floor(idle / 60)}`}</idle-time>`,
      el('command', what(s.client)),
      '</user-entry>',
    );
  });
  lines.push('</user-table>', '</uptime-information>', '</system-users-information>');
  return lines.join('\n');
}

function text(info: XmlElement | undefined): string {
  const u = info ? child(info, 'uptime-information') : undefined;
  const count = u ? child(u, 'active-user-count') : undefined;
  const out = [
    `${t(u, 'date-time')}  up ${t(u, 'up-time')}, ${count?.attrs['junos:format'] ?? ''}, load averages: ${t(u, 'load-average-1')}, ${t(u, 'load-average-5')}, ${t(u, 'load-average-15')}`,
    'USER     TTY      FROM                              LOGIN@  IDLE WHAT',
  ];
  const table = u ? child(u, 'user-table') : undefined;
  for (const e of table ? elements(table).filter((x) => x.name === 'user-entry') : []) {
    out.push(`${pad(t(e, 'user'), 9)}${pad(t(e, 'tty'), 9)}${pad(t(e, 'from'), 32)}${t(e, 'login-time').padStart(8)}${t(e, 'idle-time').padStart(6)} ${t(e, 'command')}`);
  }
  return out.join('\n');
}

export const getSystemUsersInformation: RpcModule = {
  name: 'get-system-users-information',
  handler: ({ device }) => reply(device),
  cli: [{ words: 'show system users', args: [{ flag: 'no-resolve' }] }],
  text: (r) => text(elements(r)[0]),
};
