import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ByteSession, SessionEnd } from '../../src/session/byte-session.js';
import { EOM, FrameDecoder } from '../../src/netconf/framing.js';
import { child, elements, escapeText, parseXml, textOf } from '../../src/netconf/xml.js';
import { serveDeviceSocket, type DeviceSocket } from '../../src/shell/device-socket.js';
import { resolveSessionUser } from '../../src/shell/user.js';
import { NetconfClient } from '../../src/junos/cli/netconf-client.js';
import { subHierarchy } from '../../src/junos/cli/junos-cli.js';
import { openPtyShell, type PtyShellSession } from '../../src/shell/pty-session.js';
import { isRunning, sessionMembers } from '../../src/shell/process-tree.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * A tiny NETCONF device written for this test (the cli is the thing under test): it
 * answers the RPCs the cli sends with Junos-shaped replies and keeps a candidate and a
 * committed configuration as lists of set statements.
 */
class TinyDevice {
  committed = ['set system host-name lab-r1'];
  candidate = [...this.committed];
  sessions = 0;

  open(): ByteSession {
    this.sessions++;
    const dev = this;
    const decoder = new FrameDecoder();
    const s = new (class extends EventEmitter implements ByteSession {
      ended = false;
      write(data: Buffer | string) {
        decoder.push(Buffer.from(data), (ev) => {
          if (ev.kind === 'message') this.onMessage(ev.body.toString());
        });
      }
      kill() {
        this.finish();
      }
      finish() {
        if (this.ended) return;
        this.ended = true;
        this.emit('end', { exitCode: 0, signal: null } satisfies SessionEnd);
      }
      onMessage(text: string) {
        const root = parseXml(text);
        if (root.name === 'hello') return;
        const id = root.attrs['message-id'];
        const rpc = elements(root)[0];
        const body = dev.answer(rpc.name, rpc.attrs, textOf(rpc), rpc);
        this.emit('data', Buffer.from(`<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos" message-id="${id}">\n${body}\n</rpc-reply>\n${EOM}\n`));
        if (rpc.name === 'close-session') this.finish();
      }
    })();
    setImmediate(() => s.emit('data', Buffer.from(`<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">\n  <capabilities>\n    <capability>urn:ietf:params:netconf:base:1.0</capability>\n  </capabilities>\n  <session-id>42</session-id>\n</hello>\n${EOM}\n`)));
    return s;
  }

  private text(lines: string[]): string {
    // A crude curly-brace rendering, enough for the cli's display and path filtering.
    const tree = new Map<string, unknown>();
    for (const l of lines) {
      const words = l.replace(/^set /, '').split(' ');
      let node = tree;
      for (const w of words.slice(0, -2)) {
        if (!node.has(w)) node.set(w, new Map());
        node = node.get(w) as Map<string, unknown>;
      }
      node.set(words.slice(-2).join(' '), null);
    }
    const out: string[] = [];
    const walk = (m: Map<string, unknown>, depth: number) => {
      for (const [k, v] of m) {
        if (v === null) out.push(`${'    '.repeat(depth)}${k};`);
        else {
          out.push(`${'    '.repeat(depth)}${k} {`);
          walk(v as Map<string, unknown>, depth + 1);
          out.push(`${'    '.repeat(depth)}}`);
        }
      }
    };
    walk(tree, 0);
    return out.join('\n') + '\n';
  }

