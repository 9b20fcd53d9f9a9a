/**
 * The device's settings, declared once: every setting a device (or a fleet) is started with,
 * with its flag, type, default and help. The command line's flags and `--help`
 * (src/cli/device-options.ts), the flags whose value is free text (src/cli/argv.ts) and the
 * library's options (src/index.ts) are all derived from DEVICE_SETTINGS; the device is
 * assembled from a DeviceSettings (assemble.ts).
 *
 * A new setting: one entry here (its flag is the key in kebab case), and its use.
 */
import { DEFAULT_PROFILE, listShippedProfiles } from '../junos/identity/profile.js';
import { DEFAULT_PROTOCOL, PROTOCOL_HELP, PROTOCOL_NAMES } from '../wire/contract.js';
import { faultSyntaxList } from '../faults/kinds.js';
import { RECONNECT_STRATEGIES } from '../outbound/config.js';

/** How a setting's value is written: one word, a number, on/off, or a repeatable word. */
export type SettingKind = 'string' | 'number' | 'boolean' | 'strings';

export interface SettingSpec {
  kind: SettingKind;
  /** What `--help` says. */
  describe?: string;
  /** The `--help` heading it is listed under. */
  group: string;
  default?: string | number | boolean;
  /** What `--help` shows as the default when the setting has none of its own (it is derived). */
  defaultDescription?: string;
  choices?: readonly string[];
  /** Its value is free text (a certificate, a secret, a file name): taken whole even when it starts with `-`. */
  text?: true;
  /** Also spelt with one dash (`-host`), as the JET app's arguments spell it. */
  jet?: true;
  /**
   * Where the library's options (src/index.ts) carry it: a name (`configFile`) or a place in
   * a group (`nms.host`); false: the command line only. Absent: under its own name.
   */
  library?: string | false;
}

const OUTBOUND = 'Outbound HTTPS:';
const DEVICE = 'Device:';
const BACKENDS = 'Backends:';
const SSH = 'SSH face:';
const FAULTS = 'Faults:';
const OBSERVABILITY = 'Observability:';

