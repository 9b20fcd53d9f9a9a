/**
 * Real PyEZ over the SSH face: after committing host-name, interface and static-route
 * changes, facts, PyEZ's bundled op tables (EthPortTable, PhyPortTable, PhyPortStatsTable)
 * and RPCs with {'format': 'json'|'text'} report them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceOverSsh, pythonClients, runClient } from '../../support/python-clients.js';

const skip = (await pythonClients()) ?? false;
type Check = { ok: boolean; value?: any; error?: string; message?: string };

test('PyEZ sees the committed configuration in facts, op tables and every format', { skip }, async () => {
  const d = await deviceOverSsh('mx');
  try {
    const r = await runClient<Record<string, Check>>('pyez_oper.py', d.args);
    for (const [k, v] of Object.entries(r)) assert.ok(v.ok, `${k}: ${v.error} ${v.message}`);
    assert.match(r['hostname-before'].value, /^mx960-\d+$/);
    assert.equal(r['hostname-after'].value, 'lab-mx');
    assert.match(r['cli-version'].value, /Hostname: lab-mx/);

    const eth = r.ethport.value;
    // The MX960's MPC2E: two 10x 1GE PICs and two 2x 10GE PICs (profile.json hardware).
    const ports = (prefix: string, pic: number, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-0/${pic}/${i}`);
    assert.deepEqual(Object.keys(eth), [...ports('ge', 0, 10), ...ports('ge', 1, 10), ...ports('xe', 2, 2), ...ports('xe', 3, 2)]);
    assert.equal(eth['ge-0/0/1'].description, 'uplink to core');
    assert.equal(eth['ge-0/0/1'].mtu, 9192);
    assert.equal(eth['ge-0/0/2'].admin, 'down');
    assert.equal(eth['ge-0/0/2'].oper, 'down');
    assert.match(eth['ge-0/0/0'].macaddr, /^2c:6b:f5(:[0-9a-f]{2}){3}$/);
    assert.ok(Number(eth['ge-0/0/1'].rx_bytes) > 0);

    const phy = r.phyport.value;
    assert.equal(phy['ge-0/0/1'].speed, '1000mbps');
    assert.equal(phy['ge-0/0/1'].description, 'uplink to core');
    const stats = r['phyport-stats'].value;
    assert.ok(stats['ge-0/0/0'].rx_bytes > 0 && stats['ge-0/0/0'].tx_packets > 0);
    assert.equal(stats['ge-0/0/2'].rx_bytes, 0, 'a disabled port carries nothing');

    const j = r.json.value['interface-information'][0]['physical-interface'][0];
    assert.equal(j.name[0].data, 'ge-0/0/1');
    assert.equal(j.description[0].data, 'uplink to core');
    assert.match(r.text.value, /Physical interface: ge-0\/0\/1, Enabled, Physical link is Up[\s\S]*Description: uplink to core[\s\S]*Local: 203\.0\.113\.1/);
    assert.deepEqual(r['route-xml'].value, ['203.0.113.2']);
    const rt = r['route-json'].value['route-information'][0]['route-table'][0].rt[0];
    assert.equal(rt['rt-destination'][0].data, '0.0.0.0/0');
    assert.equal(rt['rt-entry'][0]['protocol-name'][0].data, 'Static');
  } finally {
    await d.close();
  }
});
