/**
 * `<command format="text|xml|json">CLI</command>`: a CLI command mapped to the RPC it
 * stands for. xml answers that RPC's reply, json its Junos JSON form, text the CLI
 * rendering; `| display xml rpc` answers the RPC itself as `<rpc>...</rpc>`.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { elements, escapeText, parseXml, textOf, type XmlElement, child } from '../../netconf/xml.js';
import { renderCliText } from './cli-text.js';
import type { RpcContext, RpcHandler, RpcReply } from './types.js';

/** A CLI command resolved to an RPC: its name and argument elements (already XML). */
export interface MappedCommand {
  rpc: string;
  args: string[];
  /** For show configuration: the hierarchy path words. */
  configPath?: string[];
}

const leaf = (name: string, value?: string) => (value === undefined ? `<${name}/>` : `<${name}>${escapeText(value)}</${name}>`);

function syntaxError(word: string): RpcError {
  return new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'syntax error', badElement: word });
}

/** Maps the words of a CLI command to its RPC; throws the Junos syntax error otherwise. */
export function mapCommand(words: string[]): MappedCommand {
  const [w0, w1, w2, ...rest] = words;
  const rest2 = words.slice(2);
  const bad = (i: number): never => {
    throw syntaxError(words[i] ?? words[words.length - 1] ?? '');
  };
  if (w0 === 'show') {
    switch (w1) {
      case 'version': {
        if (rest2.length === 0) return { rpc: 'get-software-information', args: [] };
        if (rest2.join(' ') === 'invoke-on all-routing-engines') return { rpc: 'get-software-information', args: [leaf('all-servers')] };
        if (rest2.length === 1 && (rest2[0] === 'detail' || rest2[0] === 'brief')) return { rpc: 'get-software-information', args: [leaf(rest2[0])] };
        return bad(2);
      }
      case 'configuration':
        return { rpc: 'get-configuration', args: [], configPath: rest2 };
      case 'interfaces': {
        const args: string[] = [];
        let name: string | undefined;
        for (let i = 2; i < words.length; i++) {
          const w = words[i];
          if (w === 'terse') args.push(leaf('terse'));
          else if (w === 'routing-instance' && words[i + 1]) args.push(leaf('routing-instance', words[++i]));
          else if (!name && /^[a-z]/.test(w)) name = w;
          else bad(i);
        }
        if (name) args.push(leaf('interface-name', name));
        return { rpc: 'get-interface-information', args };
      }
      case 'chassis':
        if (w2 === 'hardware' && rest.length === 0) return { rpc: 'get-chassis-inventory', args: [] };
        if (w2 === 'routing-engine' && rest.length === 0) return { rpc: 'get-route-engine-information', args: [] };
        if (w2 === 'cluster' && rest.join(' ') === 'status') return { rpc: 'get-chassis-cluster-status', args: [] };
        return bad(2);
      case 'system':
        if (w2 === 'uptime' && rest.length === 0) return { rpc: 'get-system-uptime-information', args: [] };
        if (w2 === 'information' && rest.length === 0) return { rpc: 'get-system-information', args: [] };
        return bad(2);
      case 'virtual-chassis':
        if (rest2.length === 0) return { rpc: 'get-virtual-chassis-information', args: [] };
        return bad(2);
      case 'bridge':
        if (w2 === 'mac-table' && rest.length === 0) return { rpc: 'get-bridge-mac-table', args: [] };
        if (w2 === 'mac-table' && rest.join(' ') === 'count') return { rpc: 'get-bridge-mac-table', args: [leaf('count')] };
        return bad(2);
      case 'ethernet-switching':
        if (w2 === 'table' && (rest.length === 0 || rest.join(' ') === 'summary')) {
          return { rpc: 'get-ethernet-switching-table-information', args: rest.length ? [leaf('summary')] : [] };
        }
        return bad(2);
      default:
        return bad(1);
    }
  }
  if (w0 === 'file' && w1 === 'show' && w2 && rest.length === 0) return { rpc: 'file-show', args: [leaf('filename', w2)] };
  if (w0 === 'file' && w1 === 'list' && rest.length === 0) return { rpc: 'file-list', args: w2 ? [leaf('path', w2)] : [] };
  return bad(words.length ? 0 : 0);
}

/** The `<rpc>` element a command maps to, as `| display xml rpc` prints it. */
export function displayXmlRpc(m: MappedCommand): string {
  if (m.rpc === 'get-configuration') return '<rpc>\n<get-configuration>\n</get-configuration>\n</rpc>';
  return ['<rpc>', `<${m.rpc}>`, ...m.args, `</${m.rpc}>`, '</rpc>'].join('\n');
}

