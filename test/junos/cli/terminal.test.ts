/**
 * The emulated Junos cli at a terminal, as `ssh user@router` gives it: a real PTY over the
 * SSH face (ssh2 client asking for a pty), an emulated MX behind the device socket. Checks
 * what a person types: abbreviations, `?`, Tab and space completion, history with the
 * arrow keys, line editing, Ctrl-C keeping the session, `set cli`, pipes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cliSshLab, type OpenedChannel } from '../../support/ssh-harness.js';

const lab = cliSshLab({ prefix: 'ncgd-cli-term-' });
after(() => lab.close());

const PROMPT = 'netops@lab-mx> ';
const UP = '\x1b[A';
const LEFT = '\x1b[D';

/** A login at the prompt; `run` types keys and waits for output after them to match. */
async function login(): Promise<OpenedChannel & { send(keys: string, until: RegExp): Promise<string> }> {
  const ch = await (await lab.start()).open();
  await ch.waitFor((o) => o.includes(PROMPT), 20000);
  return Object.assign(ch, {
    async send(keys: string, until: RegExp): Promise<string> {
      const from = ch.output().length;
      ch.channel.write(keys);
      const out = await ch.waitFor((o) => until.test(o.slice(from)), 20000);
      return out.slice(from);
    },
  });
}

test('abbreviations run the command they stand for: `sh int te` is show interfaces terse', async () => {
  const ch = await login();
  try {
    const out = await ch.send('sh int te\r', /Interface\s+Admin Link Proto[\s\S]*netops@lab-mx> $/);
    assert.match(out, /Interface\s+Admin Link Proto/);
    assert.doesNotMatch(out, /syntax error|unknown command/);
    // An ambiguous prefix: Junos's words and the possible completions.
    const amb = await ch.send('s\r', /is ambiguous[\s\S]*netops@lab-mx> $/);
    assert.match(amb, /\^\r?\n's' is ambiguous\.\r?\nPossible completions:\r?\n[\s\S]*\bset\b[\s\S]*\bshow\b[\s\S]*\bstart\b/);
  } finally {
    ch.conn.end();
  }
});

test('? lists the possible completions with their help, and leaves the typed line in place', async () => {
  const ch = await login();
  try {
    const out = await ch.send('show ?', /Possible completions:[\s\S]*netops@lab-mx> show $/);
    assert.match(out, /^ {2}interfaces +Show interface information$/m);
    assert.match(out, /^ {2}version +Show software process revision levels$/m);
    assert.match(out, /^ {2}configuration +Show current configuration$/m);
    // The line is still there: finishing it runs it.
    const v = await ch.send('version\r', /Hostname: lab-mx[\s\S]*netops@lab-mx> $/);
    assert.match(v, /Model: mx960/);
  } finally {
    ch.conn.end();
  }
});

