/**
 * The command interpreter of the emulated Junos `cli`: operational mode (`user@host>`)
 * sends commands to the device with the NETCONF `<command>` RPC; configuration mode
 * (`user@host#`) edits the device's candidate with load-configuration (set format),
 * shows it, commits it and rolls it back, with the Junos CLI's wording.
 */
import { escapeAttr, escapeText, textOf, elements, type XmlElement } from '../../netconf/xml.js';
import type { NetconfClient, RpcReply } from './netconf-client.js';
import { caretAt, parsePipes, splitPipeline, renderErrors, renderCommitErrors, renderLoadErrors, renderJson, renderText, renderXml, replyErrors } from './render.js';
import { operationalVerbs } from '../rpcs/registry.js';
import type { Schema } from '../../schema/index.js';
import { CONFIG_VERB_HELP, PATH_VERBS, configurationHelp, expandOperational, expandPipe, formatCompletions, operationalHelp, schemaForModel, splitLine, walkSchema, type HelpAnswer } from './complete.js';
import { pickWord } from '../rpcs/cli-words.js';

export interface CliIo {
  write(text: string): void;
  /** Reads one more line of input (for confirmation questions); undefined at end of input. */
  readLine(): Promise<string | undefined>;
  /** `start shell`: runs the session user's shell on this terminal until it exits. */
  startShell?(shell?: string): Promise<void>;
  /** Lines typed so far, oldest first (`show cli history`). */
  history?(): string[];
}

/** `set cli ...` settings, Junos defaults. */
export interface CliSettings {
  /** Lines per page; 0: no paging. */
  screenLength: number;
  screenWidth: number;
  timestamp: boolean;
  completeOnSpace: boolean;
}

/** First words of operational commands: from the registered RPCs' cli words (../rpcs/registry.ts). */
const OPERATIONAL_VERBS = new Set(operationalVerbs());
const CONFIG_SET_VERBS = new Set(['set', 'delete', 'deactivate', 'activate', 'rename', 'insert', 'copy', 'annotate', 'protect', 'unprotect']);

