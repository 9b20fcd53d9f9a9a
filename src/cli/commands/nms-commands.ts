/**
 * `nc-grpc-device nms` (run the reference NMS with an operator port) and
 * `nc-grpc-device session` (open one session through that operator port, stdin/stdout).
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { Argv, CommandModule } from 'yargs';
import type { ArgsOf } from '../argv.js';
import { RuntimeError, UsageError } from '../../errors.js';
import { isProtocolName, PROTOCOL_NAMES, type ProtocolName } from '../../wire/contract.js';
import { createLogger, type Logger } from '../../log.js';
import { OpsServer } from '../../nms/ops-server.js';
import type { OpsRequest } from '../../nms/ops-protocol.js';
import { ReferenceNms } from '../../nms/server.js';
import { applyServingHeapSettings } from '../../nms/heap-settings.js';
import { startReturningFreeMemory } from '../../native-memory.js';
import { fetchList, formatList, isConnectionLost, parseHostPort, rpcDocument, runSessionClient, SessionClientError, type SessionClientIo } from '../../nms/session-client.js';
import { resolveSecret } from '../../device/secrets.js';

/** The reference NMS's gRPC port: 8443, so that it runs without root (a device's default is 443). */
export const DEFAULT_NMS_PORT = 8443;
/** Where `session` finds the operator port by default: the nms's default (port + 1). */
export const DEFAULT_NMS_OPS = `127.0.0.1:${DEFAULT_NMS_PORT + 1}`;
/** The environment variable naming the operator address (HOST:PORT) for `session`. */
export const NMS_OPS_ENV = 'NCGD_NMS_OPS';

export interface NmsArgs {
  port: number;
  host: string;
  cert: string;
  key: string;
  opsPort?: number;
  basicSecret?: string;
  protocols?: string[];
}

function userError(message: string): Error {
  return new RuntimeError(message);
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' ? ' (make it with `nc-grpc-device certs --host 127.0.0.1`, or give --cert and --key)' : '';
    throw new UsageError(`nms: cannot read the ${what} ${file}: ${code ?? (err as Error).message}${hint}`);
  }
}

function checkPort(v: number, flag: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 65535) throw new UsageError(`${flag} must be a port number (0-65535), not ${v}`);
}

export interface RunningNms {
  nms: ReferenceNms;
  port: number;
  opsPort: number;
  stop(): Promise<void>;
}

/** Starts the NMS and its operator port; resolves once both listen. */
export async function startNms(args: NmsArgs, logger: Logger = createLogger()): Promise<RunningNms> {
  checkPort(args.port, '--port');
  if (args.opsPort !== undefined) checkPort(args.opsPort, '--ops-port');
  const protocols = (args.protocols ?? [...PROTOCOL_NAMES]).map(String);
  for (const p of protocols) if (!isProtocolName(p)) throw new UsageError(`--protocols takes ${PROTOCOL_NAMES.join(' and/or ')}, not ${JSON.stringify(p)}`);
  const cert = readPem(args.cert, 'certificate');
  const key = readPem(args.key, 'private key');
  const nms = new ReferenceNms({
    host: args.host,
    port: args.port,
    cert,
    key,
    logger,
    basicSecret: args.basicSecret,
    protocols: protocols as ProtocolName[],
  });
  let port: number;
  try {
    port = await nms.start();
  } catch (err) {
    await nms.stop();
    const code = /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL)\b/.exec((err as Error).message)?.[1];
    const why = code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied' : code === 'EADDRNOTAVAIL' ? 'no such local address' : undefined;
    throw userError(`nms: ${why ? `cannot listen on ${args.host}:${args.port}: ${why} (${code})` : (err as Error).message}`);
  }
  const ops = new OpsServer(nms, logger);
  let opsPort: number;
  try {
    opsPort = await ops.listen(args.opsPort ?? (args.port === 0 ? 0 : port + 1));
  } catch (err) {
    await nms.stop();
    throw userError(`nms: ${(err as Error).message}`);
  }
  logger.info({ opsPort }, 'operator port listening');
  return {
    nms,
    port,
    opsPort,
    async stop() {
      await ops.stop();
      await nms.stop();
    },
  };
}

