import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseAgentConfigFile, parseAgentConfigText } from '../../src/outbound/junos-config.js';
import { ConfigError, type AgentConfig } from '../../src/outbound/config.js';

const dir = fileURLToPath(new URL('../../../fixtures/configs/', import.meta.url));
const PEM1 = readFileSync(join(dir, 'nms1-ca.pem'), 'utf8');
const PEM2 = readFileSync(join(dir, 'nms2.pem'), 'utf8');
const BODY2 = PEM2.split('\n').slice(1, -2).join('');

/** The model every enhanced fixture describes. */
const ENHANCED: AgentConfig = {
  protocol: 'enhanced',
  username: 'lab',
  clients: [
    {
      name: 'nms1',
      deviceId: 'router-1',
      secret: 'hello',
      waittime: 10,
      reconnectStrategy: 'sticky',
      servers: [
        { address: 'nms.example.net', port: 443, trustedCert: PEM1 },
        { address: '10.1.1.1', port: 8443, trustedCert: PEM2 },
      ],
    },
    {
      name: 'nms2',
      deviceId: 'router-1b',
      secret: 's3cret-2',
      waittime: 30,
      reconnectStrategy: 'in-order',
      servers: [{ address: '10.1.1.1', port: 4433, trustedCert: PEM2 }],
    },
  ],
};

for (const file of ['enhanced.conf', 'enhanced-no-servers.conf', 'enhanced.set', 'enhanced.json', 'enhanced.xml', 'enhanced-junos.json']) {
  test(`${file} gives the enhanced model`, () => {
    assert.deepEqual(parseAgentConfigFile(join(dir, file)), ENHANCED);
  });
}

test('the basic JET app: arguments in curly form (one-line cert) and in set form (cert file)', () => {
  const expected = (trustedCert: string): AgentConfig => ({
    protocol: 'basic',
    username: 'lab',
    clients: [
      { name: 'nc_grpc_app.py', deviceId: 'basic', secret: 'nc_grpc_device', waittime: 30, reconnectStrategy: 'in-order', servers: [{ address: 'nms.example.net', port: 4433, trustedCert }] },
    ],
  });
  assert.deepEqual(parseAgentConfigFile(join(dir, 'jet-basic.conf')), expected(PEM1));
  assert.deepEqual(parseAgentConfigFile(join(dir, 'jet-basic.set')), expected(PEM1));
});

test('the spec hierarchy in set and curly syntax, one-line certificates, parse to the same model', () => {
  const set = [
    'set system services outbound-https client c1 device-id dev1',
    'set system services outbound-https client c1 secret "$9$o1aGiPfz/Cuk.tO"',
    `set system services outbound-https client c1 servers 10.1.1.1 trusted-cert "${BODY2}"`,
  ].join('\n');
  const curly = `system { services { outbound-https { client c1 { device-id dev1; secret "$9$o1aGiPfz/Cuk.tO";\n servers 10.1.1.1 { port 443; trusted-cert "${BODY2}"; } } } } }`;
  const bare = `system { services { outbound-https { client c1 { device-id dev1; secret hello;\n 10.1.1.1 { port 443; trusted-cert "${BODY2}"; } } } } }`;
  const a = parseAgentConfigText(set, 'a.set');
  assert.deepEqual(a.clients, [{ name: 'c1', deviceId: 'dev1', secret: 'hello', waittime: 30, reconnectStrategy: 'in-order', servers: [{ address: '10.1.1.1', port: 443, trustedCert: PEM2 }] }]);
  assert.deepEqual(parseAgentConfigText(curly, 'b.conf'), a);
  assert.deepEqual(parseAgentConfigText(bare, 'c.conf'), a);
});

/** Asserts a ConfigError with exactly this one-line message. */
function rejects(text: string, source: string, message: string | RegExp): void {
  assert.throws(
    () => parseAgentConfigText(text, source),
    (err: Error) => {
      assert.ok(err instanceof ConfigError, `not a ConfigError: ${err.stack}`);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      assert.ok(!err.message.includes('\n'));
      return true;
    },
  );
}

const curlyClient = (inner: string): string => `system {
    services {
        outbound-https {
            client nms1 {
                device-id r1;
                secret "s";
${inner}
            }
        }
    }
}
`;

test('errors name the file, the line and the statement (curly form)', () => {
  rejects(curlyClient(`                servers 10.0.0.1 {\n                    port 99999;\n                    trusted-cert "${BODY2}";\n                }`), 'nms.conf', 'nms.conf:8: client nms1: servers 10.0.0.1: port must be 1-65535 (got "99999")');
  rejects(curlyClient(`                waitime 10;\n                servers 10.0.0.1 { trusted-cert "${BODY2}"; }`), 'nms.conf', /^nms\.conf:7: client nms1: unknown statement "waitime"; did you mean "waittime"\?$/);
  // A misspelt secret statement must not print the secret.
  assert.throws(() => parseAgentConfigText(curlyClient(`                secrt "Very-Private";\n                servers 10.0.0.1 { trusted-cert "${BODY2}"; }`), 'nms.conf'), (err: Error) => /unknown statement "secrt"/.test(err.message) && !err.message.includes('Very-Private'));
  rejects(curlyClient('                servers 10.0.0.1 {\n                    port 443;\n                }'), 'nms.conf', 'nms.conf:7: client nms1: servers 10.0.0.1: trusted-cert is missing');
  rejects(curlyClient('                servers 10.0.0.1 {\n                    trusted-cert "not a certificate!";\n                }'), 'nms.conf', /^nms\.conf:8: client nms1: servers 10\.0\.0\.1: trusted-cert is not a PEM certificate/);
  rejects(curlyClient(''), 'nms.conf', /^nms\.conf:4: client nms1: no server is configured/);
});