export const DEVICE_SETTINGS = {
  config: { kind: 'string', text: true, library: 'configFile', describe: 'Configuration file: Junos syntax (set or curly-brace) or JSON', group: OUTBOUND },
  host: { kind: 'string', text: true, jet: true, library: 'nms.host', describe: 'NMS address (hostname or IPv4, as its certificate names it)', group: OUTBOUND },
  port: { kind: 'number', jet: true, library: 'nms.port', describe: 'NMS port', defaultDescription: '443', group: OUTBOUND },
  cert: { kind: 'string', text: true, jet: true, library: 'nms.cert', describe: "NMS certificate (or its CA's) as one line, with or without BEGIN/END markers", group: OUTBOUND },
  certFile: { kind: 'string', text: true, jet: true, library: 'nms.certFile', describe: 'NMS certificate (or CA) PEM file', group: OUTBOUND },
  deviceId: { kind: 'string', text: true, jet: true, library: 'nms.deviceId', describe: 'Device id sent to the NMS', group: OUTBOUND },
  secret: {
    kind: 'string',
    text: true,
    jet: true,
    library: 'nms.secret',
    describe: 'Shared secret (plain or $9$); with --protocol basic, the handshake string. The flag is visible to other local users in the process list: prefer --secret-file or NCGD_SECRET',
    group: OUTBOUND,
  },
  secretFile: { kind: 'string', text: true, jet: true, describe: 'File whose first line is the shared secret (or set NCGD_SECRET); with --config, for clients without a secret statement', group: OUTBOUND },
  waittime: { kind: 'number', library: 'nms.waittime', describe: 'Seconds to wait after a full unsuccessful walk of the servers', defaultDescription: '30', group: OUTBOUND },
  reconnectStrategy: { kind: 'string', choices: RECONNECT_STRATEGIES, library: 'nms.reconnectStrategy', describe: 'Which server to try first after a lost connection', defaultDescription: 'in-order', group: OUTBOUND },
  protocol: { kind: 'string', choices: PROTOCOL_NAMES, library: 'nms.protocol', describe: PROTOCOL_NAMES.map((p) => PROTOCOL_HELP[p]).join(' or '), defaultDescription: DEFAULT_PROTOCOL, group: OUTBOUND },
  keepalive: { kind: 'number', describe: 'HTTP/2 keepalive ping every SECONDS while a call is open; unanswered: the NMS is lost (0: off)', defaultDescription: '300', group: OUTBOUND },
  connectTimeout: { kind: 'number', describe: 'Seconds for TCP connect, TLS handshake and HTTP/2 settings before a server counts as down', defaultDescription: '10', group: OUTBOUND },
  instanceId: { kind: 'string', text: true, describe: 'instance_id sent in Initialize', defaultDescription: 'process id', group: OUTBOUND },
  devices: {
    kind: 'string',
    library: false,
    describe: 'Run a fleet of N devices (of --profile), or PROFILE:COUNT,... mixed (mx:100,ex:50,srx:20); device-id and host name get -n appended, or {n} replaced',
    default: '1',
    group: DEVICE,
  },
  shard: { kind: 'string', text: true, describe: 'Run shard I of N (0-based) of the --devices fleet: a stable block of its device numbers (else NCGD_SHARDS with NCGD_SHARD_INDEX, JOB_COMPLETION_INDEX or the pod ordinal)', group: DEVICE },
  threads: { kind: 'string', describe: 'Fleet: threads that run the devices (auto: one per 2,500 devices from 1,000 up, at most one per CPU)', default: 'auto', group: DEVICE },
  storm: { kind: 'boolean', describe: 'Fleet: reconnect in step (every device walks at the same instant, on multiples of waittime), not spread by a random start phase', default: false, group: DEVICE },
  preconnect: { kind: 'boolean', describe: "Keep the next Initialize's connection up in advance from the start (default: only once a device opened a session)", default: false, group: DEVICE },
  profile: { kind: 'string', text: true, describe: `Device profile: ${listShippedProfiles().join(', ')}, or a profile directory`, default: DEFAULT_PROFILE, group: DEVICE },
  stateDir: { kind: 'string', text: true, describe: 'Where the device keeps its configuration, rollbacks and SSH host key', group: DEVICE },
  hostname: { kind: 'string', text: true, describe: 'Device host-name (default from the profile)', group: DEVICE },
  username: { kind: 'string', text: true, describe: "Sessions' user, as the JET app's username", defaultDescription: 'nobody', group: DEVICE },
  allowRootShell: { kind: 'boolean', describe: 'Let shell sessions run as root when the emulator runs as root', default: false, group: DEVICE },
  shellUidRange: { kind: 'string', text: true, describe: "FIRST-LAST: each device's shells run as a uid of its own (FIRST for device 1, ...), isolated from other devices' (root only)", group: DEVICE },
  bootTime: { kind: 'number', describe: "Seconds a reboot keeps the device down (default: the profile's boot time)", group: DEVICE },
  scenario: { kind: 'string', text: true, describe: 'Run this scenario file (YAML timeline of events) from the start', group: DEVICE },
  shellPrompt: { kind: 'boolean', describe: 'Interactive shell sessions (prompt and echo), unlike a device', default: false, group: DEVICE },
  netconfCommand: { kind: 'string', text: true, describe: 'Spawn this command as the NETCONF server of each session (like `netconf interactive`)', group: BACKENDS },
  netconfBackend: { kind: 'string', text: true, describe: 'Bridge NETCONF sessions to ssh://user[:password]@host:port (netconf subsystem)', group: BACKENDS },
  shellBackend: { kind: 'string', text: true, describe: 'Bridge shell sessions to ssh://user[:password]@host:port', group: BACKENDS },
  sshKey: { kind: 'string', text: true, describe: 'Private key file for the SSH bridges', group: BACKENDS },
  sshPort: { kind: 'number', library: 'ssh.port', describe: 'Serve NETCONF (subsystem netconf) and the Junos cli over SSH on this port', group: SSH },
  sshHost: { kind: 'string', text: true, library: 'ssh.host', describe: 'Address the SSH face binds (0.0.0.0 for every interface)', default: '127.0.0.1', group: SSH },
  sshAddressRange: { kind: 'string', text: true, describe: 'Fleet: device n listens on this IPv4 address + n-1 (e.g. 127.0.1.1), port --ssh-port; without it device n uses port --ssh-port + n-1', group: SSH },
  sshUser: {
    kind: 'strings',
    text: true,
    library: 'ssh.users',
    describe: 'SSH login NAME:PASSWORD (repeatable; visible to other local users in the process list: prefer --ssh-user-file or NCGD_SSH_USER)',
    group: SSH,
  },
  sshUserFile: { kind: 'string', text: true, describe: 'File of SSH logins, NAME:PASSWORD one a line (or NCGD_SSH_USER, one a line)', group: SSH },
  sshAuthorizedKeys: { kind: 'string', text: true, library: 'ssh.authorizedKeysFile', describe: 'authorized_keys file for SSH public-key logins', group: SSH },
  fault: { kind: 'strings', text: true, library: 'faults', describe: `Inject a fault (repeatable): ${faultSyntaxList()}`, group: FAULTS },
  control: { kind: 'string', text: true, library: 'controlSocket', describe: 'Control socket for `nc-grpc-device status`', defaultDescription: '<state-dir>/control.sock', group: OBSERVABILITY },
  metricsPort: { kind: 'number', describe: 'Serve Prometheus metrics on this port', group: OBSERVABILITY },
  metricsHost: { kind: 'string', describe: 'Address the metrics server binds (0.0.0.0 in a container)', default: '127.0.0.1', group: OBSERVABILITY },
  logFormat: { kind: 'string', choices: ['json', 'pretty'], library: false, describe: 'Log format', defaultDescription: 'pretty on a terminal, else json', group: OBSERVABILITY },
  logLevel: { kind: 'string', choices: ['trace', 'debug', 'info', 'warn', 'error'], library: false, default: 'info', group: OBSERVABILITY },
  logFile: { kind: 'string', text: true, library: false, describe: 'Also write an outbound_https.log-style file', group: OBSERVABILITY },
  record: { kind: 'string', text: true, describe: 'Record every session (outbound HTTPS and SSH faces, NETCONF and shell) as a JSON-lines transcript in this directory (secrets left out)', group: OBSERVABILITY },
  recordMaxBytes: { kind: 'string', describe: 'Bound of one transcript (past it: truncated)', defaultDescription: '16M', group: OBSERVABILITY },
  recordMaxTotal: { kind: 'string', describe: 'Bound of the --record directory (the oldest transcripts are removed)', defaultDescription: '256M', group: OBSERVABILITY },
} as const satisfies Record<string, SettingSpec>;

