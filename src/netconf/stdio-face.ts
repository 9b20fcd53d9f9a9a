/**
 * NETCONF on standard input/output, as `netconf interactive` runs on a device: the
 * session's bytes go to `output`, `input` feeds it; ends when either side ends.
 */
import type { Readable, Writable } from 'node:stream';
import type { EmulatedDevice } from './device.js';

export function runNetconfOnStdio(device: EmulatedDevice, input: Readable, output: Writable, opts: { user?: string } = {}): Promise<void> {
  return new Promise((resolve) => {
    const session = device.openNetconf({ user: opts.user ?? process.env.USER ?? 'nobody', client: 'stdio' });
    const onData = (chunk: Buffer | string) => session.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    // End of input: the RPCs already sent are answered (a commit waits for the disk), then the session ends.
    const onInputEnd = () => {
      if (!session.ended) session.endAfterReplies();
    };
    session.on('data', (b: Buffer) => output.write(b));
    session.once('end', () => {
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