test('Tab and space complete a unique prefix; Tab on several lists them', async () => {
  const ch = await login();
  try {
    // "sh" + space -> "show ", "ver" + Tab -> "version "
    const typed = await ch.send('sh ver\t', /show version $/);
    assert.match(typed, /show version $/);
    await ch.send('\r', /Hostname: lab-mx[\s\S]*netops@lab-mx> $/);
    const list = await ch.send('show system \t', /Possible completions:[\s\S]*netops@lab-mx> show system $/);
    assert.match(list, /^ {2}uptime +Show time since system and processes started$/m);
    assert.match(list, /^ {2}information\b/m);
    await ch.send('\x15', /\x1b\[K\S+[>#] $/); // Ctrl-U clears the line
    // complete-on-space off: space stays a space.
    await ch.send('set cli complete-on-space off\r', /Disabling complete-on-space[\s\S]*netops@lab-mx> $/);
    const plain = await ch.send('sh ', /sh $/);
    assert.doesNotMatch(plain, /show/);
  } finally {
    ch.conn.end();
  }
});

test('history with Up, line editing with Left and Backspace, Ctrl-C keeps the session', async () => {
  const ch = await login();
  try {
    await ch.send('show system uptime\r', /Current time[\s\S]*netops@lab-mx> $/);
    // Up recalls the previous command; Enter runs it again.
    const again = await ch.send(`${UP}\r`, /Current time[\s\S]*netops@lab-mx> $/);
    assert.match(again, /show system uptime/);
    // Typing in the middle: "show versin", Left, "o" -> "show version".
    const edited = await ch.send(`show versin${LEFT}o\r`, /Hostname: lab-mx[\s\S]*netops@lab-mx> $/);
    assert.match(edited, /Model: mx960/);
    // Backspace: "show versionx" then Backspace.
    await ch.send('show versionx\x7f\r', /Hostname: lab-mx[\s\S]*netops@lab-mx> $/);
    // Ctrl-C drops the half-typed line and the session goes on.
    const c = await ch.send('show bogus-stuff\x03', /\^C\r?\nnetops@lab-mx> $/);
    assert.doesNotMatch(c, /syntax error/);
    await ch.send('show version\r', /Hostname: lab-mx[\s\S]*netops@lab-mx> $/);
    // Ctrl-D on an empty operational line ends the login.
    ch.channel.write('\x04');
    const exit = await ch.closed;
    assert.equal(exit.code, 0);
  } finally {
    ch.conn.end();
  }
});

test('Emacs keys: Ctrl-A/E, Ctrl-B/F, Delete, Ctrl-D mid-line, Ctrl-K, Ctrl-W, Down back to the typed line', async () => {
  const ch = await login();
  const VERSION = /Hostname: lab-mx[\s\S]*netops@lab-mx> $/;
  try {
    // Ctrl-W kills the word before the cursor.
    await ch.send('show system uptimeXYZ\x17uptime\r', /Current time[\s\S]*netops@lab-mx> $/);
    // Ctrl-A to the start, Ctrl-E to the end.
    assert.match(await ch.send('version\x01show \x05\r', VERSION), /Model: mx960/);
    // Ctrl-B back over "ZZZ", Ctrl-K kills to the end.
    await ch.send('show versionZZZ\x02\x02\x02\x0b\r', VERSION);
    // Delete and Ctrl-D remove the character under the cursor; Ctrl-F moves right.
    await ch.send(`show vxersion${'\x02'.repeat(7)}\x1b[3~\x05\r`, VERSION);
    await ch.send(`show vxersion${'\x02'.repeat(8)}\x06\x04\x05\r`, VERSION);
    // Up recalls, Down comes back to the line being typed.
    await ch.send(`show ver${UP}\x1b[Bsion\r`, VERSION);
    const bad = await ch.send('show versionQ\r', /netops@lab-mx> $/);
    assert.match(bad, /syntax error/, 'the check above can fail: a wrong line is refused');
  } finally {
    ch.conn.end();
  }
});

test('set cli screen-length/screen-width/timestamp as Ansible sends them, and pipes', async () => {
  const ch = await login();
  try {
    assert.match(await ch.send('set cli timestamp disable\r', /netops@lab-mx> $/), /Disabling timestamp/);
    assert.match(await ch.send('set cli screen-length 0\r', /netops@lab-mx> $/), /Screen length set to 0/);
    assert.match(await ch.send('set cli screen-width 511\r', /netops@lab-mx> $/), /Screen width set to 511/);
    assert.match(await ch.send('show cli\r', /netops@lab-mx> $/), /CLI screen-length set to 0[\s\S]*CLI screen-width set to 511/);
    const count = await ch.send('show version | count\r', /netops@lab-mx> $/);
    assert.match(count, /Count: \d+ lines/);
    const m = await ch.send('show version | m Model\r', /netops@lab-mx> $/);
    assert.match(m, /Model: mx960/);
    assert.doesNotMatch(m, /Hostname/);
    const ex = await ch.send('show version | except Model | no-more\r', /netops@lab-mx> $/);
    assert.match(ex, /Hostname: lab-mx/);
    assert.doesNotMatch(ex, /Model: mx960/);
    const last = await ch.send('show version | last 1\r', /netops@lab-mx> $/);
    assert.doesNotMatch(last, /Hostname/);
    const set = await ch.send('show configuration system | display set\r', /netops@lab-mx> $/);
    assert.match(set, /set system host-name lab-mx/);
    const json = await ch.send('show system uptime | display json\r', /netops@lab-mx> $/);
    assert.match(json, /"system-uptime-information"/);
  } finally {
    ch.conn.end();
  }
});

test('configuration mode: ? from the schema, abbreviated statements, compare', async () => {
  const ch = await login();
  try {
    await ch.send('configure\r', /netops@lab-mx# $/);
    const help = await ch.send('set sys?', /Possible completions:[\s\S]*netops@lab-mx# set sys$/);
    assert.match(help, /system/);
    await ch.send('\x15', /\x1b\[K\S+[>#] $/);
    const top = await ch.send('set system ?', /netops@lab-mx# set system $/);
    assert.match(top, /^> +services\b/m);
    assert.match(top, /host-name/);
    await ch.send('\x15', /\x1b\[K\S+[>#] $/);
    await ch.send('set sys host-n lab-new\r', /netops@lab-mx# $/);
    const diff = await ch.send('show | compare rollback 0\r', /netops@lab-mx# $/);
    assert.match(diff, /\+ +host-name lab-new;/);
    await ch.send('rollback 0\r', /load complete[\s\S]*# $/);
    await ch.send('exit\r', /netops@lab-mx> $/);
  } finally {
    ch.conn.end();
  }
});

test('show log messages: the synthesised syslog has the ports, logins and commits', async () => {
  const ch = await login();
  try {
    await ch.send('configure\r', /netops@lab-mx# $/);
    await ch.send('set system location building b1\r', /netops@lab-mx# $/);
    await ch.send('commit comment "syslog test"\r', /commit complete[\s\S]*# $/);
    await ch.send('exit\r', /netops@lab-mx> $/);
    const out = await ch.send('sh log messages | no-more\r', /netops@lab-mx> $/);
    assert.match(out, /lab-mx mib2d\[\d+\]: SNMP_TRAP_LINK_UP: .*ifName \S+/);
    assert.match(out, /UI_LOGIN_EVENT: User 'netops' login/);
    assert.match(out, /UI_COMMIT: User 'netops' requested 'commit' operation \(comment: syslog test\)/);
    const m = await ch.send('show log messages | match UI_COMMIT | count\r', /netops@lab-mx> $/);
    assert.match(m, /Count: [1-9]\d* lines/);
  } finally {
    ch.conn.end();
  }
});