  answer(name: string, attrs: Record<string, string>, text: string, rpc: ReturnType<typeof parseXml>): string {
    const syntaxError = (bad: string, msg = 'syntax error, expecting <command>') =>
      `<rpc-error>\n<error-type>protocol</error-type>\n<error-tag>operation-failed</error-tag>\n<error-severity>error</error-severity>\n<error-message>\n${escapeText(msg)}\n</error-message>\n<error-info>\n<bad-element>${bad}</bad-element>\n</error-info>\n</rpc-error>`;
    const host = (this.committed.find((l) => l.startsWith('set system host-name ')) ?? '').split(' ').pop();
    switch (name) {
      case 'get-software-information':
        return `<software-information>\n<host-name>${host}</host-name>\n<product-model>mx960</product-model>\n</software-information>`;
      case 'command': {
        const fmt = attrs.format ?? 'xml';
        if (text.trim() !== 'show version') return syntaxError(text.trim().split(/\s+/).pop() ?? '');
        if (fmt === 'text') return `<output>\nHostname: ${host}\nModel: mx960\nJunos: 20.4R3.8\n</output>`;
        if (fmt === 'json') return `\n{"software-information" : [{"host-name" : [{"data" : "${host}"}]}]}\n`;
        return `<software-information>\n<host-name>${host}</host-name>\n<product-model>mx960</product-model>\n</software-information>`;
      }
      case 'load-configuration': {
        if (attrs.rollback !== undefined) {
          this.candidate = [...this.committed];
          return '<load-configuration-results>\n<ok/>\n</load-configuration-results>';
        }
        const set = child(rpc, 'configuration-set');
        const line = set ? textOf(set).trim() : '';
        if (!/^(set|delete) system /.test(line)) return `<load-configuration-results>\n${syntaxError(line.split(' ')[1] ?? '', 'syntax error')}\n</load-configuration-results>`;
        if (line.startsWith('set ')) {
          const key = line.split(' ').slice(0, -1).join(' ');
          this.candidate = [...this.candidate.filter((l) => l.split(' ').slice(0, -1).join(' ') !== key), line];
        } else this.candidate = this.candidate.filter((l) => !l.startsWith(line.replace(/^delete/, 'set')));
        return '<load-configuration-results>\n<ok/>\n</load-configuration-results>';
      }
      case 'get-configuration': {
        const lines = attrs.database === 'candidate' ? this.candidate : this.committed;
        if (attrs.compare === 'rollback') {
          const diff = [...this.candidate.filter((l) => !this.committed.includes(l)).map((l) => `+ ${l}`), ...this.committed.filter((l) => !this.candidate.includes(l)).map((l) => `- ${l}`)];
          return `<configuration-information>\n<configuration-output>\n${diff.join('\n')}\n</configuration-output>\n</configuration-information>`;
        }
        if (attrs.format === 'set') return `<configuration-set>\n${lines.join('\n')}\n</configuration-set>`;
        return `<configuration-text>\n${escapeText(this.text(lines))}</configuration-text>`;
      }
      case 'commit-configuration':
        this.committed = [...this.candidate];
        return '<commit-results>\n<routing-engine junos:style="normal">\n<name>re0</name>\n<commit-success/>\n</routing-engine>\n</commit-results>';
      case 'close-session':
        return '<ok/>';
      default:
        return syntaxError(name, 'syntax error');
    }
  }
}

let dir: string;
let socketPath: string;
let device: TinyDevice;
let server: DeviceSocket;
const shells: PtyShellSession[] = [];

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ncgd-cli-test-'));
  chmodSync(dir, 0o711); // the shell may run as nobody: it must reach the socket
  socketPath = path.join(dir, 'cli', 'device.sock');
  device = new TinyDevice();
  server = await serveDeviceSocket(() => device.open(), socketPath, { owner: resolveSessionUser('nobody', false) });
});

after(async () => {
  for (const s of shells) if (!s.ended) s.kill(9);
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs input through a fresh quiet shell; resolves with the output when it ends (bounded). */
function shell(input: string): Promise<{ output: string; end: SessionEnd; pid: number }> {
  const s = openPtyShell({ deviceSocket: socketPath });
  shells.push(s);
  const chunks: Buffer[] = [];
  s.on('data', (b: Buffer) => chunks.push(b));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`shell did not end: ${Buffer.concat(chunks).toString()}`)), 20_000);
    s.once('end', (end: SessionEnd) => {
      clearTimeout(t);
      resolve({ output: Buffer.concat(chunks).toString(), end, pid: s.pid });
    });
    s.write(input);
  });
}

