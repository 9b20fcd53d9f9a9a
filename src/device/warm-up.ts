/**
 * A fleet thread's first NETCONF session pays the thread's one-time setup: the schema and
 * RPC tables read and parsed, the profile's factory configuration parsed, the code of the
 * session, its framing and each RPC compiled: 210 ms of CPU on a quiet machine, against 1-3
 * ms for each session after it. Paid by the first NMS poll of a thread, on a busy machine it
 * stopped the thread for up to 0.7 s while polls kept coming (10,000 devices polled every
 * minute come at 167 a second), and every poll of the next seconds was late.
 *
 * A fleet pays it as it starts instead, before its devices dial: each thread runs one
 * session of its own on a scratch device of each profile it runs (no state directory, never
 * dialling, closed after), with the hello and the RPCs an NMS's poll sends most. Nothing of
 * it is seen from outside but a session id not given to any NMS.
 */
import { EmulatedDevice } from '../junos/device.js';
import { silentLogger, type Logger } from '../log.js';
import { CLIENT_HELLO, EOM } from '../netconf/framing.js';
import { BASE_NS } from '../netconf/session.js';

/** The longest a warm-up session may take before the start goes on without it. */
export const WARM_UP_LIMIT_MS = 10_000;

/** What an NMS's poll sends most (the bench's poll, PyEZ's facts, NAPALM's getters). */
const WARM_UP_RPCS = [
  '<get-software-information/>',
  '<get-system-information/>',
  '<get-interface-information><terse/></get-interface-information>',
  '<get-configuration/>',
  '<get-configuration format="text"/>',
  '<get-chassis-inventory/>',
  '<get-route-engine-information/>',
  '<close-session/>',
];

/** An RPC framed as a Junos device's sessions are (base:1.0, end-of-message marker). */
function framed(body: string, id: number): string {
  return `<rpc xmlns="${BASE_NS}" message-id="${id}">${body}</rpc>${EOM}`;
}

/** One session on a scratch device of `profile`; resolves with what it said when it ended (or the limit passed). */
export async function warmProfile(profile: string): Promise<string> {
  const device = await EmulatedDevice.create({ profile, hostname: 'warm-up', logger: silentLogger, lazy: true });
  try {
    const session = device.openNetconf({ user: 'warm-up', client: 'warm-up' });
    const said: Buffer[] = [];
    await new Promise<void>((resolve) => {
      // Not unref'd: the start waits on this session, and nothing else may keep the thread alive yet.
      const timer = setTimeout(() => {
        session.kill(15);
        resolve();
      }, WARM_UP_LIMIT_MS);
      session.on('data', (b: Buffer | string) => said.push(Buffer.from(b)));
      session.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
      session.write(CLIENT_HELLO + EOM);
      session.write(WARM_UP_RPCS.map((rpc, i) => framed(rpc, i + 1)).join(''));
    });
    return Buffer.concat(said).toString('utf8');
  } finally {
    await device.close();
  }
}

/**
 * Warms this thread for the sessions of its devices' profiles (one session each). Never
 * fails the start: a warm-up that fails is logged at debug and the start goes on.
 */
export async function warmUp(profiles: Iterable<string>, logger: Logger): Promise<void> {
  for (const profile of new Set(profiles)) {
    const t0 = performance.now();
    try {
      await warmProfile(profile);
      logger.debug({ profile, ms: Math.round(performance.now() - t0) }, 'fleet thread warmed up');
    } catch (err) {
      logger.debug({ profile, reason: (err as Error).message }, 'fleet thread warm-up failed; going on');
    }
  }
}
