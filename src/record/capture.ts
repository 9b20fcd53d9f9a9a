/**
 * `profile capture`: a device's NETCONF answers made into a profile directory the emulator
 * runs as it is (fixtures/profiles/README.md): profile.json from the hello and the identity
 * replies, config.txt from the committed configuration, reply templates for what the
 * emulator cannot derive (inventory, environment, alarms, storage, neighbours), every
 * captured reply under captured/ (XML, text and JSON), all sanitised (sanitise.ts).
 * Bounded in time and in bytes; progress is reported per RPC.
 */
import { mkdirSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { parseXml, type XmlElement } from '../netconf/xml.js';
import type { ByteSession } from '../session/byte-session.js';
import { familyOfModel } from '../junos/identity/family.js';
import { NetconfPeer } from './netconf-peer.js';
import { CLIENT_HELLO } from '../netconf/framing.js';
import { Sanitiser } from './sanitise.js';

/**
 * The catalogue: the operational RPCs the shipped profiles answer. `template`: the XML reply
 * becomes rpc/<name>[.flag].xml (what the emulator cannot derive from profile.json and the
 * configuration); the others feed profile.json or are kept under captured/ only.
 */
export const CATALOGUE: { rpc: string; flag?: string; template?: boolean }[] = [
  { rpc: 'get-software-information' },
  { rpc: 'get-route-engine-information' },
  { rpc: 'get-system-information' },
  { rpc: 'get-chassis-inventory', template: true },
  { rpc: 'get-interface-information', flag: 'terse' },
  { rpc: 'get-interface-information' },
  { rpc: 'get-environment-information', template: true },
  { rpc: 'get-alarm-information', template: true },
  { rpc: 'get-system-alarm-information', template: true },
  { rpc: 'get-system-storage', template: true },
  { rpc: 'get-system-memory-information', template: true },
  { rpc: 'get-fpc-information', template: true },
  { rpc: 'get-interface-optics-diagnostics-information', template: true },
  { rpc: 'get-lldp-neighbors-information', template: true },
  { rpc: 'get-chassis-cluster-status' },
  { rpc: 'get-virtual-chassis-information' },
  { rpc: 'get-ethernet-switching-table-information', template: true },
  { rpc: 'get-bridge-mac-table', template: true },
  { rpc: 'get-bridge-mac-table', flag: 'count', template: true },
  { rpc: 'get-system-uptime-information' },
  { rpc: 'get-system-users-information' },
  { rpc: 'get-arp-table-information' },
  { rpc: 'get-route-summary-information' },
  { rpc: 'get-bgp-summary-information' },
  { rpc: 'get-ospf-neighbor-information' },
  { rpc: 'get-isis-adjacency-information' },
  { rpc: 'get-lacp-interface-information' },
  { rpc: 'get-vlan-information' },
  { rpc: 'get-ntp-status-information' },
  { rpc: 'get-snmp-information' },
  { rpc: 'get-commit-information' },
];

/** Files PyEZ and the emulator read (file-show). */
const FILES = ['/etc/hosts.junos'];

export interface CaptureOptions {
  out: string;
  keep?: string[];
  /** Bound on everything captured (bytes) and on the whole capture (ms); per reply (ms). */
  maxBytes: number;
  maxTimeMs: number;
  rpcTimeoutMs: number;
  /** Overwrite a non-empty directory. */
  force?: boolean;
  progress?: (line: string) => void;
}

export interface CaptureResult {
  dir: string;
  hostname: string;
  model: string;
  release: string;
  rpcs: { answered: number; unanswered: string[]; skipped: string[] };
  templates: string[];
  report: ReturnType<Sanitiser['report']>;
  mapping: ReturnType<Sanitiser['mapping']>;
  bytes: number;
}

const isError = (reply: string) => /<(?:[\w-]+:)?rpc-error[\s>]/.test(reply) && !/<(?:[\w-]+:)?error-severity>\s*warning/.test(reply);

function kids(el: XmlElement | undefined, name?: string): XmlElement[] {
  if (!el) return [];
  return el.children.filter((c): c is XmlElement => typeof c !== 'string' && (name === undefined || c.name === name));
}

function find(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const k of kids(el)) {
    if (k.name === name) return k;
    const d = find(k, name);
    if (d) return d;
  }
  return undefined;
}

