import type { Harness } from '../harness/harness';

export type AlertState = 'pending' | 'firing';

/** What a drill must show; every bound is stated here so the report can print it beside the measurement. */
export interface Expectations {
  /** Alerts (by name, from the generated rules) that must reach at least this state. */
  alerts: { name: string; state: AlertState }[];
  /**
   * Alerts that must stay silent: never firing (so never notified). Pending is allowed and reported:
   * a condition may blip on a loaded machine, and absorbing blips is what `for:` is for.
   */
  silent: string[];
  /** Alertmanager receivers (by name, from the generated config) that must be notified of an alert. */
  notified: { receiver: string; alert: string }[];
  /** A PromQL condition Prometheus must have seen true during the fault (what the drill's signal is). */
  seenInPrometheus?: { expr: string; meaning: string };
  /** Readiness during the fault: how many replicas must fail /health/ready (any: not asserted). All must recover afterwards. */
  readinessDuringFault: 'none' | 'one' | 'all' | 'any';
  /** Failed requests (5xx or no answer) allowed while the fault is on (until recovery). */
  maxFailedDuringFault: number;
  /** Failed requests allowed outside the fault (before it, and after recovery): a healthy system has none. */
  maxFailedOutsideFault: number;
  /** From healing the fault until every replica is ready and requests succeed again. */
  maxRecoverySeconds: number;
  /**
   * p95 latency of requests sent while the fault is on, at most this or 1.5× the p95 before the
   * fault, whichever is larger: the fault must not make latency worse than the bound, and a machine
   * already slower than the bound before the fault (a starved shared CPU) is not the fault's doing.
   */
  maxP95DuringFaultMs: number;
}

export interface ScenarioContext {
  harness: Harness;
  log: (line: string) => void;
}

export interface Scenario {
  name: string;
  title: string;
  hypothesis: string;
  /** What the fault does, in words, for the report. */
  fault: string;
  /** The fault stays on at least this long, then until the expected alerts reached their state, at most `maxFaultSeconds`. */
  minFaultSeconds: number;
  maxFaultSeconds: number;
  inject(ctx: ScenarioContext): Promise<void>;
  heal(ctx: ScenarioContext): Promise<void>;
  expect: Expectations;
}
