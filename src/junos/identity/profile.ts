/**
 * Device profiles: a directory that describes one kind of Junos device (release, model,
 * capabilities, operational replies, factory configuration). Shipped profiles live in
 * fixtures/profiles/<name>/; `--profile` takes a shipped name or a directory path, so a
 * user adds a device kind without touching code. See fixtures/profiles/README.md.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../errors.js';
import { familyOfModel, RPC_FAMILIES, type RpcFamily } from './family.js';
import { readHardware, withHardwarePorts, type PicHardware } from './hardware.js';

export interface RoutingEngineInfo {
  /** re0, re1, fpc0 (EX virtual chassis members answer as fpcN). */
  name: string;
  slot: number;
  /** master|backup, as get-route-engine-information says it. */
  mastership: string;
  model: string;
  /** Serial number of the RE board; `{{serial}}`-derived when absent. */
  serial?: string;
}

export interface ProfileInterface {
  name: string;
  admin?: 'up' | 'down';
  oper?: 'up' | 'down';
  /** Line speed (`1000mbps`, `10Gbps`) and media of a hardware port (identity/hardware.ts). */
  speed?: string;
  media?: 'copper' | 'fiber';
  /** Logical units: name (e.g. ge-0/0/0.0) with families and addresses. */
  units?: {
    name: string;
    admin?: 'up' | 'down';
    oper?: 'up' | 'down';
    /** Routing instance of the unit (e.g. __juniper_private1__ for the internal em/bme ports). */
    instance?: string;
    families: { name: string; addresses?: string[] }[];
  }[];
}

export interface DeviceProfile {
  /** Profile name (directory base name). */
  name: string;
  /** Absolute directory of the profile. */
  dir: string;
  description: string;
  /** Full release as `junos-version` shows it, e.g. 21.4R3-S2.3. */
  release: string;
  /** Release as it appears in the `junos` namespace URIs, e.g. 21.4R0. */
  xmlRelease: string;
  /** product-model / product-name (lowercase as Junos prints them), e.g. mx960. */
  model: string;
  productName: string;
  /**
   * Junos family (junos, junos-es, junos-ex, junos-qfx): which RPCs exist and which YANG schema
   * checks the configuration; profile.json `family`, else from the model.
   */
  family: RpcFamily;
  /** Routing engine memory in MiB (`show system memory`, `show chassis routing-engine`); 16384 when absent. */
  memoryMB?: number;
  /** get-system-information hardware-model and os-name. */
  hardwareModel: string;
  osName: string;
  /** Host name used when none is given: `<prefix>-<n>`. */
  hostnamePrefix: string;
  /** Serial number shape: `#` is a digit, `@` an upper-case letter, others literal. */
  serialPattern: string;
  /** NETCONF hello capabilities, in order. */
  capabilities: string[];
  /** Routing engines (one entry for single-RE devices); the first is the master. */
  routingEngines: RoutingEngineInfo[];
  /** Interfaces (for get-interface-information and `show interfaces terse`): the listed ones and every hardware port. */
  interfaces: ProfileInterface[];
  /** Line cards' PICs and their port ranges (profile.json `hardware`; identity/hardware.ts). */
  hardware?: PicHardware[];
  /** Answer of get-chassis-cluster-status: 'srx-not-enabled' (SRX not clustered) or 'not-supported'. */
  cluster: 'srx-not-enabled' | 'not-supported';
  /** Whether the device has virtual-chassis RPCs (EX/QFX, MX VC). */
  virtualChassis: boolean;
  /** Whether get-ethernet-switching-table-information exists (switches, ELS). */
  ethernetSwitching: boolean;
  /** Login class shown in the greeting comment. */
  loginClass: string;
  /** Packages for get-software-information: name and comment (`{{release}}` allowed). */
  packages: { name: string; comment: string }[];
  /** Files of the profile's rpc/ directory: rpc name -> template text. */
  templates: Map<string, string>;
  /**
   * Files `rpc/<name>.txt`: the text Junos prints for an RPC that only a template answers
   * (`| display text`, `format="text"`); placeholders as in the XML templates.
   */
  textTemplates: Map<string, string>;
  /** Files under files/ served by file-show, keyed by absolute device path. */
  files: Map<string, string>;
  /** Seconds a reboot takes (profile.json `bootSeconds`; `--boot-time` overrides it per run). */
  bootSeconds?: number;
  /** Space for files on the device (/var), in MiB (profile.json `storageMB`; about 40 GiB when absent). */
  storageMB?: number;
  /** The factory-default configuration. */
  initialConfig: { format: 'text' | 'xml' | 'set'; content: string };
}