function findAll(el: XmlElement | undefined, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const k of kids(el)) {
    if (k.name === name) out.push(k);
    findAll(k, name, out);
  }
  return out;
}

function text(el: XmlElement | undefined): string {
  if (!el) return '';
  return el.children.map((c) => (typeof c === 'string' ? c : text(c))).join('').trim();
}

function leaf(el: XmlElement | undefined, name: string): string {
  return text(kids(el, name)[0]);
}

function parse(reply: string | undefined): XmlElement | undefined {
  if (!reply || isError(reply)) return undefined;
  try {
    return parseXml(reply);
  } catch {
    return undefined;
  }
}

function request(rpc: string, flag: string | undefined, format: string): string {
  const fmt = format === 'xml' ? '' : ` format="${format}"`;
  return `<rpc><${rpc}${fmt}>${flag ? `<${flag}/>` : ''}</${rpc}></rpc>`;
}

/** Refuses an --out directory that holds something (unless forced). */
export function checkOutDir(out: string, force?: boolean): void {
  if (existsSync(out) && (!statSync(out).isDirectory() || (readdirSync(out).length && !force))) throw new UsageError(`--out ${out}: ${statSync(out).isDirectory() ? 'not empty (give --force to write over it)' : 'not a directory'}`);
}

/** Runs the capture over an open NETCONF session to the device. */
export async function captureProfile(session: ByteSession, o: CaptureOptions): Promise<CaptureResult> {
  const out = path.resolve(o.out);
  checkOutDir(out, o.force);
  const started = Date.now();
  const say = o.progress ?? (() => undefined);
  const peer = new NetconfPeer(session);
  let bytes = 0;
  const replies = new Map<string, string>();
  const unanswered: string[] = [];
  const skipped: string[] = [];
  const timeLeft = () => o.maxTimeMs - (Date.now() - started);
  const ask = async (key: string, req: string): Promise<string | undefined> => {
    if (timeLeft() <= 0 || bytes >= o.maxBytes) {
      skipped.push(key);
      return undefined;
    }
    const t0 = Date.now();
    let reply: string;
    try {
      reply = await peer.rpc(req, Math.min(o.rpcTimeoutMs, Math.max(1000, timeLeft())));
    } catch (err) {
      unanswered.push(key);
      say(`${key}: ${(err as Error).message}`);
      if (session.ended) throw new Error(`the device ended the session during ${key}`);
      return undefined;
    }
    bytes += Buffer.byteLength(reply);
    if (bytes > o.maxBytes) {
      skipped.push(key);
      say(`${key}: over the size bound (${o.maxBytes} bytes in all): not kept`);
      return undefined;
    }
    if (isError(reply)) {
      unanswered.push(key);
      say(`${key}: not answered (rpc-error)`);
      return reply;
    }
    replies.set(key, reply);
    say(`${key}: ${Buffer.byteLength(reply)} bytes in ${Date.now() - t0} ms`);
    return reply;
  };

  try {
    peer.send(CLIENT_HELLO);
    const hello = await peer.next(o.rpcTimeoutMs);
    say('hello: received');
    const configText = await ask('configuration.txt', '<rpc><get-configuration database="committed" format="text"/></rpc>');
    await ask('configuration.xml', '<rpc><get-configuration database="committed"/></rpc>');
    for (const c of CATALOGUE) {
      for (const format of ['xml', 'text', 'json']) {
        const key = `${c.rpc}${c.flag ? `.${c.flag}` : ''}.${format}`;
        const reply = await ask(key, request(c.rpc, c.flag, format));
        // A device without the RPC: no other formats either.
        if (format === 'xml' && (reply === undefined || isError(reply))) break;
      }
    }
    for (const f of FILES) await ask(`file${f}`, `<rpc><file-show><filename>${f}</filename></file-show></rpc>`);
    if (!configText || isError(configText)) throw new Error('the device did not give its committed configuration (get-configuration)');
    return writeProfile(out, hello, replies, o, { unanswered, skipped, bytes });
  } finally {
    peer.close();
  }
}

