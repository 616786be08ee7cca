import { METRICS, SLOS } from '@taskboard/contracts';
import { counter, type InputSeries, promSeries, type TrafficPhase } from './series';

const DURATION = METRICS.httpRequestDuration.name;
const THRESHOLD = SLOS.apiLatency.thresholdSeconds;
/** Slow requests land between the threshold and this bucket, so the p95 can be located. */
const SLOW_LE = '1';

/**
 * The series the API would expose for user traffic on one route: two status codes, each with the
 * buckets the SLIs and the p95 need. Everything is derived from the phases, so a scenario states
 * only rates and ratios.
 */
export function httpTraffic(phases: readonly TrafficPhase[], route = '/api/tasks'): InputSeries[] {
  const out: InputSeries[] = [];
  for (const [status, share] of [
    ['200', (p: TrafficPhase) => 1 - (p.errorRatio ?? 0)],
    ['503', (p: TrafficPhase) => p.errorRatio ?? 0],
  ] as const) {
    const labels = { method: 'GET', route, status_code: status };
    const total = phases.map((p) => ({ minutes: p.minutes, perMinute: p.requestsPerMinute * share(p) }));
    const slow = phases.map((p) => ({
      minutes: p.minutes,
      perMinute: p.requestsPerMinute * share(p) * (p.slowRatio ?? 0),
    }));
    const fast = total.map((t, i) => ({
      minutes: t.minutes,
      perMinute: t.perMinute - (slow[i]?.perMinute ?? 0),
    }));
    out.push({ series: promSeries(`${DURATION}_count`, labels), values: counter(total) });
    out.push({
      series: promSeries(`${DURATION}_bucket`, { ...labels, le: String(THRESHOLD) }),
      values: counter(fast),
    });
    out.push({
      series: promSeries(`${DURATION}_bucket`, { ...labels, le: SLOW_LE }),
      values: counter(total),
    });
    out.push({ series: promSeries(`${DURATION}_bucket`, { ...labels, le: '+Inf' }), values: counter(total) });
  }
  return out;
}
