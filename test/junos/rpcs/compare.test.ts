/**
 * Idempotent compare: `get-configuration compare="rollback"` with no
 * difference answers exactly as Junos does, a single newline in `configuration-output`
 * (PyEZ's Config.diff() and Ansible's junos_config test for exactly that); a difference
 * follows that newline. The `<command>` form `show configuration | compare rollback N`
 * answers the same shape, and the emulated cli's `show | compare` prints nothing then.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { JunosCli } from '../../../src/junos/cli/junos-cli.js';
import { NetconfClient } from '../../../src/junos/cli/netconf-client.js';
import { serveDeviceSocket } from '../../../src/shell/device-socket.js';
import { TestClient } from '../../support/netconf-client.js';

const NO_DIFF = '<configuration-information>\n<configuration-output>\n</configuration-output>\n</configuration-information>';
const body = (reply: string) => reply.replace(/^[\s\S]*?<rpc-reply[^>]*>\n?/, '').replace(/\n?<\/rpc-reply>[\s\S]*$/, '');

test('compare="rollback" with no difference is a single newline; a difference follows it', async () => {
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'cmp' });
  const c = new TestClient(dev.openNetconf({ user: 'lab' }));
  await c.open();
  try {
    const compare = '<get-configuration compare="rollback" rollback="0" format="text"/>';
    assert.equal(body(await c.rpc(compare)), NO_DIFF);
    assert.match(await c.rpc('<load-configuration action="set" format="text"><configuration-set>set system location building b7</configuration-set></load-configuration>'), /<ok\/>/);
    assert.equal(
      body(await c.rpc(compare)),
      '<configuration-information>\n<configuration-output>\n[edit system]\n+   location {\n+       building b7;\n+   }\n</configuration-output>\n</configuration-information>',
    );
    assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/);
    assert.equal(body(await c.rpc(compare)), NO_DIFF, 'nothing to compare right after a commit');
    // Loading what is already committed changes nothing.
    await c.rpc('<load-configuration action="merge" format="text"><configuration-text>system { location { building b7; } }</configuration-text></load-configuration>');
    assert.equal(body(await c.rpc(compare)), NO_DIFF, 'a load of identical configuration is no difference');
    // The committed database against rollback 1: the change of that commit.
    assert.match(body(await c.rpc('<get-configuration database="committed" compare="rollback" rollback="1" format="text"/>')), /<configuration-output>\n\[edit system\]\n\+ {3}location \{/);

    // <command>: show configuration | compare rollback N (the active configuration against rollback N).
    assert.equal(body(await c.rpc('<command format="text">show configuration | compare rollback 0</command>')), NO_DIFF);
    assert.match(body(await c.rpc('<command>show configuration | compare rollback 1</command>')), /^<configuration-information>\n<configuration-output>\n\[edit system\]\n\+ {3}location \{\n\+ {7}building b7;/);
  } finally {
    await dev.close();
  }
});

test("the cli's show | compare prints nothing when the candidate equals the committed configuration", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-compare-cli-'));
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'cmp' });
  const socketPath = path.join(dir, 'cli', 'device.sock');
  const socket = await serveDeviceSocket(() => dev.openNetconf({ user: 'lab', client: 'cli' }), socketPath);
  const client = await NetconfClient.connect(socketPath);
  let out = '';
  const cli = new JunosCli(client, { write: (t) => void (out += t), readLine: async () => undefined }, 'lab', 'cmp');
  try {
    await cli.run('configure');
    out = '';
    await cli.run('show | compare');
    assert.equal(out, '', 'no difference prints nothing');
    await cli.run('set system location building b7');
    out = '';
    await cli.run('show | compare');
    assert.equal(out, '[edit system]\n+   location {\n+       building b7;\n+   }\n');
    await cli.run('commit');
    out = '';
    await cli.run('show | compare');
    assert.equal(out, '');
    // Operational mode: `show configuration` output starts at its first line, no blank line.
    await cli.run('exit');
    out = '';
    await cli.run('show configuration system location');
    assert.equal(out, 'building b7;\n');
    out = '';
    await cli.run('show configuration | compare rollback 0');
    assert.equal(out, '');
  } finally {
    await client.close();
    await socket.close();
    await dev.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
