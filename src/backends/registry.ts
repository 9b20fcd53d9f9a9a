/**
 * The backend registry: how a session kind's backend is chosen from its spec.
 *
 *   spec                         backend (file)
 *   (none) / builtin             netconf: the emulated device's NETCONF server (junos-netconf.ts)
 *                                csh:     a PTY shell as the session user (pty-shell.ts)
 *   exec:COMMAND                 a spawned command per session, as `netconf interactive` (exec.ts)
 *   ssh://user[:pw]@host[:port]  a bridge to another SSH server (ssh-bridge.ts)
 *
 * A new backend is one file in this folder plus one entry in BACKENDS below. A device's
 * settings map onto specs (src/device/options.ts): --netconf-command C is `exec:C`,
 * --netconf-backend and --shell-backend are specs as they are (ssh://...).
 */
import path from 'node:path';
import type { Logger } from '../log.js';
import type { SessionBackend, SessionKind } from '../session/byte-session.js';
import { UsageError } from '../errors.js';
import type { EmulatedDevice } from '../junos/device.js';
import { loginEnv, type SessionUser } from '../shell/user.js';
import { ExecBackend } from './exec.js';
import { DeviceNetconfBackend } from './junos-netconf.js';
import { ShellBackend } from './pty-shell.js';
import { SshBridgeBackend, parseSshTarget } from './ssh-bridge.js';

/** A device's settings by name (src/device/settings.ts): a backend reads its own there. */
export type BackendSettings = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

/** Everything a backend may need from the device being assembled. */
export interface BackendContext {
  device: EmulatedDevice;
  /** The sessions' user (the JET app's username) and its resolved account. */
  username: string;
  sessionUser: SessionUser;
  /** The device socket the emulated `cli` talks to. */
  deviceSocket: string;
  /** Where a backend keeps what it learns (a bridge's known hosts); undefined: nothing is kept. */
  stateDir?: string;
  /** The device's settings: each backend reads the ones it takes (allowRootShell, sshKey, ...). */
  settings: BackendSettings;
  logger: Logger;
}

/** Opens the sessions of one kind from a spec. */
type Create = (spec: string, ctx: BackendContext) => SessionBackend;

export interface BackendEntry {
  /** `builtin`, or the spec's scheme without ':' (`exec`, `ssh`). */
  scheme: string;
  /** One line for help texts. */
  help: string;
  /** How it serves each session kind it serves. */
  create: Partial<Record<SessionKind, Create>>;
}

/** A setting of the context that is a string (a file name), else undefined. */
function text(c: BackendContext, name: string): string | undefined {
  const v = c.settings[name];
  return typeof v === 'string' ? v : undefined;
}

function sshBridge(pty: { cols: number; rows: number; term: string } | undefined): Create {
  return (spec, c) =>
    new SshBridgeBackend({
      target: parseSshTarget(spec),
      privateKeyFile: text(c, 'sshKey'),
      knownHostsFile: c.stateDir ? path.join(c.stateDir, 'known_hosts') : undefined,
      pty,
      logger: c.logger,
    });
}

const BACKENDS: BackendEntry[] = [
  {
    scheme: 'builtin',
    help: "the device's own NETCONF server (netconf); a PTY shell as the session user (csh)",
    create: {
      netconf: (_spec, c) => new DeviceNetconfBackend(c.device, c.username),
      csh: (_spec, c) =>
        new ShellBackend({ user: c.username, ...(c.sessionUser.bare ? { account: c.sessionUser } : {}), allowRoot: c.settings.allowRootShell === true, interactive: c.settings.shellPrompt === true, deviceSocket: c.deviceSocket, logger: c.logger }),
    },
  },
  {
    scheme: 'exec',
    help: 'exec:COMMAND spawns COMMAND (/bin/sh -c) as the NETCONF server of each session',
    create: {
      netconf: (spec, c) => {
        const command = spec.slice('exec:'.length);
        if (!command.trim()) throw new UsageError('exec: needs a command, e.g. exec:/usr/sbin/netconf-server');
        const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...loginEnv(c.sessionUser, '/bin/sh') };
        const u = c.sessionUser.switchTo;
        return new ExecBackend({ command, uid: u?.uid, gid: u?.gid, env, cwd: c.sessionUser.home, logger: c.logger });
      },
    },
  },
  {
    scheme: 'ssh',
    help: 'ssh://user[:password]@host[:port] bridges sessions to an SSH server (netconf subsystem, or a shell)',
    create: { netconf: sshBridge(undefined), csh: sshBridge({ cols: 80, rows: 24, term: 'vt100' }) },
  },
];

/** The scheme of a spec: `builtin` for none, else what comes before the first ':'. */
export function schemeOf(spec: string | undefined): string {
  if (spec === undefined || spec === '' || spec === 'builtin') return 'builtin';
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(spec);
  return m ? m[1].toLowerCase() : '';
}

/** The registered backends (for help texts and tests). */
export function backendEntries(): readonly BackendEntry[] {
  return BACKENDS;
}

/** The backend a spec names for a session kind; UsageError for an unknown scheme or kind. */
export function createBackend(kind: SessionKind, spec: string | undefined, ctx: BackendContext): SessionBackend {
  const scheme = schemeOf(spec);
  const entry = BACKENDS.find((b) => b.scheme === scheme);
  const known = BACKENDS.map((b) => (b.scheme === 'builtin' ? 'builtin' : `${b.scheme}:`)).join(', ');
  if (!entry) throw new UsageError(`unknown ${kind} backend "${spec}" (known: ${known})`);
  const create = entry.create[kind];
  if (!create) throw new UsageError(`the ${scheme} backend does not serve ${kind} sessions`);
  return create(spec ?? 'builtin', ctx);
}