type Model = typeof DEVICE_SETTINGS;
export type SettingName = keyof Model;

/** The value type a spec describes. */
export type SettingValue<S> = S extends { kind: 'boolean' }
  ? boolean
  : S extends { kind: 'number' }
    ? number
    : S extends { kind: 'strings' }
      ? string[]
      : S extends { choices: readonly (infer C)[] }
        ? C
        : string;

type Defaulted = { [K in SettingName]: Model[K] extends { default: unknown } ? K : never }[SettingName];

/** A device's settings: every setting with a default has a value, the others may be absent. */
export type DeviceSettings = { [K in Defaulted]: SettingValue<Model[K]> } & { [K in Exclude<SettingName, Defaulted>]?: SettingValue<Model[K]> };

/** Settings as given: any of them, defaults applied by withDefaults. */
export type SettingsInput = { [K in SettingName]?: SettingValue<Model[K]> };

/** The flag of a setting: its name in kebab case (`certFile` → `cert-file`). */
export function flagOf(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** How messages name a setting to the user: as the flag they type (`--cert-file`). */
export function flagName(name: string): string {
  return `--${flagOf(name)}`;
}

export const SETTING_NAMES = Object.keys(DEVICE_SETTINGS) as SettingName[];

function spec(name: SettingName): SettingSpec {
  return DEVICE_SETTINGS[name];
}

/** The flags whose value is free text (src/cli/argv.ts binds such a value whatever it starts with). */
export function textFlags(): string[] {
  return SETTING_NAMES.filter((n) => spec(n).text).map(flagOf);
}

/** The flags a JET argument string spells with one dash. */
export function jetFlags(): string[] {
  return SETTING_NAMES.filter((n) => spec(n).jet).map(flagOf);
}

/** The given settings with every default filled in (a new object). */
export function withDefaults(input: SettingsInput): DeviceSettings {
  const out: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const value = input[name] ?? spec(name).default;
    if (value !== undefined) out[name] = value;
  }
  return out as DeviceSettings;
}

/** A value as the spec's kind: parsers hand over numbers as numbers, repeatable words as arrays. */
function asKind(kind: SettingKind, v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  if (kind === 'strings') return (Array.isArray(v) ? v : [v]).map(String);
  if (kind === 'number') return typeof v === 'number' ? v : Number(v);
  if (kind === 'boolean') return Boolean(v);
  return String(v);
}

/**
 * The settings found in a parsed argument bag keyed by setting name (what yargs gives,
 * camel-cased), each read as its kind; everything else in the bag is ignored.
 */
export function settingsFromParsed(parsed: Readonly<Record<string, unknown>>): DeviceSettings {
  const input: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) input[name] = asKind(spec(name).kind, parsed[name]);
  return withDefaults(input as SettingsInput);
}

/** Where the library's options carry a setting: [group, key] or [key]; undefined: not at all. */
export function libraryPlace(name: SettingName): string[] | undefined {
  const at = spec(name).library;
  if (at === false) return undefined;
  return (at ?? name).split('.');
}

/** The settings the library's options hold (see libraryPlace), defaults applied. */
export function settingsFromLibrary(options: Readonly<Record<string, unknown>>): DeviceSettings {
  const input: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const place = libraryPlace(name);
    if (!place) continue;
    let v: unknown = options;
    for (const key of place) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
    input[name] = asKind(spec(name).kind, v);
  }
  return withDefaults(input as SettingsInput);
}

type LibraryAt<K extends SettingName> = Model[K] extends { library: infer L } ? L : K;

/** The library's options of one group (`nms`, `ssh`): its settings under their names there. */
export type LibraryGroup<G extends string> = {
  [K in SettingName as LibraryAt<K> extends `${G}.${infer N}` ? N : never]?: SettingValue<Model[K]>;
};

/** The library's options outside groups: settings under their own name or their library name. */
export type LibraryTop = {
  [K in SettingName as LibraryAt<K> extends `${string}.${string}` | false ? never : LibraryAt<K> & string]?: SettingValue<Model[K]>;
};
