/**
 * `<command format="text|xml|json">CLI</command>`: a cli command mapped to the RPC it
 * stands for, through the registered modules' cli words (./registry.ts builds this
 * module with its lookups). xml answers that RPC's reply, json its Junos JSON form, text
 * the module's cli rendering; `| display xml rpc` answers the RPC itself as `<rpc>...</rpc>`.
 */
import { RpcError } from '../../netconf/rpc-error.js';
import { escapeText, parseXml, textOf, type XmlElement } from '../../netconf/xml.js';
import { syntaxError } from './cli-words.js';
import type { CommandFormat, MappedCommand, RpcContext, RpcModule, RpcReply } from './types.js';

/** What `<command>` needs from the registry. */
export interface CommandLookups {
  /** Maps cli words to an RPC; throws the Junos syntax error. */
  match(words: string[]): MappedCommand;
  /** The registered module of an RPC. */
  module(rpc: string): RpcModule | undefined;
  /** Whether this device answers an RPC (built in or from its profile). */
  answers(ctx: RpcContext, rpc: string): boolean;
  dispatch(ctx: RpcContext): Promise<RpcReply | string>;
  /** The reply as the cli prints it. */
  text(rpc: string, replyXml: string): string;
  json(rpc: string, replyXml: string): string;
}

/** The `<rpc>` element a command maps to, as `| display xml rpc` prints it. */
export function displayXmlRpc(m: MappedCommand): string {
  return ['<rpc>', `<${m.rpc}>`, ...m.args, `</${m.rpc}>`, '</rpc>'].join('\n');
}

function opElement(m: MappedCommand): XmlElement {
  return parseXml(`<${m.rpc}>${m.args.join('')}</${m.rpc}>`);
}

/**
 * The `<command>` RPC. A command for a feature the platform lacks (`show bridge` on an
 * EX or a PTX) is a syntax error naming the command's word, as on Junos.
 */
export function commandRpc(rpcs: CommandLookups): RpcModule {
  return {
    name: 'command',
    handler: async (ctx) => {
      const format = (ctx.op.attrs.format ?? 'xml').toLowerCase();
      if (!['xml', 'text', 'ascii', 'json', 'set'].includes(format)) throw new RpcError({ type: 'protocol', tag: 'invalid-value', message: `invalid format: ${format}`, badElement: 'format' });
      const line = textOf(ctx.op).trim();
      const [cmd, ...pipes] = line.split('|').map((s) => s.trim());
      // A quoted value (`message "going down"`) is one word.
      const words = [...cmd.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
      if (words.length === 0) throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'syntax error, expecting <command>', badElement: 'command' });
      const mapped = rpcs.match(words);
      if (!rpcs.answers(ctx, mapped.rpc)) throw syntaxError(words[1] ?? words[0]);
      const own = rpcs.module(mapped.rpc)?.command;
      const ownPipes = own ? pipes.filter((p) => own.pipes.test(p)) : [];
      const pipe = pipes.filter((p) => !ownPipes.includes(p)).join(' | ');
      if (pipe === 'display xml rpc') return displayXmlRpc(mapped);
      if (pipe !== '' && pipe !== 'display xml' && !/^count$|^no-more$/.test(pipe)) throw syntaxError(pipe.split(/\s+/)[0] ?? '|');
      const want = pipe === 'display xml' ? 'xml' : format === 'ascii' ? 'text' : (format as CommandFormat);
      if (own) return own.answer(ctx, mapped, want, ownPipes);
      // format="set" (Ansible's junos_command `| display set`) means something only for show configuration.
      if (want === 'set') throw new RpcError({ type: 'protocol', tag: 'invalid-value', message: `invalid format: ${format}`, badElement: 'format' });

      const reply = await rpcs.dispatch({ ...ctx, op: opElement(mapped) });
      const body = typeof reply === 'string' ? reply : reply.body;
      if (want === 'xml') return reply;
      if (want === 'json') return escapeText(rpcs.json(mapped.rpc, body));
      const text = rpcs.text(mapped.rpc, body);
      return `<output>\n${escapeText(text.replace(/\n*$/, '\n'))}</output>`;
    },
  };
}
