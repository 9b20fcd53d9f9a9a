/**
 * Text from elsewhere (an NMS's gRPC status, a device-id, an error message, a peer's
 * banner) made safe for a terminal or a line-based log: control characters cannot start
 * a new line or move the cursor. Every human-readable output goes through it (pretty
 * logs, status, list tables, session notices, fatal errors).
 */

// C0 controls (newline and tab included), DEL, C1 controls, and the Unicode line breaks and
// bidirectional overrides that make a line read other than it is.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `s` with each control character written as an escape (`\n`, `\x1b`, `\u202e`). */
export function printable(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * `s` as one line of at most `max` characters, for a report: control characters and line
 * breaks (the ones `printable` escapes) become one space each run, and a longer text is cut
 * and says how long it was.
 */
export function oneLine(s: string, max = 300): string {
  const flat = s.replace(new RegExp(`${UNSAFE.source}+`, 'g'), ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}... (${flat.length} characters)` : flat;
}
