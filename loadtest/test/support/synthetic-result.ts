/** A deterministic Artillery result (the shape `artillery run --output` writes) for report tests. */
import type { ArtilleryResult, MetricsWindow, Summary } from '../../src/artillery/result';

export const START = Date.UTC(2026, 0, 1, 12, 0, 0);

const summary = (p50: number, p95: number, p99: number, count: number): Summary => ({
  min: p50 / 4,
  max: p99 * 1.5,
  count,
  mean: (p50 + p95) / 2,
  p50,
  median: p50,
  p75: (p50 + p95) / 2,
  p90: p95 * 0.9,
  p95,
  p99,
  p999: p99 * 1.2,
});

/** `windows` 10-second windows at 100 req/s; window `badWindow` answers `badCount` 503s and `lost` requests without response. */
export function syntheticResult({
  windows = 6,
  badWindow = 3,
  badCount = 40,
  lost = 5,
} = {}): ArtilleryResult {
  const intermediate: MetricsWindow[] = [];
  for (let i = 0; i < windows; i++) {
    const bad = i === badWindow;
    const requests = 1000;
    const responses = requests - (bad ? lost : 0);
    const serverErrors = bad ? badCount : 0;
    const latency = bad ? summary(120, 640, 900, responses) : summary(12 + i, 40 + i, 80 + i, responses);
    const endpoint = summary(11 + i, 39 + i, 79 + i, responses / 2);
    intermediate.push({
      counters: {
        'http.requests': requests,
        'http.responses': responses,
        'http.codes.200': responses - serverErrors,
        ...(bad ? { 'http.codes.503': serverErrors, 'errors.ECONNREFUSED': lost } : {}),
        'vusers.created': requests,
        'vusers.completed': requests - (bad ? lost : 0),
        ...(bad ? { 'vusers.failed': lost } : {}),
        'plugins.metrics-by-endpoint.GET /api/tasks.codes.200': 500,
        'plugins.metrics-by-endpoint.POST /api/tasks.codes.200': responses - serverErrors - 500,
        ...(bad ? { 'plugins.metrics-by-endpoint.POST /api/tasks.codes.503': serverErrors } : {}),
      },
      rates: { 'http.request_rate': requests / 10 },
      summaries: {
        'http.response_time': latency,
        'plugins.metrics-by-endpoint.response_time.GET /api/tasks': endpoint,
        'plugins.metrics-by-endpoint.response_time.POST /api/tasks': endpoint,
      },
      firstMetricAt: START + i * 10_000 + 5,
      lastMetricAt: START + i * 10_000 + 9_995,
      period: String(START + i * 10_000),
    });
  }
  const counters: Record<string, number> = {};
  for (const w of intermediate)
    for (const [k, v] of Object.entries(w.counters)) counters[k] = (counters[k] ?? 0) + v;
  return {
    aggregate: {
      counters,
      rates: { 'http.request_rate': 100 },
      summaries: {
        'http.response_time': summary(14, 120, 700, counters['http.responses'] ?? 0),
        'plugins.metrics-by-endpoint.response_time.GET /api/tasks': summary(13, 110, 650, 2000),
        'plugins.metrics-by-endpoint.response_time.POST /api/tasks': summary(15, 130, 720, 2000),
      },
      firstMetricAt: START + 5,
      lastMetricAt: START + windows * 10_000 - 5,
      period: String(START),
    },
    intermediate,
  };
}