test('errors name the line in set form', () => {
  const base = [
    'set system services outbound-https client nms1 device-id r1',
    'set system services outbound-https client nms1 secret "$9$FNkC3/t1IcevLuOW"',
    `set system services outbound-https client nms1 servers 10.0.0.1 trusted-cert "${BODY2}"`,
  ];
  rejects(base.join('\n'), 'nms.set', /^nms\.set:2: client nms1: malformed \$9\$ secret: /);
  const strategy = [...base.slice(0, 1), 'set system services outbound-https client nms1 secret s', base[2], 'set system services outbound-https client nms1 reconnect-strategy random'];
  rejects(strategy.join('\n'), 'nms.set', 'nms.set:4: client nms1: reconnect-strategy must be in-order or sticky (got "random")');
  rejects('set system services outbound-https client nms1 secret s\n' + base[2], 'nms.set', /^nms\.set:1: client nms1: device-id is missing$/);
});

test('syntax errors from the Junos parsers keep file and line, and never print a secret', () => {
  rejects('system {\n    services {\n', 'a.conf', /^a\.conf:3: syntax error/);
  rejects('set system host-name r1\nset system services outbound-https client c1 secret "Very-Private\n', 'b.set', /^b\.set:2: syntax error(?!.*Very-Private)/);
  rejects('<configuration>\n<system>', 'c.xml', /^c\.xml:2: /);
});

