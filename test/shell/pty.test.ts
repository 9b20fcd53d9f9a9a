import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import type { SessionEnd } from '../../src/session/byte-session.js';
import { ShellBackend } from '../../src/backends/pty-shell.js';
import { isRunning, sessionMembers } from '../../src/shell/process-tree.js';
import { openPtyShell, type PtyShellOptions, type PtyShellSession } from '../../src/shell/pty-session.js';
import { lookupUser } from '../../src/shell/user.js';

const isRoot = process.getuid?.() === 0;
const opened: PtyShellSession[] = [];

function open(opts: PtyShellOptions = {}): PtyShellSession {
  const s = openPtyShell(opts);
  opened.push(s);
  return s;
}

after(() => {
  for (const s of opened) if (!s.ended) s.kill(9);
});

/** Collects a session's output until it ends (bounded: fails after 20 s). */
function collect(s: PtyShellSession): { output: () => string; done: Promise<SessionEnd> } {
  const chunks: Buffer[] = [];
  s.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<SessionEnd>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`session ${s.pid} did not end; output so far: ${JSON.stringify(Buffer.concat(chunks).toString())}`)), 20_000);
    s.once('end', (e: SessionEnd) => {
      clearTimeout(t);
      resolve(e);
    });
  });
  return { output: () => Buffer.concat(chunks).toString(), done };
}

/** Waits (bounded) until the output matches. */
async function waitFor(out: () => string, re: RegExp): Promise<RegExpMatchArray> {
  for (let i = 0; i < 400; i++) {
    const m = out().match(re);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`output never matched ${re}: ${JSON.stringify(out())}`);
}

