/**
 * The backend registry: how a session kind's backend is chosen from its spec.
 *
 *   spec                         backend (file)
 *   (none) / builtin             netconf: the emulated device's NETCONF server (junos-netconf.ts)
 *                                csh:     a PTY shell as the session user (pty-shell.ts)
 *   exec:COMMAND                 a spawned command per session, as `netconf interactive` (exec.ts)
 *   ssh://user[:pw]@host[:port]  a bridge to another SSH server (ssh-bridge.ts)
 *
 * A new backend is one file in this folder plus one entry in BACKENDS below.
 * The device flags map onto specs: --netconf-command C is `exec:C`, --netconf-backend and
 * --shell-backend are ssh:// URLs.
 */
import type { Logger } from '../log.js';
import type { SessionBackend, SessionKind } from '../session/byte-session.js';
import { UsageError } from '../errors.js';
import type { EmulatedDevice } from '../junos/device.js';
import { loginEnv, type SessionUser } from '../shell/user.js';
import { ExecBackend } from './exec.js';
import { DeviceNetconfBackend } from './junos-netconf.js';
import { ShellBackend } from './pty-shell.js';
import { SshBridgeBackend, parseSshTarget } from './ssh-bridge.js';

/** Everything a backend may need from the device being assembled. */
export interface BackendContext {
  device: EmulatedDevice;
  /** The sessions' user (the JET app's username) and its resolved account. */
  username: string;
  sessionUser: SessionUser;
  allowRootShell: boolean;
  /** Interactive shell sessions (prompt and echo). */
  shellPrompt: boolean;
  /** The device socket the emulated `cli` talks to. */
  deviceSocket: string;
  /** Private key and known-hosts file for SSH bridges. */
  sshKey?: string;
  knownHostsFile?: string;
  logger: Logger;
}

export interface BackendEntry {
  /** `builtin`, or the spec's scheme without ':' (`exec`, `ssh`). */
  scheme: string;
  /** The session kinds it serves. */
  kinds: readonly SessionKind[];
  /** One line for help texts. */
  help: string;
  create(kind: SessionKind, spec: string, ctx: BackendContext): SessionBackend;
}

const BACKENDS: BackendEntry[] = [
  {
    scheme: 'builtin',
    kinds: ['netconf', 'csh'],
    help: "the device's own NETCONF server (netconf); a PTY shell as the session user (csh)",
    create: (kind, _spec, c) =>
      kind === 'netconf'
        ? new DeviceNetconfBackend(c.device, c.username)
        : new ShellBackend({ user: c.username, ...(c.sessionUser.bare ? { account: c.sessionUser } : {}), allowRoot: c.allowRootShell, interactive: c.shellPrompt, deviceSocket: c.deviceSocket, logger: c.logger }),
  },
  {
    scheme: 'exec',
    kinds: ['netconf'],
    help: 'exec:COMMAND spawns COMMAND (/bin/sh -c) as the NETCONF server of each session',
    create: (_kind, spec, c) => {
      const command = spec.slice('exec:'.length);
      if (!command.trim()) throw new UsageError('exec: needs a command, e.g. exec:/usr/sbin/netconf-server');
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...loginEnv(c.sessionUser, '/bin/sh') };
      const u = c.sessionUser.switchTo;
      return new ExecBackend({ command, uid: u?.uid, gid: u?.gid, env, cwd: c.sessionUser.home, logger: c.logger });
    },
  },
  {
    scheme: 'ssh',
    kinds: ['netconf', 'csh'],
    help: 'ssh://user[:password]@host[:port] bridges sessions to an SSH server (netconf subsystem, or a shell)',
    create: (kind, spec, c) =>
      new SshBridgeBackend({
        target: parseSshTarget(spec),
        privateKeyFile: c.sshKey,
        knownHostsFile: c.knownHostsFile,
        pty: kind === 'csh' ? { cols: 80, rows: 24, term: 'vt100' } : undefined,
        logger: c.logger,
      }),
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
  if (!entry.kinds.includes(kind)) throw new UsageError(`the ${scheme} backend does not serve ${kind} sessions`);
  return entry.create(kind, spec ?? 'builtin', ctx);
}
