import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { SessionEnd } from '../../src/session/byte-session.js';
import { EmulatedDevice } from '../../src/junos/device.js';
import { textOf } from '../../src/netconf/xml.js';
import { NetconfClient } from '../../src/junos/cli/netconf-client.js';
import { serveDeviceSocket, type DeviceSocket } from '../../src/shell/device-socket.js';
import { resolveSessionUser } from '../../src/shell/user.js';
import { openPtyShell } from '../../src/shell/pty-session.js';

// The emulated device's datastore is built by another part of the project; until it is
// compiled, these end-to-end checks have nothing to run against.
const datastoreBuilt = existsSync(fileURLToPath(new URL('../../src/junos/config/datastore.js', import.meta.url)));

describe('cli against the emulated device', { skip: datastoreBuilt ? false : 'the configuration datastore module is not built yet' }, () => {
  let dir: string;
  let socketPath: string;
  let device: EmulatedDevice;
  let server: DeviceSocket;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ncgd-cli-dev-'));
    chmodSync(dir, 0o711);
    socketPath = path.join(dir, 'cli', 'device.sock');
    device = await EmulatedDevice.create({ profile: 'mx', hostname: 'cli-lab-1' });
    server = await serveDeviceSocket(() => device.openNetconf({ user: 'nobody', client: 'cli' }), socketPath, { owner: resolveSessionUser('nobody', false) });
  });

  after(async () => {
    await server?.close();
    await device?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function shell(input: string): Promise<string> {
    const s = openPtyShell({ deviceSocket: socketPath });
    const chunks: Buffer[] = [];
    s.on('data', (b: Buffer) => chunks.push(b));
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        s.kill(9);
        reject(new Error(`shell did not end: ${Buffer.concat(chunks).toString()}`));
      }, 20_000);
      s.once('end', (_e: SessionEnd) => {
        clearTimeout(t);
        resolve(Buffer.concat(chunks).toString());
      });
      s.write(input);
    });
  }

  it('cli -c "show version" answers with the device host name, in text, xml and json', async () => {
    const out = await shell('cli -c "show version"\necho ---\ncli -c "show version | display xml"\necho ---\ncli -c "show version | display json"\nexit\n');
    const [text, xml, json] = out.split('---\n');
    assert.match(text, /cli-lab-1/);
    assert.match(xml, /^<rpc-reply xmlns:junos="http:\/\/xml\.juniper\.net\/junos\/[^"]+\/junos">\n/);
    assert.match(xml, /<host-name>cli-lab-1<\/host-name>/);
    assert.match(xml, / {4}<cli>\n {8}<banner><\/banner>\n {4}<\/cli>\n<\/rpc-reply>\n$/);
    assert.ok(JSON.parse(json), 'json output parses');
  });

  it('an unknown command gets a Junos syntax error', async () => {
    const out = await shell('cli -c "show frobnicate"; echo "status:$?"\nexit\n');
    assert.match(out, /syntax error/);
    assert.match(out, /status:1\n$/);
  });

  it('configure, set, commit in the interactive cli is visible to NETCONF get-configuration', async () => {
    const out = await shell(['cli', 'configure', 'set system domain-name lab.example.net', 'commit', 'exit', 'exit', 'exit', ''].join('\n'));
    assert.match(out, /commit complete\n/);
    const client = await NetconfClient.connect(socketPath);
    try {
      const reply = await client.rpc('<get-configuration database="committed" format="text"/>');
      assert.match(textOf(reply.root), /domain-name lab.example.net;/);
    } finally {
      await client.close();
    }
  });
});
