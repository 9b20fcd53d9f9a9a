/**
 * The emulated cli's line editor on a terminal: Junos (Emacs-style) keys, history, `?` help,
 * Tab and space completion. Keys are decoded by Node's readline (`emitKeypressEvents`);
 * the terminal is raw only while a line is being read, so commands (and `start shell`)
 * see a normal terminal.
 *
 * Keys: Left/Right, Ctrl-B/Ctrl-F, Home/End, Ctrl-A/Ctrl-E, Backspace, Delete, Ctrl-D
 * (delete, or end of input on an empty line), Ctrl-U (kill line), Ctrl-K (kill to end),
 * Ctrl-W (kill word), Up/Down and Ctrl-P/Ctrl-N (history), Ctrl-L (redraw), Ctrl-C
 * (discard the line), Tab, space, `?`, Enter.
 */
import readline from 'node:readline';

export interface EditorHooks {
  /** What `?` prints for the text before the cursor. */
  help(line: string): string;
  /** Tab or space: a new line, or a list to print. */
  complete(line: string, space: boolean): { line: string } | { list: string };
}

type Key = { name?: string; ctrl?: boolean; meta?: boolean; sequence?: string };

const HISTORY_MAX = 1000;

/** One line being read: its text, cursor and place in history, as drawn on the terminal. */
class EditLine {
  buf = '';
  cur = 0;
  /** Index into history of the line shown; history.length is the line being typed. */
  private hist: number;
  /** The line being typed, kept while history is browsed. */
  private saved = '';
  /** The prompt may hold earlier lines (`[edit]`): redraws repeat only its last line. */
  private readonly promptLast: string;

  constructor(
    readonly prompt: string,
    private readonly history: readonly string[],
    private readonly write: (text: string) => void,
  ) {
    this.promptLast = prompt.slice(prompt.lastIndexOf('\n') + 1);
    this.hist = history.length;
  }

  redraw(): void {
    this.write(`\r\x1b[K${this.promptLast}${this.buf}`);
    if (this.cur < this.buf.length) this.write(`\x1b[${this.buf.length - this.cur}D`);
  }

  atEnd(): boolean {
    return this.cur === this.buf.length;
  }

  insert(s: string): void {
    this.buf = this.buf.slice(0, this.cur) + s + this.buf.slice(this.cur);
    this.cur += s.length;
    if (this.atEnd()) this.write(s);
    else this.redraw();
  }

  /** The whole line replaced (completion): only what was added goes out when it grew at its end. */
  replace(line: string): void {
    const grown = line.startsWith(this.buf);
    const added = line.slice(this.buf.length);
    this.buf = line;
    this.cur = line.length;
    if (grown) this.write(added);
    else this.redraw();
  }

  /** Ctrl-C, as Junos: the line is dropped, a fresh prompt, the session stays. */
  discard(): void {
    this.write('^C\n');
    this.buf = '';
    this.cur = 0;
    this.write(this.prompt);
  }

  /** Delete, Ctrl-D on a line with text: the character under the cursor. */
  deleteAt(): void {
    if (this.cur >= this.buf.length) return;
    this.buf = this.buf.slice(0, this.cur) + this.buf.slice(this.cur + 1);
    this.redraw();
  }

  /** Cursor and editing keys; false when the key is none of them. */
  editKey(name: string | undefined, ctrl: boolean): boolean {
    const action = name === undefined ? undefined : (EDIT_KEYS.get(name) ?? (ctrl ? CTRL_EDIT_KEYS.get(name) : undefined));
    if (!action) return false;
    action(this);
    return true;
  }

  backspace(): void {
    if (this.cur === 0) return;
    this.buf = this.buf.slice(0, this.cur - 1) + this.buf.slice(this.cur);
    this.cur--;
    this.redraw();
  }

  left(): void {
    if (this.cur === 0) return;
    this.cur--;
    this.write('\x1b[D');
  }

  right(): void {
    if (this.cur >= this.buf.length) return;
    this.cur++;
    this.write('\x1b[C');
  }

  moveTo(cur: number): void {
    this.cur = cur;
    this.redraw();
  }

  /** Ctrl-U, Ctrl-K, Ctrl-W: the text kept before and after the cursor. */
  kill(before: string, after: string): void {
    this.buf = before + after;
    this.cur = before.length;
    this.redraw();
  }

  /** Ctrl-L: a cleared screen, the prompt and the line. */
  clearScreen(): void {
    this.write('\x1b[H\x1b[2J');
    this.write(this.prompt);
    this.redraw();
  }

  /** Up/Down, Ctrl-P/Ctrl-N: false when the key is none of them. */
  historyKey(name: string | undefined, ctrl: boolean): boolean {
    if (!(name === 'up' || name === 'down' || (ctrl && (name === 'p' || name === 'n')))) return false;
    const up = name === 'up' || name === 'p';
    if (up && this.hist > 0) {
      if (this.hist === this.history.length) this.saved = this.buf;
      this.hist--;
    } else if (!up && this.hist < this.history.length) this.hist++;
    else return true;
    this.buf = this.hist === this.history.length ? this.saved : this.history[this.hist];
    this.moveTo(this.buf.length);
    return true;
  }
}

type EditAction = (l: EditLine) => void;

/** Keys by name, with or without Ctrl. */
const EDIT_KEYS = new Map<string, EditAction>([
  ['backspace', (l) => l.backspace()],
  ['delete', (l) => l.deleteAt()],
  ['left', (l) => l.left()],
  ['right', (l) => l.right()],
  ['home', (l) => l.moveTo(0)],
  ['end', (l) => l.moveTo(l.buf.length)],
]);

