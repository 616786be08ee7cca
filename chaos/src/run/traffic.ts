// The request timeline of a run, from the cluster's Prometheus: what the incident report charts.
// The PromQL vocabulary (metric names, user-traffic filter, server errors) is the dashboards' own,
// so the report shows the same numbers as the SLO rules and the Grafana panels.
import {
  HTTP_DURATION_BUCKET,
  HTTP_REQUESTS_TOTAL,
  SERVER_ERROR,
  USER_TRAFFIC,
} from '../../../dashboards/src/promql';
import type { Prometheus } from './ports';

export interface TrafficPoint {
  /** Seconds since the experiment was applied. */
  t: number;
  requests: number;
  errors: number;
  p50Ms?: number | undefined;
  p95Ms?: number | undefined;
  p99Ms?: number | undefined;
}

const WINDOW = '1m';
export const TRAFFIC_QUERIES = {
  requests: `sum(rate(${HTTP_REQUESTS_TOTAL}{${USER_TRAFFIC}}[${WINDOW}]))`,
  errors: `sum(rate(${HTTP_REQUESTS_TOTAL}{${USER_TRAFFIC},${SERVER_ERROR}}[${WINDOW}]))`,
  ...Object.fromEntries(
    ([50, 95, 99] as const).map((q) => [
      `p${q}Ms`,
      `1000 * histogram_quantile(0.${q}, sum by (le) (rate(${HTTP_DURATION_BUCKET}{${USER_TRAFFIC}}[${WINDOW}])))`,
    ]),
  ),
} as Record<'requests' | 'errors' | 'p50Ms' | 'p95Ms' | 'p99Ms', string>;

/** Requests/s, 5xx/s and latency percentiles every `stepSeconds` from `start` to `end`. */
export async function trafficTimeline(
  prometheus: Prometheus,
  start: Date,
  end: Date,
  stepSeconds: number,
): Promise<TrafficPoint[]> {
  const series = new Map<keyof typeof TRAFFIC_QUERIES, Map<number, number>>();
  for (const [key, query] of Object.entries(TRAFFIC_QUERIES) as [keyof typeof TRAFFIC_QUERIES, string][]) {
    series.set(key, new Map(await prometheus.range(query, start, end, stepSeconds)));
  }
  const times = [...(series.get('requests')?.keys() ?? [])].sort((a, b) => a - b);
  const t0 = start.getTime() / 1000;
  return times.map((ts) => ({
    t: Math.round(ts - t0),
    requests: series.get('requests')?.get(ts) ?? 0,
    // No 5xx series at all means none happened, not unknown.
    errors: series.get('errors')?.get(ts) ?? 0,
    p50Ms: series.get('p50Ms')?.get(ts),
    p95Ms: series.get('p95Ms')?.get(ts),
    p99Ms: series.get('p99Ms')?.get(ts),
  }));
}
