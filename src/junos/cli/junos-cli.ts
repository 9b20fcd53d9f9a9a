/**
 * The command interpreter of the emulated Junos `cli`: operational mode (`user@host>`)
 * sends commands to the device with the NETCONF `<command>` RPC; configuration mode
 * (`user@host#`) edits the device's candidate with load-configuration (set format),
 * shows it, commits it and rolls it back, with the Junos CLI's wording.
 */
import { escapeAttr, escapeText, textOf, elements, type XmlElement } from '../../netconf/xml.js';
import type { NetconfClient, RpcReply } from './netconf-client.js';
import { caretAt, parsePipes, renderErrors, renderJson, renderText, renderXml, replyErrors } from './render.js';
import { operationalVerbs } from '../rpcs/registry.js';

export interface CliIo {
  write(text: string): void;
  /** Reads one more line of input (for confirmation questions); undefined at end of input. */
  readLine(): Promise<string | undefined>;
}

/** First words of operational commands: from the registered RPCs' cli words (../rpcs/registry.ts). */
const OPERATIONAL_VERBS = new Set(operationalVerbs());
const CONFIG_SET_VERBS = new Set(['set', 'delete', 'deactivate', 'activate', 'rename', 'insert', 'copy', 'annotate', 'protect', 'unprotect']);

export class JunosCli {
  private mode: 'operational' | 'configuration' = 'operational';
  private editPath: string[] = [];
  private dirty = false;
  private privateConfig = false;
  /** True when the last command failed (for `cli -c` exit status). */
  failed = false;

  constructor(
    private readonly client: NetconfClient,
    private readonly io: CliIo,
    readonly user: string,
    private host: string,
    /** Whether the terminal echoes input: then a caret line starts below the echoed command. */
    private readonly inputEchoed = false,
  ) {}

  /** Host name as the device reports it. */
  static async hostName(client: NetconfClient): Promise<string> {
    try {
      const reply = await client.rpc('<get-software-information/>');
      const find = (el: XmlElement): string | undefined => {
        for (const c of elements(el)) {
          if (c.name === 'host-name') return textOf(c).trim();
          const deeper = find(c);
          if (deeper) return deeper;
        }
        return undefined;
      };
      return find(reply.root) ?? 'junos';
    } catch {
      return 'junos';
    }
  }

  get inConfiguration(): boolean {
    return this.mode === 'configuration';
  }

  /** The prompt, with the `[edit ...]` banner line in configuration mode. */
  prompt(): string {
    if (this.mode === 'operational') return `${this.user}@${this.host}> `;
    return `\n[edit${this.editPath.length ? ' ' + this.editPath.join(' ') : ''}]\n${this.user}@${this.host}# `;
  }

  private promptWidth(): number {
    return `${this.user}@${this.host}> `.length;
  }

  /**
   * Runs one input line; resolves to 'exit' when the cli should end. `column0` is where the
   * line starts on screen, for carets (negative: not on screen, no caret).
   */
  async run(line: string, column0 = this.inputEchoed ? this.promptWidth() : 0): Promise<'exit' | void> {
    this.failed = false;
    const text = line.trim();
    if (!text) return;
    return this.mode === 'operational' ? this.operational(text, column0) : this.configuration(text, column0);
  }

  private fail(out: string): void {
    this.failed = true;
    this.io.write(out);
  }

  private async rpc(body: string): Promise<RpcReply | undefined> {
    try {
      return await this.client.rpc(body);
    } catch (err) {
      this.fail(`error: ${(err as Error).message}\n`);
      return undefined;
    }
  }

  /** Prints the errors of a reply; true when there was an error (warnings do not count). */
  private showErrors(reply: RpcReply, line: string, column0: number): boolean {
    const errors = replyErrors(reply.root);
    if (errors.length) this.io.write(renderErrors(errors, line, column0));
    const hard = errors.some((e) => e.severity === 'error');
    if (hard) this.failed = true;
    return hard;
  }

  // ---- operational mode ----

  private async operational(line: string, column0: number): Promise<'exit' | void> {
    const [verb, ...args] = line.split(/\s+/);
    if (verb === 'exit' || verb === 'quit') return 'exit';
    if (verb === 'configure') return this.enterConfiguration(args, line, column0);
    if (!OPERATIONAL_VERBS.has(verb)) {
      this.fail(`${caretAt(line, verb, column0)}unknown command.\n`);
      return;
    }
    await this.command(line, column0, '');
  }

  /** Sends a CLI command with the `<command>` RPC and prints the answer. */
  private async command(line: string, column0: number, banner: string): Promise<void> {
    const pipes = parsePipes(line);
    if ('error' in pipes) {
      this.fail(`${caretAt(line, pipes.error, column0)}syntax error, expecting <command>.\n`);
      return;
    }
    const reply = await this.rpc(`<command format="${pipes.format}">${escapeText(pipes.command)}</command>`);
    if (!reply) return;
    if (this.showErrors(reply, line, column0)) return;
    let out = pipes.format === 'xml' ? renderXml(reply.root, banner) : pipes.format === 'json' ? renderJson(reply.root) : renderText(reply.root);
    for (const f of pipes.filters) out = f(out);
    this.io.write(out);
  }

