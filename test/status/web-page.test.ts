/**
 * The page on the metrics port, in a real headless browser (Debian's chromium, driven by
 * playwright-core): a fleet drawn as squares coloured by state, a session open shown live,
 * faults and events; no secret in the page or its data. A screenshot is kept as a test
 * artifact (dist/test-artifacts/web-page.png, or $NCGD_TEST_ARTIFACTS).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Harness, MAIN_JS, REPO_ROOT, loopbackPki, until } from '../support/agent-harness.js';
import { ensureDebianPackages } from '../support/debian-python.js';

const h = new Harness();
after(() => h.cleanup());

const CHROMIUM = '/usr/bin/chromium';
const SECRET = 'web-page-secret-31337';

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

test('the metrics port serves a live page of the fleet: states, sessions, faults, events', async (t) => {
  const missing = await ensureDebianPackages(() => existsSync(CHROMIUM), `test -x ${CHROMIUM}`, ['chromium'], 'the web page test', 900_000);
  if (missing) return t.skip(missing);
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return t.skip('playwright-core is not installed (npm ci installs it: a devDependency)');
  }

  const pem = await loopbackPki();
  const { nms, port } = await h.nms(pem);
  const dir = h.tempDir('ncgd-web-page-');
  writeFileSync(path.join(dir, 'nms.crt'), pem.cert);
  writeFileSync(path.join(dir, 'secret'), `${SECRET}\n`, { mode: 0o600 });
  const state = path.join(dir, 'state');
  const child = spawn(
    process.execPath,
    [MAIN_JS, '--host', '127.0.0.1', '--port', String(port), '--cert-file', path.join(dir, 'nms.crt'), '--device-id', 'web-{n}', '--secret-file', path.join(dir, 'secret'), '--devices', '6', '--state-dir', state, '--metrics-port', '0', '--log-format', 'json', '--allow-root-shell'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  h.defer(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let logs = '';
  child.stderr!.on('data', (d) => (logs += d));
  await until(() => /"msg":"fleet connected"/.test(logs), 30_000, 'the fleet to connect');
  const metricsPort = JSON.parse(logs.split('\n').find((l) => l.includes('metrics at'))!).port as number;
  const base = `http://127.0.0.1:${metricsPort}`;

  const page = await get(`${base}/`);
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
  const data = await get(`${base}/ui/state`);
  assert.equal(JSON.parse(data.body).clients.length, 6);
  for (const body of [page.body, data.body]) assert.ok(!body.includes(SECRET), 'no secret in the page or its data');

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  h.defer(() => browser.close());
  const tab = await browser.newPage({ viewport: { width: 900, height: 600 } });
  const consoleErrors: string[] = [];
  tab.on('pageerror', (e) => consoleErrors.push(e.message));
  await tab.goto(`${base}/`);
  await tab.waitForFunction(() => document.querySelectorAll('#grid .cell.c').length === 6, undefined, { timeout: 15_000 });
  assert.equal(await tab.locator('#grid .cell[data-state="connected"]').count(), 6);
  assert.match(await tab.locator('#summary').innerText(), /6\/6 connected/);
  // The colour a person sees: a connected device is green.
  assert.equal(await tab.locator('#grid .cell').first().evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(46, 157, 79)');

  // A session opens on device 3: its square gets a dot, the count and the events follow.
  const s = await nms.requestSession('web-3', SECRET, 'csh', { timeoutMs: 15_000 });
  h.defer(() => s.kill(2));
  await s.waitFor((o) => o.includes('csh session is started'), 10_000);
  await tab.waitForFunction(() => document.querySelector('#summary')?.getAttribute('data-open') === '1', undefined, { timeout: 10_000 });
  assert.equal(await tab.locator('#grid .cell.open').getAttribute('data-device'), 'web-3');
  await tab.waitForFunction(() => /web-3: sessions open 0 -> 1/.test(document.querySelector('#events')?.textContent ?? ''), undefined, { timeout: 10_000 });

  // A fault injected at run time shows up.
  const fault = spawnSync(process.execPath, [MAIN_JS, 'fault', 'add', 'rpc-delay=50', '--state-dir', state], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(fault.status, 0, fault.stderr);
  await tab.waitForFunction(() => (document.querySelector('#faults')?.textContent ?? '').includes('rpc-delay=50'), undefined, { timeout: 10_000 });

  const artifacts = process.env.NCGD_TEST_ARTIFACTS || path.join(REPO_ROOT, 'dist/test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  const shot = path.join(artifacts, 'web-page.png');
  await tab.screenshot({ path: shot, fullPage: true });
  assert.ok(existsSync(shot));
  assert.deepEqual(consoleErrors, []);
  assert.ok(!(await tab.content()).includes(SECRET));
});
