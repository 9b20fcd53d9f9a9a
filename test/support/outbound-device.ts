/**
 * Test support: a NETCONF 1.0 session from the reference NMS, over real TLS and gRPC, to an
 * agent whose NETCONF backend is an emulated MX; hello sent, and rpc() for one exchange.
 */
import { DeviceNetconfBackend } from '../../src/backends/junos-netconf.js';
import { EmulatedDevice } from '../../src/junos/device.js';
import type { NmsSession } from '../../src/nms/server.js';
import { catBackends, client, type Harness } from './agent-harness.js';

export const EOM = ']]>]]>';

/** Sends one framed <rpc> and returns the next whole reply (bounded wait). */
export async function rpc(s: NmsSession, body: string): Promise<string> {
  const before = s.output().split(EOM).length;
  s.send(`<rpc>${body}</rpc>${EOM}`);
  const out = await s.waitFor((o) => o.split(EOM).length > before, 15_000);
  return out.split(EOM)[before - 1];
}

/** Starts the NMS, an agent (client `name`) and the device; opens and greets a netconf session run as `user`. */
export async function outboundDeviceSession(h: Harness, opts: { name: string; hostname: string; user: string }): Promise<{ device: EmulatedDevice; s: NmsSession }> {
  const device = await EmulatedDevice.create({ profile: 'mx', hostname: opts.hostname });
  h.defer(() => device.close());
  const { nms, server } = await h.nms();
  const c = client(opts.name, [server]);
  h.agent([c], { netconf: new DeviceNetconfBackend(device, opts.user), csh: catBackends().csh });
  const s = await nms.requestSession(c.deviceId, c.secret, 'netconf');
  await s.waitFor((o) => o.includes(EOM), 15_000);
  s.send(`<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>${EOM}`);
  return { device, s };
}
