/**
 * Real NETCONF clients (Junos PyEZ, ncclient) for tests: installs Debian's packages when
 * missing and allowed, runs the scripts under test/clients/ against an emulated device
 * served by the SSH face in this process, and parses their JSON.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmulatedDevice } from '../../src/junos/device.js';
import { startSshFace, type SshFace } from '../../src/ssh/server.js';
import { testLogger } from './agent-harness.js';
import { PYTHON, ensureDebianPython } from './debian-python.js';

export const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
export const CLIENTS_DIR = path.join(REPO_ROOT, 'test/clients');
export { PYTHON };

let ready: Promise<string | null> | undefined;

/**
 * Null when PyEZ and ncclient can run; otherwise why not (the tests skip with that reason).
 * As root it installs them from Debian (serialised with flock: test files run in parallel).
 */
export function pythonClients(): Promise<string | null> {
  ready ??= ensureDebianPython('ncclient, jnpr.junos', ['python3-ncclient', 'python3-junos-eznc'], 'the real-client tests');
  return ready;
}

/** Runs test/clients/NAME with the given arguments; resolves with its JSON output. */
export function runClient<T = unknown>(name: string, args: string[], timeoutMs = 120000): Promise<T> {
  const home = mkdtempSync(path.join(tmpdir(), 'ncgd-pyhome-'));
  return new Promise<T>((resolve, reject) => {
    // A HOME of its own keeps the user's ~/.ssh keys and config out of the test.
    const child = spawn(PYTHON, ['-W', 'ignore::SyntaxWarning', path.join(CLIENTS_DIR, name), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // No __pycache__ in test/clients (the scripts import _pyez_compat.py from there).
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        if (code !== 0) throw new Error('exit');
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${name} ${code === null ? `was killed (${signal})` : `exited ${code}`}:\n${err.trim().split('\n').slice(-15).join('\n')}\nstdout: ${out.slice(-1000)}`));
      }
    });
  });
}

export interface DeviceOverSsh {
  device: EmulatedDevice;
  face: SshFace;
  /** Arguments the client scripts take: host, port, user, password. */
  args: string[];
  user: string;
  close(): Promise<void>;
}

/** An emulated device of a profile, reachable over the SSH face on 127.0.0.1. */
export async function deviceOverSsh(profile: string, user = 'netops', password = 'Juniper!23', authorizedKeysFile?: string): Promise<DeviceOverSsh> {
  const stateDir = mkdtempSync(path.join(tmpdir(), `ncgd-${profile}-`));
  const device = await EmulatedDevice.create({ profile, stateDir, logger: testLogger });
  let face: SshFace;
  try {
    face = await startSshFace({
      host: '127.0.0.1',
      port: 0,
      users: [{ name: user, password }],
      authorizedKeysFile,
      hostKeyPath: path.join(stateDir, 'ssh_host_ed25519_key'),
      openNetconf: (u, client) => device.openNetconf({ user: u, client }),
      logger: testLogger,
    });
  } catch (e) {
    await device.close();
    throw e;
  }
  return {
    device,
    face,
    user,
    args: ['127.0.0.1', String(face.port), user, password],
    async close() {
      await face.close();
      await device.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
