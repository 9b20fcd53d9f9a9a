/**
 * The operator protocol between `nc-grpc-device session` and a running `nc-grpc-device nms`:
 * JSON objects, one per line, over plain TCP on 127.0.0.1 (the operator port).
 *
 *   client -> nms, first line (the request):
 *     {"op":"session","device":"ID","secret":"S","type":"netconf"|"csh","timeoutMs":10000}
 *     {"op":"basic-session","timeoutMs":10000}         next basic (20.2) device session
 *     {"op":"list"}                                     devices waiting, sessions open
 *   nms -> client, the answer:
 *     {"ok":true,"peer":"ip:port","device":"ID","type":"csh"}   (for list: {"ok":true,"waiting":{...},"sessions":[...]})
 *     {"ok":false,"error":"one line"}                    then the NMS closes the connection
 *   then, for a session, both ways until it ends:
 *     nms -> client  {"message":"text"}   one per device message, in order
 *                    {"end":"device-closed"|"close-timeout"|"nms-ended"|"cancelled"}   last line
 *     client -> nms  {"command":"text"}   one operator command (netconf_command/csh_command)
 *                    {"kill":2}           a kill signal
 *                    {"close":true}       the operator leaves (the NMS sends the exit text with
 *                                         kill_signal 2 and waits for the device to half-close)
 *   A client that disconnects without {"close":true} is treated as if it had sent it.
 */
import { createInterface } from 'node:readline';
import type { Socket } from 'node:net';

export type OpsRequest =
  | { op: 'session'; device: string; secret: string; type: 'netconf' | 'csh'; timeoutMs?: number }
  | { op: 'basic-session'; timeoutMs?: number }
  | { op: 'list' };

export type OpsAnswer =
  | { ok: true; peer: string; device?: string; type: 'netconf' | 'csh' }
  | { ok: true; waiting: Record<string, number>; waitingBasic: number; sessions: { peer: string; device?: string; type: string; protocol: string }[] }
  | { ok: false; error: string };

export type OpsFromNms = { message: string } | { end: string };
export type OpsToNms = { command: string } | { kill: number } | { close: true };

/** Writes one JSON line. */
export function sendLine(sock: Socket, obj: unknown): void {
  if (!sock.destroyed && sock.writable) sock.write(`${JSON.stringify(obj)}\n`);
}

/** Calls `onObject` with each JSON line read from the socket; a bad line calls `onBad`. */
export function readLines(sock: Socket, onObject: (o: Record<string, unknown>) => void, onBad: (line: string) => void): void {
  const rl = createInterface({ input: sock, crlfDelay: Infinity });
  // Socket errors are handled by the socket's owner; readline only repeats them.
  rl.on('error', () => {});
  rl.on('line', (line) => {
    if (line.trim() === '') return;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      onBad(line);
      return;
    }
    if (o && typeof o === 'object' && !Array.isArray(o)) onObject(o as Record<string, unknown>);
    else onBad(line);
  });
}
