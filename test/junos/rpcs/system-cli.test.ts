/**
 * The system commands in the emulated Junos cli (a real PTY shell running `cli -c`,
 * through the device socket) print what `<command format="text">` answers for them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { elements, parseXml, textOf } from '../../../src/netconf/xml.js';
import { TestClient } from '../../support/netconf-client.js';
import { startDeviceSocketLab, type DeviceSocketLab } from '../../support/device-socket-lab.js';

let lab: DeviceSocketLab;

before(async () => {
  lab = await startDeviceSocketLab({ prefix: 'ncgd-sys-cli-', hostname: 'sys-cli-1' });
});

after(async () => {
  await lab?.close();
});

// Commands whose text does not change between two reads (users and uptime do).
const COMMANDS = ['show chassis alarms', 'show system alarms', 'show chassis environment', 'show system memory', 'show system storage', 'show snmp statistics', 'show ntp associations', 'file checksum md5 /etc/hosts.junos', 'ping 192.0.2.7 count 2', 'traceroute 203.0.113.9 ttl 2'];

test('cli -c prints each system command as <command format="text"> answers it', async () => {
  const c = new TestClient(lab.device.openNetconf({ user: 'nms' }));
  await c.open();
  const expected: string[] = [];
  for (const cmd of COMMANDS) {
    const out = elements(parseXml(await c.rpc(`<command format="text">${cmd}</command>`)))[0];
    assert.equal(out.name, 'output', cmd);
    expected.push(textOf(out).replace(/^\n/, ''));
  }
  const script = COMMANDS.map((cmd) => `cli -c "${cmd}"; echo "@@end"`).join('\n');
  const raw = (await lab.shell(`${script}\nexit\n`)).replace(/\r\n/g, '\n');
  const outputs = raw.split('@@end\n');
  COMMANDS.forEach((cmd, i) => {
    // Each command's output (after the echoed input) ends with what <command> answered.
    const got = outputs[i] ?? '';
    assert.ok(got.endsWith(expected[i]!), `${cmd}:\n--- cli\n${got}\n--- <command>\n${expected[i]}`);
  });
  // Something the user sees: the rescue alarm and a lost traceroute.
  assert.match(raw, /Rescue configuration is not set/);
  assert.match(raw, / 2  \* \* \*\n/);
});
