/**
 * Reads the agent's configuration from a file, in any of the forms a user has at hand:
 *
 *  - the JSON form: `{"clients":[{"name","device-id","secret",...,"servers":[...]}]}`;
 *  - Junos configuration, curly-brace text or `set` commands (or the XML and JSON of
 *    `show configuration | display xml|json`), either just the
 *    `system services outbound-https` hierarchy or a whole device configuration; the
 *    `system extensions extension-service application file nc_grpc_app.py` statement gives
 *    the sessions' user and, for the basic (20.2) app, its JET arguments. Configuration
 *    groups are applied first (`apply-groups`), so clients may be written inside a group.
 *
 * Junos syntax is parsed by the configuration tree parsers of the emulated device; this
 * module only walks the tree. Errors name the file, the line (when it can be found) and
 * the statement: `nms.conf:12: client nms1: servers 10.0.0.1: port must be 1-65535 (got "99999")`.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { BASIC_DEFAULT_SECRET } from './protocols/basic.js';
import { DEFAULT_PROTOCOL, isProtocolName, PROTOCOL_NAMES } from '../wire/contract.js';
import {
  clientFromFlags,
  ConfigError,
  DEFAULT_PORT,
  DEFAULT_WAITTIME,
  normalizeCertificate,
  validateAgentConfig,
  type AgentConfig,
  type ClientConfig,
  type ReconnectStrategy,
  type ServerConfig,
} from './config.js';
import { parseJetArguments } from './jet-args.js';
import { decodeSecret9 } from '../junos/identity/secret9.js';
import { ConfigSyntaxError } from '../junos/config/errors.js';
import { parseJson } from '../junos/config/json.js';
import { parseSet } from '../junos/config/set.js';
import { parseXmlConfig } from '../junos/config/xml-config.js';
import { parseXml } from '../netconf/xml.js';
import { parseText } from '../junos/config/text.js';
import { expandGroups } from '../junos/config/groups.js';
import { ConfigTree, type ConfigNode } from '../junos/config/tree.js';
import { schemaProblems } from '../junos/config/schema-check.js';
import { loadSchema } from '../schema/index.js';
import { validateTree } from '../junos/config/validate.js';

/** The JET app whose extension-service statement configures the agent. */
const APP_FILE = /^nc_grpc_app\.pyc?$/;

/** Where a problem is: the file, and a way to find the line of a statement in it. */
class Source {
  private readonly lines: string[][];
  constructor(
    readonly name: string,
    text: string,
    readonly dir: string,
    /** The secret of clients that have no `secret` statement (--secret-file with --config). */
    readonly defaultSecret?: string,
  ) {
    this.lines = text.split(/\r?\n/).map(words);
  }

  /**
   * The 1-based line of the statement named by `path` (words as written: `client`, `nms1`,
   * `port`, ...): a line holding them all in order (set form), or else the first line
   * reached by finding each word at or after the line of the one before (nested forms).
   */
  lineOf(path: readonly string[]): number | undefined {
    if (!path.length) return undefined;
    const inOrder = (ws: string[]): boolean => {
      let j = 0;
      for (const w of ws) if (w === path[j] && ++j === path.length) return true;
      return false;
    };
    const one = this.lines.findIndex(inOrder);
    if (one >= 0) return one + 1;
    let line = 0;
    for (const word of path) {
      while (line < this.lines.length && !this.lines[line].includes(word)) line++;
      if (line >= this.lines.length) return undefined;
    }
    return line + 1;
  }

  error(path: readonly string[], what: string, message: string): ConfigError {
    const line = this.lineOf(path);
    return new ConfigError(`${this.name}${line ? `:${line}` : ''}: ${what ? `${what}: ` : ''}${message}`);
  }

  /** A path relative to the configuration file's directory. */
  resolvePath(p: string): string {
    return isAbsolute(p) ? p : resolve(this.dir, p);
  }
}