/** A profile that cannot be found or read: a usage error (exit 2). */
export class ProfileError extends UsageError {}

let root: string | undefined;

/** Repository root, from dist/src/junos/identity/profile.js or src/junos/identity/profile.ts (looked up once). */
function repoRoot(): string {
  root ??= findRepoRoot();
  return root;
}

function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'fixtures'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export function shippedProfilesDir(): string {
  return path.join(repoRoot(), 'fixtures', 'profiles');
}

/** Names of the profiles shipped with the program. */
export function listShippedProfiles(): string[] {
  const dir = shippedProfilesDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => existsSync(path.join(dir, n, 'profile.json')))
    .sort();
}

/** Resolves `--profile NAME|DIR` to a profile directory. */
export function resolveProfileDir(spec: string): string {
  const looksLikePath = spec.includes('/') || spec.includes(path.sep) || spec.startsWith('.');
  if (looksLikePath || (existsSync(spec) && statSync(spec).isDirectory() && existsSync(path.join(spec, 'profile.json')))) {
    const dir = path.resolve(spec);
    if (!existsSync(path.join(dir, 'profile.json'))) throw new ProfileError(`no profile.json in ${dir}`);
    return dir;
  }
  const dir = path.join(shippedProfilesDir(), spec);
  if (!existsSync(path.join(dir, 'profile.json'))) {
    const known = listShippedProfiles();
    throw new ProfileError(`unknown profile "${spec}" (shipped: ${known.join(', ') || 'none'}; or give a directory)`);
  }
  return dir;
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ProfileError(`${file}: ${(err as Error).message}`);
  }
}

function walkFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walkFiles(root, r));
    else out.push(r);
  }
  return out;
}

const cache = new Map<string, DeviceProfile>();
/** The same, by the name or path asked for: a fleet asks once per device, the disk once in all. */
const bySpec = new Map<string, DeviceProfile>();

