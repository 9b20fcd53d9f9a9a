/**
 * Reboots as Junos does them, on real faces: a device process with its SSH face (the cli on
 * a PTY asks, prints the shutdown broadcast and its login ends; the NETCONF session ends;
 * the face refuses connections while down and listens again after --boot-time; an
 * unconfirmed commit confirmed is rolled back; uptime restarts), and a device dialling the
 * reference NMS over outbound HTTPS (its session ends, a new Initialize with a new instance
 * id arrives after boot). `clear system reboot` cancels a scheduled one.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Harness, until } from '../../support/agent-harness.js';
import { openChannel, spawnSshDevice } from '../../support/ssh-harness.js';
import { startDevice } from '../../../src/device/assemble.js';
import { withDefaults } from '../../../src/device/settings.js';
import { silentLogger } from '../../../src/log.js';
import { EOM, rpc } from '../../support/outbound-device.js';

const h = new Harness();
after(() => h.cleanup());

const login = (port: number) => ({ host: '127.0.0.1', port, username: 'lab', password: 'lab123' });

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

async function netconf(port: number) {
  const ch = await openChannel(login(port), { subsystem: 'netconf' });
  await ch.waitFor((o) => o.includes(EOM), 10_000);
  ch.channel.write(`<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>${EOM}`);
  let n = 1;
  const call = async (body: string): Promise<string> => {
    const before = ch.output().split(EOM).length;
    ch.channel.write(`<rpc message-id="${n++}">${body}</rpc>${EOM}`);
    const out = await ch.waitFor((o) => o.split(EOM).length > before, 15_000);
    return out.split(EOM)[before - 1];
  };
  return { ch, call };
}

const bootSeconds = (reply: string) => Number(/<system-booted-time>\s*<date-time junos:seconds="(\d+)"/.exec(reply)?.[1]);

test('request system reboot over the SSH face: the cli asks and broadcasts, every session ends, the face comes back, commit confirmed is undone', async () => {
  const dir = h.tempDir();
  const { port } = await spawnSshDevice(h, ['--ssh-user', 'lab:lab123', '--profile', 'mx', '--state-dir', dir, '--boot-time', '2']);
  const nc = await netconf(port);
  const before = bootSeconds(await nc.call('<get-system-uptime-information/>'));
  assert.ok(before > 0);
  // An unconfirmed commit confirmed: a reboot rolls it back.
  assert.match(await nc.call('<load-configuration action="set" format="text"><configuration-set>set system domain-name reboot.example</configuration-set></load-configuration>'), /<load-configuration-results>/);
  assert.match(await nc.call('<commit-configuration><confirmed/><confirm-timeout>10</confirm-timeout></commit-configuration>'), /commit-results/);
  assert.match(await nc.call('<get-configuration database="committed" format="text"><configuration><system><domain-name/></system></configuration></get-configuration>'), /reboot\.example/);
  // A scheduled reboot, cleared.
  assert.match(await nc.call('<request-reboot><in>30</in></request-reboot>'), /Shutdown at \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n\[pid \d+\]/);
  assert.match(await nc.call('<clear-reboot/>'), /Terminating\.\.\./);
  assert.match(await nc.call('<clear-reboot/>'), /No shutdown\/reboot scheduled\./);

  const cli = await openChannel(login(port), { shell: true });
  await cli.waitFor((o) => /lab@\S+> $/.test(o), 10_000);
  cli.channel.write('request system reboot message "going for maintenance"\n');
  await cli.waitFor((o) => o.includes('Reboot the system ? [yes,no] (no) '), 10_000);
  cli.channel.write('yes\n');
  const out = await cli.waitFor((o) => o.includes('System going down IMMEDIATELY'), 10_000);
  assert.match(out, /Shutdown NOW!\r?\n\[pid \d+\]/);
  assert.match(out, /\*\*\* FINAL System shutdown message from lab@mx960-\d+ \*\*\*/);
  assert.match(out, /going for maintenance/);
  await cli.closed;
  await nc.ch.closed;
  cli.conn.end();
  nc.ch.conn.end();
  // Down: the face does not accept.
  assert.equal(await refused(port), true);
  // Back after the boot time.
  await until(async () => !(await refused(port)), 20_000, 'the SSH face back');
  const again = await netconf(port);
  const uptime = await again.call('<get-system-uptime-information/>');
  assert.ok(bootSeconds(uptime) > before, 'a new boot time');
  const re = await again.call('<get-route-engine-information/>');
  assert.match(re, /<last-reboot-reason>Router rebooted after a normal shutdown\.<\/last-reboot-reason>/);
  assert.doesNotMatch(await again.call('<get-configuration database="committed" format="text"><configuration><system><domain-name/></system></configuration></get-configuration>'), /reboot\.example/);
  assert.match(await again.call('<get-commit-information/>'), /commit confirmed rollback/);
  const log = await again.call('<command format="text">show log messages</command>');
  assert.match(log, /UI_REBOOT_EVENT: System rebooted by 'lab'/);
  assert.match(log, /shutdown\[\d+\]: reboot by lab: going for maintenance/);
  again.ch.conn.end();
});

