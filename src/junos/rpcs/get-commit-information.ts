/**
 * get-commit-information (`show system commit`): the commit history, newest first, as
 * Junos shapes it: `<commit-history>` with sequence-number, user, client, date-time,
 * the system's `<comment>` and the user's `<log>`; a pending `commit at` first.
 */
import { escapeText, elements, type XmlElement } from '../../netconf/xml.js';
import { junosTime } from '../config/datastore.js';
import { t } from './formats.js';
import { feature } from './commit-history.js';
import type { RpcHandler, RpcModule } from './types.js';

const el = (name: string, value: string | number) => `<${name}>${escapeText(String(value))}</${name}>`;
const dateTime = (ms: number) => `<date-time junos:seconds="${Math.floor(ms / 1000)}">${junosTime(ms)}</date-time>`;

const handler: RpcHandler = ({ config }) => {
  const { history, pending } = feature(config, 'commitInformation', 'get-commit-information')();
  const out = ['<commit-information>'];
  if (pending) {
    out.push('<commit-pending>', el('user', pending.user), el('client', pending.client), dateTime(pending.at));
    if (pending.log !== undefined) out.push(el('log', pending.log));
    out.push('</commit-pending>');
  }
  for (const h of history) {
    out.push('<commit-history>', el('sequence-number', h.index), el('user', h.user), el('client', h.client), dateTime(h.time));
    if (h.comment !== undefined) out.push(el('comment', h.comment));
    if (h.log !== undefined) out.push(el('log', h.log));
    out.push('</commit-history>');
  }
  out.push('</commit-information>');
  return out.join('\n');
};

/** `0   2026-11-30 22:10:01 UTC by lab via netconf [system comment]`, the user's comment below it. */
function commitText(reply: XmlElement): string {
  const info = elements(reply).find((e) => e.name === 'commit-information');
  if (!info) return '';
  const lines: string[] = [];
  for (const e of elements(info)) {
    if (e.name === 'commit-pending') {
      lines.push(`commit requested by ${t(e, 'user')} via ${t(e, 'client')} at ${t(e, 'date-time')}`);
      if (t(e, 'log')) lines.push(`    ${t(e, 'log')}`);
    } else if (e.name === 'commit-history') {
      const comment = t(e, 'comment');
      lines.push(`${t(e, 'sequence-number').padEnd(4)}${t(e, 'date-time')} by ${t(e, 'user')} via ${t(e, 'client')}${comment ? ` ${comment}` : ''}`);
      if (t(e, 'log')) lines.push(`    ${t(e, 'log')}`);
    }
  }
  return lines.join('\n');
}

export const getCommitInformation: RpcModule = {
  name: 'get-commit-information',
  handler,
  cli: [{ words: 'show system commit' }],
  text: commitText,
};