/** The words of a line, without quotes and punctuation, for locating statements. */
function words(line: string): string[] {
  return line
    .replace(/\/\*.*?\*\/|#.*$/g, ' ')
    .split(/[\s{}[\];,:"]+/)
    .filter(Boolean);
}

/**
 * Reads and parses a configuration file (any accepted form). `defaultSecret` is the secret of
 * clients that have no `secret` statement (a ConfigMap without it, the secret in a Secret).
 */
export function parseAgentConfigFile(path: string, defaultSecret?: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? (err as Error).message);
    throw new ConfigError(`cannot read configuration file ${path}: ${why}`);
  }
  return parseAgentConfigTextIn(text, path, dirname(resolve(path)), defaultSecret);
}

/**
 * Parses configuration text; `source` names it in errors. Relative certificate files are
 * taken from the current directory.
 */
export function parseAgentConfigText(text: string, source: string): AgentConfig {
  return parseAgentConfigTextIn(text, source, process.cwd());
}

function parseAgentConfigTextIn(text: string, name: string, dir: string, defaultSecret?: string): AgentConfig {
  const src = new Source(name, text, dir, defaultSecret);
  const form = detectForm(text);
  const cfg = form === 'json' ? fromJson(text, src) : fromTree(parseJunos(text, form, src), src);
  return validateAgentConfig(cfg, name);
}

type Form = 'json' | 'set' | 'text' | 'xml';

function detectForm(text: string): Form {
  const body = text.replace(/\/\*[\s\S]*?\*\//g, ' ');
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('{') || line.startsWith('[')) return 'json';
    if (line.startsWith('<')) return 'xml';
    return /^(set|deactivate|activate|delete|edit|top|up|exit)\b/.test(line) ? 'set' : 'text';
  }
  return 'text';
}