function opElement(m: MappedCommand): XmlElement {
  return parseXml(`<${m.rpc}>${m.args.join('')}</${m.rpc}>`);
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

/** Junos JSON of an element (each element a list of objects, text as "data"). */
function toJunosJson(el: XmlElement): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const attrs = Object.entries(el.attrs);
  if (attrs.length) obj.attributes = Object.fromEntries(attrs);
  const kids = elements(el);
  if (kids.length === 0) {
    const t = textOf(el).trim();
    if (t !== '') obj.data = t;
    return obj;
  }
  for (const k of kids) {
    const list = (obj[k.name] ??= []) as unknown[];
    list.push(toJunosJson(k));
  }
  return obj;
}

export function replyAsJson(replyXml: string): string {
  const root = parseXml(`<r xmlns:junos="urn:x-junos">${replyXml}</r>`);
  const out: Record<string, unknown> = {};
  for (const k of elements(root)) ((out[k.name] ??= []) as unknown[]).push(toJunosJson(k));
  return JSON.stringify(out, null, 4);
}

/**
 * The `<command>` RPC. `answers` tells whether the device has the RPC a command maps to:
 * a command for a feature the platform lacks (`show bridge` on an EX or a PTX) is a
 * syntax error naming the command's word, as on Junos.
 */
export function createCommandRpc(
  dispatch: (ctx: RpcContext) => Promise<RpcReply | string>,
  answers: (ctx: RpcContext, rpc: string) => boolean,
): RpcHandler {
  return async (ctx) => {
    const format = (ctx.op.attrs.format ?? 'xml').toLowerCase();
    if (!['xml', 'text', 'ascii', 'json'].includes(format)) throw new RpcError({ type: 'protocol', tag: 'invalid-value', message: `invalid format: ${format}`, badElement: 'format' });
    const line = textOf(ctx.op).trim();
    const [cmd, ...pipes] = line.split('|').map((s) => s.trim());
    const words = cmd.split(/\s+/).filter(Boolean);
    if (words.length === 0) throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'syntax error, expecting <command>', badElement: 'command' });
    const mapped = mapCommand(words);
    if (!answers(ctx, mapped.rpc)) throw syntaxError(words[1] ?? words[0]);
    const isConfig = mapped.rpc === 'get-configuration';
    // `show configuration ... | display inheritance [no-comments]` and `| display set`.
    const inherit = isConfig && pipes.some((p) => /^display inheritance( no-comments)?$/.test(p)) ? ('inherit' as const) : undefined;
    const displaySet = isConfig && pipes.includes('display set');
    const pipe = pipes.filter((p) => !(isConfig && (/^display inheritance( no-comments)?$/.test(p) || p === 'display set'))).join(' | ');
    if (pipe === 'display xml rpc') return displayXmlRpc(mapped);
    if (pipe !== '' && pipe !== 'display xml' && !/^count$|^no-more$/.test(pipe)) throw syntaxError(pipe.split(/\s+/)[0] ?? '|');
    const wantXml = pipe === 'display xml' ? 'xml' : format === 'ascii' ? 'text' : format;

    if (isConfig) {
      const path = mapped.configPath ?? [];
      if (wantXml === 'text') {
        const full = ctx.config.getConfiguration({ database: 'committed', format: displaySet ? 'set' : 'text', inherit });
        const part = displaySet ? setLinesAt(full, path) : path.length ? configTextAt(full, path) : full;
        const body = part === undefined ? '' : part.replace(/\n*$/, '\n');
        return `<configuration-information>\n<configuration-output>\n${escapeText(body)}</configuration-output>\n</configuration-information>`;
      }
      const xml = ctx.config.getConfiguration({ database: 'committed', format: 'xml', path, inherit });
      return wantXml === 'json' ? escapeText(replyAsJson(xml)) : xml;
    }

    const sub: RpcContext = { ...ctx, op: opElement(mapped) };
    const reply = await dispatch(sub);
    const body = typeof reply === 'string' ? reply : reply.body;
    if (wantXml === 'xml') return reply;
    if (wantXml === 'json') return escapeText(replyAsJson(body));
    const text = renderCliText(mapped.rpc, body, ctx.device, child(sub.op, 'all-servers') !== undefined);
    return `<output>\n${escapeText(text.replace(/\n*$/, '\n'))}</output>`;
  };
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
