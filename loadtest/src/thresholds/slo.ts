/**
 * The run's pass/fail thresholds, generated from the SLO catalogue in contracts/ (never retyped):
 * - latency: the percentile named by the latency SLO's objective (0.95 -> p95) under its threshold;
 * - availability: (5xx responses + requests that got no response) / requests within the error budget
 *   (1 - objective). Expressed on `http.codes.*`, not `maxErrorRate`, which counts failed virtual
 *   users and so misses every 5xx answer. A code absent from the run is `(x or 0)`: filtrex makes
 *   an unknown metric undefined, and undefined arithmetic would fail the check on a clean run.
 */
import { SLOS } from '@taskboard/contracts';
import type { EnsureConfig } from '../artillery/script';

/** Percentiles Artillery reports for a summary metric, by the fraction they stand for. */
const ARTILLERY_PERCENTILES: Readonly<Record<string, string>> = {
  '0.5': 'p50',
  '0.75': 'p75',
  '0.9': 'p90',
  '0.95': 'p95',
  '0.99': 'p99',
  '0.999': 'p999',
};

/** Every 5xx status a server can answer (RFC 9110 and registered extensions). */
export const SERVER_ERROR_CODES = Array.from({ length: 12 }, (_, i) => 500 + i);

export interface SloLimits {
  /** Artillery's summary aggregation the latency SLO maps to, e.g. `p95`. */
  readonly latencyPercentile: string;
  readonly latencyMs: number;
  /** Largest acceptable share of bad requests, e.g. 0.001. */
  readonly maxErrorRatio: number;
}

export function sloLimits(slos: typeof SLOS = SLOS): SloLimits {
  const { objective, thresholdSeconds } = slos.apiLatency;
  const latencyPercentile = ARTILLERY_PERCENTILES[String(objective)];
  if (!latencyPercentile)
    throw new Error(
      `SLOS.apiLatency.objective ${objective} has no Artillery percentile (one of ${Object.keys(ARTILLERY_PERCENTILES).join(', ')})`,
    );
  return {
    latencyPercentile,
    latencyMs: Math.round(thresholdSeconds * 1000),
    // 1 - 0.999 is 0.0010000000000000009 in floating point: round to the objective's precision.
    maxErrorRatio: Number((1 - slos.apiAvailability.objective).toFixed(9)),
  };
}

export function errorRatioExpression(maxRatio: number): string {
  const serverErrors = SERVER_ERROR_CODES.map((c) => `(http.codes.${c} or 0)`).join(' + ');
  return `(${serverErrors} + http.requests - http.responses) / http.requests <= ${maxRatio}`;
}

/** The ensure plugin's configuration for the API's SLOs (strict: a miss fails the run). */
export function sloEnsure(limits: SloLimits = sloLimits()): EnsureConfig {
  return {
    thresholds: [{ [`http.response_time.${limits.latencyPercentile}`]: limits.latencyMs }],
    conditions: [{ expression: errorRatioExpression(limits.maxErrorRatio), strict: true }],
  };
}
