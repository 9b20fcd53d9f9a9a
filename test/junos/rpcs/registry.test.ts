/**
 * The RPC registry at its seam, without a session: every registration is consistent,
 * cli words map to registered RPCs with their parameters, and unknown names or words get
 * the Junos syntax error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigSession } from '../../../src/junos/config/api.js';
import { loadProfile } from '../../../src/junos/identity/profile.js';
import { buildWordTree, matchWords } from '../../../src/junos/rpcs/cli-words.js';
import { answersRpc, builtinRpcs, dispatchRpc, matchCommand, MODULES, operationalVerbs, renderJson, renderText, unknownRpcError } from '../../../src/junos/rpcs/registry.js';
import type { CliCommand, DeviceView } from '../../../src/junos/rpcs/types.js';
import { factoryOperModel } from '../../../src/junos/oper/model.js';
import { RpcError } from '../../../src/netconf/rpc-error.js';
import { parseXml } from '../../../src/netconf/xml.js';

/** A typed command line for a registered cli command: its words plus a value for each required free word. */
function exampleLine(cli: CliCommand): string[] {
  const extra = (cli.args ?? []).flatMap((a) => ('positional' in a && a.required ? ['x'] : []));
  return [...cli.words.split(' '), ...extra];
}

function badWord(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RpcError, `not an RpcError: ${String(err)}`);
    assert.equal(err.info.message, 'syntax error');
    assert.equal(err.info.type, 'protocol');
    assert.equal(err.info.tag, 'operation-failed');
    return err.info.badElement;
  }
  assert.fail('no syntax error');
}

test('every RPC is registered once, under a non-empty element name', () => {
  const names = MODULES.map((m) => m.name);
  assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
  for (const n of names) assert.match(n, /^[a-z][a-z0-9-]*$/);
  // The RPCs the device answered before the modules existed are all still built in.
  for (const n of ['get-software-information', 'get-interface-information', 'command', 'kill-session', 'get-configuration', 'load-configuration', 'commit-configuration', 'get-config', 'edit-config', 'lock', 'unlock']) {
    assert.ok(builtinRpcs().includes(n), n);
  }
});

test('every registered cli command maps to the registered RPC that declares it', () => {
  let count = 0;
  for (const m of MODULES) {
    for (const cli of m.cli ?? []) {
      const mapped = matchCommand(exampleLine(cli));
      assert.equal(mapped.rpc, m.name, cli.words);
      assert.ok(MODULES.some((x) => x.name === mapped.rpc));
      for (const p of cli.params ?? []) assert.ok(mapped.args.includes(`<${p}/>`), `${cli.words}: <${p}/>`);
      count++;
    }
  }
  assert.ok(count >= 15, `only ${count} cli commands registered`);
  // The cli's first words come from the same registrations.
  assert.ok(operationalVerbs().includes('show') && operationalVerbs().includes('file'));
});

test('two modules claiming the same cli words is refused at build time', () => {
  assert.throws(
    () => buildWordTree([{ rpc: 'a', cli: { words: 'show thing' } }, { rpc: 'b', cli: { words: 'show  thing' } }]),
    /'show {1,2}thing' is registered by both a and b/,
  );
});

test('cli arguments become RPC parameters: flags, keywords, free words and paths', () => {
  assert.deepEqual(matchCommand(['show', 'interfaces', 'terse', 'routing-instance', 'R1', 'lo0.0']), {
    rpc: 'get-interface-information',
    args: ['<terse/>', '<routing-instance>R1</routing-instance>', '<interface-name>lo0.0</interface-name>'],
  });
  // The free word may come first; it is still sent last.
  assert.deepEqual(matchCommand(['show', 'interfaces', 'ge-0/0/0', 'terse']).args, ['<terse/>', '<interface-name>ge-0/0/0</interface-name>']);
  assert.deepEqual(matchCommand(['show', 'version', 'invoke-on', 'all-routing-engines']), { rpc: 'get-software-information', args: ['<all-servers/>'] });
  assert.deepEqual(matchCommand(['show', 'configuration', 'system', 'services']), { rpc: 'get-configuration', args: [], configPath: ['system', 'services'] });
  assert.deepEqual(matchCommand(['file', 'show', '/etc/a&b']), { rpc: 'file-show', args: ['<filename>/etc/a&amp;b</filename>'] });
});

test('words that fit no command get the syntax error naming the first word that does not fit', () => {
  assert.equal(badWord(() => matchCommand(['show', 'flux-capacitor'])), 'flux-capacitor');
  assert.equal(badWord(() => matchCommand(['frobnicate'])), 'frobnicate');
  assert.equal(badWord(() => matchCommand(['show'])), 'show');
  assert.equal(badWord(() => matchCommand(['show', 'chassis', 'cluster'])), 'cluster');
  assert.equal(badWord(() => matchCommand(['show', 'chassis', 'hardware', 'extra'])), 'extra');
  assert.equal(badWord(() => matchCommand(['show', 'interfaces', 'ge-0/0/0', 'xe-0/0/0'])), 'xe-0/0/0');
  assert.equal(badWord(() => matchCommand(['file', 'show'])), 'show');
  assert.equal(badWord(() => matchWords(buildWordTree([]), [])), '');
});

const stubConfig = {} as ConfigSession;
function deviceView(): DeviceView {
  const profile = loadProfile('mx');
  const oper = factoryOperModel(profile, 'r1', 0);
  return { profile, hostname: 'r1', serialNumber: 'JN0001', bootTime: 0, now: () => 60_000, killSession: () => false, oper: () => oper, lastCommit: () => undefined, sessionList: () => [], sessionIds: () => [] };
}

test('an unknown RPC gets the same syntax error as before, naming the element', async () => {
  const ctx = { device: deviceView(), config: stubConfig, sessionId: 1, user: 'u', op: parseXml('<get-flux-capacitor-status/>') };
  await assert.rejects(dispatchRpc(ctx), (err: unknown) => {
    assert.ok(err instanceof RpcError);
    assert.deepEqual(err.info, unknownRpcError('get-flux-capacitor-status').info);
    assert.equal(err.info.badElement, 'get-flux-capacitor-status');
    assert.equal(err.info.message, 'syntax error');
    return true;
  });
  assert.equal(answersRpc(ctx, 'get-flux-capacitor-status'), false);
});

test('a registered handler answers, and its reply renders through its own text; others have JSON but no generic text', async () => {
  const ctx = { device: deviceView(), config: stubConfig, sessionId: 1, user: 'u', op: parseXml('<get-system-information/>') };
  const reply = await dispatchRpc(ctx);
  assert.equal(typeof reply, 'string');
  assert.match(renderText('get-system-information', reply as string), /^Model: .+\nFamily: junos\nJunos: .+\nHostname: r1$/);
  assert.throws(() => renderText('get-no-such-thing', '<a><b>1</b></a>'), (e: unknown) => e instanceof RpcError && e.info.tag === 'operation-not-supported' && /rpc\/get-no-such-thing\.txt/.test(e.info.message));
  assert.equal(renderText('get-no-such-thing', '<a><b>1</b></a>', () => 'A table\n'), 'A table\n');
  assert.deepEqual(JSON.parse(renderJson('get-no-such-thing', '<a x="y"><b>1</b></a>')), { a: [{ attributes: { x: 'y' }, b: [{ data: '1' }] }] });
});