/** Interface names whose units the emulator takes from the configuration alone (as src/junos/oper/model.ts). */
const CONFIGURABLE = /^(ge|xe|et|mge|fe|ae|reth|fxp|me|vme|em|lo|irb|vlan|st|gr|ip|lt|fab|swfab)(-|\d|$)/;

/** `ifd.unit` of every unit the configuration holds. */
function configuredUnits(config: XmlElement | undefined): Set<string> {
  const out = new Set<string>();
  for (const i of kids(find(config, 'interfaces'), 'interface')) for (const u of kids(i, 'unit')) out.add(`${leaf(i, 'name')}.${leaf(u, 'name')}`);
  return out;
}

/**
 * Interfaces of profile.json from `show interfaces terse`. Units of configurable interfaces
 * that the configuration does not make (internal ones: em0.0, lo0.16385) are kept as the
 * device's own (a routing instance of their own).
 */
function interfacesOf(terse: XmlElement | undefined, configured: Set<string>): unknown[] {
  return findAll(terse, 'physical-interface').map((p) => {
    const units = kids(p, 'logical-interface').map((l) => {
      const families = kids(l, 'address-family').map((f) => {
        const addresses = kids(f, 'interface-address').map((a) => leaf(a, 'ifa-local')).filter(Boolean);
        return { name: leaf(f, 'address-family-name'), ...(addresses.length ? { addresses } : {}) };
      });
      const internal = CONFIGURABLE.test(leaf(p, 'name')) && !configured.has(leaf(l, 'name'));
      return {
        name: leaf(l, 'name'),
        admin: leaf(l, 'admin-status') || undefined,
        oper: leaf(l, 'oper-status') || undefined,
        ...(internal ? { instance: '__juniper_private1__' } : {}),
        families,
      };
    });
    return { name: leaf(p, 'name'), admin: leaf(p, 'admin-status') || undefined, oper: leaf(p, 'oper-status') || undefined, ...(units.length ? { units } : {}) };
  });
}

/** Who the device says it is: from its software information, else its configuration. */
interface Identity {
  /** The committed configuration, as text. */
  conf: string;
  swInfo: XmlElement | undefined;
  hostname: string;
  model: string;
  release: string;
  xmlRelease: string | undefined;
}

function identityOf(replies: Map<string, string>, hello: string): Identity {
  const confReply = replies.get('configuration.txt') ?? '';
  const conf = decodeEntities(/<configuration-text[^>]*>([\s\S]*?)<\/configuration-text>/.exec(confReply)?.[1] ?? body(confReply));
  const swReply = replies.get('get-software-information.xml');
  const sw = parse(swReply);
  const swInfo = find(sw, 'software-information') ?? find(sw, 'multi-routing-engine-item');
  const hostname = leaf(swInfo, 'host-name') || /host-name\s+([^;\s]+);/.exec(conf)?.[1] || 'captured';
  const model = (leaf(swInfo, 'product-model') || 'unknown').toLowerCase();
  const release = leaf(swInfo, 'junos-version') || /<package-information>\s*<name>[^<]*<\/name>\s*<comment>[^[]*\[([^\]]+)\]/.exec(swReply ?? '')?.[1] || 'unknown';
  const xmlRelease = /xml\.juniper\.net\/junos\/([^/]+)\/junos/.exec(swReply ?? hello)?.[1];
  return { conf, swInfo, hostname, model, release, xmlRelease };
}

/** Learn what is replaced literally: serial numbers and names. */
function learnNames(s: Sanitiser, replies: Map<string, string>, id: Identity): void {
  for (const [, reply] of replies) {
    for (const m of reply.matchAll(/<serial-number>([^<]+)<\/serial-number>/g)) s.learn(m[1], 'serials');
    for (const m of reply.matchAll(/<(?:host-name|re-name-host|system-name|lldp-remote-system-name)>([^<]+)</g)) s.learn(m[1], 'hostnames');
  }
  for (const m of id.conf.matchAll(/^\s*(?:host-name|domain-name)\s+"?([^";\s]+)"?;/gm)) s.learn(m[1], 'hostnames');
  s.learn(id.hostname, 'hostnames');
}

