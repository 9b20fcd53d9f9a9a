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

export function labSpec(doc: unknown, file: string, dir: string, nameOverride?: string): LabSpec {
  if (!isObj(doc)) fail(file, 'a lab file is a mapping: name, devices, nms, ssh, users');
  checkKeys(doc, ['name', 'devices', 'profile', 'hostname', 'nms', 'ssh', 'users', 'configs', 'metrics'], 'the lab', file);
  const name = nameOverride ?? doc.name;
  if (typeof name !== 'string') fail(file, 'name is missing (a string)');
  checkLabName(name);
  const profile = doc.profile === undefined ? DEFAULT_PROFILE : String(doc.profile);
  let devices: string;
  if (typeof doc.devices === 'number' || typeof doc.devices === 'string') devices = String(doc.devices);
  else if (isObj(doc.devices)) devices = Object.entries(doc.devices).map(([p, c]) => `${p}:${String(c)}`).join(',');
  else fail(file, 'devices is missing: a count, "mx:2,ex:1", or a mapping {mx: 2, ex: 1}');
  try {
    parseDevices(devices, profile);
  } catch (err) {
    fail(file, (err as Error).message.replace(/^--devices/, 'devices'));
  }
  if (doc.hostname !== undefined && (typeof doc.hostname !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(doc.hostname))) fail(file, 'hostname must be a host name (letters, digits, "-", ".")');
  const abs = (p: unknown, key: string): string => {
    if (typeof p !== 'string' || !p) fail(file, `nms ${key} must be a file name`);
    return path.resolve(dir, p);
  };
  let nms: LabNms | undefined;
  if (doc.nms !== undefined && doc.nms !== 'none' && doc.nms !== null) {
    if (!isObj(doc.nms)) fail(file, 'nms is "none" or a mapping: {host, port, cert-file, device-id, secret} or {config, secret}');
    checkKeys(doc.nms, ['host', 'port', 'cert-file', 'device-id', 'secret', 'protocol', 'config'], 'nms', file);
    const n = doc.nms;
    nms = {};
    if (n.config !== undefined) {
      if (n.host !== undefined) fail(file, 'nms: give either config or host, not both');
      nms.config = abs(n.config, 'config');
    } else {
      if (typeof n.host !== 'string') fail(file, 'nms host is missing (or give nms: none)');
      nms.host = n.host;
      if (n['cert-file'] === undefined) fail(file, 'nms cert-file is missing (the NMS certificate or its CA, PEM)');
      nms.certFile = abs(n['cert-file'], 'cert-file');
      if (typeof n['device-id'] !== 'string') fail(file, 'nms device-id is missing (device n gets -n appended, or {n} replaced)');
      nms.deviceId = n['device-id'];
    }
    if (n.port !== undefined) {
      if (!Number.isInteger(n.port)) fail(file, 'nms port must be a whole number');
      nms.port = n.port as number;
    }
    if (n.secret !== undefined) nms.secret = String(n.secret);
    if (n.protocol !== undefined) nms.protocol = String(n.protocol);
  }
  let ssh: LabSpec['ssh'] = { port: 0 };
  if (doc.ssh === 'none' || doc.ssh === null || doc.ssh === false) ssh = undefined;
  else if (doc.ssh !== undefined) {
    if (!isObj(doc.ssh)) fail(file, 'ssh is "none" or a mapping {port, address-range}');
    checkKeys(doc.ssh, ['port', 'address-range'], 'ssh', file);
    const port = doc.ssh.port ?? 0;
    if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) fail(file, 'ssh port must be 0-65535 (0: a free port for each device)');
    ssh = { port: port as number };
    if (doc.ssh['address-range'] !== undefined) ssh.addressRange = String(doc.ssh['address-range']);
  }
  if (!ssh && !nms) fail(file, 'the lab has nothing to do: give an nms to dial, or ssh faces');
  let users: string[];
  if (doc.users === undefined) users = [`lab:${randomBytes(9).toString('base64url')}`];
  else if (Array.isArray(doc.users) && doc.users.every((u) => typeof u === 'string' && /^[^:\s]+:.+$/.test(u))) users = doc.users as string[];
  else fail(file, 'users is a list of "NAME:PASSWORD"');
  let metrics: LabSpec['metrics'];
  if (doc.metrics !== undefined && doc.metrics !== null && doc.metrics !== 'none') {
    if (!Number.isInteger(doc.metrics) || (doc.metrics as number) < 0 || (doc.metrics as number) > 65535) fail(file, 'metrics is a port, 0-65535 (0: a free one, kept), or none');
    metrics = { port: doc.metrics as number };
  }
  let configs: Record<string, string> | undefined;
  if (doc.configs !== undefined && doc.configs !== null) {
    if (!isObj(doc.configs)) fail(file, 'configs is a mapping: all, or a device (host name or number), to a configuration file');
    if (!ssh) fail(file, 'configs are loaded over the SSH faces: give ssh (not none)');
    configs = {};
    for (const [k, v] of Object.entries(doc.configs)) {
      if (typeof v !== 'string' || !v) fail(file, `configs ${k} must be a file name`);
      const f = path.resolve(dir, v);
      try {
        readFileSync(f);
      } catch (err) {
        fail(file, `configs ${k}: cannot read ${v}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      configs[k] = f;
    }
  }
  return { name, devices, profile, ...(doc.hostname ? { hostname: doc.hostname as string } : {}), ...(nms ? { nms } : {}), ...(ssh ? { ssh } : {}), users, ...(configs ? { configs } : {}), ...(metrics ? { metrics } : {}) };
}
