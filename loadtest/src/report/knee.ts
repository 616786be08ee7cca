/**
 * Where stress broke the SLO: each constant-rate step judged on its own windows (p95 = the worst
 * window's p95, error ratio over the step), the knee being the highest step before the first one
 * that missed. Steps are matched to 10-second windows, so a boundary is accurate to one window.
 */
import type { SloLimits } from '../thresholds/slo';
import type { TimelinePoint } from './series';

export interface StepVerdict {
  readonly step: number;
  readonly rate: number;
  readonly achievedRps: number;
  readonly p95: number | null;
  readonly errorRatio: number | null;
  readonly held: boolean;
}

export interface Knee {
  readonly steps: readonly StepVerdict[];
  /** The last rate that held the SLO before it first broke; undefined when the first step broke. */
  readonly kneeRate: number | undefined;
  /** The first rate that broke it; undefined when every step held (raise LOADTEST_STRESS_MAX_RATE). */
  readonly brokeAt: number | undefined;
}

export function findKnee(
  points: readonly TimelinePoint[],
  steps: readonly { rate: number; seconds: number }[],
  limits: SloLimits,
): Knee {
  let from = 0;
  const verdicts: StepVerdict[] = steps.map((s, i) => {
    const to = from + s.seconds;
    const windows = points.filter((p) => p.t >= from && p.t < to);
    from = to;
    const requests = windows.reduce((n, p) => n + p.requests, 0);
    const errors = windows.reduce((n, p) => n + p.errors, 0);
    const p95s = windows.flatMap((p) => (p.p95 === null ? [] : [p.p95]));
    const p95 = p95s.length ? Math.max(...p95s) : null;
    const errorRatio = requests > 0 ? errors / requests : null;
    const held =
      p95 !== null && p95 < limits.latencyMs && errorRatio !== null && errorRatio <= limits.maxErrorRatio;
    const achievedRps = windows.length
      ? windows.reduce((n, p) => n + p.requestsPerSecond, 0) / windows.length
      : 0;
    return { step: i + 1, rate: s.rate, achievedRps, p95, errorRatio, held };
  });
  const firstBroken = verdicts.findIndex((v) => !v.held);
  return {
    steps: verdicts,
    brokeAt: firstBroken < 0 ? undefined : verdicts[firstBroken]?.rate,
    kneeRate:
      firstBroken < 0
        ? verdicts.at(-1)?.rate
        : firstBroken === 0
          ? undefined
          : verdicts[firstBroken - 1]?.rate,
  };
}

/** One line naming the knee (Markdown bold), for the report, the perf-baseline index and the console. */
export function kneeHeadline(knee: Knee): string {
  return knee.brokeAt === undefined
    ? `**Knee: not reached** — every step up to ${knee.kneeRate} req/s held the SLO; raise LOADTEST_STRESS_MAX_RATE.`
    : knee.kneeRate === undefined
      ? `**Knee: below the first step** — ${knee.brokeAt} req/s already broke the SLO.`
      : `**Knee: ${knee.kneeRate} req/s** — the SLO held up to ${knee.kneeRate} req/s and broke at ${knee.brokeAt} req/s.`;
}

export function kneeMarkdown(knee: Knee, limits: SloLimits): string[] {
  return [
    kneeHeadline(knee),
    '',
    `SLO per step: ${limits.latencyPercentile} < ${limits.latencyMs} ms and error ratio <= ${(limits.maxErrorRatio * 100).toFixed(3)} %.`,
    '',
    '| Step | Target req/s | Achieved req/s | worst p95 | Error ratio | SLO |',
    '| --- | --- | --- | --- | --- | --- |',
    ...knee.steps.map(
      (s) =>
        `| ${s.step} | ${s.rate} | ${s.achievedRps.toFixed(1)} | ${s.p95 === null ? '–' : `${s.p95.toFixed(1)} ms`} | ${s.errorRatio === null ? '–' : `${(s.errorRatio * 100).toFixed(3)} %`} | ${s.held ? 'held' : '**broke**'} |`,
    ),
  ];
}