type Write = (rel: string, content: string) => void;

/** Writes files under `out` (0600, directories 0700). */
function writerIn(out: string): Write {
  mkdirSync(path.join(out, 'rpc'), { recursive: true, mode: 0o700 });
  mkdirSync(path.join(out, 'captured'), { recursive: true, mode: 0o700 });
  return (rel, content) => {
    const file = path.join(out, rel);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, content, { mode: 0o600 });
  };
}

/** A sanitised reply made a template: the device's serial, host name and XML release become placeholders. */
function templater(sSerial: string | undefined, sHostname: string, xmlRelease: string | undefined): (t: string) => string {
  return (t) => {
    let x = t;
    if (sSerial) x = x.split(`<serial-number>${sSerial}</serial-number>`).join('<serial-number>{{serial}}</serial-number>');
    // A host name too short to be told from other words stays as it is.
    if (sHostname.length >= 4) x = x.replace(new RegExp(`(?<![A-Za-z0-9_.-])${sHostname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_-])`, 'g'), '{{hostname}}');
    if (xmlRelease) x = x.split(`/junos/${xmlRelease}/`).join('/junos/{{xml-release}}/');
    return x;
  };
}

/** Everything captured, sanitised, for reference; the catalogue's templates under rpc/. Resolves to the templates' names. */
function writeCaptured(replies: Map<string, string>, s: Sanitiser, write: Write, templated: (t: string) => string): string[] {
  const templates: string[] = [];
  for (const [key, reply] of replies) {
    const clean = s.apply(reply);
    if (key.startsWith('file/')) {
      write(path.join('files', key.slice('file'.length)), decodeEntities(/<file-content[^>]*>([\s\S]*?)<\/file-content>/.exec(clean)?.[1]?.replace(/^\n/, '') ?? ''));
      continue;
    }
    if (key.startsWith('configuration.')) continue;
    // Text and JSON as the device printed them; XML as it came (with its rpc-reply).
    if (key.endsWith('.text')) write(path.join('captured', key.replace(/\.text$/, '.txt')), decodeEntities(/<output>\n?([\s\S]*?)<\/output>/.exec(clean)?.[1] ?? body(clean)));
    else if (key.endsWith('.json')) write(path.join('captured', key), decodeEntities(body(clean)) + '\n');
    else write(path.join('captured', key), clean + '\n');
    const c = CATALOGUE.find((e) => `${e.rpc}${e.flag ? `.${e.flag}` : ''}.xml` === key);
    if (c?.template && !isError(reply)) {
      const name = key.replace(/\.xml$/, '');
      write(path.join('rpc', `${name}.xml`), templated(body(clean)) + '\n');
      templates.push(name);
    }
  }
  return templates;
}

/**
 * The committed configuration: the host name is the device's own ({{hostname}}), the
 * commit stamp line goes (the emulator writes its own).
 */
