/**
 * The session bridge on its own: flow control and message shaping. The session is a real
 * process (exec backend); the stream stands in for the NMS side, so the test can hold its
 * writes back the way a slow NMS does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { ExecBackend } from '../../src/backends/exec.js';
import { MSG_SUBPROCESS_ENDED, SessionBridge, endsNetconfMessage, takeUtf8Prefix } from '../../src/outbound/session-bridge.js';
import { testLogger, until } from '../support/agent-harness.js';

/** The NMS side of a CommandGet stream: a write buffer of `room` messages, drained on demand. */
class SlowStream extends EventEmitter {
  messages: string[] = [];
  buffered = 0;
  ended = false;
  constructor(private readonly room: number) {
    super();
  }
  write(msg: { message: string }): boolean {
    this.messages.push(msg.message);
    this.buffered++;
    return this.buffered < this.room;
  }
  end(): void {
    this.ended = true;
  }
  drain(): void {
    this.buffered = 0;
    this.emit('drain');
  }
}

test('a slow NMS pauses the session and drain resumes it; nothing is lost', async () => {
  const session = await new ExecBackend({ command: 'seq 1 50000', logger: testLogger }).open('csh');
  let pauses = 0;
  let resumes = 0;
  const pause = session.pause!.bind(session);
  const resume = session.resume!.bind(session);
  session.pause = () => (pauses++, pause());
  session.resume = () => (resumes++, resume());
  const stream = new SlowStream(4);
  new SessionBridge(stream as never, session, { kind: 'netconf', maxMessageBytes: 1024 });
  await until(() => pauses > 0, 5000, 'the session to be paused');
  const heldAt = stream.messages.length;
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(stream.messages.length <= heldAt + 64, 'a paused session stops producing messages (at most what was already read)');
  for (let i = 0; i < 10_000 && !stream.ended; i++) {
    stream.drain();
    await new Promise((r) => setImmediate(r));
  }
  assert.ok(stream.ended, 'the stream was half-closed at the end');
  assert.ok(resumes > 0);
  const all = stream.messages.join('');
  assert.ok(all.endsWith(MSG_SUBPROCESS_ENDED));
  const lines = all.slice(0, -MSG_SUBPROCESS_ENDED.length).trim().split('\n');
  assert.equal(lines.length, 50000);
  assert.equal(lines[49999], '50000');
  assert.ok(stream.messages.every((m) => Buffer.byteLength(m) <= 1024));
});

test('takeUtf8Prefix never splits a character', () => {
  assert.equal(takeUtf8Prefix('aé€😀', 1), 'a');
  assert.equal(takeUtf8Prefix('aé€😀', 2), 'a');
  assert.equal(takeUtf8Prefix('aé€😀', 3), 'aé');
  assert.equal(takeUtf8Prefix('aé€😀', 6), 'aé€');
  assert.equal(takeUtf8Prefix('aé€😀', 9), 'aé€');
  assert.equal(takeUtf8Prefix('aé€😀', 10), 'aé€😀');
});

test('a NETCONF reply goes out whole in one message the moment its end marker arrives', async () => {
  assert.equal(endsNetconfMessage(Buffer.from('<rpc-reply/>]]>]]>')), true);
  assert.equal(endsNetconfMessage(Buffer.from('<rpc-reply/>]]>]]>\n')), true);
  assert.equal(endsNetconfMessage(Buffer.from('\n#12\n<rpc-reply/>\n##\n')), true);
  assert.equal(endsNetconfMessage(Buffer.from('<rpc-reply>')), false);
  assert.equal(endsNetconfMessage(Buffer.from(']]>')), false);

  const session = new (class extends EventEmitter {
    ended = false;
    write(): boolean {
      return true;
    }
    kill(): void {}
  })();
  const stream = new SlowStream(1000);
  new SessionBridge(stream as never, session as never, { kind: 'netconf' });
  // Pieces of one reply in one turn: the first two wait, the end marker sends all three at once.
  session.emit('data', Buffer.from('<rpc-reply>'));
  session.emit('data', Buffer.from('<ok/>'));
  assert.equal(stream.messages.length, 0, 'a partial reply is held for the rest of the turn');
  session.emit('data', Buffer.from('</rpc-reply>]]>]]>'));
  assert.deepEqual(stream.messages, ['<rpc-reply><ok/></rpc-reply>]]>]]>'], 'sent before the turn ends, as one message');
  // Output that ends no message still goes out on the next turn.
  session.emit('data', Buffer.from('<rpc-reply>'));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(stream.messages.slice(1), ['<rpc-reply>']);
});
