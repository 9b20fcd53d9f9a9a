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
    if (!this.started) {
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
    // The prompt may hold earlier lines (`[edit]`): redraws repeat only its last line.
    const promptLast = prompt.slice(prompt.lastIndexOf('\n') + 1);
    let buf = '';
    let cur = 0;
    let hist = this.history.length;
    let saved = '';
    const redraw = () => {
      this.write(`\r\x1b[K${promptLast}${buf}`);
      if (cur < buf.length) this.write(`\x1b[${buf.length - cur}D`);
    };
    this.write(prompt);
    return new Promise((resolve) => {
      const finish = (value: string | undefined) => {
        this.reader = undefined;
        this.onEnded = undefined;
        if (this.input.isTTY) this.input.setRawMode(false);
        this.input.pause();
        resolve(value);
      };
      const onEnd = () => finish(buf.length ? buf : undefined);
      const insert = (s: string) => {
        buf = buf.slice(0, cur) + s + buf.slice(cur);
        cur += s.length;
        if (cur === buf.length) this.write(s);
        else redraw();
      };
      const onKey = (str: string | undefined, key: Key = {}) => {
        const name = key.name;
        if (key.ctrl && name === 'c') {
          // As Junos: the line is dropped, a fresh prompt, the session stays.
          this.write('^C\n');
          buf = '';
          cur = 0;
          this.write(prompt);
          return;
        }
        if (key.ctrl && name === 'd') {
          if (buf.length === 0) {
            this.write('\n');
            return finish(undefined);
          }
          if (cur < buf.length) {
            buf = buf.slice(0, cur) + buf.slice(cur + 1);
            redraw();
          }
          return;
        }
        if (name === 'return' || name === 'enter') {
          this.write('\n');
          if (hooks && buf.trim() && this.history[this.history.length - 1] !== buf) {
            this.history.push(buf);
            if (this.history.length > HISTORY_MAX) this.history.shift();
          }
          return finish(buf);
        }
        if (name === 'backspace' || (key.ctrl && name === 'h')) {
          if (cur > 0) {
            buf = buf.slice(0, cur - 1) + buf.slice(cur);
            cur--;
            redraw();
          }
          return;
        }
        if (name === 'delete') {
          if (cur < buf.length) {
            buf = buf.slice(0, cur) + buf.slice(cur + 1);
            redraw();
          }
          return;
        }
        if (name === 'left' || (key.ctrl && name === 'b')) {
          if (cur > 0) {
            cur--;
            this.write('\x1b[D');
          }
          return;
        }
        if (name === 'right' || (key.ctrl && name === 'f')) {
          if (cur < buf.length) {
            cur++;
            this.write('\x1b[C');
          }
          return;
        }
        if (name === 'home' || (key.ctrl && name === 'a')) {
          cur = 0;
          return redraw();
        }
        if (name === 'end' || (key.ctrl && name === 'e')) {
          cur = buf.length;
          return redraw();
        }
        if (key.ctrl && name === 'u') {
          buf = buf.slice(cur);
          cur = 0;
          return redraw();
        }
        if (key.ctrl && name === 'k') {
          buf = buf.slice(0, cur);
          return redraw();
        }
        if (key.ctrl && name === 'w') {
          const before = buf.slice(0, cur).replace(/\S+\s*$/, '');
          buf = before + buf.slice(cur);
          cur = before.length;
          return redraw();
        }
        if (key.ctrl && name === 'l') {
          this.write('\x1b[H\x1b[2J');
          this.write(prompt);
          return redraw();
        }
        if (hooks && (name === 'up' || name === 'down' || (key.ctrl && (name === 'p' || name === 'n')))) {
          const up = name === 'up' || name === 'p';
          if (up && hist > 0) {
            if (hist === this.history.length) saved = buf;
            hist--;
          } else if (!up && hist < this.history.length) hist++;
          else return;
          buf = hist === this.history.length ? saved : this.history[hist];
          cur = buf.length;
          return redraw();
        }
        if (hooks && (name === 'tab' || (str === ' ' && cur === buf.length) || (str === '?' && cur === buf.length))) {
          const before = buf;
          if (str === '?') {
            this.write(`${str}\n${hooks.help(before)}`);
            this.write(prompt + buf);
            return;
          }
          const r = hooks.complete(before, name !== 'tab');
          if ('line' in r) {
            // Only what was added goes out when the line grew at its end (no redraw noise).
            const grown = r.line.startsWith(buf);
            const added = r.line.slice(buf.length);
            buf = r.line;
            cur = buf.length;
            return grown ? this.write(added) : redraw();
          }
          if (r.list) {
            this.write(`\n${r.list}`);
            this.write(prompt + buf);
          }
          return;
        }
        if (key.ctrl || key.meta || !str || str.length !== 1 || str < ' ') return;
        insert(str);
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

  /** Hands queued keys to the line being read, one at a time, until it is finished. */
  private drain(): void {
    while (this.reader && this.pending.length) {
      const [str, key] = this.pending.shift()!;
      this.reader(str, key);
    }
  }
}
