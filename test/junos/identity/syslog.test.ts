/**
 * The synthesised syslog keeps its events as parts (sessions, the boot) and makes the lines
 * when read: the lines are as Junos writes them, and the ring holds the newest 500 lines
 * however many sessions come and go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syslogOf } from '../../../src/junos/identity/syslog.js';

test('boot, logins and logouts read as Junos lines; the ring keeps the newest 500 lines', () => {
  const log = syslogOf({});
  const t0 = Date.UTC(2026, 0, 5, 10, 0, 0);
  log.boot(t0, [{ name: 'ge-0/0/0' }, { name: 'ge-0/0/1' }]);
  log.session({ time: t0 + 1000, id: 4242, user: 'nms', client: '192.0.2.7', login: true });
  log.session({ time: t0 + 2000, id: 4242, user: 'nms', login: false });
  const lines = log.lines('lab-mx');
  assert.equal(lines.length, 5);
  assert.match(lines[0], /lab-mx mgd\[5061\]: UI_CHILD_START: Starting child '\/usr\/sbin\/mgd'$/);
  assert.match(lines[2], /lab-mx mib2d\[2121\]: SNMP_TRAP_LINK_UP: ifIndex 501, ifAdminStatus up\(1\), ifOperStatus up\(2\), ifName ge-0\/0\/1$/);
  assert.match(lines[3], /lab-mx mgd\[4242\]: UI_LOGIN_EVENT: User 'nms' login, class 'j-super-user' \[4242\], ssh-connection '192.0.2.7', client-mode 'junoscript'$/);
  assert.match(lines[4], /lab-mx mgd\[4242\]: UI_LOGOUT_EVENT: User 'nms' logout$/);
  for (let i = 0; i < 600; i++) log.session({ time: t0 + 10_000 + i, id: 5000 + i, user: 'nms', login: i % 2 === 0 });
  const after = log.lines('lab-mx');
  assert.equal(after.length, 500, 'the newest 500');
  assert.doesNotMatch(after.join('\n'), /SNMP_TRAP_LINK_UP/, 'the boot is the oldest: gone');
  assert.match(after[499], /mgd\[5599\]: UI_LOGOUT_EVENT/);
});

test('onRecord (syslog out) is given every line recorded: the boot line by line, logins and logouts, other events', () => {
  const log = syslogOf({});
  const seen: string[] = [];
  log.onRecord = (e) => seen.push(`${e.process}: ${e.text}`);
  const t0 = Date.UTC(2026, 0, 5, 10, 0, 0);
  log.boot(t0, [{ name: 'ge-0/0/0' }, { name: 'ge-0/0/1' }]);
  log.session({ time: t0 + 1000, id: 4242, user: 'nms', client: 'cli', login: true });
  log.session({ time: t0 + 2000, id: 4242, user: 'nms', login: false });
  log.record({ time: t0 + 3000, process: 'mib2d[2121]', text: 'SNMP_TRAP_LINK_DOWN: ifIndex 500, ifAdminStatus up(1), ifOperStatus down(2), ifName ge-0/0/0' });
  assert.equal(seen.length, 6);
  assert.equal(seen[0], "mgd[5061]: UI_CHILD_START: Starting child '/usr/sbin/mgd'");
  assert.match(seen[2], /ifName ge-0\/0\/1$/);
  assert.match(seen[3], /^mgd\[4242\]: UI_LOGIN_EVENT: User 'nms' login, .* client-mode 'cli'$/);
  assert.equal(seen[4], "mgd[4242]: UI_LOGOUT_EVENT: User 'nms' logout");
  assert.match(seen[5], /SNMP_TRAP_LINK_DOWN/);
  // What was sent is what `show log messages` reads.
  assert.deepEqual(log.lines('h').map((l) => l.replace(/^.*? h /, '')), seen);
});

test('the ring keeps its order and line count across growth and wrap-around, with other events among the sessions', () => {
  const log = syslogOf({});
  const t0 = Date.UTC(2026, 0, 5, 10, 0, 0);
  // Each entry's lines (what each must hold); the ring drops whole entries, oldest first.
  const want: string[][] = [];
  log.boot(t0, [{ name: 'ge-0/0/0' }]);
  want.push(['UI_CHILD_START', 'ifName ge-0/0/0']);
  // 1,300 entries: sessions, with a recorded event every 97th, and a second boot late.
  for (let i = 0; i < 1300; i++) {
    const time = t0 + 1000 + i;
    if (i === 1000) {
      log.boot(time, [{ name: 'xe-0/0/0' }, { name: 'xe-0/0/1' }]);
      want.push(['UI_CHILD_START', 'ifName xe-0/0/0', 'ifName xe-0/0/1']);
    } else if (i % 97 === 0) {
      log.record({ time, process: 'mib2d[2121]', text: `SNMP_TRAP_LINK_DOWN: event ${i}` });
      want.push([`event ${i}`]);
    } else {
      log.session({ time, id: 7000 + i, user: i % 3 ? 'nms' : 'ops', client: i % 5 ? '192.0.2.7' : 'cli', login: i % 2 === 0 });
      want.push([i % 2 === 0 ? `login, class 'j-super-user' [${7000 + i}], ssh-connection '${i % 5 ? '192.0.2.7' : 'cli'}'` : `User '${i % 3 ? 'nms' : 'ops'}' logout`]);
    }
    // Read now and then while the ring fills and wraps: always the newest lines, in order.
    if (i % 131 === 0 || i === 1299) {
      const lines = log.lines('h');
      let total = want.reduce((a, e) => a + e.length, 0);
      let from = 0;
      while (total > 500 && from < want.length - 1) total -= want[from++].length;
      const expected = want.slice(from).flat();
      assert.equal(lines.length, expected.length, `after entry ${i}`);
      lines.forEach((line, n) => assert.ok(line.includes(expected[n]), `after entry ${i}, line ${n}: ${line} should hold ${expected[n]}`));
    }
  }
  // The second boot is still there, the first one long gone.
  const text = log.lines('h').join('\n');
  assert.match(text, /ifName xe-0\/0\/1/);
  assert.doesNotMatch(text, /ifName ge-0\/0\/0/);
});
