import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { startMetricsServer } from '../../src/status/metrics.js';
import type { AgentStatus } from '../../src/status/types.js';

function httpGet(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', reject);
  });
}

test('metrics scrape reflects the status at scrape time', async () => {
  const status: AgentStatus = {
    pid: 1,
    startedAt: 1_700_000_000_000,
    clients: [
      { name: 'nms1', deviceId: 'dev-1', protocol: 'enhanced', server: '127.0.0.1:4433', state: 'connected', since: 1_700_000_005_000, sessions: { netconf: 2, csh: 1 }, sessionsTotal: 7, lastError: null },
      { name: 'nms2', deviceId: 'dev-2', protocol: 'enhanced', server: null, state: 'waiting', since: 1_700_000_006_000, sessions: { netconf: 0, csh: 0 }, sessionsTotal: 0, lastError: 'TLS: certificate rejected' },
    ],
  };
  (status.clients[0] as unknown as Record<string, unknown>).secret = 'TOP-SECRET-VALUE';
  const m = await startMetricsServer(0, '127.0.0.1', () => status);
  try {
    assert.ok(m.port > 0);
    const r = await httpGet(m.port, '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.type, /text\/plain/);
    const b = r.body;
    assert.match(b, /^ncgd_client_connected\{client="nms1",device_id="dev-1",server="127\.0\.0\.1:4433"\} 1$/m);
    assert.match(b, /^ncgd_client_connected\{client="nms2",device_id="dev-2",server=""\} 0$/m);
    assert.match(b, /^ncgd_sessions_open\{client="nms1",type="netconf"\} 2$/m);
    assert.match(b, /^ncgd_sessions_open\{client="nms1",type="csh"\} 1$/m);
    assert.match(b, /^# TYPE ncgd_sessions_total counter$/m);
    assert.match(b, /^ncgd_sessions_total\{client="nms1"\} 7$/m);
    assert.match(b, /^ncgd_client_state\{client="nms2",state="waiting"\} 1$/m);
    assert.match(b, /^ncgd_client_state_since_seconds\{client="nms1"\} 1700000005$/m);
    assert.match(b, /^ncgd_last_error_info\{client="nms2",error="TLS: certificate rejected"\} 1$/m);
    assert.doesNotMatch(b, /ncgd_last_error_info\{client="nms1"/);
    assert.ok(!b.includes('TOP-SECRET-VALUE'));

    // Values follow the provider: a session closes, a client is removed.
    status.clients[0].sessions.netconf = 0;
    status.clients[0].sessionsTotal = 8;
    status.clients.pop();
    const again = (await httpGet(m.port, '/metrics')).body;
    assert.match(again, /^ncgd_sessions_open\{client="nms1",type="netconf"\} 0$/m);
    assert.match(again, /^ncgd_sessions_total\{client="nms1"\} 8$/m);
    assert.doesNotMatch(again, /client="nms2"/);

    assert.equal((await httpGet(m.port, '/other')).status, 404);
  } finally {
    await m.close();
  }
});

test('two metrics servers keep separate registries', async () => {
  const mk = (name: string): AgentStatus => ({ pid: 1, startedAt: 0, clients: [{ name, deviceId: name, protocol: 'basic', server: null, state: 'probing', since: 0, sessions: { netconf: 0, csh: 0 }, sessionsTotal: 0, lastError: null }] });
  const a = await startMetricsServer(0, '127.0.0.1', () => mk('alpha'));
  const b = await startMetricsServer(0, '127.0.0.1', () => mk('beta'));
  try {
    const ta = (await httpGet(a.port, '/metrics')).body;
    const tb = (await httpGet(b.port, '/metrics')).body;
    assert.match(ta, /client="alpha"/);
    assert.doesNotMatch(ta, /client="beta"/);
    assert.match(tb, /client="beta"/);
    assert.doesNotMatch(tb, /client="alpha"/);
  } finally {
    await a.close();
    await b.close();
  }
});
