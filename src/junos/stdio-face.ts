/**
 * NETCONF on standard input/output, as `netconf interactive` runs on a device: the
 * session's bytes go to `output`, `input` feeds it; ends when either side ends. Flow
 * control both ways: output not taken pauses the session, a full session pauses input.
 */
import type { Readable, Writable } from 'node:stream';
import type { EmulatedDevice } from './device.js';

export function runNetconfOnStdio(device: EmulatedDevice, input: Readable, output: Writable, opts: { user?: string } = {}): Promise<void> {
  return new Promise((resolve) => {
    const session = device.openNetconf({ user: opts.user ?? process.env.USER ?? 'nobody', client: 'stdio' });
    let outputHeld = false;
    const onData = (chunk: Buffer | string) => {
      if (session.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk) === false) input.pause();
    };
    // End of input: the RPCs already sent are answered (a commit waits for the disk), then the session ends.
    const onInputEnd = () => {
      if (!session.ended) session.endAfterReplies();
    };
    const onDrain = () => {
      if (!outputHeld) return;
      outputHeld = false;
      session.resume?.();
    };
    session.on('drain', () => {
      if (!session.ended) input.resume();
    });
    session.on('data', (b: Buffer) => {
      if (!output.write(b) && !outputHeld && session.pause) {
        outputHeld = true;
        session.pause();
      }
    });
    output.on('drain', onDrain);
    session.once('end', () => {
      output.off('drain', onDrain);
      input.off('data', onData);
      input.off('end', onInputEnd);
      input.off('close', onInputEnd);
      input.pause();
      resolve();
    });
    input.on('data', onData);
    input.on('end', onInputEnd);
    input.on('close', onInputEnd);
    input.resume();
  });
}
