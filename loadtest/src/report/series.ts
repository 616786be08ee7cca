/**
 * Figures read from an Artillery result: one point per 10-second `intermediate` window for the
 * timelines, the run's totals, the per-endpoint table and the latency bands of the histogram.
 * Error ratio = (5xx responses + requests that got no response) / requests, the same definition the
 * availability threshold uses (thresholds/slo.ts), so a chart and its threshold never disagree.
 */
import { type ArtilleryResult, type MetricsWindow, type Summary, windowStart } from '../artillery/result';

export const RESPONSE_TIME = 'http.response_time';
// Artillery 2 names them `plugins.metrics-by-endpoint.*` (plural), whatever its README says.
const ENDPOINT_PREFIX = 'plugins.metrics-by-endpoint.';

export interface TimelinePoint {
  /** Seconds since the first window started. */
  readonly t: number;
  /** Epoch milliseconds of the window's start. */
  readonly at: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly requestsPerSecond: number;
  readonly requests: number;
  readonly errors: number;
  /** Errors / requests in the window; null when the window sent no request. */
  readonly errorRatio: number | null;
}

export interface Totals {
  readonly requests: number;
  readonly responses: number;
  readonly serverErrors: number;
  /** Errors Artillery counted (no response: refused, reset, timed out; or a failed expectation), by name. */
  readonly failures: Readonly<Record<string, number>>;
  readonly errorRatio: number | null;
  readonly codes: Readonly<Record<string, number>>;
  readonly latency: Summary | undefined;
  readonly meanRequestsPerSecond: number;
  readonly durationSeconds: number;
  readonly virtualUsers: { readonly created: number; readonly completed: number; readonly failed: number };
}

export interface EndpointRow {
  readonly name: string;
  readonly count: number;
  readonly codes: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly latency: Summary | undefined;
}

const sumMatching = (counters: Readonly<Record<string, number>>, test: (key: string) => boolean) =>
  Object.entries(counters).reduce((sum, [k, v]) => (test(k) ? sum + v : sum), 0);

export const isServerErrorCode = (key: string) => /^http\.codes\.5\d\d$/.test(key);

/** Artillery's counter for a request that got no response: `errors.<Node system error code>`. */
export const isNoResponseError = (key: string) => /^errors\.(E[A-Z]+|ERR_[A-Z_]+)$/.test(key);

/**
 * Bad events of a window: 5xx responses plus requests that got no response. Counted from error
 * codes, not `requests - responses`: a request sent at the end of one window and answered in the
 * next would count as lost in the first. Over a whole run the two agree (the threshold's form).
 */
export function badEvents(w: MetricsWindow): { requests: number; bad: number } {
  const requests = w.counters['http.requests'] ?? 0;
  const serverErrors = sumMatching(w.counters, isServerErrorCode);
  return { requests, bad: serverErrors + sumMatching(w.counters, isNoResponseError) };
}

export function runStart(result: ArtilleryResult): number {
  const first = result.intermediate[0];
  return first ? windowStart(first) : result.aggregate.firstMetricAt;
}

export function timeline(result: ArtilleryResult): TimelinePoint[] {
  const start = runStart(result);
  return result.intermediate.map((w) => {
    const latency = w.summaries[RESPONSE_TIME];
    const { requests, bad } = badEvents(w);
    const at = windowStart(w);
    const rate = w.rates['http.request_rate'];
    return {
      t: Math.round((at - start) / 1000),
      at,
      p50: latency?.p50 ?? null,
      p95: latency?.p95 ?? null,
      p99: latency?.p99 ?? null,
      requestsPerSecond: rate ?? requests / 10,
      requests,
      errors: bad,
      errorRatio: requests > 0 ? bad / requests : null,
    };
  });
}

export function totals(result: ArtilleryResult): Totals {
  const c = result.aggregate.counters;
  const requests = c['http.requests'] ?? 0;
  const responses = c['http.responses'] ?? 0;
  const serverErrors = sumMatching(c, isServerErrorCode);
  const failures = Object.fromEntries(
    Object.entries(c)
      .filter(([k]) => k.startsWith('errors.'))
      .map(([k, v]) => [k.slice('errors.'.length), v]),
  );
  const codes = Object.fromEntries(
    Object.entries(c)
      .filter(([k]) => /^http\.codes\.\d+$/.test(k))
      .map(([k, v]) => [k.slice('http.codes.'.length), v]),
  );
  const durationSeconds = Math.max(
    1,
    (result.aggregate.lastMetricAt - result.aggregate.firstMetricAt) / 1000,
  );
  return {
    requests,
    responses,
    serverErrors,
    failures,
    errorRatio: requests > 0 ? badEvents(result.aggregate).bad / requests : null,
    codes,
    latency: result.aggregate.summaries[RESPONSE_TIME],
    meanRequestsPerSecond: requests / durationSeconds,
    durationSeconds,
    virtualUsers: {
      created: c['vusers.created'] ?? 0,
      completed: c['vusers.completed'] ?? 0,
      failed: c['vusers.failed'] ?? 0,
    },
  };
}

/** Per-endpoint figures from the metrics-by-endpoint plugin (requests named by `name`). */
export function endpoints(result: ArtilleryResult): EndpointRow[] {
  const rows = new Map<string, { codes: Record<string, number>; errors: number }>();
  const row = (name: string) => {
    let r = rows.get(name);
    if (!r) {
      r = { codes: {}, errors: 0 };
      rows.set(name, r);
    }
    return r;
  };
  for (const [key, value] of Object.entries(result.aggregate.counters)) {
    if (!key.startsWith(ENDPOINT_PREFIX)) continue;
    const match = /^(.+)\.(codes|errors)\.([^.]+)$/.exec(key.slice(ENDPOINT_PREFIX.length));
    if (!match) continue;
    const [, name = '', kind, code = ''] = match;
    if (kind === 'codes') row(name).codes[code] = value;
    else row(name).errors += value;
  }
  const latencyPrefix = `${ENDPOINT_PREFIX}response_time.`;
  for (const key of Object.keys(result.aggregate.summaries))
    if (key.startsWith(latencyPrefix)) row(key.slice(latencyPrefix.length));
  return [...rows.entries()]
    .map(([name, r]) => ({
      name,
      codes: r.codes,
      errors: r.errors,
      count: Object.values(r.codes).reduce((a, b) => a + b, 0) + r.errors,
      latency: result.aggregate.summaries[`${latencyPrefix}${name}`],
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface LatencyBand {
  readonly fromMs: number;
  readonly toMs: number;
  /** Share of requests in the band, in percent. */
  readonly percent: number;
}

/**
 * The latency distribution as bands between the run's percentiles (Artillery keeps a quantile
 * sketch, not bucket counts): 50 % of requests between min and p50, 25 % between p50 and p75, ...
 */
export function latencyBands(summary: Summary | undefined): LatencyBand[] {
  if (!summary || summary.count === 0) return [];
  const points: [number, number][] = [
    [0, summary.min],
    [50, summary.p50],
    [75, summary.p75 ?? summary.p95],
    [90, summary.p90 ?? summary.p95],
    [95, summary.p95],
    [99, summary.p99],
    [99.9, summary.p999 ?? summary.max],
    [100, summary.max],
  ];
  const bands: LatencyBand[] = [];
  for (let i = 1; i < points.length; i++) {
    const [q0, v0] = points[i - 1] as [number, number];
    const [q1, v1] = points[i] as [number, number];
    bands.push({ fromMs: v0, toMs: v1, percent: Math.round((q1 - q0) * 10) / 10 });
  }
  return bands;
}
