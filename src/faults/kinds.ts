/**
 * THE table of fault kinds. The parser, the canonical form, the `--fault` and `fault` help
 * texts and the fault table of docs/faults.md all come from here: a new fault is one entry below
 * (plus the code that makes it happen, which reads it from the FaultSet).
 */
import { UsageError } from '../errors.js';

/** Longest delay accepted (one hour): a typo like 5000000 should not hang a lab for days. */
export const MAX_DELAY_MS = 3_600_000;

export type Fault =
  | { kind: 'output-delay'; ms: number }
  | { kind: 'drop-after'; bytes: number }
  | { kind: 'stall-after'; bytes: number }
  | { kind: 'no-stop-message' }
  | { kind: 'rpc-error'; rpc: string }
  | { kind: 'rpc-delay'; ms: number };

export type FaultKind = Fault['kind'];

/** What follows `=` in a spec. */
export type FaultArgument = 'ms' | 'bytes' | 'rpc-name' | 'none';

export interface FaultKindInfo {
  kind: FaultKind;
  argument: FaultArgument;
  /** Several at once (rpc-error collects RPC names); otherwise a new one replaces the old (FaultSet). */
  collects?: boolean;
  /** One line for the table in docs/faults.md and `fault --help`. */
  effect: string;
}

export const FAULT_KINDS: readonly FaultKindInfo[] = [
  { kind: 'output-delay', argument: 'ms', effect: 'every output chunk of every session reaches the NMS MS ms later (order kept)' },
  { kind: 'drop-after', argument: 'bytes', effect: "once a session's output passes BYTES, its RPC is cancelled: no stop message, its process is killed" },
  { kind: 'stall-after', argument: 'bytes', effect: 'after BYTES of output a session sends nothing more (input still taken) until it ends or is killed' },
  { kind: 'no-stop-message', argument: 'none', effect: 'sessions half-close without `Client is stopping, ...`' },
  {
    kind: 'rpc-error',
    argument: 'rpc-name',
    collects: true,
    effect: 'the built-in NETCONF server answers RPC NAME with `<rpc-error>` (application, operation-failed, `fault injected: NAME`); the session goes on',
  },
  { kind: 'rpc-delay', argument: 'ms', effect: 'the built-in NETCONF server sends every reply MS ms late' },
];

/** The table's entry of a kind. */
export function kindInfo(kind: FaultKind): FaultKindInfo {
  return FAULT_KINDS.find((k) => k.kind === kind)!;
}

const PLACEHOLDER: Record<FaultArgument, string> = { ms: 'MS', bytes: 'BYTES', 'rpc-name': 'NAME', none: '' };

/** `output-delay=MS` ... : the syntax of one kind. */
export function faultSyntax(k: FaultKindInfo): string {
  return k.argument === 'none' ? k.kind : `${k.kind}=${PLACEHOLDER[k.argument]}`;
}

/** Every kind's syntax, joined (help texts, the unknown-fault message). */
export function faultSyntaxList(sep = ', '): string {
  return FAULT_KINDS.map(faultSyntax).join(sep);
}

/** The table of docs/faults.md (spec | effect), generated: keep docs/faults.md in step with `faultTableMarkdown()`. */
export function faultTableMarkdown(): string {
  return ['| spec | effect |', '|---|---|', ...FAULT_KINDS.map((k) => `| \`${faultSyntax(k)}\` | ${k.effect} |`)].join('\n');
}

/** A fault spec that does not parse: a usage error wherever it came from (flag, command, control socket). */
export class FaultSpecError extends UsageError {}

function wholeNumber(spec: string, value: string | undefined, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === '') throw new FaultSpecError(`fault "${spec}": needs ${what}, e.g. ${spec.split('=')[0]}=100`);
  if (!/^\d+$/.test(value)) throw new FaultSpecError(`fault "${spec}": ${what} must be a whole number (got "${value}")`);
  const n = Number(value);
  if (n > max) throw new FaultSpecError(`fault "${spec}": ${what} must be at most ${max} (got ${value})`);
  return n;
}

/** Parses one spec (`--fault`, `fault add`, POST /faults); FaultSpecError (one line) when it is not one. */
export function parseFault(spec: string): Fault {
  const text = spec.trim();
  const eq = text.indexOf('=');
  const name = eq < 0 ? text : text.slice(0, eq);
  const value = eq < 0 ? undefined : text.slice(eq + 1).trim();
  const info = FAULT_KINDS.find((k) => k.kind === name);
  if (!info) throw new FaultSpecError(`unknown fault "${text}" (known: ${faultSyntaxList()})`);
  switch (info.argument) {
    case 'ms':
      return { kind: info.kind, ms: wholeNumber(text, value, 'a delay in ms', MAX_DELAY_MS) } as Fault;
    case 'bytes':
      return { kind: info.kind, bytes: wholeNumber(text, value, 'a byte count') } as Fault;
    case 'rpc-name':
      if (!value || !/^[A-Za-z_][\w.-]*$/.test(value)) throw new FaultSpecError(`fault "${text}": needs an RPC name, e.g. ${info.kind}=get-software-information`);
      return { kind: info.kind, rpc: value } as Fault;
    case 'none':
      if (value !== undefined) throw new FaultSpecError(`fault "${text}": ${info.kind} takes no value`);
      return { kind: info.kind } as Fault;
  }
}

/** The canonical spec of a fault (what `list` shows and parseFault reads back). */
export function formatFault(f: Fault): string {
  if ('ms' in f) return `${f.kind}=${f.ms}`;
  if ('bytes' in f) return `${f.kind}=${f.bytes}`;
  if ('rpc' in f) return `${f.kind}=${f.rpc}`;
  return f.kind;
}
