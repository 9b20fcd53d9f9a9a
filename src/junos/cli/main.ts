/**
 * `cli`, the emulated Junos CLI a device shell offers: `cli -c "show version"` runs one
 * command; `cli` alone reads commands line by line with `user@host>` prompts. It talks
 * NETCONF to the emulated device over the UNIX socket named by NCGD_DEVICE_SOCKET.
 */
import { userInfo } from 'node:os';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { readSync } from 'node:fs';
import { isatty } from 'node:tty';
import { JunosCli } from './junos-cli.js';
import { NetconfClient } from './netconf-client.js';
import { LineEditor } from './line-editor.js';

const USAGE = 'usage: cli [-c "command"] [command ...]';

function parseArgs(argv: string[]): { command?: string } | { error: string } {
  if (argv.length === 0) return {};
  if (argv[0] === '-c') {
    if (argv.length < 2 || !argv[1].trim()) return { error: `cli: -c needs a command\n${USAGE}` };
    return { command: argv.slice(1).join(' ') };
  }
  if (argv[0] === '-h' || argv[0] === '--help') return { error: USAGE };
  if (argv[0].startsWith('-')) return { error: `cli: unknown option ${argv[0]}\n${USAGE}` };
  return { command: argv.join(' ') };
}

function sessionUser(): string {
  if (process.env.USER) return process.env.USER;
  try {
    return userInfo().username;
  } catch {
    return 'user';
  }
}

/**
 * Reads one line from stdin, one byte at a time, as a shell's `read` does: the cli runs
 * inside a shell session whose later input lines belong to the shell, so it must not
 * read ahead of the line it needs.
 */
function readLineSync(): string | undefined {
  const bytes: number[] = [];
  const one = Buffer.alloc(1);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let n: number;
    try {
      n = readSync(0, one, 0, 1, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 20);
        continue;
      }
      if (code === 'EOF') n = 0;
      else throw err;
    }
    if (n === 0) return bytes.length ? Buffer.from(bytes).toString('utf8') : undefined;
    if (one[0] === 0x0a) return Buffer.from(bytes).toString('utf8').replace(/\r$/, '');
    bytes.push(one[0]);
  }
}

/** True when stdin is a terminal that echoes what is typed (a human at a prompt). */
function terminalEchoes(): boolean {
  if (!isatty(0)) return false;
  try {
    const settings = execFileSync('stty', ['-a'], { stdio: [0, 'pipe', 'ignore'], encoding: 'utf8' });
    return !/(^|\s)-echo(\s|;|$)/.test(settings);
  } catch {
    return true;
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`${args.error}\n`);
    return 2;
  }
  const socketPath = process.env.NCGD_DEVICE_SOCKET;
  if (!socketPath) {
    process.stderr.write('error: the device is not reachable (NCGD_DEVICE_SOCKET is not set)\n');
    return 1;
  }
  let client: NetconfClient;
  try {
    client = await NetconfClient.connect(socketPath);
  } catch (err) {
    process.stderr.write(`error: the device is not reachable: ${(err as Error).message}\n`);
    return 1;
  }

  const write = (text: string) => void process.stdout.write(text);
  const { host, model } = await JunosCli.identity(client);
  const echoes = args.command === undefined && terminalEchoes();
  // A person (or Ansible) at a terminal gets the line editor; scripts piping commands in
  // get plain line reading that never reads ahead of the line it needs.
  const editor = echoes && process.stdout.isTTY ? new LineEditor(process.stdin, write) : undefined;
  const readLine = editor ? () => editor.readLine('') : async () => readLineSync();
  const cli = new JunosCli(client, { write, readLine, startShell, history: () => [...(editor?.history ?? [])] }, sessionUser(), host, echoes);
  cli.model = model;
  // The device's broadcasts (a shutdown message) reach the terminal as a wall does; once the
  // device went down after one, the login ends.
  let goingDown = false;
  client.onBroadcast = (text) => {
    if (/System going down IMMEDIATELY/.test(text)) goingDown = true;
    write(text);
  };
  client.onClosed = () => {
    if (!goingDown) return;
    if (editor) process.stdin.destroy();
    process.exit(0);
  };

  let status = 0;
  try {
    if (args.command !== undefined) {
      await cli.run(args.command, -1);
      status = cli.failed ? 1 : 0;
    } else {
      // Ctrl-C while a command runs must not end the login (as on Junos).
      if (editor) process.on('SIGINT', () => undefined);
      for (;;) {
        let line: string | undefined;
        if (editor) {
          line = await editor.readLine(cli.prompt(), { help: (l) => cli.help(l), complete: (l, space) => cli.complete(l, space) });
          // Ctrl-D ends the login only at the operational prompt.
          if (line === undefined && cli.inConfiguration && !process.stdin.readableEnded) continue;
        } else {
          write(cli.prompt());
          line = await readLine();
        }
        if (line === undefined) {
          if (!editor) write('\n');
          break;
        }
        if ((await cli.run(line)) === 'exit') break;
        if (!cli.inConfiguration && line.trim()) write('\n');
      }
    }
  } finally {
    await client.close();
  }
  if (editor) process.stdin.destroy();
  return status;
}

/** `start shell`: the session user's shell on this terminal, with a `%` prompt as Junos's csh. */
function startShell(which?: string): Promise<void> {
  const login = process.env.SHELL ?? '';
  // Only a real login shell (listed in /etc/shells; SHELL may name this cli itself); an
  // account without one (nobody's nologin) still gets /bin/sh, as Junos gives csh.
  let shells: string[] = [];
  try {
    shells = readFileSync('/etc/shells', 'utf8').split('\n').map((l) => l.trim());
  } catch {
    /* no list: /bin/sh */
  }
  const own = shells.includes(login) && existsSync(login) && !/(nologin|false)$/.test(login) ? login : '/bin/sh';
  const shell = which === 'bash' && existsSync('/bin/bash') ? '/bin/bash' : which === 'sh' ? '/bin/sh' : own;
  const args = shell.endsWith('bash') ? ['--noprofile', '--norc', '-i'] : ['-i'];
  // Node set our terminal descriptors non-blocking; a shell given those would see EAGAIN as
  // end of input and exit at once. A fresh open of the terminal is blocking.
  let tty: number | undefined;
  try {
    tty = openSync('/dev/tty', 'r+');
  } catch {
    tty = undefined;
  }
  return new Promise((resolve) => {
    const done = () => {
      if (tty !== undefined) closeSync(tty);
      tty = undefined;
      resolve();
    };
    const child = spawn(shell, args, { stdio: tty !== undefined ? [tty, tty, tty] : 'inherit', env: { ...process.env, SHELL: shell, PS1: '% ' } });
    child.once('error', (err) => {
      process.stdout.write(`error: cannot start ${shell}: ${err.message}\n`);
      done();
    });
    child.once('exit', () => done());
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
