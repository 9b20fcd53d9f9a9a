/**
 * Replay: the NMS side of a recorded NETCONF transcript sent to a target session, each reply
 * compared with the recorded one (compare.ts). The result lists the exchanges that differ,
 * with the differing values.
 */
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { ByteSession } from '../session/byte-session.js';
import { diffLines, flattenHello, flattenReply } from './compare.js';
import { NetconfPeer } from './netconf-peer.js';
import { CLIENT_HELLO } from '../netconf/framing.js';
import { TRANSCRIPT_FORMAT, type SessionMeta } from './recorder.js';
import { REDACTED } from './redact.js';

export interface TranscriptEntry {
  t?: number;
  dir?: 'in' | 'out';
  msg?: string;
  data?: string;
  b64?: string;
  type?: string;
}

export interface Transcript {
  meta: SessionMeta & { started?: string; format?: string };
  entries: TranscriptEntry[];
  /** The transcript was cut at its size bound. */
  truncated: boolean;
}

/** Largest transcript replay reads. */
const MAX_TRANSCRIPT_BYTES = 512 * 1024 * 1024;

/** Reads a transcript file; UsageError naming the line for anything that is not one. */
export function readTranscript(file: string): Transcript {
  let text: string;
  try {
    if (statSync(file).size > MAX_TRANSCRIPT_BYTES) throw new UsageError(`${file}: larger than ${MAX_TRANSCRIPT_BYTES} bytes`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const lines = text.split('\n').filter((l) => l.trim());
  const entries: TranscriptEntry[] = [];
  let meta: Transcript['meta'] | undefined;
  let truncated = false;
  lines.forEach((l, i) => {
    // A line is an entry, or (the first) the session line.
    let e: TranscriptEntry & Partial<Transcript['meta']>;
    try {
      e = JSON.parse(l) as TranscriptEntry & Partial<Transcript['meta']>;
    } catch {
      throw new UsageError(`${file}:${i + 1}: not a JSON line (is this a transcript written by --record?)`);
    }
    if (i === 0) {
      if (e.type !== 'session' || e.format !== TRANSCRIPT_FORMAT) throw new UsageError(`${file}: not a transcript (first line must be the session line of ${TRANSCRIPT_FORMAT})`);
      meta = e as Transcript['meta'];
      return;
    }
    if (e.type === 'truncated') truncated = true;
    entries.push(e);
  });
  if (!meta) throw new UsageError(`${file}: empty transcript`);
  return { meta, entries, truncated };
}

export interface Exchange {
  /** 0: the hello; n: the n-th RPC. */
  n: number;
  /** The RPC element's name (`hello` for the hello). */
  name: string;
  request: string;
  recorded: string;
  replayed?: string;
  /** Differences, as lines; empty when equal. */
  diff: string[];
  /** Why there is no replayed reply. */
  error?: string;
}

export interface ReplayResult {
  exchanges: Exchange[];
  differing: number;
  notes: string[];
}

/** The RPCs of a NETCONF transcript paired with their recorded replies (NETCONF answers in order). */
export function exchangesOf(t: Transcript): { clientHello?: string; serverHello?: string; pairs: { request: string; reply?: string }[] } {
  if (t.meta.kind !== 'netconf') throw new UsageError(`replay takes NETCONF transcripts; this one is a ${t.meta.kind} session`);
  const ins = t.entries.filter((e) => e.dir === 'in' && e.msg !== undefined).map((e) => e.msg!);
  const outs = t.entries.filter((e) => e.dir === 'out' && e.msg !== undefined).map((e) => e.msg!);
  let clientHello: string | undefined;
  if (ins.length && /^(<\?xml[^>]*\?>\s*)?<([\w-]+:)?hello[\s>]/.test(ins[0])) clientHello = ins.shift();
  const serverHello = outs.length && /<([\w-]+:)?hello[\s>]/.test(outs[0]) ? outs.shift() : undefined;
  return { clientHello, serverHello, pairs: ins.map((request, i) => ({ request, reply: outs[i] })) };
}

/** The name of the first element inside <rpc> (or the root's name). */
export function rpcName(request: string): string {
  const m = /<(?:[\w-]+:)?rpc[\s>][\s\S]*?<(?:[\w-]+:)?([\w-]+)[\s/>]/.exec(request);
  if (m) return m[1];
  return /<(?:[\w-]+:)?([\w-]+)[\s/>]/.exec(request)?.[1] ?? '?';
}

export interface ReplayOptions {
  /** Per-reply bound. */
  timeoutMs: number;
  /** Called as each exchange completes (progress). */
  onExchange?: (e: Exchange) => void;
}

/** Sends the NMS side of `t` over `session` and compares every reply. */
export async function replay(t: Transcript, session: ByteSession, opts: ReplayOptions): Promise<ReplayResult> {
  const { clientHello, serverHello, pairs } = exchangesOf(t);
  const notes: string[] = [];
  if (t.truncated) notes.push('the transcript was truncated at its size bound: only what it holds is replayed');
  const peer = new NetconfPeer(session);
  const exchanges: Exchange[] = [];
  const done = (e: Exchange) => {
    exchanges.push(e);
    opts.onExchange?.(e);
  };
  try {
    peer.send(clientHello ?? CLIENT_HELLO);
    const hello = await peer.next(opts.timeoutMs);
    if (serverHello) {
      const d = diffLines(flattenHello(serverHello), flattenHello(hello));
      done({ n: 0, name: 'hello', request: clientHello ?? CLIENT_HELLO, recorded: serverHello, replayed: hello, diff: d.lines });
    }
    let n = 0;
    for (const p of pairs) {
      n++;
      const name = rpcName(p.request);
      if (p.request.includes(REDACTED)) notes.push(`rpc ${n} <${name}> held secrets the recording left out; it was sent with ${REDACTED} in their place`);
      let replayed: string | undefined;
      let error: string | undefined;
      try {
        replayed = await peer.rpc(p.request, opts.timeoutMs);
      } catch (err) {
        error = (err as Error).message;
      }
      if (p.reply === undefined) {
        // The recording ended before this reply (a close-session the device did not answer, a cut session).
        if (replayed !== undefined && name !== 'close-session') notes.push(`rpc ${n} <${name}> has no recorded reply; the target answered`);
        if (error) break;
        continue;
      }
      const diff = replayed === undefined ? [`no reply: ${error}`] : diffLines(flattenReply(p.reply), flattenReply(replayed)).lines;
      done({ n, name, request: p.request, recorded: p.reply, replayed, diff, error });
      if (error) break;
    }
  } finally {
    if (!session.ended) session.kill(15);
  }
  return { exchanges, differing: exchanges.filter((e) => e.diff.length > 0).length, notes };
}

/** The report a person reads: one block per differing exchange. */
export function formatReport(r: ReplayResult, target: string): string {
  const out: string[] = [];
  for (const e of r.exchanges) {
    if (!e.diff.length) continue;
    out.push(e.n === 0 ? `hello differs:` : `rpc ${e.n} <${e.name}> differs:`);
    for (const l of e.diff) out.push(`  ${l}`);
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  const total = r.exchanges.length;
  out.push(r.differing ? `${r.differing} of ${total} replies differ (recorded -> ${target})` : `${total} replies equal (recorded = ${target})`);
  return out.join('\n') + '\n';
}
