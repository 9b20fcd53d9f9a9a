/**
 * A lab's file (YAML or JSON), in the spirit of containerlab's topology files and ConfD
 * netsim's create-network:
 *
 *   name: core
 *   devices: { mx: 2, ex: 1 }        # or "mx:2,ex:1", or 3 (of `profile`)
 *   profile: mx                      # for a plain count
 *   hostname: core                   # host names core-1, core-2, ... (default: the profile's)
 *   nms: none                        # or { host, port, cert-file, device-id, secret, protocol }
 *                                    # or { config: outbound.conf, secret: ... }
 *   ssh: { port: 0 }                 # SSH faces: port base (0: free ports), or
 *                                    # { address-range: 127.0.1.1, port: 22 }, or none
 *   users: ["lab:lab123"]            # SSH logins (default: user lab, a random password)
 *   metrics: 0                       # metrics and the lab's page on 127.0.0.1 (0: a free port, kept)
 *   configs:                         # startup configuration, loaded and committed at the
 *     all: base.conf                 #   first start: for every device, then per device
 *     core-1: core-1.set             #   (host name or number); text, set or XML
 *
 * Paths are taken relative to the file. Checked strictly: an unknown key is an error.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../errors.js';
import { parseDevices } from '../../device/fleet.js';
import { DEFAULT_PROFILE } from '../../junos/identity/profile.js';

export interface LabNms {
  host?: string;
  port?: number;
  certFile?: string;
  deviceId?: string;
  secret?: string;
  protocol?: string;
  config?: string;
}

export interface LabSpec {
  name: string;
  /** `--devices` as given to the device command: N or PROFILE:COUNT,... */
  devices: string;
  profile: string;
  hostname?: string;
  nms?: LabNms;
  /** SSH faces: port base; `auto` when the file said 0 and the lab picked a base once (kept, so ports stay the same at every start). */
  ssh?: { port: number; addressRange?: string; auto?: boolean };
  users: string[];
  /** Metrics and the page (`/`) on 127.0.0.1:PORT; 0 until the first start picks a free one (then `auto`). */
  metrics?: { port: number; auto?: boolean };
  /** Startup configuration files (absolute paths) by device: `all`, a host name or a number. */
  configs?: Record<string, string>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

function fail(file: string, m: string): never {
  throw new UsageError(`${file}: ${m}`);
}