function configText(conf: string, s: Sanitiser): string {
  let config = s.apply(conf);
  config = config.replace(/^## Last (commit|changed):.*\n/gm, '');
  config = config.replace(/^(\s*host-name\s+)"?[^";\s]+"?;/m, `$1{{hostname}};`);
  return config.replace(/\s*$/, '\n');
}

function routingEnginesOf(replies: Map<string, string>) {
  const re = parse(replies.get('get-route-engine-information.xml'));
  const routingEngines = findAll(re, 'route-engine').map((r, i) => {
    const slot = Number(leaf(r, 'slot') || i);
    return { name: `re${slot}`, slot, mastership: (leaf(r, 'mastership-state') || (i ? 'backup' : 'master')).toLowerCase(), model: leaf(r, 'model') || 'RE' };
  });
  routingEngines.sort((a, b) => (a.mastership === 'master' ? -1 : b.mastership === 'master' ? 1 : a.slot - b.slot));
  return routingEngines.length ? routingEngines : [{ name: 're0', slot: 0, mastership: 'master', model: 'RE' }];
}

/** profile.json's content, sanitised. */
function profileOf(replies: Map<string, string>, hello: string, id: Identity, s: Sanitiser, sHostname: string, sSerial: string | undefined) {
  const { swInfo, model, release, xmlRelease } = id;
  const dram = /(\d+)\s*MB installed/.exec(replies.get('get-route-engine-information.xml') ?? '')?.[1];
  const cluster = replies.get('get-chassis-cluster-status.xml') ?? '';
  const sysInfo = replies.get('get-system-information.xml') ?? '';
  // Sanitised before the interfaces, so replacements are numbered as they always were.
  const packages = kids(swInfo, 'package-information').map((p) => ({ name: leaf(p, 'name'), comment: s.apply(leaf(p, 'comment')) }));
  return {
    description: `Captured from ${sHostname} (${model}, Junos ${release}) on ${new Date().toISOString().slice(0, 10)} by nc-grpc-device profile capture`,
    family: familyOfModel(model),
    release,
    ...(xmlRelease ? { xmlRelease } : {}),
    model,
    productName: (leaf(swInfo, 'product-name') || model).toLowerCase(),
    hardwareModel: (/<hardware-model>([^<]+)</.exec(sysInfo)?.[1] ?? model).toLowerCase(),
    osName: /<os-name>([^<]+)</.exec(sysInfo)?.[1] ?? 'junos',
    hostnamePrefix: sHostname,
    serialPattern: sSerial ? sSerial.replace(/\d/g, '#').replace(/[A-Z]/g, '@') : 'CAP#####',
    loginClass: /class ([\w-]+) -->/.exec(hello)?.[1] ?? 'super-user',
    capabilities: [...hello.matchAll(/<capability>\s*([^<]+?)\s*<\/capability>/g)].map((m) => m[1]),
    routingEngines: routingEnginesOf(replies),
    ...(dram ? { memoryMB: Number(dram) } : {}),
    interfaces: JSON.parse(s.apply(JSON.stringify(interfacesOf(parse(replies.get('get-interface-information.terse.xml')), configuredUnits(parse(replies.get('configuration.xml'))))))) as unknown[],
    cluster: /not enabled/i.test(cluster) ? 'srx-not-enabled' : 'not-supported',
    virtualChassis: replies.has('get-virtual-chassis-information.xml'),
    ethernetSwitching: replies.has('get-ethernet-switching-table-information.xml'),
    packages,
  };
}

function writeProfile(
  out: string,
  hello: string,
  replies: Map<string, string>,
  o: CaptureOptions,
  stats: { unanswered: string[]; skipped: string[]; bytes: number },
): CaptureResult {
  const s = new Sanitiser(o.keep);
  const id = identityOf(replies, hello);
  learnNames(s, replies, id);
  const sHostname = s.apply(id.hostname);
  const chassisSerial = /<chassis[\s>][\s\S]*?<serial-number>([^<]+)<\/serial-number>/.exec(replies.get('get-chassis-inventory.xml') ?? '')?.[1];
  const sSerial = chassisSerial ? s.apply(chassisSerial) : undefined;
  const { model, release } = id;

  const write = writerIn(out);
  const templates = writeCaptured(replies, s, write, templater(sSerial, sHostname, id.xmlRelease));
  write('config.txt', configText(id.conf, s));
  write('profile.json', JSON.stringify(profileOf(replies, hello, id, s, sHostname, sSerial), null, 2) + '\n');
  const report = s.report();
  write(
    'capture-report.json',
    JSON.stringify({ captured: new Date().toISOString(), hostname: sHostname, model, release, sanitised: !(o.keep ?? []).length ? 'everything' : `all but ${o.keep!.join(', ')}`, replaced: report, unanswered: stats.unanswered, skipped: stats.skipped, bytes: stats.bytes }, null, 2) + '\n',
  );
  return { dir: out, hostname: sHostname, model, release, rpcs: { answered: replies.size, unanswered: stats.unanswered, skipped: stats.skipped }, templates, report, mapping: s.mapping(), bytes: stats.bytes };
}

function body(reply: string): string {
  return reply
    .replace(/^\s*(<\?xml[^>]*\?>\s*)?<(?:[\w-]+:)?rpc-reply\b[^>]*>/, '')
    .replace(/<\/(?:[\w-]+:)?rpc-reply>\s*$/, '')
    .trim();
}

function decodeEntities(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
}