/** Ctrl-<letter> keys (Ctrl-C, Ctrl-D and Enter end or drop the line: LineEditor.lineKey). */
const CTRL_EDIT_KEYS = new Map<string, EditAction>([
  ['h', (l) => l.backspace()],
  ['b', (l) => l.left()],
  ['f', (l) => l.right()],
  ['a', (l) => l.moveTo(0)],
  ['e', (l) => l.moveTo(l.buf.length)],
  ['u', (l) => l.kill('', l.buf.slice(l.cur))],
  ['k', (l) => l.kill(l.buf.slice(0, l.cur), '')],
  ['w', (l) => l.kill(l.buf.slice(0, l.cur).replace(/\S+\s*$/, ''), l.buf.slice(l.cur))],
  ['l', (l) => l.clearScreen()],
]);

export class LineEditor {
  readonly history: string[] = [];
  private started = false;
  /**
   * Keys decoded but not yet read: several lines can arrive in one chunk (pasted, or typed
   * ahead while a command runs), and what follows the first Enter belongs to the next lines.
   */
  private readonly pending: [string | undefined, Key | undefined][] = [];
  private reader: ((str: string | undefined, key?: Key) => void) | undefined;
  private ended = false;
  private onEnded: (() => void) | undefined;

  constructor(
    private readonly input: NodeJS.ReadStream,
    private readonly out: (text: string) => void,
  ) {}

  /** Terminal output (libuv's raw mode keeps ONLCR: LF still goes out as CR LF). */
  private write(text: string): void {
    this.out(text);
  }

  /**
   * Writes `prompt` and reads one line. Resolves to the line, or undefined at end of input (Ctrl-D on an empty line, EOF).
   * `hooks` absent: a plain question (no completion, no history).
   */
  readLine(prompt: string, hooks?: EditorHooks): Promise<string | undefined> {
    this.start();
    const line = new EditLine(prompt, this.history, (t) => this.write(t));
    this.write(prompt);
    return new Promise((resolve) => {
      const finish = (value: string | undefined) => {
        this.reader = undefined;
        this.onEnded = undefined;
        if (this.input.isTTY) this.input.setRawMode(false);
        this.input.pause();
        resolve(value);
      };
      const onEnd = () => finish(line.buf.length ? line.buf : undefined);
      const onKey = (str: string | undefined, key: Key = {}) => {
        const ended = this.lineKey(line, str, key, hooks);
        if (ended) finish(ended.value);
      };
      if (this.input.isTTY) this.input.setRawMode(true);
      this.reader = onKey;
      this.onEnded = onEnd;
      this.input.resume();
      // Keys that came ahead of this line first; end of input only once they are read.
      this.drain();
      if (this.reader === onKey && this.ended && !this.pending.length) onEnd();
    });
  }

  /** Listens to the terminal's keys once, for every line read after. */
  private start(): void {
    if (this.started) return;
    readline.emitKeypressEvents(this.input);
    this.input.on('keypress', (str: string | undefined, key: Key | undefined) => {
      this.pending.push([str, key]);
      this.drain();
    });
    this.input.on('end', () => {
      this.ended = true;
      this.onEnded?.();
    });
    this.started = true;
  }

  /** One key of the line being read; `{ value }` when it ends the line (Enter, Ctrl-D). */
  private lineKey(line: EditLine, str: string | undefined, key: Key, hooks: EditorHooks | undefined): { value: string | undefined } | undefined {
    const name = key.name;
    const ctrl = !!key.ctrl;
    if (ctrl && name === 'c') {
      line.discard();
      return undefined;
    }
    if (ctrl && name === 'd') {
      if (line.buf.length > 0) {
        line.deleteAt();
        return undefined;
      }
      this.write('\n');
      return { value: undefined };
    }
    if (name === 'return' || name === 'enter') {
      this.write('\n');
      if (hooks) this.remember(line.buf);
      return { value: line.buf };
    }
    if (line.editKey(name, ctrl)) return;
    if (hooks && line.historyKey(name, ctrl)) return;
    if (hooks && this.completionKey(line, str, name, hooks)) return;
    if (ctrl || key.meta || !str || str.length !== 1 || str < ' ') return;
    line.insert(str);
  }

  /** A line entered at the prompt goes into history (not blank, not twice in a row). */
  private remember(text: string): void {
    if (!text.trim() || this.history[this.history.length - 1] === text) return;
    this.history.push(text);
    if (this.history.length > HISTORY_MAX) this.history.shift();
  }

  /** Tab anywhere, space or `?` at the end of the line: completion or help; false otherwise. */
  private completionKey(line: EditLine, str: string | undefined, name: string | undefined, hooks: EditorHooks): boolean {
    if (!(name === 'tab' || ((str === ' ' || str === '?') && line.atEnd()))) return false;
    if (str === '?') {
      this.write(`${str}\n${hooks.help(line.buf)}`);
      this.write(line.prompt + line.buf);
      return true;
    }
    const r = hooks.complete(line.buf, name !== 'tab');
    if ('line' in r) line.replace(r.line);
    else if (r.list) {
      this.write(`\n${r.list}`);
      this.write(line.prompt + line.buf);
    }
    return true;
  }

  /** Hands queued keys to the line being read, one at a time, until it is finished. */
  private drain(): void {
    while (this.reader && this.pending.length) {
      const [str, key] = this.pending.shift()!;
      this.reader(str, key);
    }
  }
}
