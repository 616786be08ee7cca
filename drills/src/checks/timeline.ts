import type { RequestRecord } from '../traffic/traffic';

/** A request that failed from the user's point of view: a 5xx, or no answer at all. */
export const failed = (r: Pick<RequestRecord, 'status'>): boolean => r.status === 0 || r.status >= 500;

/** The p-th percentile (0..100) of `values`, nearest-rank; undefined for none. */
export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface Second {
  /** Seconds since the timeline's start. */
  t: number;
  requests: number;
  errors: number;
  p50Ms?: number | undefined;
  p95Ms?: number | undefined;
  p99Ms?: number | undefined;
}

/** Per-second request/error counts and latency percentiles, from `fromMs` to `toMs` (drill clock). */
export function perSecond(records: RequestRecord[], fromMs: number, toMs: number): Second[] {
  const seconds: Second[] = [];
  for (let start = fromMs; start < toMs; start += 1000) {
    const inSecond = records.filter((r) => r.at >= start && r.at < start + 1000);
    const latencies = inSecond.map((r) => r.latencyMs);
    seconds.push({
      t: Math.round((start - fromMs) / 1000),
      requests: inSecond.length,
      errors: inSecond.filter(failed).length,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
    });
  }
  return seconds;
}
