/**
 * The device settings model: one declaration from which the flags, the free-text and JET
 * spellings and the library's options follow; parsing only reads; secrets are resolved into
 * a new value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEVICE_SETTINGS, SETTING_NAMES, flagOf, jetFlags, libraryPlace, settingsFromLibrary, settingsFromParsed, textFlags, withDefaults } from '../../src/device/settings.js';
import { resolveDeviceSecrets } from '../../src/device/secrets.js';
import { normalizeArgv } from '../../src/cli/argv.js';

test('every setting is a kebab-case flag; the JET spellings are the ones a JET app takes', () => {
  for (const name of SETTING_NAMES) assert.match(flagOf(name), /^[a-z]+(-[a-z]+)*$/, name);
  assert.equal(flagOf('sshAuthorizedKeys'), 'ssh-authorized-keys');
  assert.deepEqual(jetFlags().sort(), ['cert', 'cert-file', 'device-id', 'host', 'port', 'secret', 'secret-file']);
  // A JET spelling is a long flag; a text flag keeps a value that starts with a dash.
  assert.deepEqual(normalizeArgv(['-host', 'nms', '-port', '1']), ['--host', 'nms', '--port', '1']);
  for (const flag of textFlags()) assert.deepEqual(normalizeArgv([`--${flag}`, '-x']), [`--${flag}=-x`], flag);
  assert.ok(!textFlags().includes('port') && !textFlags().includes('storm'));
});

test('parsed arguments: only settings are read, each as its kind, defaults filled in', () => {
  const s = settingsFromParsed({ host: 'nms', port: 4433, sshUser: 'a:b', fault: ['output-delay=5'], storm: true, 'ssh-user': 'ignored', _: [], $0: 'x', bogus: 1 });
  assert.equal(s.host, 'nms');
  assert.equal(s.port, 4433);
  assert.deepEqual(s.sshUser, ['a:b']);
  assert.deepEqual(s.fault, ['output-delay=5']);
  assert.equal(s.storm, true);
  assert.equal(s.profile, DEVICE_SETTINGS.profile.default);
  assert.equal(s.sshHost, '127.0.0.1');
  assert.equal(s.devices, '1');
  assert.ok(!('bogus' in s) && !('_' in s) && !('ssh-user' in s));
});

test("the library's options: groups and names map onto settings; command-line-only settings are not taken", () => {
  assert.deepEqual(libraryPlace('host'), ['nms', 'host']);
  assert.deepEqual(libraryPlace('sshUser'), ['ssh', 'users']);
  assert.deepEqual(libraryPlace('keepalive'), ['keepalive']);
  assert.equal(libraryPlace('logLevel'), undefined);
  const s = settingsFromLibrary({
    nms: { host: 'nms', port: 1, cert: 'C', deviceId: 'd', secret: 's', protocol: 'basic' },
    configFile: 'f.conf',
    ssh: { port: 0, users: ['u:p'], authorizedKeysFile: 'k' },
    faults: ['rpc-delay=1'],
    controlSocket: '/c.sock',
    keepalive: 3,
    logLevel: 'trace',
  });
  assert.equal(s.host, 'nms');
  assert.equal(s.protocol, 'basic');
  assert.equal(s.config, 'f.conf');
  assert.equal(s.sshPort, 0);
  assert.deepEqual(s.sshUser, ['u:p']);
  assert.equal(s.sshAuthorizedKeys, 'k');
  assert.deepEqual(s.fault, ['rpc-delay=1']);
  assert.equal(s.control, '/c.sock');
  assert.equal(s.keepalive, 3);
  assert.equal(s.logLevel, 'info', 'the library passes a logger, not a level');
});

test('defaults and secrets give new values; what was given stays as it was', () => {
  const given = { host: 'nms', secret: 'flag-secret', sshUser: ['a:b'] };
  const s = withDefaults(given);
  assert.deepEqual(given, { host: 'nms', secret: 'flag-secret', sshUser: ['a:b'] });
  const resolved = resolveDeviceSecrets(s);
  assert.notEqual(resolved, s);
  assert.equal(resolved.secret, 'flag-secret');
  assert.equal(s.secretFile, undefined);
  assert.deepEqual(s.sshUser, ['a:b']);
});
