/**
 * A device configured as users configure real ones: a pasted Junos configuration (curly
 * braces, one-line trusted-cert, $9$ secret) and a JET argument string with single dashes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeSecret9 } from '../../src/junos/identity/secret9.js';
import { oneLineCert } from '../../src/nms/pki.js';
import { ReferenceNms } from '../../src/nms/server.js';
import { Harness, MAIN_JS, loopbackPki, testLogger } from '../support/agent-harness.js';

const h = new Harness();
after(() => h.cleanup());

function runDevice(args: string[]) {
  const child = spawn(process.execPath, [MAIN_JS, ...args, '--log-format', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let logs = '';
  child.stderr!.on('data', (d) => (logs += d));
  h.defer(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return { child, logs: () => logs };
}

test('a pasted Junos configuration (curly braces, $9$ secret, one-line trusted-cert) works', async () => {
  const pem = await loopbackPki();
  const { nms, port } = await h.nms(pem);
  const dir = h.tempDir();
  const conf = path.join(dir, 'outbound.conf');
  writeFileSync(
    conf,
    `/* pasted from a device */
system {
    services {
        outbound-https {
            client nms-lab {
                device-id pasted-device;
                secret "${encodeSecret9('pasted secret')}"; ## SECRET-DATA
                waittime 5;
                inactive: reconnect-strategy sticky;
                servers 127.0.0.1 {
                    port ${port};
                    trusted-cert "${oneLineCert(pem.cert)}";
                }
            }
        }
    }
}
`,
  );
  const dev = runDevice(['--config', conf, '--state-dir', dir]);
  const s = await nms.requestSession('pasted-device', 'pasted secret', 'netconf', { timeoutMs: 15_000 });
  await s.waitFor((o) => o.includes('</hello>'), 10_000);
  await s.close();
  assert.ok(!dev.logs().includes('pasted secret'));
  dev.child.kill('SIGTERM');
});

test('a JET argument string with single dashes runs the basic protocol', async () => {
  const pem = await loopbackPki();
  const nms = new ReferenceNms({ host: '127.0.0.1', port: 0, cert: pem.cert, key: pem.key, logger: testLogger });
  const port = await nms.start();
  h.defer(() => nms.stop());
  const dev = runDevice(['-host', '127.0.0.1', '-port', String(port), '-cert', oneLineCert(pem.cert), '--protocol', 'basic']);
  const s = await nms.requestBasicSession({ timeoutMs: 15_000 });
  await s.waitFor((o) => o.includes('</hello>'), 10_000);
  s.send('<rpc><get-software-information/></rpc>]]>]]>');
  await s.waitFor((o) => o.includes('</software-information>'), 10_000);
  await s.close();
  dev.child.kill('SIGTERM');
});