export class JunosCli {
  private mode: 'operational' | 'configuration' = 'operational';
  /** The lines entered, with when (`show cli history`). */
  private readonly typed: { line: string; at: Date }[] = [];
  /** The working directory (`set cli directory`); the user's home until set. */
  private directory: string | undefined;
  private editPath: string[] = [];
  private dirty = false;
  private privateConfig = false;
  /** True when the last command failed (for `cli -c` exit status). */
  failed = false;
  readonly settings: CliSettings = { screenLength: 0, screenWidth: 80, timestamp: false, completeOnSpace: true };
  private schemaCache?: Schema | null;
  /** The device's model (`mx960`), for the configuration schema's family. */
  model?: string;

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
    return (await JunosCli.identity(client)).host;
  }

  /** Host name and model as the device reports them (get-software-information). */
  static async identity(client: NetconfClient): Promise<{ host: string; model?: string }> {
    try {
      const reply = await client.rpc('<get-software-information/>');
      const find = (el: XmlElement, name: string): string | undefined => {
        for (const c of elements(el)) {
          if (c.name === name) return textOf(c).trim();
          const deeper = find(c, name);
          if (deeper) return deeper;
        }
        return undefined;
      };
      return { host: find(reply.root, 'host-name') ?? 'junos', model: find(reply.root, 'product-model') };
    } catch {
      return { host: 'junos' };
    }
  }

  private schema(): Schema | undefined {
    if (this.schemaCache === undefined) this.schemaCache = schemaForModel(this.model) ?? null;
    return this.schemaCache ?? undefined;
  }

  // ---- help and completion ----

  private helpAnswer(line: string): HelpAnswer {
    return this.mode === 'operational' ? operationalHelp(line) : configurationHelp(line, this.editPath, this.schema());
  }

  /** What `?` prints after `line` (the text before the cursor). */
  help(line: string): string {
    const a = this.helpAnswer(line);
    if (!a.ok) return this.wordError(line, a.at, a.ambiguous);
    if (a.candidates.length === 0) return a.complete ? formatCompletions([{ word: '<[Enter]>', help: 'Execute this command' }]) : `${caretAt(line, '', this.promptWidth())}syntax error.\n`;
    return formatCompletions(a.candidates, a.config);
  }

  /** The error for word `at` of the line's last pipeline part (unknown or ambiguous). */
  private wordError(line: string, at: number, ambiguous?: string[]): string {
    const parts = splitPipeline(line);
    const last = parts[parts.length - 1];
    const offset = line.length - last.length;
    const words = splitLine(last).words;
    const partial = splitLine(last).partial;
    const word = words[at] ?? partial;
    const caret = caretAt(last, word, this.promptWidth() + offset);
    if (ambiguous) return `${caret}'${word}' is ambiguous.\n${formatCompletions(ambiguous.map((w) => ({ word: w, help: '' })))}`;
    return `${caret}syntax error.\n`;
  }

  /**
   * Tab (or space, `space` true): the line with its last word completed, or the list of
   * possible completions to show when the word cannot be completed further.
   */
  complete(line: string, space = false): { line: string } | { list: string } {
    const { partial } = splitLine(line);
    if (space && (!this.settings.completeOnSpace || partial === '' || /["']/.test(line))) return { line: line + ' ' };
    const a = this.helpAnswer(line);
    if (!a.ok) return space ? { line: line + ' ' } : { list: this.wordError(line, a.at, a.ambiguous) };
    const words = a.candidates.map((c) => c.word).filter((w) => !w.startsWith('<') && w !== '|');
    const exact = words.includes(partial);
    if (words.length === 1 || (exact && space)) {
      const w = words.length === 1 ? words[0] : partial;
      return { line: line.slice(0, line.length - partial.length) + w + ' ' };
    }
    if (space) return { line: line + ' ' };
    if (words.length > 1) {
      let common = words[0];
      for (const w of words) while (!w.startsWith(common)) common = common.slice(0, -1);
      if (common.length > partial.length) return { line: line.slice(0, line.length - partial.length) + common };
    }
    return { list: a.candidates.length ? formatCompletions(a.candidates, a.config) : '' };
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
    // `show cli history` stamps each line with when it was entered.
    this.typed.push({ line: text, at: new Date() });
    if (this.typed.length > 1000) this.typed.shift();
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
    const x = expandOperational(line);
    if (!x.ok && x.ambiguous) {
      this.fail(`${caretAt(line, x.word, column0)}'${x.word}' is ambiguous.\n${formatCompletions(x.ambiguous.map((w) => ({ word: w, help: '' })))}`);
      return;
    }
    const expanded = x.ok ? x.line : line;
    const [verb, ...args] = expanded.split(/\s+/);
    if (x.ok && x.rpc?.startsWith('@')) return this.local(x.rpc, args, line, column0);
    // A verb that needs a command after it: the caret at the end, as Junos puts it.
    if (args.length === 0 && NEEDS_COMMAND.has(verb)) {
      this.fail(`${caretAt(`${line} `, '', column0)}syntax error, expecting <command>.\n`);
      return;
    }
    const other = otherCommand(verb, args);
    if (other !== undefined) {
      this.io.write(other);
      return;
    }
    if (!OPERATIONAL_VERBS.has(verb)) {
      this.fail(`${caretAt(line, verb, column0)}unknown command.\n`);
      return;
    }
    // As Junos, a storage cleanup lists the files and asks before deleting them.
    if (x.ok && /^request system storage cleanup$/.test(expanded)) {
      const list = await this.rpc('<request-system-storage-cleanup><dry-run/></request-system-storage-cleanup>');
      if (!list || this.showErrors(list, line, column0)) return;
      const names = [...list.text.matchAll(/<file-name>([^<]*)<\/file-name>/g)];
      this.output(renderText(list.root));
      if (names.length === 0) return;
      this.io.write('Delete these files ? [yes,no] (no) ');
      const answer = ((await this.io.readLine()) ?? 'no').trim().toLowerCase();
      this.io.write('\n');
      if (answer !== 'yes' && answer !== 'y') return;
      await this.command('request system storage cleanup no-confirm', column0, '', line);
      return;
    }
    // As Junos, a shutdown asks first (no answer, or anything but yes, is no).
    const shutdown = x.ok ? /^request system (reboot|halt|power-off)\b/.exec(expanded) : null;
    if (shutdown && !expanded.includes('other-routing-engine')) {
      const what = { reboot: 'Reboot', halt: 'Halt', 'power-off': 'Power Off' }[shutdown[1] as 'reboot' | 'halt' | 'power-off'];
      this.io.write(`${what} the system ? [yes,no] (no) `);
      const answer = ((await this.io.readLine()) ?? 'no').trim().toLowerCase();
      this.io.write('\n');
      if (answer !== 'yes' && answer !== 'y') return;
    }
    // Errors point at what was typed: send the spelled-out words only when they map.
    await this.command(x.ok ? expanded : line, column0, '', line);
  }

  /** The cli's own commands (`set cli`, `show cli`, `start shell`, ...). */
  private async local(what: string, args: string[], line: string, column0: number): Promise<'exit' | void> {
    const s = this.settings;
    switch (what) {
      case '@exit':
        return 'exit';
      case '@configure':
        return this.enterConfiguration(args, line, column0);
      case '@help':
        this.io.write(formatCompletions(operationalHelp('').ok ? (operationalHelp('') as { candidates: { word: string; help: string }[] }).candidates : []));
        return;
      case '@set-cli': {
        const [, setting, value] = args;
        if (setting === 'screen-length') {
          s.screenLength = Number(value);
          this.io.write(`Screen length set to ${s.screenLength}\n`);
        } else if (setting === 'screen-width') {
          s.screenWidth = Number(value);
          this.io.write(`Screen width set to ${s.screenWidth}\n`);
        } else if (setting === 'timestamp') {
          s.timestamp = !args.includes('disable');
          this.io.write(s.timestamp ? `${cliTimestamp(new Date())}\nEnabling timestamp\n` : 'Disabling timestamp\n');
        } else if (setting === 'complete-on-space') {
          s.completeOnSpace = value === 'on';
          this.io.write(s.completeOnSpace ? 'Enabling complete-on-space\n' : 'Disabling complete-on-space\n');
        }
        return;
      }
      case '@show-cli':
        this.io.write(
          `CLI complete-on-space set to ${s.completeOnSpace ? 'on' : 'off'}\nCLI idle-timeout disabled\nCLI restart-on-upgrade set to on\n` +
            `CLI screen-length set to ${s.screenLength}\nCLI screen-width set to ${s.screenWidth}\nCLI terminal is 'vt100'\n` +
            `CLI is operating in enhanced mode\nCLI timestamp ${s.timestamp ? 'set to %b %d %T' : 'disabled'}\nCLI working directory is '/var/home/${this.user}'\n`,
        );
        return;
      case '@show-cli-directory':
        this.io.write(`Current directory: ${this.directory ?? `/var/home/${this.user}`}\n`);
        return;
      case '@set-cli-directory': {
        const dir = args[3] ?? '';
        const base = this.directory ?? `/var/home/${this.user}`;
        const next = dir.startsWith('/') ? dir : `${base}/${dir}`;
        // The device says whether it is a directory (file list answers for it).
        const reply = await this.rpc(`<file-list><path>${escapeText(next)}</path></file-list>`);
        if (!reply) return;
        if (replyErrors(reply.root).some((e) => e.severity === 'error') || /<file-information>\s*<file-name>\//.test(reply.text)) {
          this.fail(`error: ${next}: Not a directory\n`);
          return;
        }
        this.directory = /root-path="([^"]*)"/.exec(reply.text)?.[1]?.replace(/\/$/, '') || next;
        this.io.write(`Current directory: ${this.directory}\n`);
        return;
      }
      case '@show-cli-history': {
        const all = this.typed.slice(0, -1);
        const shown = all.slice(-(args[3] !== undefined ? Number(args[3]) : all.length));
        this.io.write(shown.map((h) => `${cliTimestamp(h.at).slice(7)} -- ${h.line}\n`).join(''));
        return;
      }
      case '@start-shell':
        if (!this.io.startShell) {
          this.fail('error: no terminal for a shell here\n');
          return;
        }
        await this.io.startShell(args[2]);
        return;
    }
  }

  /** Sends a CLI command with the `<command>` RPC and prints the answer. */
  private async command(line: string, column0: number, banner: string, typed = line): Promise<void> {
    const pipes = parsePipes(line);
    if ('error' in pipes) {
      this.fail(`${caretAt(typed, pipes.error, column0)}syntax error, expecting <command>.\n`);
      return;
    }
    // `show configuration ... | compare rollback N`: the committed configuration against rollback N.
    const compare = /^show configuration(?: (.*?))? \| compare rollback (\d+)$/.exec(pipes.command);
    const body = compare
      ? `<get-configuration database="committed" compare="rollback" rollback="${compare[2]}" format="text"/>`
      : `<command format="${pipes.format}">${escapeText(pipes.command)}</command>`;
    const reply = await this.rpc(body);
    if (!reply) return;
    if (this.showErrors(reply, typed, column0)) return;
    let out = pipes.format === 'xml' ? renderXml(reply.root, banner) : pipes.format === 'json' ? renderJson(reply.root) : renderText(reply.root);
    for (const f of pipes.filters) out = f(out);
    this.output(out);
  }

  /** Command output, after the timestamp line when `set cli timestamp` is on. */
  private output(text: string): void {
    this.io.write(this.settings.timestamp ? `${cliTimestamp(new Date())}\n${text}` : text);
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

  private async configuration(typed: string, column0: number): Promise<'exit' | void> {
    const expanded = this.expandConfiguration(typed, column0);
    if (expanded === undefined) return;
    const line = expanded;
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
      case 'run': {
        if (!rest) return this.fail(`${caretAt(line, '', column0)}syntax error, expecting <command>.\n`);
        const x = expandOperational(rest);
        if (!x.ok && x.ambiguous) return this.fail(`'${x.word}' is ambiguous.\n${formatCompletions(x.ambiguous.map((w) => ({ word: w, help: '' })))}`);
        if (x.ok && x.rpc?.startsWith('@')) {
          await this.local(x.rpc, x.line.split(/\s+/), rest, -1);
          return;
        }
        return this.command(x.ok ? x.line : rest, column0 + typed.indexOf(rest.split(/\s+/)[0]), `[edit${this.editPath.length ? ' ' + this.editPath.join(' ') : ''}]`, typed.slice(typed.indexOf(rest.split(/\s+/)[0])));
      }
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
      case 'load':
        return this.loadTerminal(words.slice(1), line, column0);
      case 'status':
        return this.status();
      default:
        return this.fail(`${caretAt(line, verb, column0)}unknown command.\n`);
    }
  }

  /**
   * `load merge|replace|override|update|set terminal`: reads configuration until Ctrl-D and
   * loads it as Junos does, keeping the good statements: `load complete`, or with errors
   * each error and `load complete (N errors)`.
   */
  private async loadTerminal(args: string[], line: string, column0: number): Promise<void> {
    const actions = ['merge', 'override', 'replace', 'set', 'update'];
    const action = actions.find((a) => args[0] !== undefined && a.startsWith(args[0]));
    if (!action) {
      this.fail(`${caretAt(line, args[0] ?? '', column0)}syntax error, expecting <command>.\n`);
      return;
    }
    if (!args[1]) {
      this.fail(`${caretAt(line, '', column0)}syntax error, expecting <filename> or terminal.\n`);
      return;
    }
    if (!'terminal'.startsWith(args[1])) {
      // Files are not emulated: Junos' answer for a file it cannot fetch.
      this.fail(`error: file-fetch failed\nload not performed\n`);
      return;
    }
    this.io.write('[Type ^D at a new line to end input]\n');
    const lines: string[] = [];
    for (let n = 0; n < 1_000_000; n++) {
      const l = await this.io.readLine();
      if (l === undefined) break;
      lines.push(l);
    }
    let text = lines.join('\n');
    // `load set terminal` and `load merge relative terminal` take statements at the edit level.
    if (action === 'set' && this.editPath.length) text = lines.map((l) => l.replace(/^(\s*\S+)/, `$1 ${this.editPath.join(' ')}`)).join('\n');
    const body = action === 'set'
      ? `<load-configuration action="set" format="text"><configuration-set>${escapeText(text)}</configuration-set></load-configuration>`
      : `<load-configuration action="${action}" format="text"><configuration-text>${escapeText(text)}</configuration-text></load-configuration>`;
    const reply = await this.client.rpc(body).catch(() => undefined);
    if (!reply) {
      this.fail('error: load failed\n');
      return;
    }
    const errors = replyErrors(reply.root);
    this.io.write(renderLoadErrors(errors, text.split('\n'), action === 'set'));
    const count = errors.filter((e) => e.severity === 'error').length;
    if (count) this.failed = true;
    this.dirty = true;
    // As Junos 25.4 prints them: a text load counts its errors; `load set` only reports each line.
    this.io.write(count && action !== 'set' ? `load complete (${count} errors)\n` : 'load complete\n');
  }

  /** `status`: the users in configuration mode, as Junos lists them. */
  private async status(): Promise<void> {
    const reply = await this.client.rpc('<get-system-users-information/>').catch(() => undefined);
    const users = reply ? findAll(reply.root, 'user-entry') : [];
    this.io.write('Users currently editing the configuration:\n');
    for (const u of users) {
      const name = textOf(findAll(u, 'user')[0] ?? u).trim();
      const tty = textOf(findAll(u, 'tty')[0] ?? u).trim();
      const since = textOf(findAll(u, 'login-time')[0] ?? u).trim();
      this.io.write(`  ${name} terminal ${tty} (pid ${process.pid}) on since ${since}\n      [edit]\n`);
    }
  }

  /**
   * Spells out a configuration-mode line's abbreviations (verb, statement names, pipes);
   * prints the error and answers undefined for an ambiguous word. Words the schema does not
   * know are left for the device to judge.
   */
  private expandConfiguration(line: string, column0: number): string | undefined {
    const [cmd, ...pipes] = splitPipeline(line);
    const words = cmd.trim().split(/\s+/).filter(Boolean);
    const ambiguous = (word: string, list: string[]) => {
      this.fail(`${caretAt(line, word, column0)}'${word}' is ambiguous.\n${formatCompletions(list.map((w) => ({ word: w, help: '' })))}`);
      return undefined;
    };
    const verb = pickWord(Object.keys(CONFIG_VERB_HELP), words[0] ?? '');
    if (verb !== undefined && typeof verb !== 'string') return ambiguous(words[0], verb.ambiguous);
    if (typeof verb === 'string') words[0] = verb;
    const schema = this.schema();
    if (schema && typeof verb === 'string' && PATH_VERBS.has(verb) && words.length > 1) {
      const walked = walkSchema(schema, [...this.editPath, ...words.slice(1)]);
      if (walked.ok) words.splice(1, words.length - 1, ...walked.words.slice(this.editPath.length));
      else if (walked.ambiguous && walked.at >= this.editPath.length) return ambiguous(words[1 + walked.at - this.editPath.length], walked.ambiguous);
    }
    const out = [words.join(' ')];
    for (const p of pipes) {
      const e = expandPipe(p);
      if (typeof e !== 'string') {
        if (e.ambiguous) return ambiguous(e.error, e.ambiguous);
        out.push(p.trim());
      } else out.push(e);
    }
    return out.join(' | ');
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
    const compare = wanted.find((w) => /^compare( rollback \d+)?$/.test(w));
    if (compare) body = `<get-configuration database="candidate" compare="rollback" rollback="${compare.split(' ')[2] ?? '0'}" format="text"/>`;
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
    else if (compare) out = renderText(reply.root);
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
    let confirmed = false;
    // Words as the Junos cli takes them: a comment or a time may be quoted.
    const words = cliWords(args.join(' '));
    for (let i = 0; i < words.length; i++) {
      const a = words[i];
      if (a === 'check') inner += '<check/>';
      else if (a === 'and-quit') andQuit = true;
      else if (a === 'synchronize') inner += '<synchronize/>';
      else if (a === 'comment' && words[i + 1] !== undefined) inner += `<log>${escapeText(words[++i])}</log>`;
      else if (a === 'at' && words[i + 1] !== undefined) inner += `<at-time>${escapeText(words[++i])}</at-time>`;
      else if (a === 'confirmed') {
        confirmed = true;
        inner += '<confirmed/>';
        if (/^\d+$/.test(words[i + 1] ?? '')) inner += `<confirm-timeout>${words[++i]}</confirm-timeout>`;
      } else {
        this.fail(`${caretAt(line, a, column0)}syntax error.\n`);
        return;
      }
    }
    const reply = await this.rpc(inner ? `<commit-configuration>${inner}</commit-configuration>` : '<commit-configuration/>');
    if (!reply) return;
    const errors = replyErrors(reply.root);
    if (errors.length) this.io.write(renderCommitErrors(errors));
    if (errors.some((e) => e.severity === 'error')) {
      this.failed = true;
      if (!errors.some((e) => /configuration check-out failed|commit failed/.test(e.message))) this.io.write('error: configuration check-out failed\n');
      return;
    }
    if (inner.includes('<check/>')) {
      this.io.write('configuration check succeeds\n');
      return;
    }
    // The device's notes: "commit confirmed will be automatically rolled back in N minutes
    // unless confirmed", "commit at will be executed at ...".
    const notes = findAll(reply.root, 'output').map((o) => textOf(o).trim());
    if (notes.length) this.io.write(`configuration check succeeds\n${notes.map((n) => `${n}\n`).join('')}`);
    if (inner.includes('<at-time>')) return;
    this.dirty = false;
    this.io.write('commit complete\n');
    const minutes = confirmed ? /rolled back in (\d+) minutes/.exec(notes.join('\n'))?.[1] : undefined;
    if (minutes) this.io.write(`\n# commit confirmed will be rolled back in ${minutes} minutes\n`);
    // A committed host-name shows in the prompt from now on, as on Junos.
    this.host = await JunosCli.hostName(this.client);
    if (andQuit) {
      this.io.write('Exiting configuration mode\n');
      await this.closeConfiguration();
    }
  }

  private async rollback(n: string | undefined, line: string, column0: number): Promise<void> {
    const which = n ?? '0';
    if (which !== 'rescue' && (!/^\d+$/.test(which) || Number(which) > 49)) {
      this.fail(`${caretAt(line, which, column0)}syntax error.\n`);
      return;
    }
    const reply = await this.rpc(which === 'rescue' ? '<load-configuration rescue="rescue"/>' : `<load-configuration rollback="${which}"/>`);
    if (!reply || this.showErrors(reply, line, column0)) return;
    this.dirty = which !== '0';
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

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `set cli timestamp`'s line: `Nov 30 23:20:01` (Junos's default format `%b %d %T`). */
/** Operational verbs that take a command after them (`show` alone is a syntax error). */
const NEEDS_COMMAND = new Set(['show', 'request', 'clear', 'monitor', 'restart', 'test', 'file', 'set', 'op']);

/**
 * What Junos prints for the operational commands the emulator does not run: `ssh` and
 * `telnet` cannot reach anything from here (the client's refusal), `restart` of a
 * daemon answers as Junos does, `monitor` and `test` need what a lab box lacks. Undefined
 * for the commands handled elsewhere.
 */
function otherCommand(verb: string, args: string[]): string | undefined {
  const host = args.find((a) => !a.startsWith('-') && /^[\w.:-]+$/.test(a)) ?? '';
  switch (verb) {
    case 'ssh':
      return host ? `ssh: connect to host ${host} port 22: Connection refused\n` : 'error: syntax error, expecting <host>.\n';
    case 'telnet':
      return host ? `Trying ${host}...\ntelnet: connect to address ${host}: Connection refused\ntelnet: Unable to connect to remote host\n` : 'error: syntax error, expecting <host>.\n';
    case 'restart': {
      const daemons: Record<string, string> = { routing: 'Routing protocols process', 'interface-control': 'Interface control process', 'management': 'Management process', 'snmp': 'SNMP process', 'chassis-control': 'Chassis control process', 'dhcp-service': 'DHCP service process', 'lldpd-service': 'LLDP daemon', 'web-management': 'Web management process' };
      const name = daemons[args[0]];
      const pid = 1000 + ((args[0].length * 7919) % 8000);
      return name ? `${name} started, pid ${pid}\n` : `error: the ${args[0]} subsystem is not running\n`;
    }
    case 'monitor':
      return args[0] === 'list' ? '' : args[0] === 'start' || args[0] === 'stop' ? '' : `error: monitor ${args[0]} needs a live data plane; this emulated device has none\n`;
    case 'test':
      return `error: test ${args[0]} is not available on this platform\n`;
    default:
      return undefined;
  }
}

export function cliTimestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
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

/** Splits a command's words as the Junos cli does: a double-quoted word may hold spaces. */
export function cliWords(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}

/** Every descendant element named `name`. */
function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of elements(el)) {
    if (c.name === name) out.push(c);
    else out.push(...findAll(c, name));
  }
  return out;
}
