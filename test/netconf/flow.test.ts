/**
 * A slow NMS must not grow the device: with the reader not reading, hundreds of pipelined
 * get-configuration RPCs leave the device process's RSS within a bound (the session stops
 * handling RPCs while its output is not taken), and once reading resumes every reply
 * arrives, in order, with its message-id. On the outbound-HTTPS face (reference NMS that
 * stops reading), on the SSH face (an ssh2 client that stops reading the channel) and on
 * the stdio face (an output stream that takes nothing).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { PassThrough, Writable } from 'node:stream';
import { EmulatedDevice } from '../../src/junos/device.js';
import { runNetconfOnStdio } from '../../src/junos/stdio-face.js';
import { ReferenceNms } from '../../src/nms/server.js';
import { Harness, MAIN_JS, loopbackPki, testLogger, until } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

const EOM = ']]>]]>';
/** RPCs pipelined while the reader holds back. */
const PIPELINED = 200;
/** Interfaces in the loaded configuration: each get-configuration reply is about 400 KB. */
const INTERFACES = 1000;
/** Allowed growth of the device's RSS while stalled, over its RSS before (MiB). */
const RSS_GROWTH_BOUND_MIB = 64;

function bigConfig(n: number): string {
  let text = 'interfaces {\n';
  for (let i = 0; i < n; i++) {
    text += `  ge-0/0/${i} { description "lab interface ${i}, with a description long enough to make the configuration big"; unit 0 { family inet { address 10.${(i >> 8) & 255}.${i & 255}.1/24; } } }\n`;
  }
  return text + '}\n';
}

/** VmRSS and VmHWM of a process, in KiB. */
function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/** Resets the peak RSS (VmHWM) of a process we own; false where the kernel does not allow it. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU time of a process so far, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

/**
 * Waits until the process has (nearly) stopped using CPU for a second: it has made every
 * reply it is going to make. Returns the highest RSS seen meanwhile (KiB). Bounded.
 */
async function settle(pid: number, maxMs = 120_000): Promise<number> {
  const deadline = Date.now() + maxMs;
  let peak = 0;
  let last = cpuTicks(pid);
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    peak = Math.max(peak, memory(pid).rss);
    const now = cpuTicks(pid);
    if (now - last > 2) quietSince = Date.now();
    last = now;
    if (Date.now() - quietSince >= 1500) return peak;
  }
  throw new Error('the device did not settle');
}

/** Reads a stream of `]]>]]>`-framed replies incrementally: message-ids in order, and checks. */
class ReplyReader {
  ids: string[] = [];
  hellos = 0;
  bad: string[] = [];
  private text = '';
  feed(chunk: string): void {
    this.text += chunk;
    let at: number;
    while ((at = this.text.indexOf(EOM)) >= 0) {
      const reply = this.text.slice(0, at).trim();
      this.text = this.text.slice(at + EOM.length);
      if (/^(<!--[\s\S]*?-->\s*)*<hello[\s>]/.test(reply)) {
        this.hellos++;
        continue;
      }
      const id = /^<rpc-reply [^>]*message-id="([^"]*)"/.exec(reply)?.[1];
      if (id === undefined || !reply.includes('</configuration>') || reply.includes('<rpc-error>')) this.bad.push(reply.slice(0, 200));
      else this.ids.push(id);
    }
  }
}

const expectedIds = Array.from({ length: PIPELINED }, (_, i) => `g${i}`);
const rpcs = expectedIds.map((id) => `<rpc message-id="${id}"><get-configuration/></rpc>${EOM}`);
const LOAD = `<rpc message-id="load"><load-configuration action="merge" format="text"><configuration-text>${bigConfig(INTERFACES)}</configuration-text></load-configuration></rpc>${EOM}<rpc message-id="commit"><commit/></rpc>${EOM}`;

function spawnDevice(args: string[]): { child: ChildProcess; logs: () => string } {
  const child = spawn(process.execPath, [MAIN_JS, ...args, '--profile', 'mx', '--log-format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let logs = '';
  child.stderr!.on('data', (d) => (logs += d));
  h.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, logs: () => logs };
}

function report(face: string, before: number, peak: number): void {
  console.log(`# ${face}: device RSS ${(before / 1024).toFixed(0)} MiB before, peak ${(peak / 1024).toFixed(0)} MiB while ${PIPELINED} replies were held back`);
}

test('outbound HTTPS: an NMS that stops reading holds the device back; replies all arrive in order afterwards', async () => {
  const pem = await loopbackPki();
  const nms = new ReferenceNms({ host: '127.0.0.1', port: 0, cert: pem.cert, key: pem.key, logger: testLogger, keepOutputChars: 1 << 20 });
  const port = await nms.start();
  h.defer(() => nms.stop());
  const dir = h.tempDir('ncgd-flow-');
  const certFile = path.join(dir, 'nms.crt');
  writeFileSync(certFile, pem.cert);
  const dev = spawnDevice(['--host', '127.0.0.1', '--port', String(port), '--cert-file', certFile, '--device-id', 'flow', '--secret', 'flow-secret', '--state-dir', dir]);
  const pid = dev.child.pid!;
  const s = await nms.requestSession('flow', 'flow-secret', 'netconf', { timeoutMs: 20_000 });
  await s.waitFor((o) => o.includes(EOM), 10_000);
  s.send(LOAD);
  await s.waitFor((o) => /message-id="commit"[\s\S]*?<\/rpc-reply>/.test(o), 60_000);
  s.send(`<rpc message-id="warm"><get-configuration/></rpc>${EOM}`);
  await s.waitFor((o) => /message-id="warm"[\s\S]*?<\/rpc-reply>\s*\]\]>\]\]>/.test(o), 30_000);
  const reader = new ReplyReader();
  s.on('message', (text: string) => reader.feed(text));

  await settle(pid);
  const before = memory(pid).rss;
  const peakReset = resetPeak(pid);
  s.pause();
  for (const r of rpcs) s.send(r);
  const sampled = await settle(pid);
  const peak = Math.max(sampled, peakReset ? memory(pid).hwm : 0);
  report('outbound HTTPS', before, peak);
  assert.ok(reader.ids.length < PIPELINED / 2, `the NMS was not reading, yet ${reader.ids.length} replies came`);

  s.resume();
  await until(() => reader.ids.length + reader.bad.length >= PIPELINED, 180_000, 'every reply');
  assert.deepEqual(reader.bad, []);
  assert.deepEqual(reader.ids, expectedIds);
  assert.ok(peak - before < RSS_GROWTH_BOUND_MIB * 1024, `device RSS grew by ${((peak - before) / 1024).toFixed(0)} MiB while the NMS was not reading`);
  await s.close();
  dev.child.kill('SIGTERM');
});

