/**
 * The faces a reboot takes down and brings back (../junos/life/boot.ts): a member's
 * outbound agent (stopped, so its sessions get the termination message and the NMS sees
 * the connections drop; a new agent with a new instance id dials by the reconnect rule at
 * boot) and its SSH face (stops accepting; listens again on the same address and port).
 */
import type { Agent } from '../outbound/agent.js';
import type { BootFace, DeviceBoot } from '../junos/life/boot.js';
import type { SshFace, SshFaceOptions } from '../ssh/server.js';

/** A pid-like instance id for the JET app of a rebooted device (the NMS sees a new process). */
function newInstanceId(): string {
  return String(1000 + Math.floor(Math.random() * 60000));
}

export function rebootingAgent(current: () => Agent, replace: (a: Agent) => void, make: (instanceId?: string) => Agent, fixedId?: string): BootFace {
  return {
    down: () => current().stop(),
    up: () => {
      const a = make(fixedId ?? newInstanceId());
      replace(a);
      a.start();
    },
  };
}

/**
 * Starts an SSH face that goes down with its device and comes back at boot; `close` ends
 * whichever is listening, `detach` removes it from the boot cycle.
 */
export async function rebootingSshFace(
  boot: DeviceBoot,
  start: (o: SshFaceOptions) => Promise<SshFace>,
  opts: SshFaceOptions,
): Promise<SshFace & { detach: () => void }> {
  let face: SshFace | undefined = await start(opts);
  const { host, port, fingerprint } = face;
  let closed = false;
  const detach = boot.attach({
    down: async () => {
      const f = face;
      face = undefined;
      await f?.close();
    },
    up: async () => {
      if (closed || face) return;
      try {
        face = await start({ ...opts, port });
      } catch (err) {
        opts.logger?.error({ port, reason: (err as Error).message }, 'ssh face could not listen again after the reboot');
      }
    },
  });
  return {
    host,
    port,
    fingerprint,
    detach,
    sessions: () => face?.sessions() ?? 0,
    close: async () => {
      closed = true;
      detach();
      const f = face;
      face = undefined;
      await f?.close();
    },
  };
}
