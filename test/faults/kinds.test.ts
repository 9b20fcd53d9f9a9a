/**
 * The one table of fault kinds: every kind parses from its own syntax and prints back the
 * same, bad specs are one-line usage errors, and the fault table in docs/faults.md is the table's.
 * Pure functions: no process, no socket.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FAULT_KINDS, FaultSpecError, faultSyntaxList, faultTableMarkdown, formatFault, parseFault, MAX_DELAY_MS } from '../../src/faults/kinds.js';
import { FaultSet } from '../../src/faults/faults.js';
import { UsageError, exitCodeFor } from '../../src/errors.js';

const FAULTS_DOC = fileURLToPath(new URL('../../../docs/faults.md', import.meta.url));
const sample = { ms: '250', bytes: '1024', 'rpc-name': 'get-software-information', none: undefined } as const;

test('every kind in the table parses from its syntax and formats back to the same spec', () => {
  assert.ok(FAULT_KINDS.length >= 6);
  for (const k of FAULT_KINDS) {
    const value = sample[k.argument];
    const spec = value === undefined ? k.kind : `${k.kind}=${value}`;
    const f = parseFault(` ${spec} `);
    assert.equal(f.kind, k.kind);
    assert.equal(formatFault(f), spec);
  }
});

test('bad specs are one-line usage errors naming the spec', () => {
  const bad: [string, RegExp][] = [
    ['output-delay', /^fault "output-delay": needs a delay in ms, e\.g\. output-delay=100$/],
    ['drop-after=ten', /^fault "drop-after=ten": a byte count must be a whole number \(got "ten"\)$/],
    [`rpc-delay=${MAX_DELAY_MS + 1}`, /must be at most 3600000/],
    ['no-stop-message=1', /no-stop-message takes no value$/],
    ['rpc-error=', /needs an RPC name, e\.g\. rpc-error=get-software-information$/],
    ['explode', /^unknown fault "explode" \(known: output-delay=MS, drop-after=BYTES, stall-after=BYTES, no-stop-message, rpc-error=NAME, rpc-delay=MS\)$/],
  ];
  for (const [spec, re] of bad) {
    assert.throws(() => parseFault(spec), (err: unknown) => {
      assert.ok(err instanceof FaultSpecError && err instanceof UsageError, `${spec}: ${String(err)}`);
      assert.match((err as Error).message, re);
      assert.ok(!(err as Error).message.includes('\n'));
      assert.equal(exitCodeFor(err), 2);
      return true;
    });
  }
});

test('the help list names every kind once, in table order', () => {
  const list = faultSyntaxList().split(', ');
  assert.deepEqual(list.map((s) => s.split('=')[0]), FAULT_KINDS.map((k) => k.kind));
});

test('FaultSet keeps one value per kind except the collecting ones; a bad spec changes nothing', () => {
  const set = new FaultSet(['output-delay=10', 'rpc-error=a']);
  set.add(['output-delay=20', 'rpc-error=b']);
  assert.deepEqual(set.list(), ['output-delay=20', 'rpc-error=a', 'rpc-error=b']);
  assert.throws(() => set.change({ clear: true, add: ['stall-after=5', 'bogus'] }), FaultSpecError);
  assert.deepEqual(set.list(), ['output-delay=20', 'rpc-error=a', 'rpc-error=b']);
  assert.equal(set.outputDelayMs, 20);
  assert.ok(set.rpcError('b'));
});

test("the documented fault table (docs/faults.md) is generated from the table", () => {
  const doc = readFileSync(FAULTS_DOC, 'utf8');
  assert.ok(doc.includes(faultTableMarkdown()), `docs/faults.md must contain:\n${faultTableMarkdown()}`);
});