test('a configuration without any client says what it expected', () => {
  rejects('system { host-name r1; }', 'device.conf', /^device\.conf: no outbound-https client is configured \(expected /);
  rejects('set system services outbound-https client c1 device-id d\ndeactivate system services outbound-https client c1', 'x.set', /no outbound-https client is configured/);
});

test('JET arguments errors and a conflict with outbound-https clients', () => {
  rejects(
    'set system extensions extension-service application file nc_grpc_app.py arguments "-host nms -port 70000 -cert AAAA"',
    'jet.set',
    'jet.set:1: application nc_grpc_app.py: arguments: -port must be 1-65535 (got "70000")',
  );
  rejects(
    [
      'set system services outbound-https client c1 device-id d',
      'set system services outbound-https client c1 secret s',
      `set system services outbound-https client c1 servers 10.0.0.1 trusted-cert "${BODY2}"`,
      'set system extensions extension-service application file nc_grpc_app.pyc arguments "-host nms -cert AAAA"',
    ].join('\n'),
    'both.set',
    /^both\.set:4: application nc_grpc_app\.pyc: arguments: both the basic app/,
  );
});

test('a Junos arguments statement with escaped quotes around the certificate', () => {
  const cfg = parseAgentConfigText(`system { extensions { extension-service { application { file nc_grpc_app.pyc { arguments "-host 10.1.1.1 -cert \\"${BODY2}\\""; } } } } }`, 'jet.conf');
  assert.equal(cfg.protocol, 'basic');
  assert.deepEqual(cfg.clients[0].servers, [{ address: '10.1.1.1', port: 443, trustedCert: PEM2 }]);
  assert.equal(cfg.username, undefined);
});

test('JSON form errors', () => {
  rejects('{"clients": [ {"name": "a",\n "device-id": "d", "secret": "s",\n "servers": [ {"address": "h", "port": 0, "trusted-cert": "AAAA"} ] } ]}', 'nms.json', 'nms.json:3: client a: servers h: port must be 1-65535 (got 0)');
  rejects('{"clients": [ {"name": "a", "deviceid": "d"} ]}', 'nms.json', /^nms\.json:1: client a: unknown key "deviceid"/);
  rejects('{"clients": [\n {"name": "a",,}\n]}', 'nms.json', /^nms\.json:2: not valid JSON: /);
  rejects('{"clients": [ {"name": "a", "device-id": "d", "secret": "s", "servers": [ {"address": "h", "trusted-cert-file": "missing.pem"} ] } ]}', 'nms.json', /^nms\.json:1: client a: servers h: cannot read trusted-cert-file .*missing\.pem: ENOENT$/);
  rejects('{"clients": []}', 'nms.json', 'nms.json: no outbound-https client is configured');
});

test('an unreadable file is one clear line', () => {
  assert.throws(() => parseAgentConfigFile(join(dir, 'does-not-exist.conf')), (err: Error) => err instanceof ConfigError && /^cannot read configuration file .*does-not-exist\.conf: no such file$/.test(err.message));
});

test('several statements on one set line, as Junos accepts them', () => {
  const text = [
    'set system services outbound-https client nms1 device-id router-1 secret "$9$FNkC3/t1IcevLuOWx" waittime 10 reconnect-strategy sticky',
    `set system services outbound-https client nms1 servers 10.1.1.1 port 8443 trusted-cert "${BODY2}"`,
  ].join('\n');
  const cfg = parseAgentConfigText(text, 'oneline.set');
  assert.deepEqual(cfg.clients[0], {
    name: 'nms1',
    deviceId: 'router-1',
    secret: 'hello',
    waittime: 10,
    reconnectStrategy: 'sticky',
    servers: [{ address: '10.1.1.1', port: 8443, trustedCert: PEM2 }],
  });
});

test('clients written inside configuration groups, applied at the root or at outbound-https', () => {
  const curly = [
    'groups {',
    '    nms {',
    '        system {',
    '            services {',
    '                outbound-https {',
    '                    client nms1 {',
    '                        device-id router-1;',
    '                        secret "$9$FNkC3/t1IcevLuOWx";',
    '                        waittime 60;',
    `                        servers 10.1.1.1 { port 8443; trusted-cert "${BODY2}"; }`,
    '                    }',
    '                }',
    '            }',
    '        }',
    '    }',
    '    inactive: old { system { services { outbound-https { client old { device-id x; secret y; } } } } }',
    '}',
    'apply-groups [ nms old ];',
    // The configuration's own statement wins over the group's.
    'system { host-name r1; services { outbound-https { client nms1 { waittime 10; } } } }',
  ].join('\n');
  const cfg = parseAgentConfigText(curly, 'groups.conf');
  assert.deepEqual(cfg.clients, [
    { name: 'nms1', deviceId: 'router-1', secret: 'hello', waittime: 10, reconnectStrategy: 'in-order', servers: [{ address: '10.1.1.1', port: 8443, trustedCert: PEM2 }] },
  ]);
  const set = [
    'set groups nms system services outbound-https client nms1 device-id router-1',
    'set groups nms system services outbound-https client nms1 secret hello',
    `set groups nms system services outbound-https client nms1 servers 10.1.1.1 port 8443 trusted-cert "${BODY2}"`,
    'set system services outbound-https apply-groups nms',
    'set system services outbound-https client nms1 waittime 10',
  ].join('\n');
  assert.deepEqual(parseAgentConfigText(set, 'groups.set'), cfg);
});

test('apply-groups naming a group that does not exist is one line with its place', () => {
  rejects('set system host-name r1\nset apply-groups corp', 'nogroup.set', "nogroup.set:2: apply-group 'corp' is not defined");
});

test('the device settings are checked against the Junos schema: an unknown extension-service statement is refused', () => {
  const base = 'system { services { outbound-https { client nms1 { device-id d1; secret s; servers 127.0.0.1 { port 4443; trusted-cert "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----"; } } } } extensions { extension-service { application { file nc_grpc_app.py { %s } } } } }';
  assert.throws(
    () => parseAgentConfigText(base.replace('%s', 'bogus 1;'), 'a.conf'),
    (e: unknown) => e instanceof ConfigError && e.message === 'a.conf:1: syntax error: bogus at [edit system extensions extension-service application file nc_grpc_app.py]',
  );
  assert.throws(
    () => parseAgentConfigText(base.replace('%s', 'username root; routing-instance "a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9 a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9 a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9 a b c d e f g h i j k l m n o p q r s t u v w x y z";'), 'a.conf'),
    (e: unknown) => e instanceof ConfigError && /^a\.conf(:1)?: invalid value: .* at \[edit system extensions extension-service application file nc_grpc_app\.py\]/.test(e.message),
  );
});

test('strict as Junos: a missing ";" is named at its line, a stray word at its own line, a typo gets a suggestion', () => {
  const missing = curlyClient(`                reconnect-strategy sticky\n                servers 10.0.0.1 { trusted-cert "${BODY2}"; }`);
  rejects(missing, 'nms.conf', /^nms\.conf:7: syntax error, expecting ';' or '\{': sticky at \[edit system services outbound-https client nms1\]$/);
  const stray = curlyClient(`                servers 10.0.0.1 { trusted-cert "${BODY2}"; }\n                stray`);
  rejects(stray, 'nms.conf', /^nms\.conf:8: syntax error, expecting ';' or '\{': stray /);
  rejects(curlyClient(`                reconect-strategy sticky;\n                servers 10.0.0.1 { trusted-cert "${BODY2}"; }`), 'nms.conf', /unknown statement "reconect-strategy"; did you mean "reconnect-strategy"\?$/);
  rejects(curlyClient(`                servers 10.0.0.1 { prot 443; trusted-cert "${BODY2}"; }`), 'nms.conf', /unknown statement "prot"; did you mean "port"\?$/);
  // Nothing close: no suggestion.
  rejects(curlyClient(`                servers 10.0.0.1 { colour blue; trusted-cert "${BODY2}"; }`), 'nms.conf', /unknown statement "colour"$/);
});
