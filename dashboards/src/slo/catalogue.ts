import { HTTP_DURATION_BUCKETS, SLOS, type SloTarget } from '@taskboard/contracts';
import {
  duration,
  HTTP_DURATION_BUCKET,
  HTTP_REQUESTS_TOTAL,
  orZero,
  regexLiteral,
  SERVER_ERROR,
  USER_TRAFFIC,
} from '../promql';
import type { Severity } from '../rules/types';
import { type SliWindow, WINDOW_SECONDS } from './windows';

/**
 * An SLI as two event rates over a window: bad events per second and all events per second.
 * Each must be a self-contained PromQL term (parenthesised where it has operators).
 */
export interface Sli {
  readonly badEventsPerSecond: (window: SliWindow) => string;
  readonly eventsPerSecond: (window: SliWindow) => string;
  /**
   * A series that exists whenever the SLI can be measured at all. Its absence means the SLO
   * alerts are blind, which is itself alerted on.
   */
  readonly presence: string;
}

export interface Slo {
  readonly target: SloTarget;
  /** PascalCase prefix of this SLO's alert names. */
  readonly alertPrefix: string;
  readonly title: string;
  readonly sli: Sli;
  /**
   * Low-traffic guard: a burn tier only fires when its long window holds enough events that at
   * least this many of them were bad. One failed request out of five at 3 a.m. is not a page.
   */
  readonly minBadEventsToAlert: number;
  /** How loud a blind SLI is: an API with no series at all is down or unscraped. */
  readonly absentSeverity: Severity;
  readonly runbook: string;
}

/** Name of the prometheus-operator Probe that checks the SPA through the blackbox exporter. */
export const SPA_PROBE_NAME = 'taskboard-spa';
/** prometheus-operator gives a Probe's series the job `probe/<namespace>/<name>`. */
export const SPA_PROBE_SELECTOR = `job=~"probe/[^/]+/${regexLiteral(SPA_PROBE_NAME)}"`;

function requestRate(selector: string, window: SliWindow): string {
  return `sum(rate(${HTTP_REQUESTS_TOTAL}{${selector}}[${window}]))`;
}

const apiAvailability: Sli = {
  badEventsPerSecond: (w) => orZero(requestRate(`${USER_TRAFFIC},${SERVER_ERROR}`, w)),
  eventsPerSecond: (w) => requestRate(USER_TRAFFIC, w),
  // Not filtered to user routes: readiness probes keep the series alive on an idle API, so
  // absence really means "nothing is scraped", not "nobody used it".
  presence: HTTP_REQUESTS_TOTAL,
};

function latencyThreshold(target: SloTarget): number {
  const threshold = target.thresholdSeconds;
  if (threshold === undefined || !(HTTP_DURATION_BUCKETS as readonly number[]).includes(threshold)) {
    throw new Error(`${target.name}: latency threshold must be one of the histogram buckets`);
  }
  return threshold;
}

function apiLatencySli(target: SloTarget): Sli {
  const le = `le="${latencyThreshold(target)}"`;
  return {
    // Slow = all requests minus those in the threshold bucket (buckets are cumulative).
    badEventsPerSecond: (w) =>
      `(${requestRate(USER_TRAFFIC, w)} - sum(rate(${HTTP_DURATION_BUCKET}{${USER_TRAFFIC},${le}}[${w}])))`,
    eventsPerSecond: (w) => requestRate(USER_TRAFFIC, w),
    presence: HTTP_DURATION_BUCKET,
  };
}

/** Probe results are 0/1 samples; events per second keep them comparable with request SLIs. */
const spaAvailability: Sli = {
  badEventsPerSecond: (w) =>
    `((sum(count_over_time(probe_success{${SPA_PROBE_SELECTOR}}[${w}])) - sum(sum_over_time(probe_success{${SPA_PROBE_SELECTOR}}[${w}]))) / ${WINDOW_SECONDS[w]})`,
  eventsPerSecond: (w) =>
    `(sum(count_over_time(probe_success{${SPA_PROBE_SELECTOR}}[${w}])) / ${WINDOW_SECONDS[w]})`,
  presence: `probe_success{${SPA_PROBE_SELECTOR}}`,
};

export const SLO_CATALOGUE: readonly Slo[] = [
  {
    target: SLOS.apiAvailability,
    alertPrefix: 'ApiAvailability',
    title: 'API availability',
    sli: apiAvailability,
    minBadEventsToAlert: 10,
    absentSeverity: 'page',
    runbook: 'slo-api-availability',
  },
  {
    target: SLOS.apiLatency,
    alertPrefix: 'ApiLatency',
    title: 'API latency',
    sli: apiLatencySli(SLOS.apiLatency),
    minBadEventsToAlert: 10,
    absentSeverity: 'page',
    runbook: 'slo-api-latency',
  },
  {
    target: SLOS.spaAvailability,
    alertPrefix: 'SpaAvailability',
    title: 'SPA availability',
    sli: spaAvailability,
    // Probes are synthetic and steady (one per 30 s per prober, 120 an hour): every failure is
    // evidence, and a larger guard would exceed what one hour of probing can hold.
    minBadEventsToAlert: 1,
    absentSeverity: 'ticket',
    runbook: 'slo-spa-availability',
  },
];

/** Allowed fraction of bad events, rounded so 1 - 0.999 prints as 0.001. */
export function errorBudget(target: SloTarget): number {
  return Number((1 - target.objective).toPrecision(12));
}

export function complianceWindow(target: SloTarget): string {
  return duration(target.windowDays * 86_400);
}
