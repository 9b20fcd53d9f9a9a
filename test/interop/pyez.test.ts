/**
 * Junos PyEZ (Debian's python3-junos-eznc) against emulated devices over the SSH face:
 * every fact of every shipped profile reads as on a real device of that kind, and the
 * Config utility goes through lock, load (text, set, xml), diff, commit, rollback, unlock.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { deviceOverSsh, pythonClients, runClient, type DeviceOverSsh } from '../support/python-clients.js';
import { generateKeyPair } from '../../src/ssh/host-key.js';

const skip = (await pythonClients()) ?? false;
const open: DeviceOverSsh[] = [];
after(async () => {
  for (const d of open) await d.close();
});

interface FactsResult {
  facts: Record<string, unknown>;
  errors: Record<string, string>;
  warnings: string[];
  connected_after: boolean;
}

/**
 * What a real device of each shipped kind reports, fact by fact, where it differs between
 * kinds. Facts not named here must be present (not None) on every kind.
 */
interface Expect {
  personality: RegExp;
  ifdStyle: string;
  switchStyle: RegExp;
  dualRe: boolean;
  vcCapable: boolean;
  /** srx_cluster: None where the RPC does not exist, false on a standalone SRX. */
  srxCluster: boolean | null;
  /** Facts that are None on such a device (domain aside: it depends on the configuration). */
  none: string[];
  /** Facts that may be None or set on such a device. */
  either?: string[];
  /** How `show version invoke-on all-routing-engines` names the routing engine(s). */
  reNames: string[];
}

/** Neither in a virtual chassis nor an SRX cluster: these facts are None. */
const NO_VC_NO_CLUSTER = ['srx_cluster', 'srx_cluster_id', 'srx_cluster_redundancy_group', 'vc_fabric', 'vc_master', 'vc_mode'];

// MX960 with two routing engines, not a virtual chassis, not an SRX cluster.
const DUAL_RE_MX: Expect = {
  personality: /^MX$/,
  ifdStyle: 'CLASSIC',
  switchStyle: /^BRIDGE_DOMAIN$/,
  dualRe: true,
  vcCapable: false,
  srxCluster: null,
  none: NO_VC_NO_CLUSTER,
  reNames: ['re0', 're1'],
};

// A standalone EX switch: one routing engine, virtual-chassis capable (member 0, master), ELS.
const VC_SWITCH: Expect = {
  personality: /^SWITCH$/,
  ifdStyle: 'SWITCH',
  switchStyle: /^VLAN(_L2NG)?$/,
  dualRe: false,
  vcCapable: true,
  srxCluster: null,
  // A VC-capable EX names its routing engine fpc0, which this PyEZ does not map to version_RE0.
  none: ['RE1', 'version_RE0', 'version_RE1', 'srx_cluster', 'srx_cluster_id', 'srx_cluster_redundancy_group'],
  either: ['vc_fabric'],
  reNames: ['fpc0'],
};

// A standalone SRX: one routing engine, chassis cluster not enabled.
const STANDALONE_SRX: Expect = {
  personality: /^SRX_(BRANCH|HIGHEND|MIDRANGE)$/,
  ifdStyle: 'CLASSIC',
  switchStyle: /^(VLAN_L2NG|VLAN|NONE)$/,
  dualRe: false,
  vcCapable: false,
  srxCluster: false,
  none: ['RE1', 'version_RE1', 'srx_cluster_id', 'srx_cluster_redundancy_group', 'vc_fabric', 'vc_master', 'vc_mode'],
  reNames: ['re0'],
};

const EXPECT: Record<string, Expect> = {
  mx: DUAL_RE_MX,
  ex: VC_SWITCH,
  srx: STANDALONE_SRX,
  // The profiles modelled on the captured QFX5110, MX10003, EX9208 and SRX4100.
  qfx: { ...VC_SWITCH, switchStyle: /^VLAN_L2NG$/ },
  mx10003: DUAL_RE_MX,
  // A dual-RE chassis switch: as the MX, but a switch.
  ex9208: { ...DUAL_RE_MX, personality: /^SWITCH$/, ifdStyle: 'SWITCH', switchStyle: /^VLAN_L2NG$/ },
  srx4100: { ...STANDALONE_SRX, personality: /^SRX_HIGHEND$/, switchStyle: /^NONE$/ },
};