/** Pids of the session's processes other than the shell, once there are some (bounded). */
async function childrenOf(shellPid: number): Promise<number[]> {
  for (let i = 0; i < 400; i++) {
    const kids = sessionMembers(shellPid).filter((p) => p !== shellPid);
    if (kids.length) return kids;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no child process appeared in session ${shellPid}`);
}

function assertGone(pids: number[]): void {
  for (const pid of pids) assert.equal(isRunning(pid), false, `process ${pid} outlived its session`);
}

describe('pty shell session', () => {
  it('sends command output only: no echo, no prompt, LF line ends', async () => {
    const s = open();
    const c = collect(s);
    s.write('echo hello\n');
    s.write('printf "a\\nb\\n"\n');
    s.write('exit\n');
    const end = await c.done;
    assert.equal(c.output(), 'hello\na\nb\n');
    assert.deepEqual(end, { exitCode: 0, signal: null });
  });

  it('merges stderr into the output', async () => {
    const s = open();
    const c = collect(s);
    s.write('ls /nonexistent-ncgd-path; echo done\nexit\n');
    await c.done;
    assert.match(c.output(), /nonexistent-ncgd-path.*No such file or directory\ndone\n$/s);
  });

  it('ends with the status given to exit', async () => {
    const s = open();
    const c = collect(s);
    s.write('exit 3\n');
    assert.deepEqual(await c.done, { exitCode: 3, signal: null });
    assert.equal(c.output(), '');
  });

  it('survives a syntax error, as a device csh does', async () => {
    const s = open();
    const c = collect(s);
    s.write('fi\necho still here\nexit 4\n');
    assert.equal((await c.done).exitCode, 4);
    assert.match(c.output(), /still here\n$/);
  });

  it('gives commands a terminal', async () => {
    const s = open();
    const c = collect(s);
    s.write('tty\nread answer; echo "got:$answer"\nyes please\nexit\n');
    await c.done;
    assert.match(c.output(), /^\/dev\/pts\/\d+\ngot:yes please\n$/);
  });

  for (const command of ['sleep 1000', 'tail -f /dev/null']) {
    it(`kill(2) stops a foreground "${command}" and ends the session`, async () => {
      const s = open();
      const c = collect(s);
      s.write(`${command}\n`);
      const kids = await childrenOf(s.pid);
      s.kill(2);
      await c.done;
      assertGone([s.pid, ...kids]);
      assert.deepEqual(sessionMembers(s.pid), []);
    });
  }

  it('kill(15) ends a session whose command ignores the signal', async () => {
    const s = open();
    const c = collect(s);
    s.write(`trap '' TERM INT; echo armed; sleep 1000\n`);
    await waitFor(c.output, /armed\n/);
    const kids = await childrenOf(s.pid);
    s.kill(15);
    await c.done;
    assertGone([s.pid, ...kids]);
  });

  it('delivers the last output in full when the event loop is busy as the shell exits', async () => {
    // Every turn of this process's event loop takes 250 ms (a busy fleet): longer than
    // node-pty waits for the terminal to end, and long enough for the shell to write and exit
    // while nothing reads. A PTY hands over 4 KiB per read: 6,000 bytes need two.
    let busy = true;
    const spin = (): void => {
      if (!busy) return;
      const until = Date.now() + 250;
      while (Date.now() < until) {
        /* busy */
      }
      setImmediate(spin);
    };
    try {
      for (let i = 0; i < 2; i++) {
        const s = open({ command: ['/bin/sh', '-c', "head -c 6000 /dev/zero | tr '\\0' x; exit 3"] });
        const c = collect(s);
        setImmediate(spin);
        const end = await c.done;
        assert.equal(c.output(), 'x'.repeat(6000), `session ${i}: ${c.output().length} bytes of 6000`);
        assert.deepEqual(end, { exitCode: 3, signal: null });
      }
    } finally {
      busy = false;
    }
  });

  it('leaves no background job behind after exit', async () => {
    const s = open();
    const c = collect(s);
    s.write('sleep 1000 &\necho "bg:$!"\n');
    const m = await waitFor(c.output, /bg:(\d+)\n/);
    s.write('exit\n');
    await c.done;
    assertGone([s.pid, Number(m[1])]);
  });

  it('ends setsid children and double-forked daemons with the session', async () => {
    const s = open();
    const c = collect(s);
    // A child that leaves the session (setsid), and a daemon: double fork, then setsid.
    s.write(`setsid sh -c 'echo setsid=$$; exec sleep 1000' &\n`);
    s.write(`sh -c '(setsid sh -c "echo daemon=\\$\\$; exec sleep 1000" &) &'\n`);
    const pids = [Number((await waitFor(c.output, /setsid=(\d+)\n/))[1]), Number((await waitFor(c.output, /daemon=(\d+)\n/))[1])];
    for (const pid of pids) {
      assert.ok(isRunning(pid), `process ${pid} started`);
      assert.ok(!sessionMembers(s.pid).includes(pid), `process ${pid} left the session, as it meant to`);
    }
    s.write('exit\n');
    await c.done;
    // SIGKILL was sent before the end was reported; the kernel finishes it (bounded wait).
    for (let i = 0; i < 100 && pids.some(isRunning); i++) await new Promise((r) => setTimeout(r, 20));
    assertGone(pids);
  });

  it('opens and closes 20 sessions without leaking processes or descriptors', async () => {
    const fdCount = () => readdirSync('/proc/self/fd').length;
    const before = fdCount();
    const sessions = Array.from({ length: 20 }, () => open());
    const runs = sessions.map((s) => collect(s));
    sessions.forEach((s, i) => s.write(i % 2 ? 'echo $$\nexit\n' : 'sleep 1000\n'));
    await Promise.all(sessions.map((s, i) => (i % 2 ? Promise.resolve() : childrenOf(s.pid))));
    sessions.forEach((s, i) => i % 2 || s.kill(2));
    await Promise.all(runs.map((r) => r.done));
    for (let i = 1; i < 20; i += 2) assert.equal(runs[i].output(), `${sessions[i].pid}\n`);
    assertGone(sessions.map((s) => s.pid));
    for (const s of sessions) assert.deepEqual(sessionMembers(s.pid), []);
    // Descriptors are released when the PTY's stream closes: wait for it, bounded.
    let now = fdCount();
    for (let i = 0; i < 100 && now > before; i++) {
      await new Promise((r) => setTimeout(r, 20));
      now = fdCount();
    }
    assert.ok(now <= before, `descriptors: ${before} before, ${now} after`);
  });

  it('sets a sensible environment with cli on PATH and the device socket', async () => {
    const s = open({ deviceSocket: '/tmp/ncgd-test.sock', env: { EXTRA: 'x1' } });
    const c = collect(s);
    s.write('echo "$USER|$LOGNAME|$TERM|$NCGD_DEVICE_SOCKET|$EXTRA"; command -v cli; test -w "$HOME" && echo home-ok\nexit\n');
    await c.done;
    const lines = c.output().split('\n');
    const user = isRoot ? 'nobody' : lines[0].split('|')[0];
    assert.equal(lines[0], `${user}|${user}|xterm|/tmp/ncgd-test.sock|x1`);
    assert.match(lines[1], /\/cli$/);
    assert.equal(lines[2], 'home-ok');
  });

  it('interactive mode has a prompt and echo', async () => {
    const s = open({ interactive: true, allowRoot: true });
    const c = collect(s);
    s.resize(100, 30);
    s.write('echo hi-there; stty size\n');
    await waitFor(c.output, /hi-there.*\r?\n.*hi-there\r?\n30 100/s);
    s.write('exit 5\n');
    assert.equal((await c.done).exitCode, 5);
  });

  it('ShellBackend opens csh sessions and refuses netconf', async () => {
    const b = new ShellBackend({});
    await assert.rejects(b.open('netconf'), /csh/);
    const s = (await b.open('csh')) as PtyShellSession;
    opened.push(s);
    const c = collect(s);
    s.write('echo from-backend\nexit\n');
    await c.done;
    assert.equal(c.output(), 'from-backend\n');
  });
});

describe('session user', { skip: isRoot ? false : 'not running as root: no privilege drop to test' }, () => {
  it('runs shells as nobody without root groups', async () => {
    const nobody = lookupUser('nobody');
    assert.ok(nobody, 'no nobody account');
    // Give this process root's group as a supplementary group: the shell must not inherit it.
    const saved = process.getgroups!();
    process.setgroups!([0, ...saved]);
    let s: PtyShellSession;
    try {
      s = open();
    } finally {
      process.setgroups!(saved);
    }
    const c = collect(s);
    s.write('id -u; id -G\nexit\n');
    await c.done;
    const [uid, groups] = c.output().split('\n');
    assert.equal(Number(uid), nobody.uid);
    assert.ok(!groups.split(' ').includes('0'), `groups: ${groups}`);
  });

  it('refuses root unless allowed', async () => {
    assert.throws(() => openPtyShell({ user: 'root' }), /refusing to run sessions as root/);
    assert.throws(() => openPtyShell({ user: 'no-such-user-ncgd' }), /does not exist/);
    const s = open({ user: 'root', allowRoot: true });
    const c = collect(s);
    s.write('id -u\nexit\n');
    await c.done;
    assert.equal(c.output(), '0\n');
  });
});
