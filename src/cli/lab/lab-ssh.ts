/**
 * Reaching a lab device through its SSH face: as the lab's first login, its host key checked
 * against the fingerprint the device reports. One cli command (`exec`), or a few NETCONF RPCs
 * in one session (the startup configuration).
 */
import { Client } from 'ssh2';
import { RuntimeError } from '../../errors.js';
import { CLIENT_HELLO, EOM } from '../../netconf/framing.js';
import { fingerprintOf } from '../../ssh/users.js';
import type { InventoryDevice } from '../../status/types.js';
import type { Lab } from './lab.js';

/** An SSH connection to a lab device's face. */
export function connectDevice(lab: Lab, d: InventoryDevice): Promise<Client> {
  const { username, password } = lab.login();
  if (!d.ssh) return Promise.reject(new RuntimeError(`${d.hostname} has no SSH face`));
  const ssh = d.ssh;
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.once('ready', () => resolve(c));
    c.once('error', (err) => reject(new RuntimeError(`cannot reach ${d.hostname} at ${ssh.host}:${ssh.port}: ${err.message}`)));
    c.connect({
      host: ssh.host,
      port: ssh.port,
      username,
      password,
      readyTimeout: 15_000,
      hostVerifier: (key: Buffer) => !ssh.fingerprint || fingerprintOf(key) === ssh.fingerprint,
    });
  });
}

/** Runs one cli command on the device; its output, error output and exit code. */
export async function execOnDevice(lab: Lab, d: InventoryDevice, command: string, timeoutMs = 60_000): Promise<{ code: number; out: string; err: string }> {
  const c = await connectDevice(lab, d);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new RuntimeError(`${d.hostname}: no answer to "${command}" within ${timeoutMs / 1000} s`)), timeoutMs);
      c.exec(command, (err, ch) => {
        if (err) {
          clearTimeout(timer);
          reject(new RuntimeError(`${d.hostname}: ${err.message}`));
          return;
        }
        let out = '';
        let errOut = '';
        let code = 0;
        ch.on('data', (b: Buffer) => (out += b.toString()));
        ch.stderr.on('data', (b: Buffer) => (errOut += b.toString()));
        ch.on('exit', (x: number | null) => (code = x ?? 1));
        ch.on('close', () => {
          clearTimeout(timer);
          resolve({ code, out, err: errOut });
        });
      });
    });
  } finally {
    c.end();
  }
}

/**
 * Sends RPCs in one NETCONF session (after the hellos) and returns their replies, in order;
 * closes the session properly.
 */
export async function netconfOnDevice(lab: Lab, d: InventoryDevice, rpcs: string[], timeoutMs = 60_000): Promise<string[]> {
  const c = await connectDevice(lab, d);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new RuntimeError(`${d.hostname}: NETCONF replies missing after ${timeoutMs / 1000} s`)), timeoutMs);
      c.subsys('netconf', (err, ch) => {
        if (err) {
          clearTimeout(timer);
          reject(new RuntimeError(`${d.hostname}: ${err.message}`));
          return;
        }
        let buf = '';
        const messages: string[] = [];
        ch.on('data', (b: Buffer) => {
          buf += b.toString();
          let i: number;
          while ((i = buf.indexOf(EOM)) >= 0) {
            messages.push(buf.slice(0, i));
            buf = buf.slice(i + EOM.length);
            // The device's hello, then a reply per RPC.
            if (messages.length === rpcs.length + 1) {
              clearTimeout(timer);
              ch.write(`<rpc><close-session/></rpc>${EOM}`);
              ch.end();
              resolve(messages.slice(1));
            }
          }
        });
        ch.on('close', () => {
          clearTimeout(timer);
          if (messages.length < rpcs.length + 1) reject(new RuntimeError(`${d.hostname}: the NETCONF session ended before its replies`));
        });
        ch.write(`${CLIENT_HELLO}${EOM}`);
        for (const r of rpcs) ch.write(`<rpc>${r}</rpc>${EOM}`);
      });
    });
  } finally {
    c.end();
  }
}