/** Loads a profile by shipped name or directory; results are cached per directory. */
export function loadProfile(spec: string): DeviceProfile {
  const known = bySpec.get(spec);
  if (known) return known;
  const dir = resolveProfileDir(spec);
  const hit = cache.get(dir);
  if (hit) {
    bySpec.set(spec, hit);
    return hit;
  }
  const j = readJson(path.join(dir, 'profile.json'));
  const need = (k: string): string => {
    const v = j[k];
    if (typeof v !== 'string' || !v) throw new ProfileError(`${dir}/profile.json: "${k}" must be a non-empty string`);
    return v;
  };
  const templates = new Map<string, string>();
  const textTemplates = new Map<string, string>();
  const rpcDir = path.join(dir, 'rpc');
  if (existsSync(rpcDir)) {
    for (const f of readdirSync(rpcDir)) {
      if (f.endsWith('.xml')) templates.set(f.slice(0, -4), readFileSync(path.join(rpcDir, f), 'utf8'));
      else if (f.endsWith('.txt')) textTemplates.set(f.slice(0, -4), readFileSync(path.join(rpcDir, f), 'utf8'));
    }
  }
  const files = new Map<string, string>();
  const filesDir = path.join(dir, 'files');
  if (existsSync(filesDir)) for (const f of walkFiles(filesDir)) files.set('/' + f, readFileSync(path.join(filesDir, f), 'utf8'));
  const configFile = ['config.txt', 'config.set', 'config.xml'].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!configFile) throw new ProfileError(`${dir}: no config.txt, config.set or config.xml (factory configuration)`);
  const ext = path.extname(configFile);
  const model = need('model');
  const profile: DeviceProfile = {
    name: path.basename(dir),
    dir,
    description: typeof j.description === 'string' ? j.description : '',
    release: need('release'),
    xmlRelease: typeof j.xmlRelease === 'string' ? j.xmlRelease : need('release').replace(/^(\d+\.\d+)([A-Z]).*$/, '$1$2' + '0'),
    model,
    productName: typeof j.productName === 'string' ? j.productName : model,
    hardwareModel: typeof j.hardwareModel === 'string' ? j.hardwareModel : model,
    osName: typeof j.osName === 'string' ? j.osName : 'junos',
    hostnamePrefix: typeof j.hostnamePrefix === 'string' ? j.hostnamePrefix : model,
    serialPattern: need('serialPattern'),
    capabilities: Array.isArray(j.capabilities) ? (j.capabilities as string[]) : [],
    routingEngines: Array.isArray(j.routingEngines) ? (j.routingEngines as RoutingEngineInfo[]) : [{ name: 're0', slot: 0, mastership: 'master', model: 'RE' }],
    interfaces: withHardwarePorts(Array.isArray(j.interfaces) ? (j.interfaces as ProfileInterface[]) : [], hardwareOf(j.hardware, dir)),
    ...(j.hardware !== undefined ? { hardware: hardwareOf(j.hardware, dir) } : {}),
    family: familyOf(j.family, model, dir),
    memoryMB: typeof j.memoryMB === 'number' && j.memoryMB > 0 ? j.memoryMB : undefined,
    cluster: j.cluster === 'srx-not-enabled' ? 'srx-not-enabled' : 'not-supported',
    virtualChassis: j.virtualChassis === true,
    ethernetSwitching: j.ethernetSwitching === true,
    loginClass: typeof j.loginClass === 'string' ? j.loginClass : 'super-user',
    packages: Array.isArray(j.packages) ? (j.packages as { name: string; comment: string }[]) : [],
    templates,
    textTemplates,
    files,
    bootSeconds: typeof j.bootSeconds === 'number' && j.bootSeconds >= 0 ? j.bootSeconds : undefined,
    storageMB: typeof j.storageMB === 'number' && j.storageMB > 0 ? j.storageMB : undefined,
    initialConfig: { format: ext === '.xml' ? 'xml' : ext === '.set' ? 'set' : 'text', content: readFileSync(configFile, 'utf8') },
  };
  if (profile.capabilities.length === 0) throw new ProfileError(`${dir}/profile.json: "capabilities" must list the hello capabilities`);
  cache.set(dir, profile);
  bySpec.set(spec, profile);
  return profile;
}

function hardwareOf(v: unknown, dir: string): PicHardware[] | undefined {
  try {
    return readHardware(v);
  } catch (e) {
    throw new ProfileError(`${dir}/profile.json: ${(e as Error).message}`);
  }
}

function familyOf(v: unknown, model: string, dir: string): RpcFamily {
  if (v === undefined) return familyOfModel(model);
  if (typeof v === 'string' && (RPC_FAMILIES as readonly string[]).includes(v)) return v as RpcFamily;
  throw new ProfileError(`${dir}/profile.json: "family" must be one of ${RPC_FAMILIES.join(', ')}`);
}

/** A serial number from the profile's pattern, deterministic for a seed (the host name). */
export function serialFor(pattern: string, seed: string): string {
  // FNV-1a over the seed, then a small LCG: stable across runs and platforms.
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(seed, 'utf8')) h = Math.imul(h ^ ch, 0x01000193) >>> 0;
  const next = () => (h = (Math.imul(h, 1664525) + 1013904223) >>> 0);
  let out = '';
  for (const c of pattern) {
    if (c === '#') out += String(next() % 10);
    else if (c === '@') out += String.fromCharCode(65 + (next() % 26));
    else out += c;
  }
  return out;
}

/** The profile a device is when none is named. */
export const DEFAULT_PROFILE = 'mx';