test('a reboot over outbound HTTPS: the session ends, the device redials with a new instance id and answers from its new boot', async () => {
  const { nms, port, certFile, dir } = await h.nmsWithCertFile();
  const running = await startDevice(
    withDefaults({ host: '127.0.0.1', port, certFile, deviceId: 'reboot-1', secret: 'reboot-secret-1', waittime: 1, profile: 'srx', stateDir: dir, bootTime: 1 }),
    silentLogger,
  );
  h.defer(() => running.close());
  const open = async () => {
    const s = await nms.requestSession('reboot-1', 'reboot-secret-1', 'netconf');
    await s.waitFor((o) => o.includes(EOM), 15_000);
    s.send(`<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>${EOM}`);
    return s;
  };
  const s = await open();
  const before = bootSeconds(await rpc(s, '<get-system-uptime-information/>'));
  const firstInstance = nms.events.find((e) => e.type === 'initialize' && e.deviceId === 'reboot-1')?.instanceId;
  assert.match(await rpc(s, '<request-reboot/>'), /Shutdown NOW!/);
  await s.ended;
  await until(() => nms.events.some((e) => e.type === 'initialize' && e.deviceId === 'reboot-1' && e.instanceId !== firstInstance), 30_000, 'a new Initialize after the boot');
  const s2 = await open();
  assert.ok(bootSeconds(await rpc(s2, '<get-system-uptime-information/>')) >= before);
  assert.match(await rpc(s2, '<get-route-engine-information/>'), /last-reboot-reason/);
});

test('a fleet member reboots alone: its SSH face goes down, the other keeps serving, the process stays up', async () => {
  const dir = h.tempDir();
  const { child, stderr } = h.cli(['--ssh-port', '0', '--ssh-user', 'lab:lab123', '--devices', 'ex:2', '--state-dir', dir, '--boot-time', '3', '--log-format', 'json', '--log-level', 'debug']);
  await until(() => /SSH faces listening/.test(stderr()), 20_000, 'the fleet faces');
  const ports = [...stderr().matchAll(/"port":(\d+),"fingerprint"[^\n]*"msg":"ssh face listening"/g)].map((m) => Number(m[1]));
  assert.equal(ports.length, 2);
  const [p1, p2] = ports;
  const one = await netconf(p1);
  assert.match(await one.call('<request-reboot/>'), /Shutdown NOW!/);
  await one.ch.closed;
  one.ch.conn.end();
  assert.equal(await refused(p1), true);
  const two = await netconf(p2);
  assert.match(await two.call('<get-system-uptime-information/>'), /system-booted-time/);
  two.ch.conn.end();
  await until(async () => !(await refused(p1)), 20_000, 'device 1 back');
  assert.equal(child.exitCode, null);
});