test('SSH face: a client that stops reading the channel holds the device back; replies all arrive in order afterwards', async () => {
  const dir = h.tempDir('ncgd-flow-ssh-');
  const dev = spawnDevice(['--ssh-port', '0', '--ssh-host', '127.0.0.1', '--ssh-user', 'lab:lab123', '--state-dir', dir]);
  await until(() => /SSH face listening/.test(dev.logs()), 15_000, 'the SSH face');
  const port = JSON.parse(dev.logs().split('\n').find((l) => l.includes('SSH face listening'))!).port as number;
  const pid = dev.child.pid!;
  const conn = new ssh2.Client();
  h.defer(() => {
    conn.end();
  });
  await new Promise<void>((resolve, reject) => {
    conn.once('ready', () => resolve()).once('error', reject);
    conn.connect({ host: '127.0.0.1', port, username: 'lab', password: 'lab123', readyTimeout: 15_000 });
  });
  const channel = await new Promise<ClientChannel>((resolve, reject) => conn.subsys('netconf', (err, ch) => (err ? reject(err) : resolve(ch))));
  let setup = '';
  const onSetup = (b: Buffer) => (setup += b.toString());
  channel.on('data', onSetup);
  channel.write(LOAD);
  await until(() => /message-id="commit"[\s\S]*?\]\]>\]\]>/.test(setup), 60_000, 'the commit');
  channel.off('data', onSetup);
  channel.pause();

  await settle(pid);
  const before = memory(pid).rss;
  const peakReset = resetPeak(pid);
  // Write without waiting: what the device does not take stays in this process.
  for (const r of rpcs) channel.write(r);
  const sampled = await settle(pid);
  const peak = Math.max(sampled, peakReset ? memory(pid).hwm : 0);
  report('SSH face', before, peak);

  const reader = new ReplyReader();
  channel.on('data', (b: Buffer) => reader.feed(b.toString()));
  channel.resume();
  await until(() => reader.ids.length + reader.bad.length >= PIPELINED, 180_000, 'every reply');
  assert.deepEqual(reader.bad, []);
  assert.deepEqual(reader.ids, expectedIds);
  assert.ok(peak - before < RSS_GROWTH_BOUND_MIB * 1024, `device RSS grew by ${((peak - before) / 1024).toFixed(0)} MiB while the client was not reading`);
  channel.end();
  dev.child.kill('SIGTERM');
});

test('stdio face: output not taken stops the session handling RPCs and its input being read; all replies follow in order', async () => {
  const device = await EmulatedDevice.create({ profile: 'mx', logger: testLogger });
  h.defer(() => device.close());
  // An output that takes nothing until `open()`: its buffer fills and write() says so.
  let open: () => void = () => {};
  const opened = new Promise<void>((r) => (open = r));
  const reader = new ReplyReader();
  const output = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _enc, done) {
      reader.feed(chunk.toString());
      opened.then(() => done());
    },
  });
  // Messages the session has handed to the output, taken or not.
  let made = 0;
  const write = output.write.bind(output) as (chunk: Buffer) => boolean;
  output.write = ((chunk: Buffer) => {
    made += chunk.toString().split(EOM).length - 1;
    return write(chunk);
  }) as typeof output.write;
  const input = new PassThrough();
  const finished = runNetconfOnStdio(device, input, output, { user: 'lab' });
  const settleHere = async () => {
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 300));
  };
  for (const r of rpcs.slice(0, 20)) input.write(r);
  await settleHere();
  // Once stalled, further RPCs stay in the input stream.
  for (const r of rpcs.slice(20)) input.write(r);
  await settleHere();
  // What fills the output's 16 KiB buffer (a few small replies) plus one: not all 200.
  assert.ok(made < 30, `${made} messages made while the output took nothing`);
  assert.ok(input.isPaused(), 'input is no longer read');
  assert.ok(input.readableLength > 0, 'RPCs wait in the input, not in the session');
  open();
  await until(() => reader.ids.length + reader.bad.length >= PIPELINED, 60_000, 'every reply');
  assert.deepEqual(reader.bad, []);
  assert.deepEqual(reader.ids, expectedIds);
  input.end();
  await finished;
});
