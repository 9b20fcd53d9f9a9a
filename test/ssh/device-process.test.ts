/**
 * The device with no NMS, reached over its SSH face as users run it:
 * `nc-grpc-device --ssh-port 0 --ssh-user lab:lab123 --profile mx --state-dir DIR`.
 * A commit survives a restart on the same state directory, and so does the host key.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'ssh2';
import { Harness } from '../support/agent-harness.js';
import { CONFIG_EXCHANGE, checkConfigExchange, repliesOf } from '../support/config-exchange.js';
import { spawnSshDevice } from '../support/ssh-harness.js';

const h = new Harness();
after(() => h.cleanup());
const EOM = ']]>]]>';

const startSshDevice = (stateDir: string) => spawnSshDevice(h, ['--ssh-user', 'lab:lab123', '--profile', 'mx', '--state-dir', stateDir], 15_000);

/** Runs RPCs over the netconf subsystem; returns everything the device sent. */
function netconf(port: number, rpcs: string[], seen: (key: Buffer) => void = () => {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let out = '';
    const timer = setTimeout(() => {
      conn.end();
      reject(new Error(`timed out; got: ${out.slice(-300)}`));
    }, 15_000);
    conn
      .on('ready', () => {
        conn.subsys('netconf', (err, stream) => {
          if (err) return reject(err);
          let sent = 0;
          stream.on('data', (d: Buffer) => {
            out += d.toString();
            const replies = out.split(EOM).length - 2;
            if (replies >= sent && sent < rpcs.length) stream.write(rpcs[sent++] + EOM);
          });
          stream.on('close', () => {
            clearTimeout(timer);
            conn.end();
            resolve(out);
          });
        });
      })
      .on('error', reject)
      .connect({ host: '127.0.0.1', port, username: 'lab', password: 'lab123', hostVerifier: (key: Buffer) => (seen(key), true) });
  });
}

test('SSH face of a device process: NETCONF commit persists across a restart, host key too', async () => {
  const dir = h.tempDir();
  const first = await startSshDevice(dir);
  const keys: string[] = [];
  const out = await netconf(
    first.port,
    [
      '<rpc message-id="1"><load-configuration action="set" format="text"><configuration-set>set system location building lab-7</configuration-set></load-configuration></rpc>',
      '<rpc message-id="2"><commit-configuration/></rpc>',
      '<rpc message-id="3"><close-session/></rpc>',
    ],
    (k) => keys.push(k.toString('base64')),
  );
  assert.match(out, /<commit-success\/>/);
  const exited = new Promise((r) => first.child.on('exit', r));
  first.child.kill('SIGTERM');
  await exited;

  const second = await startSshDevice(dir);
  const again = await netconf(
    second.port,
    ['<rpc message-id="4"><get-configuration database="committed" format="text"/></rpc>', '<rpc message-id="5"><close-session/></rpc>'],
    (k) => keys.push(k.toString('base64')),
  );
  assert.match(again, /building lab-7;/);
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'the host key persists in the state directory');
  second.child.kill('SIGTERM');
});

/** An interactive cli login over the SSH face: sends each line once a new prompt shows; returns all output. */
function cliLogin(port: number, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = new Client();
    let out = '';
    const timer = setTimeout(() => {
      conn.end();
      reject(new Error(`timed out; got: ${out.slice(-600)}`));
    }, 30_000);
    conn
      .on('ready', () => {
        conn.shell({ cols: 200, rows: 50 }, (err, stream) => {
          if (err) return reject(err);
          let sent = 0;
          let mark = 0;
          stream.on('data', (d: Buffer) => {
            out += d.toString();
            // The next line goes once a new prompt (or the exit question) ends the output.
            const fresh = out.slice(mark);
            if (sent < lines.length && (/lab@[\w-]+[>#] $/.test(fresh) || /\[yes,no\] \(yes\) $/.test(fresh))) {
              mark = out.length;
              stream.write(lines[sent++] + '\r');
            }
          });
          stream.on('close', () => {
            clearTimeout(timer);
            conn.end();
            resolve(out);
          });
        });
      })
      .on('error', reject)
      .connect({ host: '127.0.0.1', port, username: 'lab', password: 'lab123' });
  });
}

test('a commit made in the cli by SSH login lab is recorded as lab via cli (not the sessions\' user); commit confirmed warns; rollback rescue', async () => {
  const dir = h.tempDir();
  const dev = await startSshDevice(dir);
  const out = await cliLogin(dev.port, [
    'request system configuration rescue save',
    'configure',
    'set system location building ssh-1',
    'commit comment "from the cli"',
    'set system location building ssh-2',
    'commit confirmed 3',
    'rollback rescue',
    'show | compare',
    'exit',
    'yes',
    'show system commit',
    'exit',
  ]);
  assert.match(out, /commit complete/);
  assert.match(out, /configuration check succeeds\r?\ncommit confirmed will be automatically rolled back in 3 minutes unless confirmed\r?\ncommit complete\r?\n\r?\n# commit confirmed will be rolled back in 3 minutes/);
  assert.match(out, /rollback rescue\r?\nload complete/);
  assert.match(out, /-\s+building ssh-2;/);
  assert.match(out, /0   \S+ \S+ UTC by lab via cli commit confirmed, rollback in 3mins\r?\n1   \S+ \S+ UTC by lab via cli\r?\n    from the cli\r?\n2   \S+ \S+ UTC by root via other/);
  dev.child.kill('SIGTERM');
});

test('the configuration exchange over SSH: NETCONF subsystem and the cli refuse a bad statement, keep schema order, record lab via netconf / via cli, compare idempotently', async () => {
  const dir = h.tempDir();
  const dev = await startSshDevice(dir);
  const out = await netconf(dev.port, [...CONFIG_EXCHANGE.map((r, i) => `<rpc message-id="${i + 1}">${r}</rpc>`), '<rpc message-id="99"><close-session/></rpc>']);
  checkConfigExchange(repliesOf(out), 'lab', 'ssh netconf');

  const cli = await cliLogin(dev.port, [
    'configure',
    'set system bogus-leaf 1',
    'set protocols lldp interface all',
    'set protocols bgp group ibgp type internal',
    'commit comment "cli face"',
    'show | compare',
    'show protocols',
    'delete snmp location',
    'exit',
    'show system commit',
    'exit',
  ]);
  const text = cli.replace(/\r/g, '');
  // The bad statement: the caret under the word and Junos' message; nothing of it committed.
  assert.match(text, /\n {2,}\^\nsyntax error\.\n/, text);
  assert.match(text, /commit complete\n/);
  // show | compare right after the commit: nothing at all between the command and the next prompt.
  assert.match(text, /# show \| compare\n\n?\[edit\]\nlab@[\w-]+# show protocols\n/, text);
  // lldp was set first; Junos writes bgp before lldp (schema order).
  assert.match(text, /show protocols\nbgp \{\n {4}group ibgp \{\n {8}type internal;\n {4}\}\n\}\nlldp \{\n {4}interface all;\n\}\n/, text);
  assert.doesNotMatch(text, /bogus-leaf 1;/);
  // delete of a missing statement in the cli: Junos' warning.
  assert.match(text, /delete snmp location\nwarning: statement not found\n/, text);
  assert.match(text, /0   \S+ \S+ UTC by lab via cli\n {4}cli face\n1   \S+ \S+ UTC by lab via netconf\n    faces exchange\n/, text);
  dev.child.kill('SIGTERM');
});