function parseJunos(text: string, form: 'set' | 'text' | 'xml' | 'junos-json', src: Source): ConfigTree {
  try {
    if (form === 'xml') return parseXmlConfig(parseXml(text));
    if (form === 'junos-json') return parseJson(text);
    return form === 'set' ? parseSet(text) : parseText(text);
  } catch (err) {
    if (err instanceof ConfigSyntaxError) throw new ConfigError(syntaxProblem(err, text, src.name));
    // The XML reader says `LINE:COLUMN: what`.
    const m = /^(\d+):\d+: (.*)/.exec((err as Error).message.split('\n')[0]);
    throw new ConfigError(m ? `${src.name}:${m[1]}: ${m[2]}` : `${src.name}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Statements whose value is a secret: their text never goes into an error. */
const SECRET_STATEMENT = /\b(secret|password|authentication-key|pre-shared-key)\b/;

/**
 * The first syntax problem as `FILE:LINE: what`. The offending token is left out when its
 * line holds a secret statement; an unterminated quoted string is named by its statement
 * (the words before the quote), never by its text.
 */
function syntaxProblem(err: ConfigSyntaxError, text: string, name: string): string {
  const p = err.problems[0];
  if (!p) return `${name}: ${err.message}`;
  const lineText = p.line ? (text.split(/\r?\n/)[p.line - 1] ?? '') : '';
  const secretLine = SECRET_STATEMENT.test(lineText.replace(/".*$/, ''));
  const token = p.badElement !== undefined && !secretLine && !p.badElement.startsWith('"') ? `: ${p.badElement}` : '';
  let statement = '';
  if (/unterminated quoted string/.test(p.message) || p.badElement?.startsWith('"')) {
    const before = shorten(lineText.replace(/".*$/, '').replace(/[{};]/g, ' ').trim().split(/\s+/).slice(-3).join(' '));
    if (before) statement = ` (statement "${before}")`;
  }
  const what = p.badElement?.startsWith('"') && !/unterminated/.test(p.message) ? `${p.message}: unterminated quoted string` : p.message;
  return `${name}${p.line ? `:${p.line}` : ''}: ${what}${token}${statement}${p.path ? ` at ${p.path}` : ''}`;
}

// ---------------------------------------------------------------------------------------
// Values shared by both forms

function parsePort(raw: unknown, fail: (m: string) => ConfigError): number {
  const s = typeof raw === 'number' ? String(raw) : raw;
  if (typeof s !== 'string' || !/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 65535) {
    throw fail(`port must be 1-65535 (got ${JSON.stringify(raw)})`);
  }
  return Number(s);
}

function parseWaittime(raw: unknown, fail: (m: string) => ConfigError): number {
  const s = typeof raw === 'number' ? String(raw) : raw;
  if (typeof s !== 'string' || !/^\d+$/.test(s)) throw fail(`waittime must be a whole number of seconds (got ${JSON.stringify(raw)})`);
  return Number(s);
}

function parseStrategy(raw: unknown, fail: (m: string) => ConfigError): ReconnectStrategy {
  if (raw !== 'in-order' && raw !== 'sticky') throw fail(`reconnect-strategy must be in-order or sticky (got ${JSON.stringify(raw)})`);
  return raw;
}

function parseSecret(raw: unknown, fail: (m: string) => ConfigError): string {
  if (typeof raw !== 'string' || !raw) throw fail('secret is missing');
  if (!raw.startsWith('$9$')) return raw;
  try {
    return decodeSecret9(raw);
  } catch (err) {
    throw fail((err as Error).message);
  }
}

function parseCert(raw: string, what: string, fail: (m: string) => ConfigError): string {
  try {
    return normalizeCertificate(raw, what);
  } catch (err) {
    throw fail((err as Error).message);
  }
}

function readCertFile(src: Source, file: string, fail: (m: string) => ConfigError): string {
  const full = src.resolvePath(file);
  try {
    return readFileSync(full, 'utf8');
  } catch (err) {
    throw fail(`cannot read trusted-cert-file ${full}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------
// Junos syntax (a parsed configuration tree)

const CLIENT_LEAVES = new Set(['device-id', 'secret', 'waittime', 'reconnect-strategy']);
const SERVER_LEAVES = new Set(['port', 'trusted-cert']);
const IGNORED = new Set(['apply-groups', 'apply-groups-except', 'apply-macro']);

function active(n: ConfigNode): boolean {
  return !n.inactive;
}

function child(n: ConfigNode | undefined, name: string): ConfigNode | undefined {
  return n?.children.find((c) => c.name === name && active(c));
}

/** A list entry's key, whether the parser made it an entry, or a leaf with a value. */
function keyOf(n: ConfigNode): string | undefined {
  return n.keys?.[0]?.value ?? n.value;
}

function fromTree(written: ConfigTree, src: Source): AgentConfig {
  // Clients may sit in configuration groups: read what the groups give, as Junos does.
  const undefinedGroup = validateTree(written)[0];
  if (undefinedGroup) {
    const name = /'(.*)'/.exec(undefinedGroup.message)?.[1] ?? '';
    throw src.error(['apply-groups', name], '', undefinedGroup.message);
  }
  const tree = expandGroups(written);
  const system = child(tree.root, 'system');
  const ohttps = child(child(system, 'services'), 'outbound-https');
  const clients: ClientConfig[] = [];
  for (const c of ohttps?.children ?? []) {
    if (!active(c) || IGNORED.has(c.name)) continue;
    if (c.name !== 'client') throw src.error(['outbound-https', c.name], 'outbound-https', `unknown statement "${shorten(c.name)}"`);
    clients.push(clientFromNode(c, src));
  }
  const cfg: AgentConfig = { clients, protocol: DEFAULT_PROTOCOL };
  const app = appStatement(system, src);
  if (app) {
    const username = child(app.node, 'username')?.value;
    if (username) cfg.username = username;
    const args = child(app.node, 'arguments');
    if (args?.value) {
      const path = ['file', app.name, 'arguments'];
      const what = `application ${app.name}: arguments`;
      if (clients.length) {
        if (/(^|\s)--?host\b/.test(args.value)) {
          throw src.error(path, what, 'both the basic app (-host in arguments) and outbound-https clients are configured; keep one');
        }
      } else {
        cfg.clients.push(basicClient(args.value, app.name, src, (m) => src.error(path, what, m)));
        cfg.protocol = 'basic';
      }
    }
  }
  if (!cfg.clients.length) {
    throw new ConfigError(
      `${src.name}: no outbound-https client is configured (expected "system services outbound-https client NAME ..." or "system extensions extension-service application file nc_grpc_app.py arguments ...")`,
    );
  }
  // The program's own checks above give the more precise message; then the schema's.
  checkAgainstSchema(tree, src);
  return cfg;
}

/**
 * The device's own settings (`system services outbound-https`, `system extensions`) checked
 * against the Junos schema (the MX family's: these hierarchies are the same in every
 * family): an unknown statement or a bad value is refused as Junos would. The rest of a
 * whole device configuration is not this program's to judge and is not checked here.
 */
function checkAgainstSchema(tree: ConfigTree, src: Source): void {
  const system = child(tree.root, 'system');
  const services = child(system, 'services');
  const own = [child(services, 'outbound-https') && { ...services!, children: [child(services, 'outbound-https')!] }, child(system, 'extensions')].filter(
    (n): n is ConfigNode => !!n,
  );
  if (!own.length) return;
  const view = new ConfigTree({ name: 'configuration', kind: 'container', children: [{ ...system!, children: own }] });
  const p = schemaProblems(loadSchema('junos'), view)[0];
  if (!p) return;
  const words = p.path.replace(/^\[edit ?|\]$/g, '').split(' ').filter(Boolean);
  // A secret's value never goes into an error.
  const secret = SECRET_STATEMENT.test(words[words.length - 1] ?? '') || /secret/.test(p.message);
  const token = secret ? '' : `: ${shorten(p.badElement)}`;
  throw src.error([...words.slice(2), p.badElement], '', `${p.message.replace(/: .*/, '')}${token} at ${p.path}${secret || p.message === 'syntax error' ? '' : ` (${p.message.replace(/^[^:]*: /, '')})`}`);
}

function appStatement(system: ConfigNode | undefined, src: Source): { name: string; node: ConfigNode } | undefined {
  const application = child(child(child(system, 'extensions'), 'extension-service'), 'application');
  // `file NAME { ... }` is a list entry, or (when the parser does not know the list) a
  // `file` container holding one container per file name.
  const files: { name: string; node: ConfigNode }[] = [];
  for (const f of application?.children ?? []) {
    if (!active(f) || f.name !== 'file') continue;
    if (f.kind === 'entry') files.push({ name: keyOf(f) ?? '', node: f });
    else for (const g of f.children) if (active(g)) files.push({ name: g.name, node: g });
  }
  const apps = files.filter((a) => APP_FILE.test(a.name));
  if (apps.length > 1) throw src.error(['application', 'file'], 'extension-service', 'nc_grpc_app is configured twice');
  return apps[0];
}

function clientFromNode(c: ConfigNode, src: Source): ClientConfig {
  const name = keyOf(c) ?? '';
  const what = `client ${name}`;
  const at = (...p: string[]) => ['client', name, ...p];
  const leaf = (key: string): ConfigNode | undefined => child(c, key);
  const failAt = (key: string, value?: string) => (m: string) => src.error(value === undefined ? at(key) : at(key, value), what, m);

  const servers: ServerConfig[] = [];
  for (const s of c.children) {
    if (!active(s) || IGNORED.has(s.name) || CLIENT_LEAVES.has(s.name)) continue;
    servers.push(serverFromNode(s, name, src));
  }
  const deviceId = leaf('device-id')?.value;
  if (!deviceId) throw src.error(at(), what, 'device-id is missing');
  const secretNode = leaf('secret');
  if (!secretNode?.value && src.defaultSecret === undefined) throw src.error(at(), what, 'secret is missing (or give --secret-file)');
  const wait = leaf('waittime');
  const strategy = leaf('reconnect-strategy');
  if (!servers.length) throw src.error(at(), what, 'no server is configured (servers ADDRESS { trusted-cert "..."; })');
  return {
    name,
    deviceId,
    secret: secretNode?.value ? parseSecret(secretNode.value, failAt('secret')) : parseSecret(src.defaultSecret, failAt('secret')),
    waittime: wait ? parseWaittime(wait.value, failAt('waittime', wait.value)) : DEFAULT_WAITTIME,
    reconnectStrategy: strategy ? parseStrategy(strategy.value, failAt('reconnect-strategy', strategy.value)) : 'in-order',
    servers,
  };
}

function serverFromNode(s: ConfigNode, client: string, src: Source): ServerConfig {
  // `servers ADDRESS { ... }`, or the address alone when the keyword is left out.
  const address = s.name === 'servers' ? keyOf(s) : s.kind !== 'leaf' && s.kind !== 'flag' ? s.name : undefined;
  if (!address || (s.name !== 'servers' && !looksLikeAddress(address))) {
    throw src.error(['client', client, s.name], `client ${client}`, `unknown statement "${shorten(s.name)}"`);
  }
  const what = `client ${client}: servers ${address}`;
  const at = (...p: string[]) => ['client', client, address, ...p];
  for (const c of s.children) {
    if (!active(c) || SERVER_LEAVES.has(c.name) || IGNORED.has(c.name)) continue;
    // A misspelt client statement (`waitime 10;`) reads as a server without its keyword.
    // Its value is left out of the message: it may be a secret.
    if (s.children.every((x) => !SERVER_LEAVES.has(x.name))) {
      throw src.error(['client', client, address], `client ${client}`, `unknown statement "${shorten(address)}"`);
    }
    throw src.error(at(c.name), what, `unknown statement "${shorten(c.name)}"`);
  }
  const port = child(s, 'port');
  const cert = child(s, 'trusted-cert');
  if (!cert?.value) throw src.error(at(), what, 'trusted-cert is missing');
  return {
    address,
    port: port ? parsePort(port.value, (m) => src.error(at('port', port.value ?? ''), what, m)) : DEFAULT_PORT,
    trustedCert: parseCert(cert.value, 'trusted-cert', (m) => src.error(at('trusted-cert'), what, m)),
  };
}

function shorten(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function looksLikeAddress(s: string): boolean {
  return /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(s) || /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(s);
}

/** The basic (20.2) app's one client, from its JET argument string. */
function basicClient(args: string, app: string, src: Source, fail: (m: string) => ConfigError): ClientConfig {
  try {
    const a = parseJetArguments(args);
    return clientFromFlags(
      {
        name: app,
        host: a.host,
        port: a.port,
        cert: a.cert,
        certFile: a.certFile === undefined ? undefined : src.resolvePath(a.certFile),
        deviceId: a.deviceId,
        secret: a.secret === undefined ? BASIC_DEFAULT_SECRET : parseSecret(a.secret, fail),
      },
      (p) => readFileSync(p, 'utf8'),
      'basic',
    );
  } catch (err) {
    if (!(err instanceof ConfigError) || err.message.startsWith(src.name)) throw err;
    throw fail(err.message.replace(/^arguments: /, ''));
  }
}

// ---------------------------------------------------------------------------------------
// The JSON form

const TOP_KEYS = new Set(['clients', 'username', 'protocol', 'keepalive', 'connect-timeout']);
const CLIENT_KEYS = new Set(['name', 'device-id', 'secret', 'waittime', 'reconnect-strategy', 'servers']);
const SERVER_KEYS = new Set(['address', 'port', 'trusted-cert', 'trusted-cert-file']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(o: Record<string, unknown>, allowed: Set<string>, fail: (key: string, m: string) => ConfigError): void {
  for (const k of Object.keys(o)) {
    if (!allowed.has(k)) throw fail(k, `unknown key "${k}" (expected one of ${[...allowed].join(', ')})`);
  }
}

/** JSON.parse's complaint as `:LINE: what`, without the quoted excerpt (it may hold a secret). */
function jsonProblem(text: string, err: Error): string {
  const what = err.message.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '');
  const pos = /position (\d+)/.exec(err.message);
  const lc = /line (\d+) column/.exec(err.message);
  const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : lc ? Number(lc[1]) : undefined;
  return `${line ? `:${line}` : ''}: not valid JSON: ${what}`;
}

function fromJson(text: string, src: Source): AgentConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${src.name}${jsonProblem(text, err as Error)}`);
  }
  if (!isObject(doc)) throw new ConfigError(`${src.name}: expected a JSON object with "clients"`);
  // `show configuration | display json` output: a Junos configuration.
  if ('configuration' in doc) return fromTree(parseJunos(text, 'junos-json', src), src);
  checkKeys(doc, TOP_KEYS, (k, m) => src.error([k], '', m));
  if (!Array.isArray(doc.clients)) throw new ConfigError(`${src.name}: "clients" must be a list of clients`);
  const cfg: AgentConfig = { clients: doc.clients.map((c, i) => clientFromJson(c, i, src)) };
  if (doc.username !== undefined) {
    if (typeof doc.username !== 'string' || !doc.username) throw src.error(['username'], '', 'username must be a user name');
    cfg.username = doc.username;
  }
  if (doc.protocol !== undefined) {
    if (!isProtocolName(doc.protocol)) throw src.error(['protocol'], '', `protocol must be ${PROTOCOL_NAMES.join(' or ')} (got ${JSON.stringify(doc.protocol)})`);
    cfg.protocol = doc.protocol;
  } else cfg.protocol = DEFAULT_PROTOCOL;
  // The emulator's own transport settings (Junos has no such statements): seconds.
  if (doc.keepalive !== undefined) cfg.keepalive = doc.keepalive as number;
  if (doc['connect-timeout'] !== undefined) cfg.connectTimeout = doc['connect-timeout'] as number;
  return cfg;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function clientFromJson(c: unknown, index: number, src: Source): ClientConfig {
  if (!isObject(c)) throw new ConfigError(`${src.name}: clients[${index}] must be an object`);
  const name = str(c.name);
  if (!name) throw src.error(['clients'], `clients[${index}]`, 'name is missing');
  const what = `client ${name}`;
  const fail = (key?: string) => (m: string) => src.error(key ? [name, key] : [name], what, m);
  checkKeys(c, CLIENT_KEYS, (k, m) => fail(k)(m));
  const deviceId = str(c['device-id']);
  if (!deviceId) throw fail('device-id')('device-id is missing (a string)');
  if (!Array.isArray(c.servers) || !c.servers.length) throw fail('servers')('servers must be a non-empty list');
  return {
    name,
    deviceId,
    secret: parseSecret(c.secret ?? src.defaultSecret, fail('secret')),
    waittime: c.waittime === undefined ? DEFAULT_WAITTIME : parseWaittime(c.waittime, fail('waittime')),
    reconnectStrategy: c['reconnect-strategy'] === undefined ? 'in-order' : parseStrategy(c['reconnect-strategy'], fail('reconnect-strategy')),
    servers: c.servers.map((s, i) => serverFromJson(s, name, i, src)),
  };
}

function serverFromJson(s: unknown, client: string, index: number, src: Source): ServerConfig {
  if (!isObject(s)) throw src.error([client, 'servers'], `client ${client}: servers[${index}]`, 'must be an object');
  const address = str(s.address);
  if (!address) throw src.error([client, 'servers'], `client ${client}: servers[${index}]`, 'address is missing');
  const what = `client ${client}: servers ${address}`;
  const fail = (key?: string) => (m: string) => src.error(key ? [client, address, key] : [client, address], what, m);
  checkKeys(s, SERVER_KEYS, (k, m) => fail(k)(m));
  const inline = s['trusted-cert'];
  const file = s['trusted-cert-file'];
  if (inline !== undefined && file !== undefined) throw fail('trusted-cert-file')('give either trusted-cert or trusted-cert-file, not both');
  let trustedCert: string;
  if (typeof file === 'string' && file) {
    trustedCert = parseCert(readCertFile(src, file, fail('trusted-cert-file')), `trusted-cert-file ${file}`, fail('trusted-cert-file'));
  } else if (typeof inline === 'string' && inline) {
    trustedCert = parseCert(inline, 'trusted-cert', fail('trusted-cert'));
  } else {
    throw fail()('trusted-cert (PEM or one-line body) or trusted-cert-file is missing');
  }
  return { address, port: s.port === undefined ? DEFAULT_PORT : parsePort(s.port, fail('port')), trustedCert };
}
