/**
 * `replay --update-profile DIR`: the recorded replies of operational RPCs that the target
 * answered differently become reply templates of a profile (`rpc/<name>.xml`, or
 * `rpc/<name>.<flag>.xml` for an RPC asked with one empty flag element such as <terse/>),
 * so the emulator answers them as the recorded device did.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { parseXml } from '../netconf/xml.js';
import type { Exchange } from './replay.js';

/** RPCs that are not questions about the device: never made into templates. */
const NOT_OPERATIONAL = new Set([
  'hello', 'get-config', 'edit-config', 'copy-config', 'delete-config', 'lock', 'unlock', 'get', 'close-session', 'kill-session',
  'commit', 'validate', 'discard-changes', 'get-configuration', 'load-configuration', 'commit-configuration', 'lock-configuration',
  'unlock-configuration', 'open-configuration', 'close-configuration', 'command', 'get-schema',
]);

/** The template name for a request: `name`, or `name.flag` for one empty flag element; undefined when it cannot be one. */
export function templateName(request: string): string | undefined {
  let rpc;
  try {
    rpc = parseXml(request.replace(/^\s*<\?xml[^>]*\?>/, ''));
  } catch {
    return undefined;
  }
  const op = rpc.children.find((c) => typeof c !== 'string');
  if (!op || typeof op === 'string' || NOT_OPERATIONAL.has(op.name)) return undefined;
  // Templates are the XML reply: asked as text or JSON, the recorded reply is no template.
  if ((op.attrs.format ?? rpc.attrs.format ?? 'xml') !== 'xml') return undefined;
  const args = op.children.filter((c) => typeof c !== 'string');
  if (args.length === 0) return op.name;
  if (args.length === 1 && typeof args[0] !== 'string' && args[0].children.every((c) => typeof c === 'string' && !c.trim())) return `${op.name}.${args[0].name}`;
  return undefined;
}

/** What is inside <rpc-reply>, one element per line as Junos sends it. */
export function replyBody(reply: string): string {
  return reply
    .replace(/^\s*(<\?xml[^>]*\?>\s*)?<(?:[\w-]+:)?rpc-reply\b[^>]*>/, '')
    .replace(/<\/(?:[\w-]+:)?rpc-reply>\s*$/, '')
    .trim();
}

/** Writes templates for the differing exchanges; returns the files written. */
export function updateProfile(dir: string, exchanges: Exchange[]): string[] {
  if (!existsSync(path.join(dir, 'profile.json'))) throw new UsageError(`--update-profile ${dir}: no profile.json there (a profile directory, e.g. one made by "profile capture")`);
  const rpcDir = path.join(dir, 'rpc');
  mkdirSync(rpcDir, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  for (const e of exchanges) {
    if (!e.diff.length || e.n === 0) continue;
    const name = templateName(e.request);
    if (!name || /<(?:[\w-]+:)?rpc-error[\s>]/.test(e.recorded)) continue;
    const file = path.join(rpcDir, `${name}.xml`);
    writeFileSync(file, replyBody(e.recorded) + '\n', { mode: 0o600 });
    written.push(file);
  }
  return written;
}