for (const [profile, want] of Object.entries(EXPECT)) {
  test(`PyEZ reads every fact of the ${profile} profile as a real device reports it`, { skip }, async () => {
    const d = await deviceOverSsh(profile);
    open.push(d);
    const r = await runClient<FactsResult>('pyez_facts.py', d.args);
    const f = r.facts;
    assert.deepEqual(r.errors, {}, 'facts whose gathering raised');
    assert.equal(r.connected_after, true);

    // Identity as the device knows itself.
    assert.equal(f.hostname, d.device.hostname);
    assert.equal(f.serialnumber, d.device.serialNumber);
    assert.equal(f.model, d.device.profile.model.toUpperCase());
    assert.equal(f.version, d.device.profile.release);
    assert.match(String(f.version_info), /^junos\.version_info\(major=\(\d+, \d+\), type=\w, minor=/);
    assert.equal(f.HOME, `/var/home/${d.user}`);
    assert.equal(f.fqdn, f.domain ? `${f.hostname}.${f.domain}` : f.hostname);
    assert.equal(f.RE_hw_mi, false);
    assert.equal(f.virtual, false);

    // Per-kind behaviour.
    assert.match(String(f.personality), want.personality);
    assert.equal(f.ifd_style, want.ifdStyle);
    assert.match(String(f.switch_style), want.switchStyle);
    assert.equal(f['2RE'], want.dualRe);
    assert.equal(f.vc_capable, want.vcCapable);
    assert.equal(f.srx_cluster, want.srxCluster);
    assert.equal(f.master, 'RE0');
    assert.deepEqual(f.re_master, { default: '0' });

    const re0 = f.RE0 as Record<string, string>;
    assert.equal(re0.mastership_state, 'master');
    assert.equal(re0.status, 'OK');
    assert.match(re0.model, /^RE-|^EX|^SRX|^RE|^QFX/i);
    assert.ok(re0.up_time && re0.last_reboot_reason, 'RE0 has up_time and last_reboot_reason');
    const reInfo = f.re_info as Record<string, Record<string, Record<string, string>>>;
    assert.deepEqual(Object.keys(reInfo.default!).sort(), want.dualRe ? ['0', '1', 'default'] : ['0', 'default']);

    const junos = f.junos_info as Record<string, { text: string }>;
    assert.deepEqual(Object.keys(junos).sort(), want.reNames);
    for (const re of want.reNames) assert.equal(junos[re]!.text, f.version);
    assert.deepEqual(f.model_info, Object.fromEntries(want.reNames.map((re) => [re, f.model])));
    assert.deepEqual(f.hostname_info, Object.fromEntries(want.reNames.map((re) => [re, f.hostname])));
    if (want.reNames.includes('re0')) assert.equal(f.version_RE0, f.version);
    if (want.dualRe) {
      assert.equal(f.version_RE1, f.version);
      assert.equal((f.RE1 as Record<string, string>).mastership_state, 'backup');
    }
    const current = f.current_re as string[];
    assert.ok(Array.isArray(current) && current.includes('master'), `current_re: ${JSON.stringify(current)}`);
    if (profile === 'mx') assert.ok(current.includes('re0'), `current_re: ${JSON.stringify(current)}`);
    if (want.vcCapable) {
      assert.equal(f.vc_master, '0');
      assert.equal(f.vc_mode, 'Enabled');
    }

    // None exactly where a real device of this kind has None.
    const isNone = Object.keys(f).filter((k) => f[k] === null && k !== 'domain' && !(want.either ?? []).includes(k)).sort();
    assert.deepEqual(isNone, [...want.none].sort(), 'facts that are None');
  });
}

interface ConfigStep {
  step: string;
  ok: boolean;
  value?: unknown;
  error?: string;
}

test('PyEZ Config: lock, load text/set/xml, diff, commit, rollback, a bad load, unlock', { skip }, async () => {
  const d = await deviceOverSsh('mx');
  open.push(d);
  const { steps } = await runClient<{ steps: ConfigStep[] }>('pyez_config.py', d.args);
  const s = Object.fromEntries(steps.map((x) => [x.step, x]));
  const okSteps = ['lock', 'load-text', 'diff-text', 'commit-check', 'commit-text', 'committed-text', 'diff-clean', 'load-set', 'diff-set', 'commit-set',
    'load-xml', 'diff-xml', 'commit-xml', 'committed-xml', 'rollback-1', 'diff-rollback', 'commit-rollback', 'committed-rollback', 'rollback-0', 'diff-after-discard', 'unlock'];
  const failed = okSteps.filter((n) => !s[n]?.ok).map((n) => `${n}: ${s[n]?.error}`);
  assert.deepEqual(failed, [], 'steps that raised');

  // Diffs in Junos's patch form, against the committed configuration.
  assert.match(String(s['diff-text']!.value), /\[edit interfaces\]\n\+ +ge-0\/0\/1 \{\n\+ +description "?pyez-text"?;\n\+ +\}/);
  assert.equal(s['diff-clean']!.value, null, 'no diff right after a commit');
  assert.match(String(s['diff-set']!.value), /\[edit interfaces ge-0\/0\/1\]\n- +description "?pyez-text"?;\n\+ +description "?pyez-set"?;/);
  assert.match(String(s['diff-xml']!.value), /\+ +description "?pyez-xml"?;/);
  assert.match(String(s['diff-rollback']!.value), /- +description "?pyez-xml"?;\n\+ +description "?pyez-set"?;/);
  assert.equal(s['commit-check']!.value, true);
  assert.equal(s['commit-text']!.value, true);
  assert.equal(s['committed-text']!.value, 'pyez-text');
  assert.equal(s['committed-xml']!.value, 'pyez-xml');
  assert.equal(s['committed-rollback']!.value, 'pyez-set');
  // A syntax error is a ConfigLoadError, and discarding it leaves nothing to diff.
  assert.equal(s['load-invalid']!.ok, false);
  assert.match(String(s['load-invalid']!.error), /^ConfigLoadError/);
  assert.equal(s['diff-after-discard']!.value, null);
});

test('PyEZ: dev.cli, RPCs by name, an unknown RPC, display_xml_rpc, a wrong password, a key login, show log messages', { skip }, async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const ssh2 = (await import('ssh2')).default;
  const keys = mkdtempSync(path.join(tmpdir(), 'ncgd-pyez-keys-'));
  try {
    // An RSA key in PEM form: the key type and format every paramiko release reads.
    const pair = generateKeyPair('rsa', { bits: 2048 });
    const { createPrivateKey } = await import('node:crypto');
    const parsed = ssh2.utils.parseKey(pair.private) as import('ssh2').ParsedKey;
    writeFileSync(path.join(keys, 'id_rsa'), createPrivateKey(parsed.getPrivatePEM()).export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
    writeFileSync(path.join(keys, 'authorized_keys'), `${pair.public}\n`);
    const d = await deviceOverSsh('mx', 'netops', 'Juniper!23', path.join(keys, 'authorized_keys'));
    open.push(d);
    const r = await runClient<Record<string, { ok: boolean; value?: unknown; error?: string; message?: string }>>('pyez_misc.py', [...d.args, path.join(keys, 'id_rsa')]);
    assert.equal(r['cli-text']!.ok, true, JSON.stringify(r['cli-text']));
    assert.match(String(r['cli-text']!.value), new RegExp(`Hostname: ${d.device.hostname}[\\s\\S]*Model: mx960`));
    assert.equal(r['rpc-software']!.value, d.device.hostname);
    assert.equal(r['rpc-interfaces-terse']!.value, 'interface-information');
    assert.equal(r['rpc-unknown']!.ok, false);
    assert.equal(r['rpc-unknown']!.error, 'RpcError');
    assert.match(String(r['display-xml-rpc']!.value), /get-interface-information/);
    assert.equal(r['wrong-password']!.error, 'ConnectAuthError');
    assert.equal(r['key-login']!.value, d.device.hostname, JSON.stringify(r['key-login']));
    // show log messages through PyEZ: every session so far (the first, the key login, three more, the reader) a
    // login then a logout, the reader's logout not yet; ids rising; the user each logged in as.
    const events = r['log-messages']!.value as string[];
    assert.ok(Array.isArray(events), JSON.stringify(r['log-messages']));
    const pairs = events.filter((e) => e.startsWith('UI_LOGIN_EVENT')).map((e) => /User '([^']+)' login, class 'j-super-user' \[(\d+)\]/.exec(e));
    assert.ok(pairs.length >= 6, events.join('\n'));
    assert.deepEqual(pairs.slice(-4).map((m) => m?.[1]), ['netops', 'netops', 'netops', 'netops']);
    const ids = pairs.map((m) => Number(m?.[2]));
    assert.deepEqual([...ids].sort((a, b) => a - b), ids, 'logins in the order they came');
    assert.equal(events.filter((e) => e.startsWith('UI_LOGOUT_EVENT')).length, pairs.length - 1, 'every session but the reader has logged out');
  } finally {
    rmSync(keys, { recursive: true, force: true });
  }
});

test('PyEZ: commit(comment=...) shows in get_commit_information with the login; commit(confirm=N) is listed with its minutes; rescue get/save/reload/delete', { skip }, async () => {
  const d = await deviceOverSsh('mx', 'lab', 'Juniper!23');
  open.push(d);
  const r = await runClient<Record<string, unknown>>('pyez_history.py', d.args);
  assert.equal(r.commit, true);
  assert.deepEqual((r.after_commit as unknown[])[0], { 'sequence-number': '0', user: 'lab', client: 'netconf', comment: null, log: 'pyez change' });
  assert.equal(r.commit_confirm, true);
  assert.deepEqual((r.after_confirm as unknown[])[0], { 'sequence-number': '0', user: 'lab', client: 'netconf', comment: 'commit confirmed, rollback in 4mins', log: null });
  assert.equal(r.rescue_get_none, null);
  assert.equal(r.rescue_save, true);
  assert.match(String(r.rescue_get), /building pyez-2;/);
  assert.equal(r.rescue_reload, true);
  assert.equal(r.diff, null, 'the rescue is the active configuration: nothing to load');
  assert.equal(r.rescue_delete, true);
  assert.equal(r.rescue_reload_none, false);
});
