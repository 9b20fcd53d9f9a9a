/**
 * Shared setup of the capture/record/replay tests: a CLI run to completion, NETCONF over a
 * device's SSH face, transcripts of a --record directory.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SshBridgeBackend } from '../../src/backends/ssh-bridge.js';
import { NetconfPeer } from '../../src/record/netconf-peer.js';
import { CLIENT_HELLO } from '../../src/netconf/framing.js';
import { MAIN_JS } from '../support/agent-harness.js';

/** `nc-grpc-device ARGS` to its end (bounded): exit code, stdout, stderr. */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** One NETCONF session over a device's SSH face (netconf subsystem); replies of the RPCs in order. */
export async function netconfOverSsh(port: number, user: string, password: string, rpcs: string[]): Promise<string[]> {
  const backend = new SshBridgeBackend({ target: { user, password, host: '127.0.0.1', port }, agentSocket: '' });
  const session = await backend.open('netconf');
  const peer = new NetconfPeer(session);
  try {
    peer.send(CLIENT_HELLO);
    await peer.next(15_000);
    const out: string[] = [];
    for (const r of rpcs) out.push(await peer.rpc(`<rpc>${r}</rpc>`, 30_000));
    return out;
  } finally {
    peer.close();
  }
}

/** The transcripts of a --record directory, oldest first. */
export function transcripts(dir: string): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return names.sort().map((n) => path.join(dir, n));
}

export function finished(file: string): boolean {
  return readFileSync(file, 'utf8').includes('"type":"end"');
}

/** Every file under a directory, as text. */
export function allFiles(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...allFiles(p));
    else out.push({ file: p, text: readFileSync(p, 'utf8') });
  }
  return out;
}

/** The text of an <output> (format="text") reply, entities decoded. */
export function outputText(reply: string): string {
  const m = /<output>\n?([\s\S]*?)<\/output>/.exec(reply) ?? /<configuration-text[^>]*>\n?([\s\S]*?)<\/configuration-text>/.exec(reply);
  return (m?.[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}
