import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { textOf } from '../../src/netconf/xml.js';
import { NetconfClient } from '../../src/junos/cli/netconf-client.js';
import { startDeviceSocketLab, type DeviceSocketLab } from '../support/device-socket-lab.js';

// The emulated device's datastore is built by another part of the project; until it is
// compiled, these end-to-end checks have nothing to run against.
const datastoreBuilt = existsSync(fileURLToPath(new URL('../../src/junos/config/datastore.js', import.meta.url)));

describe('cli against the emulated device', { skip: datastoreBuilt ? false : 'the configuration datastore module is not built yet' }, () => {
  let lab: DeviceSocketLab;
  const shell = (input: string): Promise<string> => lab.shell(input, 20_000);

  before(async () => {
    lab = await startDeviceSocketLab({ prefix: 'ncgd-cli-dev-', hostname: 'cli-lab-1' });
  });

  after(async () => {
    await lab?.close();
  });

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
    const client = await NetconfClient.connect(lab.socketPath);
    try {
      const reply = await client.rpc('<get-configuration database="committed" format="text"/>');
      assert.match(textOf(reply.root), /domain-name lab.example.net;/);
    } finally {
      await client.close();
    }
  });
});
