/**
 * Small numeric helpers for the benchmarks: percentiles, medians and the result table.
 */

/** The q-th quantile (0..1) of the samples, nearest-rank on a sorted copy. */
export function percentile(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

export function median(values: number[]): number {
  return percentile(values, 0.5);
}

/** Monotonic milliseconds, fractional. */
export function nowMs(): number {
  return performance.now();
}

export type Better = 'higher' | 'lower';

export interface Row {
  metric: string;
  unit: string;
  ours: number;
  /** NaN when the metric has no raw counterpart. */
  raw: number;
  better: Better;
  /** Target on the ratio ours/raw (ratio rows) or on ours itself (absolute rows); undefined = info only. */
  target?: { on: 'ratio' | 'ours'; op: '>=' | '<='; value: number };
}

export function ratioOf(r: Row): number {
  return Number.isFinite(r.raw) && r.raw !== 0 ? r.ours / r.raw : NaN;
}

export function verdict(r: Row): 'pass' | 'FAIL' | 'info' {
  if (!r.target || !Number.isFinite(r.ours)) return 'info';
  const v = r.target.on === 'ratio' ? ratioOf(r) : r.ours;
  if (!Number.isFinite(v)) return 'info';
  const ok = r.target.op === '>=' ? v >= r.target.value : v <= r.target.value;
  return ok ? 'pass' : 'FAIL';
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function targetText(r: Row): string {
  if (!r.target) return '';
  const what = r.target.on === 'ratio' ? 'ratio' : r.unit;
  return `${what} ${r.target.op} ${r.target.value}`;
}

/** The table as text: metric, ours, raw, ratio, target, verdict. */
export function renderTable(rows: Row[]): string {
  const head = ['metric', 'ours', 'raw grpc-js', 'ratio', 'target', 'result'];
  const body = rows.map((r) => [
    `${r.metric} (${r.unit})`,
    fmt(r.ours),
    fmt(r.raw),
    Number.isFinite(ratioOf(r)) ? `${ratioOf(r).toFixed(2)}x` : '-',
    targetText(r),
    verdict(r),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export interface RateResult {
  ms: number;
  done: number;
  failures: number;
  lastError?: string;
}

/**
 * Runs `one(worker)` up to `count` times, `concurrency` at a time, for at most `maxMs`;
 * counts successes and failures (the last error is kept for the report).
 */
export async function runConcurrent(count: number, concurrency: number, maxMs: number, one: (worker: number) => Promise<void>): Promise<RateResult> {
  let started = 0;
  let done = 0;
  let failures = 0;
  let lastError: string | undefined;
  const t0 = nowMs();
  const worker = async (_: unknown, i: number): Promise<void> => {
    while (started < count && nowMs() - t0 < maxMs) {
      started++;
      try {
        await one(i);
        done++;
      } catch (err) {
        failures++;
        lastError = (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ms: nowMs() - t0, done, failures, lastError };
}

/** The steps of a poll (its time to each): session open, device hello, each reply, session closed. */
export const POLL_STEPS = ['session', 'hello', 'interfaces', 'configuration', 'close-session', 'closed'] as const;
