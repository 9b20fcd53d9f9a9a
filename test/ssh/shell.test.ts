/**
 * Interactive logins over the SSH face: a PTY running the emulated Junos `cli` against an
 * emulated MX (through the device socket), as `ssh user@router` gives; and `ssh router
 * "show version"` running one command.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cliSshLab } from '../support/ssh-harness.js';

const lab = cliSshLab({ prefix: 'ncgd-ssh-shell-', command: true });
after(() => lab.close());

test('an interactive login gets the Junos cli prompt, runs commands, and exit closes the channel', async () => {
  const ch = await (await lab.start()).open();
  try {
    await ch.waitFor((o) => o.includes('netops@lab-mx> '), 15000);
    ch.channel.write('show version\r');
    await ch.waitFor((o) => /Hostname: lab-mx[\s\S]*Model: mx960[\s\S]*netops@lab-mx> $/.test(o), 15000);
    ch.channel.write('exit\r');
    const exit = await ch.closed;
    assert.equal(exit.code, 0);
  } finally {
    ch.conn.end();
  }
});

test('`ssh router "show version"` runs the command in the cli and exits', async () => {
  const ch = await (await lab.start()).open({ exec: 'show version' });
  try {
    const exit = await ch.closed;
    assert.match(ch.output(), /Hostname: lab-mx[\s\S]*Model: mx960/);
    assert.equal(exit.code, 0);
  } finally {
    ch.conn.end();
  }
});
