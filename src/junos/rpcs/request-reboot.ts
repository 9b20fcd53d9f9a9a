/**
 * request-reboot (`request system reboot [at TIME | in MINUTES] [message TEXT]
 * [both-routing-engines | other-routing-engine]`): the device goes down and comes back
 * after its boot time (../life/boot.ts). The halt and power-off RPCs share this shape
 * (./request-halt.ts, ./request-power-off.ts). Now: "Shutdown NOW!"; later: "Shutdown at
 * <time>"; both with the shutdown process's pid, as Junos answers.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { child, escapeAttr, escapeText, textOf, type XmlElement } from '../../netconf/xml.js';
import { parseAtTime } from '../config/datastore.js';
import { bootOf, shutdownTime, type ShutdownKind } from '../life/boot.js';
import type { CliCommand, RpcHandler, RpcModule } from './types.js';

const invalid = (message: string, badElement: string) => new RpcError({ type: 'protocol', tag: 'invalid-value', message, badElement });

/** When a shutdown asked with `at`/`in` runs (epoch ms; undefined: now). */
export function shutdownAt(op: XmlElement, now: number): number | undefined {
  const inEl = child(op, 'in');
  const atEl = child(op, 'at');
  if (inEl && atEl) throw invalid('at and in cannot both be given', 'in');
  if (inEl) {
    const v = textOf(inEl).trim();
    if (!/^\d{1,6}$/.test(v)) throw invalid(`invalid value for in: ${v} (minutes)`, 'in');
    return Number(v) === 0 ? undefined : now + Number(v) * 60_000;
  }
  if (atEl) {
    const v = textOf(atEl).trim();
    if (v === 'now') return undefined;
    // Junos also takes yymmddhhmm; the datastore's parser takes hh:mm[:ss] and yyyy-mm-dd hh:mm[:ss].
    const compact = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v);
    const text = compact ? `20${compact[1]}-${compact[2]}-${compact[3]} ${compact[4]}:${compact[5]}` : v;
    try {
      return parseAtTime(text, now);
    } catch {
      throw invalid(`invalid value for at: ${v} (expected hh:mm[:ss], yyyy-mm-dd hh:mm[:ss], yymmddhhmm or now)`, 'at');
    }
  }
  return undefined;
}

function shutdownHandler(kind: ShutdownKind): RpcHandler {
  return ({ device, op, user }) => {
    const boot = bootOf(device);
    const now = device.now();
    const at = shutdownAt(op, now);
    const messageEl = child(op, 'message');
    const message = messageEl ? textOf(messageEl).trim() || undefined : undefined;
    const dual = device.profile.routingEngines.length > 1;
    const other = child(op, 'other-routing-engine') !== undefined || child(op, 'other') !== undefined;
    const both = child(op, 'both-routing-engines') !== undefined || child(op, 'both') !== undefined;
    if ((other || both) && !dual) throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'error: command is not valid on a single routing engine system' });
    const backup = device.profile.routingEngines.find((r) => r.mastership !== 'master')?.name ?? 're1';
    const verb = kind === 'reboot' ? 'Rebooting' : kind === 'halt' ? 'Halting' : 'Powering off';
    if (other) {
      // The backup routing engine only: the master (and every session) stays up.
      return `<request-reboot-results>\n<request-reboot-status>${verb} ${escapeText(backup)}</request-reboot-status>\n</request-reboot-results>`;
    }
    const r = boot.request({ kind, user, message, at });
    const status = r.now ? `Shutdown NOW!\n[pid ${r.pid}]` : `Shutdown at ${shutdownTime(r.at)}\n[pid ${r.pid}]`;
    const warning =
      kind !== 'reboot' && dual && !both
        ? '<xnm:warning xmlns="http://xml.juniper.net/xnm/1.1/xnm" xmlns:xnm="http://xml.juniper.net/xnm/1.1/xnm">\n<message>\nThis command will not halt the other routing-engine.\nIf planning to switch off power, use the both-routing-engines option.\n</message>\n</xnm:warning>\n'
        : '';
    return [
      warning + '<request-reboot-results>',
      ...(both ? [`<output>${verb} ${escapeText(backup)}</output>`] : []),
      `<request-reboot-status reboot-time="${escapeAttr(String(Math.floor(r.at / 1000)))}">${escapeText(status)}</request-reboot-status>`,
      '</request-reboot-results>',
    ].join('\n');
  };
}

/** The cli words of request system reboot|halt|power-off. */
function shutdownCli(word: string): CliCommand[] {
  return [
    {
      words: `request system ${word}`,
      args: [
        { keyword: 'at' },
        { keyword: 'in' },
        { keyword: 'message' },
        { flag: 'both-routing-engines' },
        { flag: 'other-routing-engine' },
      ],
    },
  ];
}

function shutdownText(reply: XmlElement): string {
  const r = child(reply, 'request-reboot-results') ?? reply;
  const out = child(r, 'output');
  const status = child(r, 'request-reboot-status');
  return [out ? textOf(out).trim() : '', status ? textOf(status).trim() : ''].filter(Boolean).join('\n') + '\n';
}

/** Parameters older clients send that the family's published list spells differently. */
const EXTRA = ['both-routing-engines', 'other-routing-engine'];

export function shutdownModule(name: string, kind: ShutdownKind, word: string): RpcModule {
  return { name, handler: shutdownHandler(kind), cli: shutdownCli(word), text: shutdownText, params: EXTRA };
}

export const requestReboot: RpcModule = shutdownModule('request-reboot', 'reboot', 'reboot');
