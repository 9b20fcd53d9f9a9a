/**
 * The SSH faces of this thread's devices (--ssh-port): NETCONF (subsystem netconf) and the
 * Junos cli of each device, with its own host key, on the place its number gives it.
 */
import path from 'node:path';
import type { ByteSession } from '../session/byte-session.js';
import type { EmulatedDevice } from '../junos/device.js';
import { serveDeviceSocket } from '../shell/device-socket.js';
import type { SessionUser } from '../shell/user.js';
import { openPtyShell } from '../shell/pty-session.js';
import { cliBinDir } from '../shell/cli-bin.js';
import { startSshFace } from '../ssh/server.js';
import { serveSftp } from '../ssh/sftp.js';
import { parseScpCommand, serveScp } from '../ssh/scp.js';
import { filesOf } from '../junos/files/index.js';
import { bootOf } from '../junos/life/boot.js';
import { rebootingSshFace } from './reboot-faces.js';
import type { Outfitter } from './equipment.js';
import { memberLogger, memberStateDir, type Run } from './run.js';

const HOST_KEY = 'ssh_host_ed25519_key';

/** Device n's host key: in its state directory (device-n of a fleet), else in the run directory. */
function hostKeyPath(run: Run, n: number): string {
  const dir = memberStateDir(run, n);
  if (dir) return path.join(dir, HOST_KEY);
  return path.join(run.runDir, run.layout.fleet ? `${HOST_KEY}-${n}` : HOST_KEY);
}

/**
 * Each SSH login's cli gets a device socket of its own, opened as that login: its commits
 * are the login's ("by lab via cli"), not the sessions' user's. Gone with the session.
 */
function loginSockets(run: Run, outfitter: Outfitter) {
  let count = 0;
  return async (member: EmulatedDevice, n: number, login: string, open: (socketPath: string, account: SessionUser) => ByteSession): Promise<ByteSession> => {
    const socketPath = path.join(run.runDir, `cli-login-${++count}`, 'device.sock');
    const account = outfitter.userOf(outfitter.user, n).account;
    const sock = await serveDeviceSocket(() => member.openNetconf({ user: login, client: 'cli' }), socketPath, { owner: account, logger: run.logger });
    let session: ByteSession;
    try {
      session = open(sock.path, account);
    } catch (err) {
      await sock.close();
      throw err;
    }
    session.once('end', () => void sock.close());
    return session;
  };
}

/** Starts the SSH face of every device of the run, when SSH faces are asked for. */
export async function startSshFaces(run: Run, outfitter: Outfitter): Promise<void> {
  const { settings: s, layout } = run;
  if (!layout.sshPlace) return;
  const users = layout.sshUsers;
  const cli = path.join(cliBinDir(), 'cli');
  const withLoginSocket = loginSockets(run, outfitter);
  const shell = (login: string, command: string[], extra: { interactive?: boolean; cols?: number; rows?: number }) => (sock: string, account: SessionUser) =>
    openPtyShell({ command, env: { USER: login, LOGNAME: login }, user: outfitter.user.name, account, allowRoot: s.allowRootShell, deviceSocket: sock, logger: run.logger, ...extra });
  for (const [k, member] of run.devices.entries()) {
    const n = run.numbers[k];
    const place = layout.sshPlace(n);
    const rec = run.recorder.ssh(member, layout.fleet ? n : undefined);
    const log = memberLogger(run, n);
    // The face goes down with its device's reboot and listens again at boot.
    const ssh = await rebootingSshFace(bootOf(member), startSshFace, {
      host: place.host,
      port: place.port,
      users,
      authorizedKeysFile: s.sshAuthorizedKeys,
      hostKeyPath: hostKeyPath(run, n),
      openNetconf: (login: string, client: string) => rec.netconf(member.openNetconf({ user: login, client }), login, client),
      // A Junos login lands in the CLI (run as the sessions' user, named as the SSH login);
      // `ssh device "show version"` runs one CLI command.
      openShell: async (login, pty) => rec.shell(login, await withLoginSocket(member, n, login, shell(login, [cli], { interactive: true, cols: pty?.cols, rows: pty?.rows }))),
      openCommand: async (login, command) => rec.command(login, command, await withLoginSocket(member, n, login, shell(login, [cli, '-c', command], {}))),
      logger: log,
      // The device's file system over SFTP and scp -t/-f (what scp, sftp and PyEZ's SCP use).
      sftp: (login, sftp) => serveSftp(sftp, filesOf(member), login, log),
      scp: (login, command, channel) => {
        const req = parseScpCommand(command);
        if (!req) return false;
        serveScp(channel, req, filesOf(member), login, log);
        return true;
      },
    });
    run.sshFaces.push({ host: ssh.host, port: ssh.port, fingerprint: ssh.fingerprint });
    run.sshSessions.push(ssh.sessions);
    run.stops.add(() => ssh.close());
    run.stops.add(ssh.detach);
    if (!layout.fleet) run.logger.info({ host: ssh.host, port: ssh.port, fingerprint: ssh.fingerprint, users: users.map((u) => u.name) }, 'SSH face listening (netconf subsystem and cli)');
  }
  const faces = run.sshFaces;
  if (layout.fleet) run.logger.info({ faces: faces.length, first: faces[0], last: faces[faces.length - 1], users: users.map((u) => u.name) }, 'SSH faces listening (netconf subsystem and cli)');
}