export const nmsCommand: CommandModule<object, NmsArgs> = {
  command: 'nms',
  describe: "Run the reference NMS (Juniper's sample, made correct and observable); open sessions with `session`",
  builder: (y: Argv<object>) =>
    y
      .option('port', { alias: 'p', type: 'number', default: DEFAULT_NMS_PORT, describe: 'gRPC port the devices dial (0 = any free port; 443 as on a production NMS needs root)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind (0.0.0.0 or :: for every interface)' })
      .option('cert', { type: 'string', default: 'server.crt', describe: 'server certificate (PEM), as `certs` writes it' })
      .option('key', { type: 'string', default: 'server.key', describe: 'server private key (PEM), as `certs` writes it' })
      .option('ops-port', { type: 'number', describe: `operator port on 127.0.0.1 for \`session\` (default: port + 1, so ${DEFAULT_NMS_PORT + 1}, where \`session\` looks by default)` })
      .option('basic-secret', { type: 'string', describe: 'shared string of the basic (20.2) handshake (default nc_grpc_device)' })
      .option('protocols', { type: 'string', array: true, choices: PROTOCOL_NAMES, describe: 'services to serve (default both)' })
      .option('log-format', { type: 'string', choices: ['json', 'pretty'], describe: 'log format (default: pretty on a terminal, else json)' })
      .option('log-level', { type: 'string', choices: ['trace', 'debug', 'info', 'warn', 'error'], default: 'info' })
      .example('$0 certs --host 127.0.0.1 && $0 nms', `an NMS for devices dialling 127.0.0.1:${DEFAULT_NMS_PORT}`)
      .example('$0 certs --host 192.0.2.10 && $0 nms --host 0.0.0.0', `an NMS for devices dialling 192.0.2.10:${DEFAULT_NMS_PORT}`),
  handler: async (args) => {
    const a = args as NmsArgs & { 'log-format'?: 'json' | 'pretty'; 'log-level'?: string };
    applyServingHeapSettings();
    const logger = createLogger({ format: a['log-format'], level: a['log-level'] });
    // grpc-js writes its own errors to stderr (`E No address added out of total 1 resolved`
    // before our one line when the port is taken): they go to the log, at debug.
    grpc.setLogger({ error: (...parts: unknown[]) => logger.debug({ grpc: parts.map(String).join(' ').trim() }, 'grpc-js') });
    const running = await startNms(args, logger);
    // Each device session is a connection of its own: what they freed goes back to the system.
    startReturningFreeMemory(logger);
    process.stdout.write(`nms: listening on ${args.host}:${running.port}; operator port 127.0.0.1:${running.opsPort}\n`);
    const opsAddress = `127.0.0.1:${running.opsPort}`;
    const sessionCmd = opsAddress === (process.env[NMS_OPS_ENV] || DEFAULT_NMS_OPS) ? 'nc-grpc-device session' : `NCGD_NMS_OPS=${opsAddress} nc-grpc-device session`;
    process.stdout.write(`nms: devices dial it with --port ${running.port} --cert-file ${args.cert}; see them with: ${sessionCmd} --list\n`);
    await new Promise<void>((resolve) => {
      const onSignal = (): void => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    logger.info('NMS stopping');
    await running.stop();
  },
};

export interface SessionArgs {
  device?: string;
  secret?: string;
  secretFile?: string;
  type?: string;
  basic: boolean;
  list: boolean;
  json?: boolean;
  nmsOps: string;
  timeout: number;
  command?: string[];
  rpc?: string[];
  idleMs?: number;
  wait?: number;
}

/** The session type: --type, else netconf for --rpc and csh otherwise. */
function sessionType(args: SessionArgs): string {
  return args.type ?? (args.rpc?.length ? 'netconf' : 'csh');
}

/** The operator request for these flags; UsageError on a bad combination. */
export function sessionRequest(args: SessionArgs): OpsRequest {
  if (!Number.isFinite(args.timeout) || args.timeout <= 0) throw new UsageError(`session: --timeout must be a positive number of seconds, not ${args.timeout}`);
  const timeoutMs = Math.round(args.timeout * 1000);
  if (args.list) return { op: 'list' };
  if (args.command?.length && args.rpc?.length) throw new UsageError('session: give --command (csh) or --rpc (NETCONF), not both');
  const type = sessionType(args);
  if (args.command?.length && type !== 'csh') throw new UsageError('session: --command runs csh commands; for NETCONF give --rpc');
  if (args.rpc?.length && type !== 'netconf') throw new UsageError('session: --rpc sends NETCONF RPCs; it needs --type netconf (the default with --rpc)');
  if (args.basic) {
    if (args.command?.length) throw new UsageError('session: a basic (20.2) session is NETCONF: give --rpc, not --command');
    return { op: 'basic-session', timeoutMs };
  }
  if (!args.device) throw new UsageError('session: --device is required (or --basic for a basic 20.2 device)');
  const secret = resolveSecret({ secret: args.secret, secretFile: args.secretFile });
  if (secret === undefined) throw new UsageError('session: --secret is required (or --secret-file, or NCGD_SECRET)');
  if (type !== 'netconf' && type !== 'csh') throw new UsageError(`session: --type must be netconf or csh, not ${JSON.stringify(type)}`);
  return { op: 'session', device: args.device, secret, type, timeoutMs };
}

function checkPositive(v: number | undefined, flag: string): void {
  if (v !== undefined && (!Number.isFinite(v) || v <= 0)) throw new UsageError(`session: ${flag} must be a positive number, not ${v}`);
}

/**
 * Runs `session` with the given streams; resolves with the exit code when the session is
 * over. A one-shot run (--command/--rpc) that did not get its answers rejects with one line.
 */
export async function runSession(args: SessionArgs, io: SessionClientIo): Promise<number> {
  try {
    return await runSessionOnce(args, io);
  } catch (err) {
    // Nothing listens where we looked: say where that address came from and how to change it.
    if (err instanceof SessionClientError && /^cannot reach the NMS operator port .*ECONNREFUSED/.test(err.message)) {
      const from = process.env[NMS_OPS_ENV] && args.nmsOps === process.env[NMS_OPS_ENV] ? `$${NMS_OPS_ENV}` : args.nmsOps === DEFAULT_NMS_OPS ? 'the default' : '--nms-ops';
      throw new SessionClientError(`${err.message} (${from}; is \`nc-grpc-device nms\` running? it prints its operator port: give it with --nms-ops HOST:PORT or ${NMS_OPS_ENV})`);
    }
    throw err;
  }
}

async function runSessionOnce(args: SessionArgs, io: SessionClientIo): Promise<number> {
  const request = sessionRequest(args);
  checkPositive(args.idleMs, '--idle-ms');
  checkPositive(args.wait, '--wait');
  let ops: { host: string; port: number };
  try {
    ops = parseHostPort(args.nmsOps);
  } catch (err) {
    throw new UsageError(`session: --nms-ops: ${(err as Error).message}`);
  }
  if (request.op === 'list') {
    const list = await fetchList(ops);
    // With --device: that device only; when it is not there, say so and list all.
    const d = args.device;
    const mine = d === undefined ? list : { waiting: d in list.waiting ? { [d]: list.waiting[d] } : {}, waitingBasic: 0, sessions: list.sessions.filter((s) => s.device === d) };
    const found = d === undefined || Object.keys(mine.waiting).length > 0 || mine.sessions.length > 0;
    if (!found) io.notice(`no device ${d} is waiting or in a session; all devices:`);
    const shown = found ? mine : list;
    io.output.write(args.json ? `${JSON.stringify(shown)}\n` : formatList(shown));
    return found ? 0 : 1;
  }
  const commands = args.command?.length ? args.command.map(String) : args.rpc?.length ? args.rpc.map((r) => rpcDocument(String(r))) : undefined;
  let result;
  try {
    result = await runSessionClient(ops, request, io, { commands, waitMs: args.wait === undefined ? undefined : args.wait * 1000 });
  } catch (err) {
    // No such device: say which ones are waiting.
    if (request.op === 'session' && err instanceof SessionClientError && /^no device /.test(err.message)) {
      // Only to enrich the message: without the list, the error stands as it is.
      const list = await fetchList(ops).catch(() => undefined);
      if (list) {
        const names = Object.keys(list.waiting);
        throw new SessionClientError(`${err.message}; ${names.length ? `waiting: ${names.join(', ')}` : 'no device is waiting'}`);
      }
    }
    throw err;
  }
  if (isConnectionLost(result.reason)) {
    throw new SessionClientError('connection lost: the session with the device was cut before the device ended it; output after the cut is lost');
  }
  if (!commands) {
    if (!result.complete) throw new SessionClientError(`the device did not end the session within --wait ${args.wait ?? 60} s after the end of input`);
    return 0;
  }
  if (!['device-closed', 'device-stopping'].includes(result.reason)) {
    throw new SessionClientError(`the session ended abnormally (${result.reason})`);
  }
  if (!result.complete) {
    throw new SessionClientError(
      sessionType(args) === 'netconf' || args.basic
        ? `${result.rpcsSent - result.repliesReceived} of ${result.rpcsSent} replies did not come`
        : 'the commands did not finish before the session ended',
    );
  }
  if (result.rpcError !== undefined) throw new SessionClientError(`the device answered with an rpc-error: ${result.rpcError}`);
  return 0;
}

const sessionOptions = (y: Argv<object>) =>
  y
    .option('device', { alias: 'd', type: 'string', describe: 'device-id of the device' })
    .option('secret', { type: 'string', describe: 'the shared secret configured on the device (visible to other local users in the process list: prefer --secret-file or NCGD_SECRET)' })
    .option('secret-file', { type: 'string', describe: 'file whose first line is the shared secret' })
    .option('type', { type: 'string', choices: ['netconf', 'csh'], describe: 'session type (default csh; netconf with --rpc)' })
    .option('command', { alias: 'c', type: 'string', array: true, describe: 'one-shot: run this csh command (repeatable), print its output, exit' })
    .option('rpc', { type: 'string', array: true, describe: 'one-shot: send this NETCONF RPC (repeatable; an operation name, an element or a whole <rpc>), print the replies, exit' })
    .option('idle-ms', { type: 'number', hidden: true, describe: 'no longer used: end of input sends exit and waits for the device to end the session (see --wait)' })
    .option('wait', { type: 'number', default: 60, describe: 'at end of input or of the one-shot commands: longest wait, in seconds, for the replies (NETCONF) or for the device to end the session after exit (csh)' })
    .option('basic', { type: 'boolean', default: false, describe: 'take the next basic (20.2) device session instead' })
    .option('list', { type: 'boolean', default: false, describe: 'print the devices waiting and the sessions open (with --device: that one, or all when it is not there, exit 1), then exit' })
    .option('json', { type: 'boolean', default: false, describe: 'with --list: print JSON' })
    .option('nms-ops', { type: 'string', default: process.env[NMS_OPS_ENV] || DEFAULT_NMS_OPS, defaultDescription: `$${NMS_OPS_ENV}, else ${DEFAULT_NMS_OPS}`, describe: "operator port of the nms (HOST:PORT), as `nms` prints it" })
    .option('timeout', { type: 'number', default: 10, describe: 'seconds to wait for the device' })
    .example('$0 session --list', 'the devices waiting at the nms on this machine')
    .example('$0 session -d dev1 --secret-file s --type netconf', 'NETCONF with dev1, RPCs on stdin')
    .example(`$0 session -d dev1 --secret-file s --command 'cli -c "show version"'`, 'one csh command, its output, exit status')
    .example('$0 session -d dev1 --secret-file s --rpc get-software-information', 'one RPC, its reply');

export const sessionCommand: CommandModule<object, ArgsOf<typeof sessionOptions>> = {
  command: 'session',
  describe: 'Open a NETCONF or csh session with a device waiting at a running `nms` (stdin lines are commands; or one-shot with --command/--rpc)',
  builder: sessionOptions,
  handler: async (args) => {
    // `session ... | head`: a reader that goes away ends the run quietly (the NMS closes the session).
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
    process.exitCode = await runSession(args, {
      input: process.stdin,
      output: process.stdout,
      notice: (line) => process.stderr.write(`${line}\n`),
    });
    // Input may still be open (a terminal): the session is over, so stop reading it.
    process.stdin.destroy();
  },
};
