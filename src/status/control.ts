/**
 * The agent's local control socket: HTTP over a UNIX socket, readable by the owner only.
 * `GET /status` answers the agent's status as JSON, so besides `nc-grpc-device status`,
 * `curl --unix-socket <path> http://agent/status` works too. With fault injection wired in:
 * `GET /faults`, `POST /faults` ({"add": [specs], "clear": true}) and `POST /drop-connections`.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { publicStatus, refreshed, StatusError, summarize, type AgentStatus, type Inventory } from './types.js';

/** Up to this many clients, a summary lists them too; beyond, `--device ID` shows one. */
export const SUMMARY_ROWS = 50;
import { FaultSpecError, type FaultSet } from '../faults/faults.js';

/** What the control socket can do about faults, when the agent has them. */
export interface FaultControl {
  faults: FaultSet;
  /** Cuts every live session and pending Initialize abruptly; returns the sessions cut. */
  dropConnections(): number;
}

/** What the control socket can do about device events (`nc-grpc-device event`), when the process has devices. */
export interface EventControl {
  /** Applies one event (command-line words) to the selected devices; rejects with a one-line error. */
  apply(words: string[], device?: string): Promise<{ device: number; hostname: string; result: string }[]>;
  /** Events applied so far, per kind; the scenarios running and what they applied. */
  counts(): Record<string, number>;
  scenarios?(): unknown[];
  /** Starts a scenario (YAML text); rejects with a one-line error. */
  runScenario?(text: string, name: string): Promise<unknown>;
}

/** Largest request body accepted (a list of fault specs). */
const MAX_BODY_BYTES = 64 * 1024;

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

/** What the control socket answers from. */
interface Sources {
  getStatus: () => AgentStatus;
  /** Brings what getStatus and inventory read up to date (a threaded fleet's other threads). */
  refresh?: () => Promise<void>;
  faults?: FaultControl;
  inventory?: () => Inventory;
  events?: EventControl;
}

type Reply = (code: number, body: unknown) => void;

/** GET /status: everything; `?device=ID` one device's clients; `?summary` counts (the clients only while few). */
function statusRoute(src: Sources, query: URLSearchParams, reply: Reply): void {
  let status: AgentStatus;
  try {
    status = publicStatus(src.getStatus());
  } catch (err) {
    reply(500, `status unavailable: ${(err as Error).message}`);
    return;
  }
  const device = query.get('device');
  if (device !== null) {
    // One device of a fleet: its clients only.
    const clients = status.clients.filter((c) => c.deviceId === device || c.name === device);
    if (!clients.length) reply(400, `no device "${device.slice(0, 200)}" in this agent (${status.clients.length} client${status.clients.length === 1 ? '' : 's'})`);
    else reply(200, { ...status, clients });
    return;
  }
  if (query.get('summary') !== null) {
    // A fleet at a glance: counts, and the clients only while they are few.
    const summary = summarize(status.clients);
    const few = status.clients.length <= SUMMARY_ROWS;
    reply(200, { ...status, summary, clients: few ? status.clients : [], ...(few ? {} : { omitted: status.clients.length }) });
    return;
  }
  reply(200, status);
}

/** POST /faults: {"add": [specs], "clear": true}; answers the faults now injected. */
function changeFaultsRoute(faults: FaultControl, req: IncomingMessage, reply: Reply): void {
  readBody(req).then(
    (text) => {
      try {
        reply(200, { faults: faults.faults.change(parseFaultChange(text)) });
      } catch (err) {
        if (err instanceof FaultSpecError || err instanceof StatusError) reply(400, err.message);
        else reply(500, `fault change failed: ${(err as Error).message}`);
      }
    },
    (err: Error) => reply(400, err.message),
  );
}

/** POST /scenario: {"text": "<scenario YAML>", "name": "file.yaml"}; answers what started. */
function scenarioRoute(run: (text: string, name: string) => Promise<unknown>, req: IncomingMessage, reply: Reply): void {
  readBody(req)
    .then((text) => {
      let body: { text?: unknown; name?: unknown };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        throw new StatusError('the body must be JSON: {"text": "<scenario YAML>", "name": "file.yaml"}');
      }
      if (typeof body.text !== 'string') throw new StatusError('the body must be {"text": "<scenario YAML>", "name": "file.yaml"}');
      return run(body.text, typeof body.name === 'string' ? body.name : 'scenario');
    })
    .then(
      (started) => reply(200, started),
      (err: Error) => reply(400, err.message.split('\n')[0]),
    );
}

/** POST /event: {"event": [words], "device": "3"}; answers each device's result. */
function eventRoute(events: EventControl, req: IncomingMessage, reply: Reply): void {
  readBody(req)
    .then((text) => {
      const body = parseEventBody(text);
      return events.apply(body.event, body.device);
    })
    .then(
      (results) => reply(200, { results }),
      (err: Error) => reply(400, err.message.split('\n')[0]),
    );
}

