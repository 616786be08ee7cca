/**
 * SLO targets are configuration, defined once here (ARCHITECTURE.md §5). The dashboards'
 * generator turns them into rules; the load tests use the latency threshold as a k6/autocannon
 * threshold.
 */
export interface SloTarget {
  readonly name: string;
  readonly description: string;
  /** Fraction of good events, e.g. 0.999. */
  readonly objective: number;
  /** Compliance window in days. */
  readonly windowDays: number;
  /** Latency threshold in seconds, for latency SLOs. Must be one of HTTP_DURATION_BUCKETS. */
  readonly thresholdSeconds?: number;
}

export const SLOS = {
  apiAvailability: {
    name: 'api-availability',
    description: 'API requests answered without a 5xx (health and metrics routes excluded).',
    objective: 0.999,
    windowDays: 30,
  },
  apiLatency: {
    name: 'api-latency',
    description: 'API requests answered within the latency threshold.',
    objective: 0.95,
    windowDays: 30,
    thresholdSeconds: 0.5,
  },
  spaAvailability: {
    name: 'spa-availability',
    description: 'Blackbox probes of the SPA that succeed.',
    objective: 0.999,
    windowDays: 30,
  },
} as const satisfies Record<string, SloTarget>;
