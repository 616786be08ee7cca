import { METRICS, NON_USER_ROUTES, UNMATCHED_ROUTE } from '@taskboard/contracts';

/** Escapes a literal for use inside a PromQL regular expression (RE2, fully anchored). */
export function regexLiteral(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** `a|b|c` matching exactly these literal values. */
export function anyOf(values: readonly string[]): string {
  return values.map(regexLiteral).join('|');
}

export const HTTP_DURATION = METRICS.httpRequestDuration.name;
export const HTTP_REQUESTS_TOTAL = `${HTTP_DURATION}_count`;
export const HTTP_DURATION_BUCKET = `${HTTP_DURATION}_bucket`;

/**
 * Requests that count for the SLIs: user traffic only. Probes and scrapes are excluded
 * (ARCHITECTURE.md §5); unmatched routes stay in, a 5xx on a scanner's path is still a 5xx.
 * The unmatched constant is imported so the contract is the only place that names it.
 */
export const USER_TRAFFIC = `route!~"${anyOf(NON_USER_ROUTES)}"`;
export { UNMATCHED_ROUTE };

/** Server errors. 503 from a dependency outage is as bad for the user as a crash. */
export const SERVER_ERROR = 'status_code=~"5.."';

/** Prometheus duration string for a number of seconds, in the largest exact unit. */
export function duration(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/**
 * A sum of rates that is 0, not empty, when no series matches yet. A counter labelled with
 * status_code="503" exists only after the first 503; without this, an API that never failed has
 * no availability SLI at all instead of a perfect one.
 */
export function orZero(expr: string): string {
  return `(${expr} or vector(0))`;
}