describe('emulated cli', () => {
  it('is on the compiled tree after a build', () => {
    assert.ok(existsSync(path.join(REPO_ROOT, 'dist/src/junos/cli/main.js')));
  });

  it('cli -c prints command text output', async () => {
    const r = await shell('cli -c "show version"; echo "status:$?"\nexit\n');
    assert.equal(r.output, 'Hostname: lab-r1\nModel: mx960\nJunos: 20.4R3.8\nstatus:0\n');
  });

  it('cli -c with | display xml prints the reply block as the Junos CLI does', async () => {
    const r = await shell('cli -c "show version | display xml"\nexit\n');
    assert.equal(
      r.output,
      [
        '<rpc-reply xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos">',
        '    <software-information>',
        '        <host-name>lab-r1</host-name>',
        '        <product-model>mx960</product-model>',
        '    </software-information>',
        '    <cli>',
        '        <banner></banner>',
        '    </cli>',
        '</rpc-reply>',
        '',
      ].join('\n'),
    );
  });

  it('cli -c with | display json prints the JSON text', async () => {
    const r = await shell('cli -c "show version | display json"\nexit\n');
    assert.deepEqual(JSON.parse(r.output), { 'software-information': [{ 'host-name': [{ data: 'lab-r1' }] }] });
  });

  it('cli -c reports an unknown command in Junos words and fails', async () => {
    const r = await shell('cli -c "show bogus"; echo "status:$?"\ncli -c "frobnicate"; echo "status:$?"\nexit\n');
    assert.equal(r.output, 'syntax error, expecting <command>.\nstatus:1\nunknown command.\nstatus:1\n');
  });

  it('cli -c | match and | count filter the text locally', async () => {
    const r = await shell('cli -c "show version | match model"\ncli -c "show version | count"\nexit\n');
    assert.equal(r.output, 'Model: mx960\nCount: 3 lines\n');
  });

  it('interactive cli: configure, set, show, commit, exit', async () => {
    const input = ['cli', 'configure', 'set system host-name edge-7', 'show system', 'commit', 'exit', 'show version | match Hostname', 'exit', 'exit', ''].join('\n');
    const r = await shell(input);
    const u = r.output.split('@')[0]; // nobody when root, else the current user
    assert.equal(
      r.output,
      [
        `${u}@lab-r1> Entering configuration mode`,
        '',
        '[edit]',
        `${u}@lab-r1# `,
        '[edit]',
        `${u}@lab-r1# host-name edge-7;`,
        '',
        '[edit]',
        `${u}@lab-r1# commit complete`,
        '',
        '[edit]',
        `${u}@edge-7# Exiting configuration mode`,
        '',
        `${u}@edge-7> Hostname: edge-7`,
        '',
        `${u}@edge-7> `,
      ].join('\n'),
    );
    assert.deepEqual(device.committed, ['set system host-name edge-7']);
  });

  it('interactive cli asks before leaving uncommitted changes; "no" stays, then rollback', async () => {
    device.committed = ['set system host-name lab-r1'];
    device.candidate = [...device.committed];
    const input = ['cli', 'configure', 'set system location building-4', 'exit', 'no', 'rollback 0', 'exit', 'exit', 'exit', ''].join('\n');
    const r = await shell(input);
    assert.match(r.output, /# The configuration has been changed but not committed\nExit with uncommitted changes\? \[yes,no\] \(yes\) \n\n\[edit\]\n.*# load complete\n\n\[edit\]\n.*# Exiting configuration mode\n/);
    assert.deepEqual(device.candidate, device.committed);
  });

  it('interactive cli shows a caret under a bad configuration word', async () => {
    const r = await shell(['cli', 'configure', 'set bogus thing', 'exit', 'exit', 'exit', ''].join('\n'));
    const lines = r.output.split('\n');
    const at = lines.findIndex((l) => l.endsWith('^'));
    assert.ok(at > 0, r.output);
    // Input is not echoed: the caret follows the prompt, where the word would have been.
    assert.match(lines[at], /^\S+@lab-r1# {5}\^$/);
    assert.equal(lines[at + 1], 'syntax error.');
  });

  it('a cli connection ends its NETCONF session, and the shell leaves nothing behind', async () => {
    const before = device.sessions;
    const r = await shell('cli -c "show version" >/dev/null\ncli -c "show version" >/dev/null\nexit\n');
    assert.equal(device.sessions, before + 2);
    assert.equal(isRunning(r.pid), false);
    assert.deepEqual(sessionMembers(r.pid), []);
  });

  it('cli without a device socket says so in one line', async () => {
    const s = openPtyShell({ env: { NCGD_DEVICE_SOCKET: '' } });
    shells.push(s);
    const chunks: Buffer[] = [];
    s.on('data', (b: Buffer) => chunks.push(b));
    const done = new Promise((r) => s.once('end', r));
    s.write('unset NCGD_DEVICE_SOCKET; cli -c "show version"; echo "status:$?"\nexit\n');
    await done;
    assert.equal(Buffer.concat(chunks).toString(), 'error: the device is not reachable (NCGD_DEVICE_SOCKET is not set)\nstatus:1\n');
  });
});

describe('netconf client', () => {
  it('skips the hello and matches replies by message-id', async () => {
    const c = await NetconfClient.connect(socketPath);
    const r1 = await c.rpc('<get-software-information/>');
    const r2 = await c.rpc('<command format="text">show version</command>');
    assert.equal(r1.root.attrs['message-id'], '1');
    assert.equal(r2.root.attrs['message-id'], '2');
    assert.match(textOf(r2.root), /Model: mx960/);
    await c.close();
  });
});

describe('configuration path display', () => {
  const text = 'system {\n    host-name r1;\n    services {\n        ssh;\n    }\n}\ninterfaces {\n    ge-0/0/0 {\n        unit 0 {\n            family inet;\n        }\n    }\n}\n';
  it('extracts a hierarchy by path words', () => {
    assert.equal(subHierarchy(text, ['system', 'services']), 'ssh;\n');
    assert.equal(subHierarchy(text, ['interfaces', 'ge-0/0/0', 'unit', '0']), 'family inet;\n');
    assert.equal(subHierarchy(text, ['system', 'host-name']), 'host-name r1;\n');
    assert.equal(subHierarchy(text, ['routing-options']), '');
  });
});
