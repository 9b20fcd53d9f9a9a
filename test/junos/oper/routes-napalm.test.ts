/**
 * Routes that agree with themselves, read as NAPALM's junos driver reads them (its
 * get_route_to table, with PyEZ): a static route whose next hop resolves is active with
 * its outgoing interface; one whose next hop sits on a down link is hidden, as on Junos
 * (not looked up, listed by `show route hidden` as `Hidden Int`, counted as hidden), so a
 * lookup of its prefix falls to the next best active route.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deviceOverSsh, pythonClients, runClient } from '../../support/python-clients.js';

type Route = Record<string, unknown>;

test('NAPALM get_route_to: active static route, a route on a down link hidden, an address in it falls to the default', async (t) => {
  const why = await pythonClients();
  if (why) return t.skip(why);
  const d = await deviceOverSsh('mx');
  const dir = mkdtempSync(path.join(tmpdir(), 'ncgd-routes-'));
  try {
    const file = path.join(dir, 'lines.set');
    writeFileSync(file, [
      'set routing-options static route 10.99.0.0/16 next-hop 192.0.2.254',
      'set routing-options static route 0.0.0.0/0 next-hop 192.0.2.253',
      'set interfaces ge-0/0/1 disable',
      'set interfaces ge-0/0/1 unit 0 family inet address 10.77.0.1/24',
      'set routing-options static route 10.88.0.0/16 next-hop 10.77.0.9',
    ].join('\n'));
    const r = await runClient<Record<string, Route[]>>('napalm_routes.py', [...d.args, file, '10.99.0.0/16', '10.88.0.0/16', '10.88.1.1']);
    const up = r['10.99.0.0/16'];
    assert.equal(up.length, 1, JSON.stringify(r));
    assert.deepEqual({ ...up[0], age: 0 }, {
      destination: '10.99.0.0', prefix_length: 16, protocol: 'Static', current_active: true, last_active: true, age: 0,
      next_hop: '192.0.2.254', outgoing_interface: 'ge-0/0/0.0', selected_next_hop: true, preference: 5, inactive_reason: null, routing_table: 'inet.0',
    });
    // 10.88/16 is hidden: not listed for its prefix, and an address in it is routed by the default.
    assert.deepEqual(r['10.88.0.0/16'], []);
    const down = r['10.88.1.1'];
    assert.equal(down.length, 1, JSON.stringify(r));
    assert.equal(down[0].destination, '0.0.0.0');
    assert.equal(down[0].current_active, true);
    assert.deepEqual(r.hidden, [{ destination: '10.88.0.0', state: 'Hidden Int', active_tag: ' ' }]);
  } finally {
    await d.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
