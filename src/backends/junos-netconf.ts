/**
 * The default NETCONF backend: a session of the emulated device's own NETCONF server.
 */
import type { ByteSession, SessionBackend, SessionKind } from '../session/byte-session.js';
import type { EmulatedDevice } from '../junos/device.js';

export class DeviceNetconfBackend implements SessionBackend {
  constructor(
    private readonly device: EmulatedDevice,
    private readonly user: string,
  ) {}

  get description(): string {
    return `built-in NETCONF server (${this.device.hostname})`;
  }

  async open(_kind: SessionKind): Promise<ByteSession> {
    return this.device.openNetconf({ user: this.user, client: 'outbound-https' });
  }
}
