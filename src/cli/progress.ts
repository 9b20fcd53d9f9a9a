/**
 * A progress line for people who wait: on a terminal one line rewritten in place
 * ("137/200 connected"); elsewhere (a pipe, a log file, CI) a plain line, only when the text
 * changed and at most every few seconds, so a log stays short.
 */
export class ProgressLine {
  private shown = '';
  private lastPlainAt = 0;
  private live = false;

  constructor(
    private readonly out: NodeJS.WriteStream | NodeJS.WritableStream,
    private readonly opts: { plainEveryMs?: number; tty?: boolean } = {},
  ) {}

  private get tty(): boolean {
    return this.opts.tty ?? (this.out as NodeJS.WriteStream).isTTY === true;
  }

  /** Shows `text` as the current state. */
  update(text: string): void {
    if (text === this.shown) return;
    this.shown = text;
    if (this.tty) {
      const width = (this.out as NodeJS.WriteStream).columns || 100;
      this.out.write(`\r\x1b[K${text.length >= width ? `${text.slice(0, width - 2)}…` : text}`);
      this.live = true;
      return;
    }
    const now = Date.now();
    if (now - this.lastPlainAt < (this.opts.plainEveryMs ?? 5_000)) return;
    this.lastPlainAt = now;
    this.out.write(`${text}\n`);
  }

  /** Ends the line with its final text (always printed). */
  done(text: string): void {
    this.out.write(this.tty ? `\r\x1b[K${text}\n` : `${text}\n`);
    this.shown = text;
    this.live = false;
  }

  /** Clears a live line (before other output on the same terminal). */
  clear(): void {
    if (this.live && this.tty) this.out.write('\r\x1b[K');
    this.live = false;
    this.shown = '';
  }
}
