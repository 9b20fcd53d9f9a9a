/**
 * Log and terminal forging: text from elsewhere (an NMS's gRPC status text, a device-id,
 * an error) cannot start a line of its own or send an escape sequence to the operator's
 * terminal, in any human-readable output (pretty logs, status, the session list, notices,
 * fatal errors). JSON output keeps the text exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { prettyStream } from '../../src/log.js';
import { oneLine, printable } from '../../src/printable.js';
import { formatStatus } from '../../src/cli/commands/status-command.js';
import { formatList } from '../../src/nms/session-client.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const FORGED = 'bad\n12:00:00.000 INFO device admin logged in\x1b[2J\x1b]0;owned\x07\u202egnp.exe\r';
/** No raw control character, no line break: one line exactly as many as asked. */
function assertInert(text: string, lines: number): void {
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(text.replace(/\n$/, ''), /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  assert.equal(text.replace(/\n$/, '').split('\n').length, lines, text);
}

test('printable escapes controls, C1, line separators and bidi overrides, and keeps the rest', () => {
  assert.equal(printable('a\nb\tc\rd\x1b[31m\x7f\x85\u2028\u202e é ü 日本'), 'a\\nb\\tc\\rd\\x1b[31m\\x7f\\x85\\u2028\\u202e é ü 日本');
  assert.equal(printable('plain text: ge-0/0/0.0 "quoted"'), 'plain text: ge-0/0/0.0 "quoted"');
});

test('pretty logs: the message and every field stay on one inert line', () => {
  let out = '';
  const sink = new Writable({
    write(chunk, _e, cb) {
      out += String(chunk);
      cb();
    },
  });
  const log = pino({ level: 'info' }, prettyStream(sink));
  log.warn({ deviceId: FORGED, status: { details: FORGED } }, `connection to NMS lost: ${FORGED}`);
  assertInert(out, 1);
  assert.match(out, /deviceId=bad\\n12:00:00\.000 INFO device admin logged in\\x1b\[2J\\x1b\]0;owned\\x07\\u202egnp\.exe\\r/);
});

test('status and the session list escape what the NMS or a device-id carries', () => {
  const text = formatStatus(
    {
      pid: 1,
      startedAt: 0,
      clients: [{ name: 'nms1', deviceId: FORGED, protocol: 'enhanced', server: '127.0.0.1:1', state: 'waiting', since: 0, sessions: { netconf: 0, csh: 0 }, sessionsTotal: 0, lastError: `UNAVAILABLE: ${FORGED}` }],
    },
    1000,
  );
  assertInert(text.split('\n').slice(2).join('\n'), 1);
  const list = formatList({ waiting: { [FORGED]: 1 }, waitingBasic: 0, sessions: [{ peer: '127.0.0.1:2', device: FORGED, type: 'csh', protocol: 'enhanced' }] });
  assertInert(list.split('\n').slice(1).join('\n'), 2);
});

test('a fatal error naming hostile text is one inert line', async () => {
  const main = `${root}dist/src/cli/main.js`;
  const child = spawn(process.execPath, [main, 'status', '--control', `/nonexistent/${FORGED}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.notEqual(code, 0);
  assertInert(err, 1);
  assert.match(err, /\\x1b\[2J/);
});

test('oneLine: the characters printable escapes become one space a run; a long text is cut and says its length; linear in size', () => {
  assert.equal(oneLine('a\r\n\r\nb\u202ec\u001b[31m\u2028d'), 'a b c [31m d');
  assert.equal(oneLine('  x  '), 'x');
  const long = oneLine('y'.repeat(1000), 300);
  assert.equal(long, `${'y'.repeat(300)}... (1000 characters)`);
  // A hostile text of megabytes of control characters is one pass, not a quadratic one.
  const huge = '\n'.repeat(4_000_000) + 'z';
  assert.equal(oneLine(huge), 'z');
});
