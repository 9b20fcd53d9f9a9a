/**
 * Over the SSH face, in the emulated Junos cli on a real PTY: a committed host name
 * changes the prompt and `show version`; a committed description, address and static
 * route show in `show interfaces` and `show route`.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cliSshLab } from '../../support/ssh-harness.js';

const lab = cliSshLab({ prefix: 'ncgd-oper-cli-', hostname: 'mx960-4' });
after(() => lab.close());

test('the cli prompt, show version, show interfaces and show route follow a commit', async () => {
  const ch = await (await lab.start()).open();
  try {
    await ch.waitFor((o) => o.includes('netops@mx960-4> '), 15000);
    ch.channel.write('configure\r');
    await ch.waitFor((o) => o.includes('netops@mx960-4# '), 15000);
    for (const line of [
      'set system host-name core-9',
      'set interfaces ge-0/0/3 description "to lab"',
      'set interfaces ge-0/0/3 unit 0 family inet address 198.18.0.1/24',
      'set routing-options static route 10.77.0.0/16 next-hop 198.18.0.254',
      'commit and-quit',
    ]) ch.channel.write(`${line}\r`);
    await ch.waitFor((o) => o.includes('netops@core-9> '), 15000);
    ch.channel.write('show version\r');
    await ch.waitFor((o) => /Hostname: core-9[\s\S]*netops@core-9> $/.test(o), 15000);
    ch.channel.write('show interfaces descriptions\r');
    await ch.waitFor((o) => /ge-0\/0\/3\s+up\s+down\s+to lab[\s\S]*netops@core-9> $/.test(o), 15000);
    ch.channel.write('show interfaces terse ge-0/0/3\r');
    await ch.waitFor((o) => /ge-0\/0\/3\.0\s+up\s+down\s+inet\s+198\.18\.0\.1\/24[\s\S]*netops@core-9> $/.test(o), 15000);
    ch.channel.write('show route summary\r');
    await ch.waitFor((o) => /Static:\s+1 routes,\s+0 active[\s\S]*netops@core-9> $/.test(o), 15000);
    ch.channel.write('exit\r');
    assert.equal((await ch.closed).code, 0);
  } finally {
    ch.conn.end();
  }
});
