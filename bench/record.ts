/**
 * `node dist/bench/record.js [--rpcs 2000]`: what `--record` costs. NETCONF sessions of the
 * emulated device, recorded and not, alternately, in one process; the median of three runs
 * of each, for a small reply (get-software-information) and a large one
 * (get-interface-information, ~26 KiB). Prints the times and the ratio; exits 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmulatedDevice } from '../src/junos/device.js';
import { Recorder } from '../src/record/recorder.js';
import { NetconfPeer } from '../src/record/netconf-peer.js';
import { CLIENT_HELLO } from '../src/netconf/framing.js';

const { values } = parseArgs({ options: { rpcs: { type: 'string' } } });
const count = Number(values.rpcs ?? 2000);
if (!Number.isInteger(count) || count < 10 || count > 100_000) throw new Error('--rpcs takes a whole number from 10 to 100000');
const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-bench-record-'));
const device = await EmulatedDevice.create({ profile: 'mx', hostname: 'bench-rec' });
const recorder = new Recorder({ dir, maxFileBytes: 1024 ** 3, maxTotalBytes: 4 * 1024 ** 3 });

async function run(recorded: boolean, n: number, rpc: string): Promise<number> {
  const s = device.openNetconf({ user: 'bench' });
  const peer = new NetconfPeer(recorded ? recorder.wrap(s, { face: 'ssh', kind: 'netconf', device: 'bench-rec' }) : s);
  peer.send(CLIENT_HELLO);
  await peer.next(10_000);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await peer.rpc(`<rpc message-id="${i}">${rpc}</rpc>`, 10_000);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  peer.close();
  return ms;
}

const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
console.log('reply                          rpcs   plain ms  recorded ms  ratio');
for (const [name, rpc, n] of [
  ['get-software-information', '<get-software-information/>', count],
  ['get-interface-information', '<get-interface-information/>', Math.max(10, Math.floor(count / 7))],
] as const) {
  await run(false, 50, rpc);
  await run(true, 50, rpc);
  const plain: number[] = [];
  const rec: number[] = [];
  for (let k = 0; k < 3; k++) {
    plain.push(await run(false, n, rpc));
    rec.push(await run(true, n, rpc));
  }
  const [p, r] = [median(plain), median(rec)];
  console.log(`${name.padEnd(30)} ${String(n).padStart(5)} ${p.toFixed(0).padStart(10)} ${r.toFixed(0).padStart(12)} ${(r / p).toFixed(2).padStart(6)}`);
}
await device.close();
rmSync(dir, { recursive: true, force: true });