  private async enterConfiguration(args: string[], line: string, column0: number): Promise<void> {
    const how = args[0];
    if (how === 'private' || how === 'exclusive') {
      const reply = await this.rpc(how === 'private' ? '<open-configuration><private/></open-configuration>' : '<lock-configuration/>');
      if (!reply || this.showErrors(reply, line, column0)) return;
      this.privateConfig = how === 'private';
      if (how === 'private') this.io.write('warning: uncommitted changes will be discarded on exit\n');
    } else if (how !== undefined) {
      this.fail(`${caretAt(line, how, column0)}syntax error.\n`);
      return;
    }
    this.mode = 'configuration';
    this.editPath = [];
    this.dirty = false;
    this.io.write('Entering configuration mode\n');
  }

  // ---- configuration mode ----

  private async configuration(line: string, column0: number): Promise<'exit' | void> {
    const words = line.split(/\s+/);
    const verb = words[0];
    const rest = line.slice(verb.length).trim();
    if (CONFIG_SET_VERBS.has(verb)) return this.loadSet(verb, rest, line, column0);
    switch (verb) {
      case 'show':
        return this.showCandidate(rest, line, column0);
      case 'commit':
        return this.commit(words.slice(1), line, column0);
      case 'rollback':
        return this.rollback(words[1], line, column0);
      case 'run':
        if (!rest) return this.fail(`${caretAt(line, '', column0)}syntax error, expecting <command>.\n`);
        return this.command(rest, column0 + line.indexOf(rest), `[edit${this.editPath.length ? ' ' + this.editPath.join(' ') : ''}]`);
      case 'edit':
        if (!rest) return;
        this.editPath.push(...words.slice(1));
        return;
      case 'up': {
        const n = Math.max(1, Number(words[1] ?? 1) || 1);
        this.editPath.splice(Math.max(0, this.editPath.length - n));
        return;
      }
      case 'top':
        if (rest) {
          const saved = this.editPath;
          this.editPath = [];
          try {
            return await this.configuration(rest, column0 + line.indexOf(rest));
          } finally {
            if (this.mode === 'configuration') this.editPath = saved;
          }
        }
        this.editPath = [];
        return;
      case 'exit':
      case 'quit':
        if (this.editPath.length && rest !== 'configuration-mode') {
          this.editPath.pop();
          return;
        }
        return this.leaveConfiguration();
      default:
        return this.fail(`${caretAt(line, verb, column0)}unknown command.\n`);
    }
  }

  private async loadSet(verb: string, rest: string, line: string, column0: number): Promise<void> {
    if (!rest) {
      this.fail(`${caretAt(line, '', column0)}syntax error, expecting <statement>.\n`);
      return;
    }
    const statement = [verb, ...this.editPath, rest].join(' ');
    const reply = await this.rpc(`<load-configuration action="set" format="text"><configuration-set>${escapeText(statement)}</configuration-set></load-configuration>`);
    if (!reply) return;
    if (!this.showErrors(reply, line, column0)) this.dirty = true;
  }

  private async showCandidate(rest: string, line: string, column0: number): Promise<void> {
    const pipes = parsePipes(rest);
    if ('error' in pipes) {
      this.fail(`${caretAt(line, pipes.error, column0)}syntax error.\n`);
      return;
    }
    const [pathPart, ...wanted] = pipes.command.split(' | ');
    const path = [...this.editPath, ...(pathPart ? pathPart.split(/\s+/) : [])];
    let body: string;
    let asSet = false;
    if (wanted.includes('compare')) body = '<get-configuration database="candidate" compare="rollback" rollback="0" format="text"/>';
    else if (wanted.includes('display set')) {
      asSet = true;
      body = '<get-configuration database="candidate" format="set"/>';
    } else if (pipes.format !== 'text') body = `<get-configuration database="candidate" format="${escapeAttr(pipes.format)}"/>`;
    else body = '<get-configuration database="candidate" format="text"/>';
    const reply = await this.rpc(body);
    if (!reply || this.showErrors(reply, line, column0)) return;
    let out: string;
    if (pipes.format === 'xml') out = renderXml(reply.root, `[edit${this.editPath.length ? ' ' + this.editPath.join(' ') : ''}]`);
    else if (pipes.format === 'json') out = renderJson(reply.root);
    else if (wanted.includes('compare')) out = renderText(reply.root);
    else if (asSet) {
      const prefix = path.length ? `set ${path.join(' ')} ` : '';
      out = renderText(reply.root)
        .split('\n')
        .filter((l) => l && (!prefix || l.startsWith(prefix) || `${l} ` === prefix))
        .map((l) => l + '\n')
        .join('');
    } else out = subHierarchy(renderText(reply.root), path);
    for (const f of pipes.filters) out = f(out);
    this.io.write(out);
  }

