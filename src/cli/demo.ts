/**
 * The embedded default: a throwaway PKI, the reference NMS on 127.0.0.1, one emulated device
 * dialling it, then one NETCONF session and one shell session, printed as transcripts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeSelfSigned } from '../nms/pki.js';
import { ReferenceNms } from '../nms/server.js';
import { createLogger } from '../log.js';
import { startDevice } from '../device/assemble.js';
import { withDefaults } from '../device/settings.js';

const DEVICE_ID = 'demo-device';
const SECRET = 'demo-secret';
const STEP_TIMEOUT_MS = 15_000;

function print(line = ''): void {
  process.stdout.write(line + '\n');
}

/** Longest transcript block printed in full; longer ones keep their head and tail. */
const MAX_BLOCK_LINES = 30;

function block(who: string, text: string): void {
  const lines = text.replace(/\s+$/, '').split('\n');
  print(`${who}`);
  const shown =
    lines.length <= MAX_BLOCK_LINES
      ? lines
      : [...lines.slice(0, MAX_BLOCK_LINES - 6), `... (${lines.length - MAX_BLOCK_LINES + 3} lines left out)`, ...lines.slice(-3)];
  for (const line of shown) print(`    ${line}`);
}

export async function runDemo(): Promise<number> {
  const logger = createLogger({ level: process.env.NCGD_LOG_LEVEL ?? 'warn' });
  print('nc-grpc-device demo: a throwaway PKI, the reference NMS and one emulated device on 127.0.0.1');
  const pem = await makeSelfSigned({ commonName: 'nms.demo', ipSans: ['127.0.0.1'] });
  const nms = new ReferenceNms({ host: '127.0.0.1', port: 0, cert: pem.cert, key: pem.key, logger });
  const port = await nms.start();
  print(`reference NMS listening on 127.0.0.1:${port}`);
  // A throwaway state directory: the device keeps its commits there, as a real one would.
  const stateDir = await mkdtemp(path.join(tmpdir(), 'nc-grpc-device-demo-'));
  const settings = withDefaults({ host: '127.0.0.1', port, cert: pem.cert, deviceId: DEVICE_ID, secret: SECRET, waittime: 1, stateDir });
  const device = await startDevice(settings, logger);
  print(`device "${DEVICE_ID}" (${device.device.hostname}, profile ${settings.profile}) dialled out to the NMS\n`);
  try {
    print('=== NETCONF session ===');
    const nc = await nms.requestSession(DEVICE_ID, SECRET, 'netconf', { timeoutMs: STEP_TIMEOUT_MS });
    const hello = await nc.waitFor((o) => o.includes(']]>]]>'), STEP_TIMEOUT_MS);
    block('device → NMS', hello);
    const rpc = '<rpc message-id="101"><get-software-information/></rpc>]]>]]>';
    block('NMS → device', rpc);
    let mark = nc.output().length;
    nc.send(rpc);
    const reply = await nc.waitFor((o) => o.slice(mark).includes('</rpc-reply>') && o.slice(mark).includes(']]>]]>'), STEP_TIMEOUT_MS);
    block('device → NMS', reply.slice(mark));
    const load =
      '<rpc message-id="102"><load-configuration action="set" format="text"><configuration-set>set system host-name demo-mx</configuration-set></load-configuration></rpc>]]>]]>' +
      '<rpc message-id="103"><commit-configuration><log>renamed by the demo</log></commit-configuration></rpc>]]>]]>';
    block('NMS → device', load);
    mark = nc.output().length;
    nc.send(load);
    const committed = await nc.waitFor((o) => /message-id="103"[\s\S]*<\/rpc-reply>/.test(o.slice(mark)), STEP_TIMEOUT_MS);
    block('device → NMS', committed.slice(mark));
    const close = '<rpc message-id="104"><close-session/></rpc>]]>]]>';
    block('NMS → device', close);
    mark = nc.output().length;
    nc.send(close);
    await withTimeout(nc.ended, 'the NETCONF session to end');
    block('device → NMS', nc.output().slice(mark));

    print('\n=== shell session ===');
    const sh = await nms.requestSession(DEVICE_ID, SECRET, 'csh', { timeoutMs: STEP_TIMEOUT_MS });
    await sh.waitFor((o) => o.includes('csh session is started'), STEP_TIMEOUT_MS);
    block('device → NMS', sh.output());
    block('NMS → device', 'uname -a');
    mark = sh.output().length;
    sh.send('uname -a');
    await sh.waitFor((o) => o.slice(mark).includes('\n'), STEP_TIMEOUT_MS);
    block('device → NMS', sh.output().slice(mark));
    const cli = 'cli -c "show system commit"';
    block('NMS → device', cli);
    mark = sh.output().length;
    sh.send(cli);
    await sh.waitFor((o) => o.slice(mark).includes('renamed by the demo'), STEP_TIMEOUT_MS);
    block('device → NMS', sh.output().slice(mark));
    block('NMS → device', 'exit');
    mark = sh.output().length;
    sh.send('exit');
    await withTimeout(sh.ended, 'the shell session to end');
    block('device → NMS', sh.output().slice(mark));
    print('\ndemo finished: both sessions ended cleanly');
    print('next: the quick start in README.md runs the same with separate commands (certs, nms, a device, session);');
    print('      `nc-grpc-device --help` lists every command, and docs/ has one page per topic.');
    return 0;
  } catch (err) {
    process.stderr.write(`nc-grpc-device demo failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await device.close();
    await nms.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), STEP_TIMEOUT_MS);
    }),
  ]);
}
