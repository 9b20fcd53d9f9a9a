/**
 * Test support for the agent: a lab PKI, reference NMSs on 127.0.0.1 and agents in-process,
 * all torn down by `cleanup()`. Everything is real: TLS, gRPC, processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from '../../src/outbound/agent.js';
import type { SessionBackend, SessionKind } from '../../src/session/byte-session.js';
import type { ClientConfig, ServerConfig } from '../../src/outbound/config.js';
import { ExecBackend } from '../../src/backends/exec.js';
import { silentLogger, createLogger } from '../../src/log.js';
import { ReferenceNms } from '../../src/nms/server.js';
import { makeSelfSigned } from '../../src/nms/pki.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const MAIN_JS = path.join(REPO_ROOT, 'dist/src/cli/main.js');

export const testLogger = process.env.NCGD_TEST_LOG ? createLogger({ level: 'debug', format: 'pretty' }) : silentLogger;

export interface Pem {
  cert: string;
  key: string;
}

let loopbackCert: Promise<Pem> | undefined;
/** A self-signed certificate naming 127.0.0.1 by SAN IP, shared by the tests of one file. */
export function loopbackPki(): Promise<Pem> {
  loopbackCert ??= makeSelfSigned({ commonName: 'nms.lab', ipSans: ['127.0.0.1'] });
  return loopbackCert;
}

export class Harness {
  private readonly cleanups: (() => Promise<void> | void)[] = [];

  defer(fn: () => Promise<void> | void): void {
    this.cleanups.push(fn);
  }

  /**
   * `nc-grpc-device ARGS` as a child process, stderr collected; stopped at cleanup (SIGTERM,
   * SIGKILL 5 s later) unless it ended before.
   */
  cli(args: string[], env: Record<string, string> = {}): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
    const child = spawn(process.execPath, [MAIN_JS, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let err = '';
    child.stderr!.on('data', (b) => (err += b));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    this.defer(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const late = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(late);
      }
    });
    return { child, stderr: () => err, exited };
  }

  tempDir(prefix = 'ncgd-test-'): string {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    this.defer(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  async nms(pem?: Pem, port = 0): Promise<{ nms: ReferenceNms; port: number; server: ServerConfig }> {
    const p = pem ?? (await loopbackPki());
    const nms = new ReferenceNms({ host: '127.0.0.1', port, cert: p.cert, key: p.key, logger: testLogger });
    const bound = await nms.start();
    this.defer(() => nms.stop());
    return { nms, port: bound, server: { address: '127.0.0.1', port: bound, trustedCert: p.cert } };
  }

  /** A reference NMS and a temp dir holding its certificate (nms.crt), for devices started from files. */
  async nmsWithCertFile(): Promise<{ nms: ReferenceNms; port: number; dir: string; certFile: string }> {
    const pem = await loopbackPki();
    const { nms, port } = await this.nms(pem);
    const dir = this.tempDir();
    const certFile = path.join(dir, 'nms.crt');
    writeFileSync(certFile, pem.cert);
    return { nms, port, dir, certFile };
  }

  agent(clients: ClientConfig[], backends: Record<SessionKind, SessionBackend>, protocol: 'enhanced' | 'basic' = 'enhanced'): Agent {
    const agent = new Agent({ config: { clients, protocol }, backends, logger: testLogger });
    agent.start();
    this.defer(() => agent.stop());
    return agent;
  }

  async cleanup(): Promise<void> {
    for (const fn of this.cleanups.reverse()) {
      try {
        await fn();
      } catch {
        /* keep cleaning */
      }
    }
    this.cleanups.length = 0;
  }
}

export function client(name: string, servers: ServerConfig[], extra: Partial<ClientConfig> = {}): ClientConfig {
  return { name, deviceId: `dev-${name}`, secret: `s3cret-${name}`, waittime: 1, reconnectStrategy: 'in-order', servers, ...extra };
}

/** Backends that run `cat` (echo) for both kinds: real processes with a process group. */
export function catBackends(): Record<SessionKind, SessionBackend> {
  const b = new ExecBackend({ command: 'cat', logger: testLogger });
  return { netconf: b, csh: b };
}

/** Polls `pred` every 20 ms until true or `timeoutMs` passes; bounded. */
export async function until(pred: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
