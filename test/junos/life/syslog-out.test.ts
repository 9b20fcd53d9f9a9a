/**
 * Syslog out: a committed `system syslog host 127.0.0.1 port P` makes the device send its
 * syslog lines there over UDP (BSD form; RFC 5424 with `structured-data`): the commit
 * itself, then an event's line. Only 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import dgram from 'node:dgram';
import { EmulatedDevice } from '../../../src/junos/device.js';
import { applyEvent, parseEvent } from '../../../src/junos/life/events.js';
import { forwardSyslog, formatSyslog } from '../../../src/junos/life/syslog-out.js';
import { TestClient } from '../../support/netconf-client.js';
import { until } from '../../support/agent-harness.js';

test('syslog lines go to the configured host, in BSD or RFC 5424 form', async () => {
  const rx = dgram.createSocket('udp4');
  const got: string[] = [];
  rx.on('message', (m) => got.push(m.toString()));
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
  const port = rx.address().port;
  const dev = await EmulatedDevice.create({ profile: 'mx', hostname: 'sys-1' });
  forwardSyslog(dev);
  try {
    const c = new TestClient(dev.openNetconf({ user: 'nms' }));
    await c.open();
    const commit = async (set: string) => {
      assert.doesNotMatch(await c.rpc(`<load-configuration action="set" format="text"><configuration-set>${set}</configuration-set></load-configuration>`), /<error-severity>error/);
      assert.doesNotMatch(await c.rpc('<commit-configuration><log>to the collector</log></commit-configuration>'), /<error-severity>error/);
    };
    await commit(`set system syslog host 127.0.0.1 any any\nset system syslog host 127.0.0.1 port ${port}`);
    await until(() => got.some((l) => l.includes('UI_COMMIT')), 5000, 'the commit line');
    assert.match(got.find((l) => l.includes('UI_COMMIT'))!, /^<29>\w{3} [ \d]\d \d\d:\d\d:\d\d sys-1 mgd\[5061\]: UI_COMMIT: User 'nms' requested 'commit' operation \(comment: to the collector\)$/);
    await applyEvent(dev, parseEvent(['link-down', 'ge-0/0/1']));
    await until(() => got.some((l) => l.includes('SNMP_TRAP_LINK_DOWN')), 5000, 'the link line');
    assert.match(got.find((l) => l.includes('SNMP_TRAP_LINK_DOWN'))!, /^<28>.* sys-1 mib2d\[\d+\]: SNMP_TRAP_LINK_DOWN: ifIndex \d+, ifAdminStatus up\(1\), ifOperStatus down\(2\), ifName ge-0\/0\/1$/);
    await commit('set system syslog host 127.0.0.1 structured-data');
    await applyEvent(dev, parseEvent(['link-up', 'ge-0/0/1']));
    await until(() => got.some((l) => l.includes('SNMP_TRAP_LINK_UP')), 5000, 'the structured line');
    assert.match(got.find((l) => l.includes('SNMP_TRAP_LINK_UP'))!, /^<29>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z sys-1 mib2d \d+ SNMP_TRAP_LINK_UP \[junos@2636\.1\.1\.1\.2\.25\] ifIndex/);
    const before = got.length;
    await commit('delete system syslog host 127.0.0.1');
    await applyEvent(dev, parseEvent(['cpu', '50']));
    await applyEvent(dev, parseEvent(['alarm', 'set', 'chassis', 'after removal']));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(got.slice(before).every((l) => !l.includes('after removal')), 'nothing after the host is removed');
  } finally {
    await dev.close();
    rx.close();
  }
  assert.equal(formatSyslog({ time: 0, process: 'rpd[2206]', text: 'plain words' }, 'h', true), '<29>1 1970-01-01T00:00:00.000Z h rpd 2206 - [junos@2636.1.1.1.2.25] plain words');
});
