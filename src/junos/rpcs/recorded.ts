/**
 * Recorded replies of a profile: transcripts (written by `--record`) in the profile's
 * `recordings/` folder answer the operational requests they hold, before templates and
 * built-in handlers, with the reply body the recorded device sent. A request matches when
 * it is the same once normalised: operation name, attributes (namespace declarations and
 * message-id aside) and arguments, whitespace between elements ignored. Configuration and
 * session operations are never answered from a recording (they act on this device's state).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseXml, type XmlElement } from '../../netconf/xml.js';

/** Operations that act on the device's own state: always answered live. */
const LIVE = new Set([
  'get-config', 'edit-config', 'copy-config', 'delete-config', 'lock', 'unlock', 'get', 'close-session', 'kill-session', 'commit', 'cancel-commit',
  'validate', 'discard-changes', 'get-configuration', 'load-configuration', 'commit-configuration', 'lock-configuration', 'unlock-configuration',
  'open-configuration', 'close-configuration', 'get-commit-information', 'get-rescue-information', 'request-save-rescue-configuration',
  'request-delete-rescue-configuration', 'clear-system-commit', 'get-system-users-information',
]);

/** How much of a recordings folder is read (the rest is left out). */
const MAX_RECORDINGS_BYTES = 256 * 1024 * 1024;

/** The normalised form of an operation element (its match key). */
export function requestKey(op: XmlElement): string {
  const attrs = Object.entries(op.attrs)
    .filter(([k]) => k !== 'xmlns' && !k.startsWith('xmlns:') && k !== 'message-id')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => ` ${k}="${v}"`)
    .join('');
  const inner = op.children
    .map((c) => (typeof c === 'string' ? c.trim() : requestKey(c)))
    .filter(Boolean)
    .join('');
  return `<${op.name}${attrs}>${inner}</${op.name}>`;
}

function operationOf(rpcText: string): XmlElement | undefined {
  try {
    const rpc = parseXml(rpcText.replace(/^\s*<\?xml[^>]*\?>/, ''));
    return rpc.children.find((c): c is XmlElement => typeof c !== 'string');
  } catch {
    return undefined;
  }
}

function replyBody(reply: string): string {
  return reply
    .replace(/^\s*(<\?xml[^>]*\?>\s*)?<(?:[\w-]+:)?rpc-reply\b[^>]*>/, '')
    .replace(/<\/(?:[\w-]+:)?rpc-reply>\s*$/, '')
    .replace(/^\n/, '')
    .replace(/\n$/, '');
}

/** Request key -> reply body, from every NETCONF transcript of a folder (later files win). */
export function loadRecordings(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  let budget = MAX_RECORDINGS_BYTES;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()) {
    const file = path.join(dir, name);
    const size = statSync(file).size;
    if (size > budget) break;
    budget -= size;
    const ins: string[] = [];
    const outs: string[] = [];
    let netconf = false;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        let e: { type?: string; kind?: string; dir?: string; msg?: string };
        try {
          e = JSON.parse(line) as typeof e;
        } catch {
          return;
        }
        if (i === 0) netconf = e.type === 'session' && e.kind === 'netconf';
        else if (typeof e.msg === 'string' && e.dir === 'in') ins.push(e.msg);
        else if (typeof e.msg === 'string' && e.dir === 'out') outs.push(e.msg);
      });
    if (!netconf) continue;
    if (ins.length && /^(<\?xml[^>]*\?>\s*)?<([\w-]+:)?hello[\s>]/.test(ins[0])) ins.shift();
    if (outs.length && /<([\w-]+:)?hello[\s>]/.test(outs[0])) outs.shift();
    ins.forEach((req, k) => {
      const op = operationOf(req);
      const reply = outs[k];
      if (!op || reply === undefined || LIVE.has(op.name)) return;
      // A redacted request or reply is not what the device said: left to the live handlers.
      if (req.includes('[redacted]') || reply.includes('[redacted]')) return;
      out.set(requestKey(op), replyBody(reply));
    });
  }
  return out;
}

const cache = new Map<string, Map<string, string>>();

/** The recorded reply body for this operation from the profile's recordings/, if any. */
export function recordedReply(profileDir: string, op: XmlElement): string | undefined {
  if (!profileDir) return undefined;
  let m = cache.get(profileDir);
  if (!m) {
    m = loadRecordings(path.join(profileDir, 'recordings'));
    cache.set(profileDir, m);
  }
  return m.size ? m.get(requestKey(op)) : undefined;
}