  private async commit(args: string[], line: string, column0: number): Promise<'exit' | void> {
    let inner = '';
    let andQuit = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === 'check') inner += '<check/>';
      else if (a === 'and-quit') andQuit = true;
      else if (a === 'synchronize') inner += '<synchronize/>';
      else if (a === 'comment' && args[i + 1]) {
        const comment = args.slice(i + 1).join(' ').replace(/^"(.*)"$/, '$1');
        inner += `<log>${escapeText(comment)}</log>`;
        break;
      } else if (a === 'confirmed') {
        inner += '<confirmed/>';
        if (/^\d+$/.test(args[i + 1] ?? '')) inner += `<confirm-timeout>${args[++i]}</confirm-timeout>`;
      } else {
        this.fail(`${caretAt(line, a, column0)}syntax error.\n`);
        return;
      }
    }
    const reply = await this.rpc(inner ? `<commit-configuration>${inner}</commit-configuration>` : '<commit-configuration/>');
    if (!reply) return;
    const errors = replyErrors(reply.root);
    if (errors.length) this.io.write(renderErrors(errors, line, column0));
    if (errors.some((e) => e.severity === 'error')) {
      this.failed = true;
      if (!errors.some((e) => e.message.includes('configuration check-out failed'))) this.io.write('error: configuration check-out failed\n');
      return;
    }
    if (inner.includes('<check/>')) {
      this.io.write('configuration check succeeds\n');
      return;
    }
    this.dirty = false;
    this.io.write('commit complete\n');
    // A committed host-name shows in the prompt from now on, as on Junos.
    this.host = await JunosCli.hostName(this.client);
    if (andQuit) {
      this.io.write('Exiting configuration mode\n');
      await this.closeConfiguration();
    }
  }

  private async rollback(n: string | undefined, line: string, column0: number): Promise<void> {
    const which = n ?? '0';
    if (!/^\d+$/.test(which) || Number(which) > 49) {
      this.fail(`${caretAt(line, which, column0)}syntax error.\n`);
      return;
    }
    const reply = await this.rpc(`<load-configuration rollback="${which}"/>`);
    if (!reply || this.showErrors(reply, line, column0)) return;
    this.dirty = Number(which) !== 0;
    this.io.write('load complete\n');
  }

  /** True when the candidate differs from the committed configuration. */
  private async hasUncommittedChanges(): Promise<boolean> {
    try {
      const reply = await this.client.rpc('<get-configuration database="candidate" compare="rollback" rollback="0" format="text"/>');
      if (replyErrors(reply.root).some((e) => e.severity === 'error')) return this.dirty;
      return textOf(reply.root).trim().length > 0;
    } catch {
      return this.dirty;
    }
  }

  private async leaveConfiguration(): Promise<void> {
    if (await this.hasUncommittedChanges()) {
      this.io.write('The configuration has been changed but not committed\nExit with uncommitted changes? [yes,no] (yes) ');
      const answer = ((await this.io.readLine()) ?? 'yes').trim().toLowerCase();
      this.io.write('\n');
      if (answer !== '' && answer !== 'yes' && answer !== 'y') return;
    }
    this.io.write('Exiting configuration mode\n');
    await this.closeConfiguration();
  }

  private async closeConfiguration(): Promise<void> {
    if (this.privateConfig) await this.rpc('<close-configuration/>');
    this.privateConfig = false;
    this.mode = 'operational';
    this.editPath = [];
  }
}

/**
 * The part of a curly-brace configuration under a path of words, de-indented, as
 * `show system services` prints it. Statement heads match one or more path words
 * (`unit 0 {` matches `unit 0`). Without a path, the whole text.
 */
export function subHierarchy(text: string, path: string[]): string {
  if (path.length === 0) return text;
  const lines = text.split('\n');
  let from = 0;
  let to = lines.length;
  let depth = 0;
  let left = [...path];
  while (left.length) {
    let found = -1;
    let consumed = 0;
    let leaf = false;
    for (let i = from; i < to; i++) {
      const l = lines[i];
      const indent = l.length - l.trimStart().length;
      if (indent !== depth * 4) continue;
      const head = l.trim().replace(/^(inactive: )/, '').replace(/\s*[{;]$/, '');
      const words = head.split(/\s+/);
      const n = Math.min(words.length, left.length);
      if (words.slice(0, n).join(' ') === left.slice(0, n).join(' ') && n > 0) {
        found = i;
        consumed = n;
        leaf = !l.trimEnd().endsWith('{');
        if (leaf) return `${head};\n`;
        break;
      }
    }
    if (found < 0) return '';
    left = left.slice(consumed);
    // The block runs to the closing brace at the same indent.
    let end = found + 1;
    while (end < to && !(lines[end].length - lines[end].trimStart().length === depth * 4 && lines[end].trim() === '}')) end++;
    from = found + 1;
    to = end;
    depth++;
  }
  return (
    lines
      .slice(from, to)
      .map((l) => l.slice(depth * 4))
      .join('\n') + '\n'
  );
}
