/**
 * Real clients (PyEZ, ncclient over the SSH face) see Junos errors for configuration the
 * schema refuses: a load raises, a commit check with an undefined group raises.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceOverSsh, pythonClients, runClient } from '../../support/python-clients.js';

const skip = (await pythonClients()) ?? false;

interface Step { ok: boolean; type?: string; message?: string; bad_element?: string | null }

test('PyEZ and ncclient raise on configuration the schema refuses', { skip }, async () => {
  const d = await deviceOverSsh('mx');
  try {
    const r = await runClient<Record<string, Step>>('schema_errors.py', d.args);
    assert.equal(r['pyez-set'].type, 'ConfigLoadError');
    assert.match(r['pyez-set'].message ?? '', /syntax error/);
    assert.equal(r['pyez-set'].bad_element, 'foo');
    assert.equal(r['pyez-xml'].type, 'ConfigLoadError');
    assert.equal(r['pyez-xml'].bad_element, 'bogus-leaf');
    assert.deepEqual(r['pyez-good'], { ok: true });
    assert.equal(r['pyez-commit-check'].type, 'CommitError');
    assert.match(r['pyez-commit-check'].message ?? '', /apply-group 'nogroup' is not defined/);
    assert.equal(r['ncclient-set'].ok, false);
    assert.equal(r['ncclient-set'].type, 'RPCError');
    assert.match(r['ncclient-set'].message ?? '', /invalid value/);
  } finally {
    await d.close();
  }
});
