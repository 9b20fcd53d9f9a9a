/**
 * `<command format="set">show configuration [path]</command>`, what Ansible's junos_command
 * sends for `show configuration | display set`: the committed configuration's set lines in
 * `<configuration-set>`. Other commands refuse format="set".
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { TestClient } from '../../support/netconf-client.js';

test('command format="set" answers show configuration as set lines; other commands refuse it', async () => {
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'cset' });
  const c = new TestClient(dev.openNetconf({ user: 'lab' }));
  await c.open();
  try {
    await c.rpc('<load-configuration action="set" format="text"><configuration-set>set system location building b9</configuration-set></load-configuration>');
    assert.match(await c.rpc('<commit-configuration/>'), /<commit-success\/>/);
    const all = await c.rpc('<command format="set">show configuration </command>');
    assert.match(all, /<configuration-set>set system host-name cset\n[\s\S]*^set system location building b9$[\s\S]*<\/configuration-set>/m);
    const part = await c.rpc('<command format="set">show configuration system location</command>');
    assert.match(part, /<configuration-set>set system location building b9\n?<\/configuration-set>/);
    const refused = await c.rpc('<command format="set">show version</command>');
    assert.match(refused, /<error-message>\ninvalid format: set\n<\/error-message>/);
  } finally {
    await dev.close();
  }
});
