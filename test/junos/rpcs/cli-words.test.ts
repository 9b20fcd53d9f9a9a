import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchCommand } from '../../../src/junos/rpcs/registry.js';
import { pickWord } from '../../../src/junos/rpcs/cli-words.js';
import { RpcError } from '../../../src/netconf/rpc-error.js';

test('pickWord: the exact word, else the only word it starts, else ambiguous or nothing', () => {
  assert.equal(pickWord(['show', 'set', 'start'], 'sh'), 'show');
  assert.equal(pickWord(['interfaces', 'interfaces-x'], 'interfaces'), 'interfaces');
  assert.deepEqual(pickWord(['show', 'set', 'start'], 's'), { ambiguous: ['set', 'show', 'start'] });
  assert.equal(pickWord(['show'], 'x'), undefined);
});

test('<command> words may be abbreviated: sh int te is show interfaces terse', () => {
  const m = matchCommand(['sh', 'int', 'te']);
  assert.equal(m.rpc, 'get-interface-information');
  assert.ok(m.args.includes('<terse/>'));
  // A free word still reaches its positional argument.
  const n = matchCommand(['sh', 'int', 'ge-0/0/0', 'te']);
  assert.ok(n.args.includes('<interface-name>ge-0/0/0</interface-name>'));
  assert.equal(matchCommand(['sh', 'ver']).rpc, 'get-software-information');
});

test('an ambiguous word is a syntax error naming it', () => {
  assert.throws(
    () => matchCommand(['show', 'system', 'u', 'x']),
    (e: unknown) => e instanceof RpcError && /syntax error/.test(e.message),
  );
  assert.throws(
    () => matchCommand(['show', 'c']),
    (e: unknown) => e instanceof RpcError && /'c' is ambiguous/.test(e.message),
  );
});
