import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJetArguments, splitArguments } from '../../src/outbound/jet-args.js';
import { ConfigError } from '../../src/outbound/config.js';

const BODY = 'MIIBpTCCAUugAwIBAgIUWM/npdzW0lSU9r4UsqRYh8HT/fgwCgYIKoZIzj0EAwIw';

test('double-dash flags, value as next word or after =', () => {
  assert.deepEqual(parseJetArguments(['--host', 'nms.example.net', '--port=4433', '--cert', BODY]), { host: 'nms.example.net', port: 4433, cert: BODY });
  assert.deepEqual(parseJetArguments(['--host=10.1.1.1', '--cert-file', 'nms.crt']), { host: '10.1.1.1', port: 443, certFile: 'nms.crt' });
});

test('single-dash spellings in one Junos arguments string', () => {
  assert.deepEqual(parseJetArguments(`-host nms.example.net -port 8443 -cert ${BODY}`), { host: 'nms.example.net', port: 8443, cert: BODY });
  assert.deepEqual(parseJetArguments('-host=nms -device-id r1 -secret "two words"'), { host: 'nms', port: 443, deviceId: 'r1', secret: 'two words' });
});

test('quoted values and an unquoted PEM with its markers', () => {
  assert.deepEqual(splitArguments(`-a 'x y' "p \\"q\\"" r\\ s`), ['-a', 'x y', 'p "q"', 'r s']);
  const pem = `-----BEGIN CERTIFICATE-----${BODY}-----END CERTIFICATE-----`;
  assert.equal(parseJetArguments(`-host h -cert ${pem} -port 1`).cert, pem);
  assert.equal(parseJetArguments(`-host h -cert "${pem}"`).cert, pem);
});

test('bad arguments give one clear ConfigError', () => {
  const cases: [string | string[], RegExp][] = [
    ['-port 443', /-host is required/],
    ['-host h -port 99999', /-port must be 1-65535 \(got "99999"\)/],
    ['-host h -port x', /-port must be 1-65535/],
    ['-host h -verbose', /unknown flag -verbose/],
    ['-host', /-host needs a value/],
    ['-host -port 1', /-host needs a value/],
    ['-host h stray', /unexpected word "stray"/],
    ['-host h -host g', /given twice/],
    ['-host h -cert a -cert-file b', /either -cert or -cert-file/],
    ['-host "h', /unterminated " quote/],
    [['--host='], /-host needs a value/],
  ];
  for (const [input, re] of cases) {
    assert.throws(() => parseJetArguments(input), (err: Error) => err instanceof ConfigError && re.test(err.message) && !err.message.includes('\n'), String(input));
  }
});