/** Answers one request to the control socket. */
function answer(src: Sources, req: IncomingMessage, res: ServerResponse): void {
  const { faults, inventory, events } = src;
  const [url, search] = (req.url ?? '/').split('?');
  const reply: Reply = (code, body) => {
    if (typeof body === 'string') res.writeHead(code, { 'content-type': 'text/plain' }).end(`${body}\n`);
    else res.writeHead(code, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
  };
  const route = `${req.method} ${url}`;
  if (route === 'GET /status' || route === 'GET /') {
    void refreshed(src.refresh).then(() => statusRoute(src, new URLSearchParams(search ?? ''), reply));
    return;
  }
  if (inventory && route === 'GET /inventory') {
    void refreshed(src.refresh).then(() => reply(200, inventory()));
    return;
  }
  if (faults && route === 'GET /faults') return reply(200, { faults: faults.faults.list() });
  if (faults && route === 'POST /drop-connections') return reply(200, { sessions: faults.dropConnections() });
  if (faults && route === 'POST /faults') return changeFaultsRoute(faults, req, reply);
  if (events && route === 'GET /events') return reply(200, { events: events.counts(), ...(events.scenarios ? { scenarios: events.scenarios() } : {}) });
  if (events?.runScenario && route === 'POST /scenario') return scenarioRoute(events.runScenario.bind(events), req, reply);
  if (events && route === 'POST /event') return eventRoute(events, req, reply);
  const known = (faults ? 'GET /status, GET /faults, POST /faults, POST /drop-connections' : 'GET /status') + (inventory ? ', GET /inventory' : '');
  reply(404, `not found: try ${known}`);
}

/** Listens on `path`, replacing a stale socket file left by a dead agent; a live one is an error. */
async function listenReplacingStale(server: Server, path: string): Promise<void> {
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
}

/**
 * Serves `getStatus()` on a UNIX socket at `path` (its directory is created, mode 0700).
 * A stale socket file left by a dead agent is replaced; a live one is an error.
 */
export async function startControlServer(path: string, getStatus: () => AgentStatus, faults?: FaultControl, inventory?: () => Inventory, events?: EventControl, refresh?: () => Promise<void>): Promise<{ path: string; close(): Promise<void> }> {
  checkPath(path);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StatusError(`cannot create the directory of control socket ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const server = createServer((req, res) => answer({ getStatus, faults, inventory, events, refresh }, req, res));
  await listenReplacingStale(server, path);
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

/** Reads a request body as text, refusing more than MAX_BODY_BYTES. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new StatusError(`request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The body of POST /event: {"event": ["link-down", "ge-0/0/1"], "device": "3"} (device optional). */
function parseEventBody(text: string): { event: string[]; device?: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new StatusError('the body must be JSON: {"event": ["KIND", "ARG", ...], "device": "ID"}');
  }
  const b = body as { event?: unknown; device?: unknown };
  if (typeof body !== 'object' || body === null || !Array.isArray(b.event) || b.event.length === 0 || !b.event.every((w) => typeof w === 'string')) {
    throw new StatusError('the body must be {"event": ["KIND", "ARG", ...], "device": "ID"}');
  }
  if (b.device !== undefined && typeof b.device !== 'string' && typeof b.device !== 'number') throw new StatusError('"device" must be a string or a number');
  return { event: b.event as string[], ...(b.device !== undefined ? { device: String(b.device) } : {}) };
}

/** The body of POST /faults: {"add": ["spec", ...], "clear": true}, both optional. */
function parseFaultChange(text: string): { add?: string[]; clear?: boolean } {
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new StatusError('the body must be JSON: {"add": ["spec", ...], "clear": true}');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new StatusError('the body must be a JSON object: {"add": [...], "clear": true}');
  const { add, clear, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) throw new StatusError(`unknown field "${extra[0]}" (known: add, clear)`);
  if (add !== undefined && (!Array.isArray(add) || add.some((a) => typeof a !== 'string'))) throw new StatusError('"add" must be a list of fault specs (strings)');
  if (clear !== undefined && typeof clear !== 'boolean') throw new StatusError('"clear" must be true or false');
  return { add: add as string[] | undefined, clear: clear as boolean | undefined };
}

/**
 * One request to the agent on `path`; resolves with the JSON it answers. StatusError (one
 * line) when nobody answers there or the agent refuses the request.
 */
export function controlRequest<T>(path: string, method: 'GET' | 'POST', urlPath: string, body?: unknown, timeoutMs = 5_000): Promise<T> {
  checkPath(path);
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    const req = request({ socketPath: path, path: urlPath, method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 400) {
          reject(new StatusError(text.trim()));
          return;
        }
        if (res.statusCode !== 200) {
          reject(new StatusError(`the agent on ${path} answered ${res.statusCode}: ${text.trim()}`));
          return;
        }
        try {
          resolve(JSON.parse(text) as T);
        } catch {
          reject(new StatusError(`the process on ${path} did not answer with JSON`));
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
    req.end(payload);
  });
}

/**
 * Asks the agent on `path` for its status (`device`: that device's clients only; `summary`:
 * counts, the clients only while few); StatusError when nobody answers there.
 */
export async function fetchStatus(path: string, timeoutMs = 5_000, opts: { device?: string; summary?: boolean } = {}): Promise<AgentStatus> {
  const query = opts.device !== undefined ? `?device=${encodeURIComponent(opts.device)}` : opts.summary ? '?summary=1' : '';
  try {
    return await controlRequest<AgentStatus>(path, 'GET', `/status${query}`, undefined, timeoutMs);
  } catch (err) {
    if (err instanceof StatusError && /did not answer with JSON/.test(err.message)) {
      throw new StatusError(`the process on ${path} did not answer with a status (not JSON)`);
    }
    throw err;
  }
}
