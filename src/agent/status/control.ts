/**
 * The agent's local control socket: HTTP over a UNIX socket, readable by the owner only.
 * `GET /status` answers the agent's status as JSON, so besides `nc-grpc-device status`,
 * `curl --unix-socket <path> http://agent/status` works too.
 */
import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { publicStatus, StatusError, type AgentStatus } from './types.js';

/** Where the agent keeps its runtime files unless told otherwise. */
export function defaultStateDir(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'nc-grpc-device');
}

/** The control socket's path in a state directory. */
export function controlSocketPath(stateDir: string = defaultStateDir()): string {
  return join(stateDir, 'control.sock');
}

/** UNIX socket paths are limited to 107 bytes on Linux (103 on macOS). */
const MAX_SOCKET_PATH = process.platform === 'linux' ? 107 : 103;

function checkPath(path: string): void {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new StatusError(`control socket path is too long for a UNIX socket (${Buffer.byteLength(path)} bytes, at most ${MAX_SOCKET_PATH}): ${path}`);
  }
}

/** True when some process accepts connections on the socket at `path`. */
function somethingListens(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(path);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(path);
  });
}

/**
 * Serves `getStatus()` on a UNIX socket at `path` (its directory is created, mode 0700).
 * A stale socket file left by a dead agent is replaced; a live one is an error.
 */
export async function startControlServer(path: string, getStatus: () => AgentStatus): Promise<{ path: string; close(): Promise<void> }> {
  checkPath(path);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StatusError(`cannot create the directory of control socket ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || (url !== '/status' && url !== '/')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /status\n');
      return;
    }
    let body: string;
    try {
      body = JSON.stringify(publicStatus(getStatus()));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`status unavailable: ${(err as Error).message}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(`${body}\n`);
  });
  try {
    await listen(server, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE') throw new StatusError(`cannot listen on control socket ${path}: ${code ?? (err as Error).message}`);
    if (await somethingListens(path)) throw new StatusError(`another agent is already using control socket ${path}`);
    unlinkSync(path);
    await listen(server, path).catch((e: NodeJS.ErrnoException) => {
      throw new StatusError(`cannot listen on control socket ${path}: ${e.code ?? e.message}`);
    });
  }
  chmodSync(path, 0o600);
  let closing: Promise<void> | undefined;
  return {
    path,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Asks the agent on `path` for its status; StatusError when nobody answers there. */
export function fetchStatus(path: string, timeoutMs = 5_000): Promise<AgentStatus> {
  checkPath(path);
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: path, path: '/status', method: 'GET', timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) {
          reject(new StatusError(`the agent on ${path} answered ${res.statusCode}: ${text.trim()}`));
          return;
        }
        try {
          resolve(JSON.parse(text) as AgentStatus);
        } catch {
          reject(new StatusError(`the process on ${path} did not answer with a status (not JSON)`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new StatusError(`no answer from ${path} within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof StatusError) reject(err);
      else if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
        reject(new StatusError(`no agent is listening on ${path} (is it running? use --control PATH or --state-dir DIR as given to the agent)`));
      } else reject(new StatusError(`cannot reach the agent on ${path}: ${err.code ?? err.message}`));
    });
    req.end();
  });
}
