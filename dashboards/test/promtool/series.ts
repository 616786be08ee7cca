/**
 * Builders for promtool input series. Scenarios are written as piecewise-constant traffic
 * (per-minute counts over a number of minutes) so the expected numbers can be worked out by hand.
 */

export interface Segment {
  readonly minutes: number;
  readonly perMinute: number;
}

/**
 * A counter that starts at 0 and grows by `perMinute` in each minute of each segment, in promtool's
 * expanding notation (`start+step x count`). Sample i sits at minute i when the test interval is 1m.
 */
export function counter(segments: readonly Segment[]): string {
  const items = ['0'];
  let value = 0;
  for (const { minutes, perMinute } of segments) {
    if (minutes < 1) throw new Error('segments last at least one minute');
    items.push(minutes === 1 ? `${value + perMinute}` : `${value + perMinute}+${perMinute}x${minutes - 1}`);
    value += perMinute * minutes;
  }
  return items.join(' ');
}

/** A gauge holding each value for a number of samples; `null` leaves samples missing (series gone). */
export function gauge(
  segments: readonly { readonly samples: number; readonly value: number | null }[],
): string {
  return segments
    .map(({ samples, value }) => (value === null ? `_x${samples}` : `${value}x${samples - 1}`))
    .join(' ');
}

/** Traffic phase of an HTTP scenario: requests per minute and how many of them fail / are slow. */
export interface TrafficPhase {
  readonly minutes: number;
  readonly requestsPerMinute: number;
  /** Fraction answered with a 5xx. */
  readonly errorRatio?: number;
  /** Fraction slower than the latency SLO threshold (but under 1 s). */
  readonly slowRatio?: number;
}

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export function promSeries(name: string, labels: Readonly<Record<string, string>>): string {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return `${name}{${body}}`;
}
