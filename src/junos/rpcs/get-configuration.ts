/**
 * get-configuration, and `show configuration [path...]` through `<command>`: the
 * committed configuration as text, set lines (`| display set`), inherited
 * (`| display inheritance`), XML or JSON.
 */
import type { ConfigFormat, Database } from '../config/api.js';
import { child, escapeText } from '../../netconf/xml.js';
import { badValue, formatAttr, intAttr } from './config-args.js';
import { replyAsJson } from './formats.js';
import type { CommandFormat, MappedCommand, RpcContext, RpcHandler, RpcModule } from './types.js';

/** Wraps rendered configuration as the reply body for its format. */
function wrapConfig(format: ConfigFormat, rendered: string): string {
  switch (format) {
    case 'xml':
      return rendered;
    case 'text':
      return `<configuration-text>${escapeText(rendered)}</configuration-text>`;
    case 'set':
      return `<configuration-set>${escapeText(rendered)}</configuration-set>`;
    case 'json':
      return escapeText(rendered);
  }
}

const handler: RpcHandler = ({ config, op }) => {
  const db = (op.attrs.database ?? 'candidate') as Database;
  if (db !== 'candidate' && db !== 'committed') throw badValue(`invalid database: ${db}`, 'database');
  const format = formatAttr(op, 'xml');
  const filter = child(op, 'configuration');
  if (op.attrs.compare !== undefined) {
    if (op.attrs.compare !== 'rollback') throw badValue(`invalid compare: ${op.attrs.compare}`, 'compare');
    const n = intAttr(op.attrs.rollback ?? '0', 'rollback')!;
    const diff = config.getConfiguration({ database: db, format: 'text', compareRollback: n, filter });
    return compareReply(diff);
  }
  const inherit = op.attrs.inherit;
  if (inherit !== undefined && inherit !== 'inherit' && inherit !== 'defaults') throw badValue(`invalid inherit: ${inherit}`, 'inherit');
  const groups = op.attrs.groups === 'groups';
  const rendered = config.getConfiguration({ database: db, format, filter, inherit, groups });
  return wrapConfig(format, rendered);
};

/**
 * A compare answer as Junos gives it: the output starts with a newline, so "no difference"
 * is a single newline (PyEZ's Config.diff() and Ansible's junos_config test for exactly that).
 */
function compareReply(diff: string): string {
  return `<configuration-information>\n<configuration-output>\n${escapeText(diff)}</configuration-output>\n</configuration-information>`;
}

/** Extracts a hierarchy (e.g. `interfaces ge-0/0/0`) from curly-brace configuration text. */
export function configTextAt(text: string, path: string[]): string | undefined {
  let lines = text.split('\n');
  for (const word of path) {
    const start = lines.findIndex((l) => l.startsWith(`${word} {`) || l === `${word};` || l.startsWith(`${word} `));
    if (start < 0) return undefined;
    const first = lines[start];
    if (!first.endsWith('{')) return first;
    let depth = 0;
    let end = start;
    for (let i = start; i < lines.length; i++) {
      depth += (lines[i].match(/\{\s*(##.*)?$/) ? 1 : 0) - (lines[i].trim() === '}' ? 1 : 0);
      if (depth === 0) {
        end = i;
        break;
      }
    }
    lines = lines.slice(start + 1, end).map((l) => l.replace(/^ {4}/, ''));
  }
  return lines.join('\n');
}

/** The `set` lines under a hierarchy (`show configuration system | display set`). */
function setLinesAt(setText: string, path: string[]): string {
  if (!path.length) return setText;
  const prefix = `set ${path.join(' ')} `;
  return setText
    .split('\n')
    .filter((l) => l.startsWith(prefix) || l === prefix.trimEnd())
    .join('\n');
}

/** `show configuration [path] [| display set | display inheritance [no-comments]]`: the committed configuration. */
function showConfiguration(ctx: RpcContext, m: MappedCommand, format: CommandFormat, pipes: string[]): string {
  const inherit = pipes.some((p) => p.startsWith('display inheritance')) ? ('inherit' as const) : undefined;
  const displaySet = pipes.includes('display set');
  const path = m.configPath ?? [];
  const compare = pipes.map((p) => /^compare(?: rollback (\d+))?$/.exec(p)).find((x) => x);
  if (compare) {
    // `show configuration | compare rollback N`: the active configuration against rollback N.
    const n = intAttr(compare[1] ?? '0', 'rollback')!;
    return compareReply(ctx.config.getConfiguration({ database: 'committed', format: 'text', compareRollback: n }));
  }
  if (format === 'set') {
    // <command format="set">show configuration [path]</command>: set lines, as get-configuration format="set".
    const lines = setLinesAt(ctx.config.getConfiguration({ database: 'committed', format: 'set', inherit }), path);
    return `<configuration-set>${escapeText(lines)}</configuration-set>`;
  }
  if (format === 'text') {
    const full = ctx.config.getConfiguration({ database: 'committed', format: displaySet ? 'set' : 'text', inherit });
    const part = displaySet ? setLinesAt(full, path) : path.length ? configTextAt(full, path) : full;
    const body = part === undefined ? '' : part.replace(/\n*$/, '\n');
    return `<configuration-information>\n<configuration-output>\n${escapeText(body)}</configuration-output>\n</configuration-information>`;
  }
  const xml = ctx.config.getConfiguration({ database: 'committed', format: 'xml', path, inherit });
  return format === 'json' ? escapeText(replyAsJson(xml)) : xml;
}

export const getConfiguration: RpcModule = {
  name: 'get-configuration',
  handler,
  cli: [{ words: 'show configuration', path: true }],
  command: { pipes: /^(display inheritance( no-comments)?|display set|compare( rollback \d+)?)$/, answer: showConfiguration },
};