function checkKeys(obj: Record<string, unknown>, known: string[], where: string, file: string): void {
  for (const k of Object.keys(obj)) if (!known.includes(k)) fail(file, `unknown key "${k}" in ${where} (known: ${known.join(', ')})`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A lab name is also a directory name: letters, digits, `_ . -`. */
export function checkLabName(name: string): string {
  if (!NAME.test(name)) throw new UsageError(`lab name must be letters, digits, "_", "." or "-" (at most 63, not starting with a symbol): ${JSON.stringify(name.slice(0, 40))}`);
  return name;
}

/** Reads and checks a lab file; `nameOverride` replaces its name. */
export function readLabFile(file: string, nameOverride?: string): LabSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read lab file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    fail(file, `not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  return labSpec(doc, file, path.dirname(path.resolve(file)), nameOverride);
}

/** Where a lab file's parts are read from: its name (for messages) and directory (for paths). */
interface Source {
  file: string;
  dir: string;
}

export function labSpec(doc: unknown, file: string, dir: string, nameOverride?: string): LabSpec {
  if (!isObj(doc)) fail(file, 'a lab file is a mapping: name, devices, nms, ssh, users');
  checkKeys(doc, ['name', 'devices', 'profile', 'hostname', 'nms', 'ssh', 'users', 'configs', 'metrics'], 'the lab', file);
  const src: Source = { file, dir };
  const name = nameOverride ?? doc.name;
  if (typeof name !== 'string') fail(file, 'name is missing (a string)');
  checkLabName(name);
  const profile = doc.profile === undefined ? DEFAULT_PROFILE : String(doc.profile);
  const devices = devicesOf(doc.devices, profile, file);
  if (doc.hostname !== undefined && (typeof doc.hostname !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(doc.hostname))) fail(file, 'hostname must be a host name (letters, digits, "-", ".")');
  const nms = nmsOf(doc.nms, src);
  const ssh = sshOf(doc.ssh, file);
  if (!ssh && !nms) fail(file, 'the lab has nothing to do: give an nms to dial, or ssh faces');
  const users = usersOf(doc.users, file);
  const metrics = metricsOf(doc.metrics, file);
  const configs = configsOf(doc.configs, src, ssh !== undefined);
  return { name, devices, profile, ...(doc.hostname ? { hostname: doc.hostname as string } : {}), ...(nms ? { nms } : {}), ...(ssh ? { ssh } : {}), users, ...(configs ? { configs } : {}), ...(metrics ? { metrics } : {}) };
}

/** `devices`: a count, "mx:2,ex:1", or a mapping {mx: 2, ex: 1}; as `--devices` says it. */
function devicesOf(v: unknown, profile: string, file: string): string {
  let devices: string;
  if (typeof v === 'number' || typeof v === 'string') devices = String(v);
  else if (isObj(v)) devices = Object.entries(v).map(([p, c]) => `${p}:${String(c)}`).join(',');
  else fail(file, 'devices is missing: a count, "mx:2,ex:1", or a mapping {mx: 2, ex: 1}');
  try {
    parseDevices(devices, profile);
  } catch (err) {
    fail(file, (err as Error).message.replace(/^--devices/, 'devices'));
  }
  return devices;
}

function nmsOf(v: unknown, { file, dir }: Source): LabNms | undefined {
  if (v === undefined || v === 'none' || v === null) return undefined;
  if (!isObj(v)) fail(file, 'nms is "none" or a mapping: {host, port, cert-file, device-id, secret} or {config, secret}');
  checkKeys(v, ['host', 'port', 'cert-file', 'device-id', 'secret', 'protocol', 'config'], 'nms', file);
  const abs = (p: unknown, key: string): string => {
    if (typeof p !== 'string' || !p) fail(file, `nms ${key} must be a file name`);
    return path.resolve(dir, p);
  };
  const nms: LabNms = {};
  if (v.config !== undefined) {
    if (v.host !== undefined) fail(file, 'nms: give either config or host, not both');
    nms.config = abs(v.config, 'config');
  } else {
    if (typeof v.host !== 'string') fail(file, 'nms host is missing (or give nms: none)');
    nms.host = v.host;
    if (v['cert-file'] === undefined) fail(file, 'nms cert-file is missing (the NMS certificate or its CA, PEM)');
    nms.certFile = abs(v['cert-file'], 'cert-file');
    if (typeof v['device-id'] !== 'string') fail(file, 'nms device-id is missing (device n gets -n appended, or {n} replaced)');
    nms.deviceId = v['device-id'];
  }
  if (v.port !== undefined) {
    if (typeof v.port !== 'number' || !Number.isInteger(v.port)) fail(file, 'nms port must be a whole number');
    nms.port = v.port;
  }
  if (v.secret !== undefined) nms.secret = String(v.secret);
  if (v.protocol !== undefined) nms.protocol = String(v.protocol);
  return nms;
}

/** SSH faces: on (free ports) unless the file says none. */
function sshOf(v: unknown, file: string): LabSpec['ssh'] {
  if (v === 'none' || v === null || v === false) return undefined;
  if (v === undefined) return { port: 0 };
  if (!isObj(v)) fail(file, 'ssh is "none" or a mapping {port, address-range}');
  checkKeys(v, ['port', 'address-range'], 'ssh', file);
  const port = v.port ?? 0;
  if (!isPort(port)) fail(file, 'ssh port must be 0-65535 (0: a free port for each device)');
  return { port, ...(v['address-range'] !== undefined ? { addressRange: String(v['address-range']) } : {}) };
}

const isPort = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535;

function usersOf(v: unknown, file: string): string[] {
  if (v === undefined) return [`lab:${randomBytes(9).toString('base64url')}`];
  if (Array.isArray(v) && v.every((u): u is string => typeof u === 'string' && /^[^:\s]+:.+$/.test(u))) return v;
  fail(file, 'users is a list of "NAME:PASSWORD"');
}

function metricsOf(v: unknown, file: string): LabSpec['metrics'] {
  if (v === undefined || v === null || v === 'none') return undefined;
  if (!isPort(v)) fail(file, 'metrics is a port, 0-65535 (0: a free one, kept), or none');
  return { port: v };
}

/** Startup configuration files by device, each readable now (absolute paths). */
function configsOf(v: unknown, { file, dir }: Source, hasSsh: boolean): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) fail(file, 'configs is a mapping: all, or a device (host name or number), to a configuration file');
  if (!hasSsh) fail(file, 'configs are loaded over the SSH faces: give ssh (not none)');
  const configs: Record<string, string> = {};
  for (const [k, f] of Object.entries(v)) {
    if (typeof f !== 'string' || !f) fail(file, `configs ${k} must be a file name`);
    const abs = path.resolve(dir, f);
    try {
      readFileSync(abs);
    } catch (err) {
      fail(file, `configs ${k}: cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    configs[k] = abs;
  }
  return configs;
}
